"""The reference adapter end to end: Gladly-style requests -> adapter -> fake Shopify, real sockets."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contracts.actions import action_form_is_well_formed, submit_answer_is_documented
from contracts.checks import evaluate
from contracts.exchange import Exchange
from contracts.gladly import gladly_json, gladly_request
from contracts.signing import QueryForm, sign_headers
from generators.dataset import DatasetOptions, records
from mockserver import roles
from mockserver.adapter import AdapterConfig
from mockserver.runner import Running, start, stop
from tests.helpers import ADMIN, KEY, REF, SHOPIFY, TOKEN, gladly

EXPECTED = {
    r["gladly"]["externalCustomerId"]: r["gladly"]
    for r in records(DatasetOptions(customers=30, seed=7, reference=REF), "gladly")
}


def detailed(customer_id: str) -> dict[str, Any]:
    return {
        "lookupLevel": "DETAILED",
        "query": {"externalCustomerId": customer_id},
        "uniqueMatchRequired": True,
    }


def errors(body: Any, request: Any, status: int = 200) -> list[str]:
    return [
        f"{f.rule} {f.path}"
        for f in evaluate(Exchange(body, request=request, status=status), "sidekick")
        if f.severity == "error"
    ]


def without_actions(profile: dict[str, Any]) -> dict[str, Any]:
    return profile | {
        "transactions": [
            {k: v for k, v in t.items() if k != "actions"} for t in profile["transactions"]
        ]
    }


async def test_detailed_lookup_returns_the_generated_profile_for_every_customer(servers, http):
    for customer_id, expected in EXPECTED.items():
        status, body = await gladly(http, servers.adapter + "/", detailed(customer_id))
        assert status == 200
        assert errors(body, detailed(customer_id)) == []
        (profile,) = body["results"]
        assert without_actions(profile) == expected


async def test_detailed_lookup_of_an_unknown_id_is_empty(servers, http):
    for unknown in ("1", "not-a-number", "9" * 30):
        status, body = await gladly(http, servers.adapter + "/", detailed(unknown))
        assert (status, body) == (200, {"results": []})


@pytest.mark.parametrize("by", ["emails", "phones"])
async def test_auto_link_finds_exactly_the_matching_customer(servers, http, by):
    for profile in list(EXPECTED.values())[:10]:
        contact = (
            profile["emails"][0]["original"] if by == "emails" else profile["phones"][0]["original"]
        )
        request = {
            "lookupLevel": "BASIC",
            "query": {by: [contact], "id": "Br1zuiBMTA-daPVl50x45w", "name": "x"},
            "uniqueMatchRequired": False,
        }
        status, body = await gladly(http, servers.adapter + "/", request)
        assert status == 200
        assert [r["externalCustomerId"] for r in body["results"]] == [profile["externalCustomerId"]]
        assert "transactions" not in body["results"][0]
        assert errors(body, request) == []


@pytest.mark.parametrize("attribute", ["email", "phone", "name", "externalCustomerId", "emails"])
async def test_basic_search_on_each_attribute_returns_only_matches(servers, http, attribute):
    profile = list(EXPECTED.values())[3]
    value = {
        "email": profile["emails"][0]["original"],
        "emails": profile["emails"][0]["original"],
        "phone": profile["phones"][0]["original"],
        "name": profile["name"],
        "externalCustomerId": profile["externalCustomerId"],
    }[attribute]
    request = {"lookupLevel": "BASIC", "query": {attribute: value}, "uniqueMatchRequired": False}
    status, body = await gladly(http, servers.adapter + "/", request)
    assert status == 200
    assert profile["externalCustomerId"] in [r["externalCustomerId"] for r in body["results"]]
    assert errors(body, request) == []


@pytest.mark.parametrize("word", ["a", "E", "son"])
async def test_a_name_search_returns_only_customers_with_that_name(servers, http, word):
    """Shopify's free text matches emails too ('a' is in most of them): the adapter keeps the
    customers whose name has the word (the fuzzer found this with {"name": "a"})."""
    request = {"lookupLevel": "BASIC", "query": {"name": word}, "uniqueMatchRequired": False}
    status, body = await gladly(http, servers.adapter + "/", request)
    assert status == 200
    names = [r["name"].lower() for r in body["results"]]
    assert all(word.lower() in name for name in names), names


async def test_basic_search_with_nothing_searchable_is_empty(servers, http):
    request = {
        "lookupLevel": "BASIC",
        "query": {"loyaltyNumber": "123"},
        "uniqueMatchRequired": False,
    }
    assert await gladly(http, servers.adapter + "/", request) == (200, {"results": []})


async def test_lookkit_check_finds_no_error_in_a_detailed_answer(
    servers, http, tmp_path, lookupkit
):
    customer_id = next(iter(EXPECTED))
    _, body = await gladly(http, servers.adapter + "/", detailed(customer_id))
    (tmp_path / "response.json").write_text(json.dumps(body))
    (tmp_path / "request.json").write_text(json.dumps(detailed(customer_id)))
    result = subprocess.run(
        [
            lookupkit,
            "check",
            str(tmp_path / "response.json"),
            "--request",
            str(tmp_path / "request.json"),
            "--profile",
            "sidekick",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout


# -- authentication ----------------------------------------------------------------------------


async def send(http, url: str, raw: bytes, headers: dict[str, str], method: str = "POST") -> int:
    async with http.request(
        method, url, data=raw if method == "POST" else None, headers=headers
    ) as response:
        body = await response.json(content_type=None)
        assert response.content_type == "application/json"
        if response.status == 401:
            assert KEY not in json.dumps(body)
        return int(response.status)


LOOKUP = detailed(next(iter(EXPECTED)))


async def test_signature_rejections(servers, http):
    url = servers.adapter + "/"
    raw, headers = gladly_request("POST", url, LOOKUP)
    assert await send(http, url, raw, headers) == 401  # unsigned
    raw, headers = gladly_request("POST", url, LOOKUP, key="some-other-key")
    assert await send(http, url, raw, headers) == 401  # wrong key
    raw, headers = gladly_request("POST", url, LOOKUP, key=KEY)
    assert (
        await send(http, url, raw.replace(b"DETAILED", b"detailed"), headers) == 401
    )  # tampered body
    assert (
        await send(http, url, raw, headers | {"X-B3-Traceid": "0" * 32}) == 401
    )  # other header values
    stale = datetime.now(UTC) - timedelta(minutes=10)
    raw, headers = gladly_request("POST", url, LOOKUP, key=KEY, time=stale)
    assert await send(http, url, raw, headers) == 401  # outside the 5-minute window
    raw, headers = gladly_request("POST", url, LOOKUP, key=KEY)
    assert await send(http, url, raw, headers) == 200


async def test_every_correctly_signed_variant_is_accepted(servers, http):
    url = servers.adapter + "/"
    query = LOOKUP["query"] | {
        "name": "Zoë <Ångström> & Co \u2028",
        "emails": ["o'neil@example.com"],
    }
    body = LOOKUP | {"query": query}
    raw, headers = gladly_request("POST", url, body, key=KEY)
    assert b"\\u003c" in raw
    assert await send(http, url, raw, headers) == 200
    assert await send(http, url, raw, {k.lower(): v for k, v in headers.items()}) == 200
    reordered = json.dumps(
        {"uniqueMatchRequired": True, "query": query, "lookupLevel": "DETAILED"}, indent=1
    ).encode()
    signed = sign_headers(
        KEY,
        "POST",
        "/",
        {k: v for k, v in headers.items() if k != "Gladly-Authorization"},
        reordered,
    )
    assert await send(http, url, reordered, signed) == 200
    extra = LOOKUP | {
        "query": LOOKUP["query"] | {"favoriteFood": "Pie", "customAttributes": {"tier": "gold"}}
    }
    raw, headers = gladly_request("POST", url, extra, key=KEY)
    assert await send(http, url, raw, headers) == 200


@pytest.mark.parametrize("form", list(QueryForm))
async def test_action_form_get_accepts_both_query_forms(servers, http, form):
    order_id = EXPECTED_ORDER_ID(servers)
    url = f"{servers.adapter}/actions/add-note?order={order_id}"
    raw, headers = gladly_request("GET", url, key=KEY, query_form=form)
    assert await send(http, url, raw, headers, method="GET") == 200


def EXPECTED_ORDER_ID(servers) -> int:
    from mockserver.oms.store import OrderQuery

    return int(servers.store.list_orders(OrderQuery(status="any"), limit=1)[0][1])


async def test_basic_credentials_are_required_when_configured(store, http):
    running = Running()

    oms_url = await start(running, "oms", roles.oms_app(store, token=TOKEN))
    config = AdapterConfig(
        oms_url + SHOPIFY, TOKEN, signing_key=KEY, basic_auth=("gladly", "s3cret")
    )
    url = await start(running, "adapter", roles.adapter_app(store, config)) + "/"
    try:
        for creds in (None, ("gladly", "wrong", "r"), ("other", "s3cret", "r")):
            raw, headers = gladly_request("POST", url, LOOKUP, key=KEY, basic_auth=creds)
            async with http.post(url, data=raw, headers=headers) as response:
                assert response.status == 401
                assert response.headers["WWW-Authenticate"].startswith("Basic")
        raw, headers = gladly_request(
            "POST", url, LOOKUP, key=KEY, basic_auth=("gladly", "s3cret", "r")
        )
        assert await send(http, url, raw, headers) == 200
    finally:
        await stop(running)


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status", "needle"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b"", 400, "not valid JSON"),
        (b"[]", 400, "JSON object"),
        (b'{"lookupLevel":"SOMETIMES","query":{},"uniqueMatchRequired":false}', 400, "lookupLevel"),
        (b'{"lookupLevel":"BASIC","query":"x","uniqueMatchRequired":false}', 400, "query"),
        (
            b'{"lookupLevel":"BASIC","query":{},"uniqueMatchRequired":"no"}',
            400,
            "uniqueMatchRequired",
        ),
        (
            b'{"lookupLevel":"DETAILED","query":{"externalCustomerId":5},"uniqueMatchRequired":true}',
            400,
            "externalCustomerId",
        ),
        (b'{"a":' * 5000 + b"1" + b"}" * 5000, 400, "not valid JSON"),
        (b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}', 413, "larger than 1 MiB"),
    ],
)
async def test_bad_lookups_get_a_4xx_that_says_why(servers, http, raw, status, needle):
    _, headers = gladly_request("POST", servers.adapter + "/", {}, key=KEY)
    headers = sign_headers(
        KEY, "POST", "/", {k: v for k, v in headers.items() if k != "Gladly-Authorization"}, raw
    )
    async with http.post(servers.adapter + "/", data=io.BytesIO(raw), headers=headers) as response:
        body = await response.json()
    assert response.status == status
    assert needle in body["errors"][0]["detail"]
    assert "Traceback" not in json.dumps(body)


# -- actions ---------------------------------------------------------------------------------------


async def run_action(
    http, servers, name: str, values: dict[str, Any]
) -> tuple[int, Any, dict[str, Any]]:
    """Find the action on the customer's orders, fetch its form, submit; return status, answer, form."""
    for customer_id in EXPECTED:
        _, body = await gladly(http, servers.adapter + "/", detailed(customer_id))
        for txn in body["results"][0]["transactions"]:
            action = next((a for a in txn["actions"] if a["name"] == name), None)
            if action:
                status, form = await gladly(http, servers.adapter + action["formUrl"], method="GET")
                assert status == 200
                assert list(action_form_is_well_formed(form)) == []
                status, answer = await gladly(http, servers.adapter + form["actionUrl"], values)
                assert list(submit_answer_is_documented(status, answer)) == []
                return status, answer, {"customer": customer_id, "orderNumber": txn["orderNumber"]}
    raise AssertionError(f"no order offers {name!r}")


