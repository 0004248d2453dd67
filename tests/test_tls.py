"""``serve --tls``: the kit's own CA, made once and kept; HTTPS on the fake OMS with every URL it
builds on the public scheme, host and port; the adapter trusting it; Shopify's npm client
reaching it with nothing but NODE_EXTRA_CA_CERTS; and ``--public-url`` / X-Forwarded-* behind a
proxy."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import serving

TOKEN = "shpat_tls_test"
SDK = Path(__file__).parent / "sdk"


def tls_oms(tls: Path) -> list[str]:
    """``serve oms`` over HTTPS with its CA in ``tls``, on a free port, in memory."""
    return ["oms", "--tls", "--tls-dir", str(tls), "--port", "0", "--db", ":memory:",
            "--oms-token", TOKEN]  # fmt: skip


def get(url: str, context: ssl.SSLContext | None, headers: dict[str, str]) -> tuple[Any, Any]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10, context=context) as answer:
        return json.loads(answer.read() or b"null"), answer.headers


def test_serve_tls_makes_its_ca_once_and_builds_https_urls(lookupkit, tmp_path):
    tls = tmp_path / "tls"
    args = tls_oms(tls)
    with serving(lookupkit, *args) as (_, urls, lines):
        base = urls["oms"]
        assert base.startswith("https://127.0.0.1:")
        assert any(f"NODE_EXTRA_CA_CERTS={tls}/ca.pem" in line for line in lines), lines
        trusted = ssl.create_default_context(cafile=str(tls / "ca.pem"))
        _, headers = get(
            f"{base}/admin/api/2025-01/orders.json?status=any&limit=2",
            trusted,
            {"X-Shopify-Access-Token": TOKEN},
        )
        assert headers["Link"].startswith(f"<{base}/admin/api/2025-01/orders.json?")
        orders, _ = get(f"{base}/stores/abc/v2/orders?limit=1", trusted, {"X-Auth-Token": TOKEN})
        assert orders[0]["products"]["url"].startswith(f"{base}/stores/abc/v2/orders/")
        untrusted = ssl.create_default_context()
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
            get(  # the system's CAs alone do not trust the kit's CA
                f"{base}/admin/api/2025-01/orders/count.json",
                untrusted,
                {"X-Shopify-Access-Token": TOKEN},
            )
    assert oct((tls / "ca.key").stat().st_mode & 0o777) == "0o600"
    assert oct((tls / "server.key").stat().st_mode & 0o777) == "0o600"
    ca = (tls / "ca.pem").read_bytes()
    printed = subprocess.run([lookupkit, "sdk-env", "--tls-dir", str(tls)], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    assert f"export SSL_CERT_FILE={tls}/bundle.pem" in printed.stdout
    assert (tls / "ca.pem").read_bytes() == ca  # made once, kept


def test_shopifys_npm_client_reaches_the_tls_fake_with_only_the_ca_variable(lookupkit, tmp_path):
    tls = tmp_path / "tls"
    args = tls_oms(tls)
    script = SDK / "shopify_tls.mjs"
    assert shutil.which("node"), "run make test (it installs Node.js)"
    assert (SDK / "node_modules").is_dir(), "run make test (npm ci --prefix tests/sdk)"
    with serving(lookupkit, *args) as (_, urls, _lines):
        domain = urls["oms"].removeprefix("https://")
        env = {"PATH": os.environ["PATH"], "NODE_EXTRA_CA_CERTS": str(tls / "ca.pem")}
        ran = subprocess.run(["node", str(script), domain, TOKEN], capture_output=True, text=True, timeout=60, cwd=SDK, env=env)  # fmt: skip
        without = subprocess.run(["node", str(script), domain, TOKEN], capture_output=True, text=True, timeout=60, cwd=SDK, env={"PATH": os.environ["PATH"]})  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert len(json.loads(ran.stdout)["orders"]["nodes"]) == 2
    assert without.returncode != 0  # the CA is what makes it trusted


def test_the_adapter_reads_the_tls_fake_and_urls_follow_a_proxy(lookupkit, tmp_path):
    tls = tmp_path / "tls"
    args = [
        "all",
        "--tls",
        "--tls-dir",
        str(tls),
        "--port",
        "0",
        "--db",
        ":memory:",
        "--public-url",
        "https://shop.example.test:8443",
    ]
    with serving(lookupkit, *args) as (_, urls, lines):
        email = next(line.split()[0] for line in lines if "externalCustomerId" in line)
        lookup = {"emails": [email], "id": "Br1zuiBMTA-daPVl50x45w", "name": "TLS Check"}
        body = json.dumps(
            {"lookupLevel": "BASIC", "query": lookup, "uniqueMatchRequired": False}
        ).encode()
        request = urllib.request.Request(
            urls["adapter"] + "/", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            results = json.loads(answer.read())["results"]
        assert [r["emails"][0]["original"] for r in results] == [email]  # read over HTTPS
        trusted = ssl.create_default_context(cafile=str(tls / "ca.pem"))
        _, headers = get(
            urls["oms"] + "/admin/api/2025-01/orders.json?status=any&limit=1",
            trusted,
            {"X-Shopify-Access-Token": "shpat_lookupkit_dev_token"},
        )
        assert headers["Link"].startswith("<https://shop.example.test:8443/admin/api/")
    bad = subprocess.run([lookupkit, "serve", "oms", "--public-url", "ftp://x/y"], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert bad.returncode == 2
    assert "--public-url" in bad.stderr


async def test_forwarded_headers_name_the_public_origin(servers, http):
    headers = {
        "X-Shopify-Access-Token": "shpat_test_token_0123456789",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "proxy.example.test",
    }
    url = servers.oms + "/admin/api/2025-01/orders.json?status=any&limit=1"
    async with http.get(url, headers=headers) as answer:
        assert answer.headers["Link"].startswith("<https://proxy.example.test/admin/api/")
