"""npm ``node-bigcommerce`` against ``lookupkit serve oms --tls``: the SDK always calls
api.bigcommerce.com on port 443, so it reaches the fake through its own ``agent`` option (an
https.Agent whose connections go to loopback, TLS still checked for api.bigcommerce.com), and
trusts the kit's CA through NODE_EXTRA_CA_CERTS. It finds a customer by email, pages through
their 60 orders to past the last page, counts them through an injected 429 it retries itself,
reads tracking numbers, and is refused with a bad token."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

from tests.helpers import ADMIN_TOKEN, serving

TOKEN = "bc_node_sdk_token"
SDK = Path(__file__).parent / "sdk"
STORE = "abc123"


def _call(url: str, context: ssl.SSLContext, body: Any = None) -> Any:
    headers = {"Lookupkit-Admin-Token": ADMIN_TOKEN, "Content-Type": "application/json"}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10, context=context) as answer:
        return json.loads(answer.read())


def test_node_bigcommerce_pages_counts_retries_and_is_refused(lookupkit, tmp_path):
    assert shutil.which("node"), "run make test (it installs Node.js)"
    assert (SDK / "node_modules" / "node-bigcommerce").is_dir(), "run make test (npm ci)"
    tls = tmp_path / "tls"
    args = ["oms", "--tls", "--tls-dir", str(tls), "--port", "0", "--db", ":memory:",
            "--customers", "40", "--oms-token", TOKEN, "--admin-token", ADMIN_TOKEN]  # fmt: skip
    with serving(lookupkit, *args) as (_, urls, _lines):
        origin = urls["oms"]
        trusted = ssl.create_default_context(cafile=str(tls / "ca.pem"))
        deep = _call(origin + "/_mock/customers?limit=1", trusted)["customers"][0]
        assert deep["orders"] == 60
        fault = {"kind": "status", "status": 429, "times": 1, "retryAfter": 1,
                 "route": f"/stores/{STORE}/v2/orders/count"}  # fmt: skip
        _call(origin + "/_mock/faults", trusted, fault)
        env = {"PATH": os.environ["PATH"], "NODE_EXTRA_CA_CERTS": str(tls / "ca.pem")}
        port = origin.rsplit(":", 1)[1]
        ran = subprocess.run(
            ["node", str(SDK / "bigcommerce_node.mjs"), port, TOKEN, STORE, deep["email"]],
            capture_output=True, text=True, timeout=120, cwd=SDK, env=env,
        )  # fmt: skip
        journal = _call(origin + "/_mock/requests", trusted)["requests"]
        untrusted = subprocess.run(
            ["node", str(SDK / "bigcommerce_node.mjs"), port, TOKEN, STORE, deep["email"]],
            capture_output=True, text=True, timeout=120, cwd=SDK, env={"PATH": os.environ["PATH"]},
        )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    out = json.loads(ran.stdout)
    assert out["customers"] == [deep["id"]]
    assert [len(page) for page in out["pages"]] == [25, 25, 10]
    assert out["pastTheLastPage"] == "an empty body"  # BigCommerce's 204
    orders = [i for page in out["pages"] for i in page]
    assert len(set(orders)) == 60
    assert out["count"] == 60
    counts = [r["status"] for r in journal if r["path"].endswith("/v2/orders/count")]
    assert counts == [429, 200]  # refused once, retried by the SDK after the hint
    assert out["countSeconds"] >= 1
    assert out["tracking"], out
    assert all(all(isinstance(n, str) and n for n in ns) for ns in out["tracking"].values())
    assert out["badToken"] == 401
    assert untrusted.returncode != 0  # the kit's CA is what makes the fake trusted
    assert "certificate" in untrusted.stderr.lower()