async def refreshed(http, servers, where: dict[str, Any]) -> dict[str, Any]:
    _, body = await gladly(http, servers.adapter + "/", detailed(where["customer"]))
    return next(
        t for t in body["results"][0]["transactions"] if t["orderNumber"] == where["orderNumber"]
    )


async def test_cancel_action_round_trip(servers, http):
    status, answer, where = await run_action(
        http, servers, "Cancel order", {"reason": "customer", "notify": False}
    )
    assert status == 200
    assert answer["message"] == f"Order {where['orderNumber']} canceled"
    order = await refreshed(http, servers, where)
    assert order["orderStatus"] == "canceled"
    assert [a["name"] for a in order["actions"]] == ["Add a note"]


async def test_note_action_round_trip(servers, http):
    status, _, where = await run_action(
        http, servers, "Add a note", {"note": "Customer called about sizing"}
    )
    assert status == 200
    assert (await refreshed(http, servers, where))["note"].endswith("Customer called about sizing")


@pytest.mark.parametrize(
    ("name", "values", "attr"),
    [
        ("Cancel order", {"reason": "whim"}, "reason"),
        ("Add a note", {"note": "  "}, "note"),
        ("Add a note", {"note": "x" * 1001}, "note"),
    ],
)
async def test_action_field_errors_name_the_field(servers, http, name, values, attr):
    status, answer, _ = await run_action(http, servers, name, values)
    assert status == 400
    assert answer["errors"][0]["attr"] == attr


