"""Magento's OAuth 1.0a integration signatures: the RFC's own example, and the npm
``magento-api-rest`` client (installed by ``make test`` into ``tests/sdk``) signing real requests
to the fake with HMAC-SHA256 and HMAC-SHA1."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote

import pytest

from mockserver.oms.magento_oauth import base_string, signature
from mockserver.oms.store import OrderQuery
from tests.helpers import ADMIN_TOKEN, TOKEN, run_node

SDK = Path(__file__).parent / "sdk"


def test_the_signature_is_oauth_core_1_0_appendix_a():
    params = [
        ("file", "vacation.jpg"), ("size", "original"),
        ("oauth_consumer_key", "dpf43f3p2l4k3l03"), ("oauth_token", "nnch734d00sl2jdk"),
        ("oauth_signature_method", "HMAC-SHA1"), ("oauth_timestamp", "1191242096"),
        ("oauth_nonce", "kllo9940pd9333jh"), ("oauth_version", "1.0"),
    ]  # fmt: skip
    base = base_string("GET", "http://photos.example.net/photos", params)
    assert base.startswith("GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26")
    assert signature("HMAC-SHA1", base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00") == (
        "tR3+Ty81lMeYAr/Fid0kMTYa/WM="
    )


@pytest.mark.parametrize("sha", ["256", "1"])
async def test_magento_api_rest_signs_requests_the_fake_accepts(servers, sha):
    customer = servers.store.known_customers(1)[0]
    got = await run_node(
        "magento_oauth.mjs", servers.oms, TOKEN, customer["email"], sha, package="magento-api-rest"
    )
    assert got["customers"]["status"] == 200, got["customers"]
    assert [c["id"] for c in got["customers"]["body"]["items"]] == [customer["id"]]
    assert got["everyOrder"]["status"] == 200, got["everyOrder"]
    assert got["everyOrder"]["body"]["total_count"] == len(got["everyOrder"]["body"]["items"]) > 0
    assert got["wrongSecret"]["status"] == 401
    assert "signature is invalid" in got["wrongSecret"]["body"]["message"]


def signed(url: str, query: dict[str, str], *, nonce: str, when: float, secret: str = TOKEN) -> str:
    oauth = {
        "oauth_consumer_key": "lookupkit", "oauth_token": "lookupkit",
        "oauth_signature_method": "HMAC-SHA256", "oauth_timestamp": str(int(when)),
        "oauth_nonce": nonce, "oauth_version": "1.0",
    }  # fmt: skip
    base = base_string("GET", url, [*query.items(), *oauth.items()])
    oauth["oauth_signature"] = signature("HMAC-SHA256", base, secret, secret)
    return "OAuth " + ", ".join(f'{k}="{quote(v, safe="")}"' for k, v in oauth.items())


async def test_a_replayed_nonce_or_an_old_timestamp_is_refused(servers, http):
    url, query = servers.oms + "/rest/V1/orders", {"searchCriteria[pageSize]": "1"}
    header = signed(url, query, nonce="n-1", when=time.time())
    for expected in (200, 401):  # the same signed request twice: the second is a replay
        async with http.get(url, params=query, headers={"Authorization": header}) as response:
            assert response.status == expected
            answer = await response.json()
    assert "nonce" in answer["message"]
    old = signed(url, query, nonce="n-2", when=time.time() - 3600)
    async with http.get(url, params=query, headers={"Authorization": old}) as response:
        assert response.status == 401
        assert "ten minutes" in (await response.json())["message"]


async def test_magento_api_rest_pages_orders_reads_tracking_and_gets_the_429(servers, http):
    """Orders by the customer's email, two a page to the last (Magento's total_count), each
    order's shipments with tracking; magento-api-rest does not retry a 429: it rejects with the
    status and Magento's Retry-After, and the call after waiting that long works."""
    store = servers.store

    def shipped(customer_id: int) -> dict[str, list[str]]:  # increment id -> tracking numbers
        orders = store.orders_page(OrderQuery(customer_id=customer_id, status="any"), limit=99)
        return {
            f"{o['order_number']:09d}": numbers
            for o in orders
            if (numbers := [n for f in o["fulfillments"] if f["status"] == "success"
                            for n in f["tracking_numbers"]])
        }  # fmt: skip

    customer = next(c for c in store.known_customers(30) if c["orders"] >= 3 and shipped(c["id"]))
    fault = {"kind": "status", "status": 429, "times": 1, "retryAfter": 1,
             "route": "/rest/V1/orders", "method": "GET"}  # fmt: skip
    async with http.post(
        servers.oms + "/_mock/faults", json=fault, headers={"Lookupkit-Admin-Token": ADMIN_TOKEN}
    ) as response:
        assert response.status == 201, await response.text()
    got = await run_node(
        "magento_sdk.mjs", servers.oms, TOKEN, customer["email"], package="magento-api-rest"
    )
    assert got["limited"] == {"status": 429, "retryAfter": "1"}
    orders = [o for page in got["pages"] for o in page]
    assert got["total"] == customer["orders"] == len(set(orders))
    assert [len(page) for page in got["pages"]][:-1] == [2] * (len(got["pages"]) - 1)
    assert got["tracking"] == shipped(customer["id"])
