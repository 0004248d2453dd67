"""The Python SDKs as users run them against ``lookupkit serve oms --tls``: ``ShopifyAPI`` (REST
and its GraphQL client) and ``bigcommerce``, trusting the kit's CA through the variables ``serve``
prints, each finding a customer by email, paging through their orders to the last page,
counting orders, reading tracking numbers, refused with a bad token, and past the platform's rate
limit given a 429 with its own exception and the platform's hint of when to retry."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.helpers import serving

TOKEN = "shpat_python_sdks"
SCRIPT = Path(__file__).parent / "sdk" / "python_sdks.py"


def test_shopifyapi_and_bigcommerce_work_against_the_tls_fake(lookupkit, tmp_path):
    tls = tmp_path / "tls"
    args = ["oms", "--tls", "--tls-dir", str(tls), "--port", "0", "--db", ":memory:",
            "--no-rate-limit", "--customers", "20", "--oms-token", TOKEN]  # fmt: skip
    with serving(lookupkit, *args) as (_, urls, lines):
        origin = urls["oms"]
        email = next(line.split()[0] for line in lines if "externalCustomerId" in line)
        env = {
            "PATH": os.environ["PATH"],
            "SSL_CERT_FILE": str(tls / "bundle.pem"),
            "REQUESTS_CA_BUNDLE": str(tls / "bundle.pem"),
            "BC_API_ENDPOINT": origin.removeprefix("https://"),
        }
        ran = subprocess.run(
            [sys.executable, str(SCRIPT), origin, TOKEN, email],
            capture_output=True, text=True, timeout=120, env=env,
        )  # fmt: skip
        assert ran.returncode == 0, ran.stderr[-3000:]
        got = json.loads(ran.stdout)
        request = urllib.request.Request(
            f"{origin}/admin/api/2025-01/customers/search.json?query=email:{email}",
            headers={"X-Shopify-Access-Token": TOKEN},
        )
        context = ssl.create_default_context(cafile=str(tls / "ca.pem"))
        with urllib.request.urlopen(request, timeout=10, context=context) as answer:
            [customer] = json.loads(answer.read())["customers"]
        orders_url = f"{origin}/admin/api/2025-01/customers/{customer['id']}/orders.json?status=any&limit=250"
        with urllib.request.urlopen(
            urllib.request.Request(orders_url, headers={"X-Shopify-Access-Token": TOKEN}),
            timeout=10,
            context=context,
        ) as answer:
            expected = [o["name"] for o in json.loads(answer.read())["orders"]]
    shop, bc = got["shopify"], got["bigcommerce"]
    assert shop["customerId"] == customer["id"]
    assert shop["orders"] == expected  # every page, in order
    assert shop["pages"] == -(-len(expected) // 2)
    assert shop["count"] > len(expected)
    assert shop["tracking"]
    assert all(shop["tracking"])
    assert shop["graphql"]["data"]["customers"]["nodes"] == [{"email": email}]
    assert shop["badTokenRefused"] is True
    assert bc["customerId"] == customer["id"]
    assert sorted(bc["orders"]) == sorted(int(n.lstrip("#")) for n in expected)
    assert bc["count"] == shop["count"]
    assert bc["tracking"]
    assert all(bc["tracking"])
    assert bc["badTokenRefused"] is True


def test_both_sdks_get_the_platforms_429_and_its_retry_hint(lookupkit, tmp_path):
    """Neither Python SDK retries a 429 itself (shopify-api-node does: test_sdk_shopify_rest),
    so each must get the platform's own: Shopify's leaky bucket refuses the 41st call at once
    with Retry-After, after which a call works; BigCommerce refuses the 151st of its window
    with X-Rate-Limit-Time-Reset-Ms, which its SDK reads as retry_after."""
    tls = tmp_path / "tls"
    args = ["oms", "--tls", "--tls-dir", str(tls), "--port", "0", "--db", ":memory:",
            "--customers", "3", "--oms-token", TOKEN]  # fmt: skip  # rate limits on
    with serving(lookupkit, *args) as (_, urls, _lines):
        env = {
            "PATH": os.environ["PATH"],
            "SSL_CERT_FILE": str(tls / "bundle.pem"),
            "REQUESTS_CA_BUNDLE": str(tls / "bundle.pem"),
            "BC_API_ENDPOINT": urls["oms"].removeprefix("https://"),
        }
        ran = subprocess.run(
            [sys.executable, str(SCRIPT), urls["oms"], TOKEN, "-", "rate-limited"],
            capture_output=True, text=True, timeout=120, env=env,
        )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    got = json.loads(ran.stdout)
    shop, bc = got["shopify"], got["bigcommerce"]
    assert shop["status"] == 429, shop
    # a bucket of 40 that leaks 2 a second: the 41st call at the earliest, later as it drains
    assert 41 <= shop["calls"] <= 41 + 2 * shop["seconds"] + 2, shop
    assert 0 < shop["retryAfter"] <= 2, shop
    assert shop["after"] > 0  # waited as told, then answered
    assert (bc["status"], bc["calls"]) == (429, 151), bc
    assert 0 < bc["retryAfterMs"] <= 30_000, bc