async def test_cancelling_a_shipped_order_is_refused_with_406(servers, http):
    from mockserver.oms.store import OrderQuery

    shipped = next(
        json.loads(r[2])
        for r in servers.store.list_orders(
            OrderQuery(status="any", fulfillment_status="shipped"), limit=1
        )
    )
    status, answer = await gladly(
        http,
        f"{servers.adapter}/actions/cancel-order?order={shipped['id']}",
        {"reason": "customer"},
    )
    assert status == 406
    assert "fulfillments" in answer["errors"][0]["detail"]


# -- the OMS misbehaving ------------------------------------------------------------------------


async def add_fault(http, servers, **spec: Any) -> None:
    async with http.post(servers.oms + "/_mock/faults", json=spec, headers=ADMIN) as response:
        assert response.status == 201


async def test_oms_429_is_retried_after_retry_after(servers, http):
    servers.store.settings["rateLimit"] = True
    customer_id = next(iter(EXPECTED))
    await add_fault(
        http,
        servers,
        kind="status",
        status=429,
        times=1,
        route=f"{SHOPIFY}/customers/{customer_id}.json",
    )
    status, body = await gladly(http, servers.adapter + "/", detailed(customer_id))
    assert status == 200
    assert body["results"][0]["externalCustomerId"] == customer_id
    calls = [
        r.status
        for r in servers.store.requests
        if r.path == f"{SHOPIFY}/customers/{customer_id}.json"
    ]
    assert calls == [429, 200]


@pytest.mark.parametrize(("kind", "status"), [("status", 502), ("malformed", 502)])
async def test_oms_failures_become_502_with_a_reason(servers, http, kind, status):
    await add_fault(http, servers, kind=kind, status=503, times=1, route=f"{SHOPIFY}/customers/*")
    got, body = await gladly(http, servers.adapter + "/", detailed(next(iter(EXPECTED))))
    assert got == status
    assert body["errors"][0]["code"] == "oms-unavailable"


async def test_a_slow_oms_still_gets_an_answer_within_the_budget(store, http):

    running = Running()
    oms_url = await start(running, "oms", roles.oms_app(store, token=TOKEN))
    config = AdapterConfig(oms_url + SHOPIFY, TOKEN, signing_key=KEY, budget=1.0)
    url = await start(running, "adapter", roles.adapter_app(store, config))
    store.add_fault(role="oms", route=f"{SHOPIFY}/customers/*", kind="latency", delay_ms=3000)
    try:
        started = datetime.now(UTC)
        status, body = await gladly(http, url + "/", detailed(next(iter(EXPECTED))))
        elapsed = (datetime.now(UTC) - started).total_seconds()
        assert status == 504
        assert elapsed < 2.0
        assert body["errors"][0]["code"] == "oms-unavailable"
    finally:
        store.faults.clear()
        await stop(running)


async def test_requests_gladly_never_sends_are_reported(servers, http):
    async with http.get(servers.adapter + "/", headers={}) as response:
        assert response.status in (401, 405)
    servers.store.unexpected.clear()


def test_gladly_json_matches_go_escaping():
    assert (
        gladly_json({"b": "<&>", "a": "é\u2028"})
        == '{"a":"é\\u2028","b":"\\u003c\\u0026\\u003e"}'.encode()
    )


@pytest.mark.parametrize("odd_id", ["³", "١٢٣", "12\u00b2", " 12", "-1", "9" * 20])
async def test_ids_that_only_look_numeric_find_no_one(servers, http, odd_id):
    status, body = await gladly(http, servers.adapter + "/", detailed(odd_id))
    assert (status, body) == (200, {"results": []})


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("email", "*"), ("email", '" OR ""="'), ("name", "*"), ("phone", "*"), ("email", "%@%")],
)
async def test_search_syntax_in_a_value_matches_no_one(servers, http, attribute, value):
    request = {"lookupLevel": "BASIC", "query": {attribute: value}, "uniqueMatchRequired": False}
    status, body = await gladly(http, servers.adapter + "/", request)
    assert (status, body) == (200, {"results": []})
    auto = {"lookupLevel": "BASIC", "query": {"emails": [value]}, "uniqueMatchRequired": False}
    assert await gladly(http, servers.adapter + "/", auto) == (200, {"results": []})


async def test_concurrent_notes_are_all_kept_and_a_replayed_submit_adds_nothing(servers, http):
    """20 submits at once on one order: every acknowledged note is in the shop (the adapter
    updates only if unchanged since it read, and retries); the same signed submit sent again
    (a replay, or Gladly retrying) gets the first answer and writes nothing."""
    order_id = EXPECTED_ORDER_ID(servers)
    url = f"{servers.adapter}/actions/add-note?order={order_id}"
    notes = [f"concurrent note {n:02d}" for n in range(20)]
    answers = await asyncio.gather(*(gladly(http, url, {"note": note}) for note in notes))
    acknowledged = [note for note, (status, _) in zip(notes, answers, strict=True) if status == 200]
    assert len(acknowledged) == 20, [a for a in answers if a[0] != 200]
    kept = servers.store.order(order_id)["note"]
    assert all(note in kept for note in acknowledged), kept
    raw, headers = gladly_request("POST", url, {"note": "sent twice"}, key=KEY)
    first = await send(http, url, raw, headers)
    again = await send(http, url, raw, headers)
    assert (first, again) == (200, 200)
    assert servers.store.order(order_id)["note"].count("sent twice") == 1
