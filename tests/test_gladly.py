"""The fake Gladly: its decisions as functions, and its JSON API through real sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from generators.build import TYPES
from mockserver.gladly import (
    GladlyConfig,
    Profile,
    autolink_decision,
    cards,
    create_app,
    wismo_view,
)
from mockserver.runner import Running, start, stop
from tests.helpers import KEY, all_types_app, all_types_profiles

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def test_autolink_decisions_explain_themselves():
    me = Profile("p", "Ana", ["Ana@Example.com"], ["+14155550123"], {})
    assert autolink_decision(me, [])[0] is None
    assert (
        "exactly one"
        in autolink_decision(me, [{"externalCustomerId": "1"}, {"externalCustomerId": "2"}])[1]
    )
    by_email = autolink_decision(
        me, [{"externalCustomerId": "1", "emails": [{"original": " ana@example.COM "}]}]
    )
    assert by_email == ("1", "Linked: the result shares an email with this profile.")
    by_phone = autolink_decision(
        me,
        [
            {
                "externalCustomerId": "2",
                "phones": [{"original": "+1 415 555 0123", "type": "MOBILE"}],
            }
        ],
    )
    assert by_phone[0] == "2"
    home = autolink_decision(
        me, [{"externalCustomerId": "3", "phones": [{"original": "+14155550123", "type": "HOME"}]}]
    )
    assert home[0] is None
    assert "MOBILE" in home[1]


def test_cards_are_labelled_counted_grouped_and_hidden_when_empty():
    txns = [{"type": "ORDER", "orderNumber": str(n)} for n in range(8)] + [
        {"type": "STAY", "title": "past", "checkOutTime": (NOW - timedelta(days=3)).isoformat()},
        {"type": "STAY", "title": "now", "checkOutTime": (NOW + timedelta(days=1)).isoformat()},
        {
            "type": "SUBSCRIPTION",
            "subscriptionId": "a",
            "status": "Active",
            "billingIntervalUnit": "month",
            "billingIntervalNumber": "1",
        },
        {
            "type": "SUBSCRIPTION",
            "subscriptionId": "b",
            "status": "Cancelled",
            "cancellationDate": "2026-01-01",
        },
        {
            "type": "SUBSCRIPTION",
            "subscriptionId": "c",
            "status": "Cancelled",
            "cancellationDate": "2026-06-01",
        },
        {"type": "GENERIC", "name": "RES 1"},
    ]
    shown = {c["type"]: c for c in cards(txns, now=NOW)}
    assert list(shown) == [
        "ORDER",
        "STAY",
        "SUBSCRIPTION",
        "GENERIC",
    ]  # no FLIGHT card without flights
    assert shown["ORDER"]["label"] == "8 Orders"
    assert shown["GENERIC"]["label"] == "1 Transaction"
    assert [[t["title"] for t in g["items"]] for g in shown["STAY"]["groups"]] == [
        ["now"],
        ["past"],
    ]
    assert [g["label"] for g in shown["STAY"]["groups"]] == ["Current & Future", "Previous"]
    assert [t["subscriptionId"] for t in shown["SUBSCRIPTION"]["items"]] == ["c", "b", "a"]
    assert shown["SUBSCRIPTION"]["items"][2]["billingFrequency"] == "Every 1 month"


def test_wismo_shows_the_latest_recent_orders_or_says_what_is_missing():
    def order(days: int, number: str, **extra: Any) -> dict[str, Any]:
        return {
            "type": "ORDER",
            "orderNumber": number,
            "createdAt": (NOW - timedelta(days=days)).isoformat(),
            "orderStatus": "pending",
            "orderTotal": "$5.00",
            "fulfillments": [],
            "products": [],
        } | extra

    view = wismo_view(
        {
            "transactions": [
                order(40, "old"),
                order(2, "b"),
                order(1, "a"),
                order(5, "c"),
                order(9, "d"),
            ]
        },
        NOW,
    )
    assert [o["orderNumber"] for o in view["orders"]] == ["a", "b", "c"]
    assert view["latest"]["orderNumber"] == "a"
    assert view["enough"]
    stale = wismo_view({"transactions": [order(45, "old")]}, NOW)
    assert stale["latest"] is None
    assert "last 30 days" in stale["missing"][0]
    thin = wismo_view(
        {"transactions": [order(1, "x", orderTotal="", fulfillments=[{"carrier": "UPS"}])]}, NOW
    )
    assert thin["missing"] == [
        "orderTotal",
        "fulfillments[0].trackingNumber",
        "fulfillments[0].trackingUrl",
    ]
    assert not thin["enough"]


# -- the JSON API --------------------------------------------------------------------------------


@pytest.fixture
async def gladly_url(servers) -> AsyncIterator[str]:
    running = Running()
    url = await start(
        running,
        "gladly",
        create_app(
            GladlyConfig(
                servers.adapter + "/", signing_key=KEY, search_attributes=("email", "name")
            )
        ),
    )
    yield url
    await stop(running)


async def call(
    http: aiohttp.ClientSession, method: str, url: str, body: Any = None
) -> tuple[int, Any]:
    if method == "POST" and body is None:
        body = {}  # API writes are JSON, empty or not
    async with http.request(method, url, json=body) as response:
        return response.status, await response.json()


async def new_profile(http, gladly_url: str, **fields: Any) -> dict[str, Any]:
    status, body = await call(
        http, "POST", gladly_url + "/api/profiles", {"name": "Test Person"} | fields
    )
    assert status == 201, body
    profile: dict[str, Any] = body
    return profile


async def test_api_autolink_then_detailed_lookup(servers, http, gladly_url):
    customer = servers.store.known_customers(1)[0]
    profile = await new_profile(http, gladly_url, emails=[customer["email"]])
    status, linked = await call(http, "POST", f"{gladly_url}/api/profiles/{profile['id']}/autolink")
    assert status == 200
    assert linked["linked"] is True
    assert linked["profile"]["linkedTo"] == str(customer["id"])
    assert linked["profile"]["cards"][0]["label"] == f"{customer['orders']} Orders"
    _, log = await call(http, "GET", gladly_url + "/api/debugger")
    kinds = [x["kind"] for x in log["exchanges"]]
    assert kinds == ["auto-link", "detailed"]
    assert all(x["findings"] == [] for x in log["exchanges"])
    assert "Signature=" in log["exchanges"][0]["requestHeaders"]["Gladly-Authorization"]


async def test_api_autolink_that_finds_nobody_explains_why(http, gladly_url):
    profile = await new_profile(http, gladly_url, emails=["nobody@example.com"])
    status, result = await call(http, "POST", f"{gladly_url}/api/profiles/{profile['id']}/autolink")
    assert (status, result["linked"]) == (200, False)
    assert "no customer" in result["reason"]


async def test_api_search_and_link(servers, http, gladly_url):
    customer = servers.store.known_customers(2)[1]
    profile = await new_profile(http, gladly_url)
    status, found = await call(
        http,
        "POST",
        f"{gladly_url}/api/profiles/{profile['id']}/search",
        {"query": {"email": customer["email"]}},
    )
    assert status == 200
    assert found["columns"] == ["name", "externalCustomerId", "emails"]
    assert [r["externalCustomerId"] for r in found["rows"]] == [str(customer["id"])]
    assert found["rows"][0]["columns"]["emails"] == customer["email"]
    status, linked = await call(
        http,
        "POST",
        f"{gladly_url}/api/profiles/{profile['id']}/link",
        {"externalCustomerId": str(customer["id"])},
    )
    assert (status, linked["profile"]["linkedTo"]) == (200, str(customer["id"]))


async def test_api_action_round_trip(servers, http, gladly_url):
    customer = servers.store.known_customers(1)[0]
    profile = await new_profile(http, gladly_url, emails=[customer["email"]])
    _, linked = await call(http, "POST", f"{gladly_url}/api/profiles/{profile['id']}/autolink")
    order = linked["profile"]["cards"][0]["items"][0]
    note = next(a for a in order["actions"] if a["name"] == "Add a note")
    status, form = await call(
        http,
        "POST",
        f"{gladly_url}/api/profiles/{profile['id']}/actions/form",
        {"formUrl": note["formUrl"]},
    )
    assert status == 200
    assert form["problems"] == []
    status, bad = await call(
        http,
        "POST",
        f"{gladly_url}/api/profiles/{profile['id']}/actions/submit",
        {"actionUrl": form["form"]["actionUrl"], "values": {"note": ""}},
    )
    assert (status, bad["ok"], bad["errors"][0]["attr"]) == (200, False, "note")
    status, done = await call(
        http,
        "POST",
        f"{gladly_url}/api/profiles/{profile['id']}/actions/submit",
        {"actionUrl": form["form"]["actionUrl"], "values": {"note": "From the API test"}},
    )
    assert done["ok"] is True
    refreshed = done["profile"]["cards"][0]["items"][0]
    assert refreshed["note"].endswith("From the API test")


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("GET", "/api/profiles/nope", None, 404, "id"),
        ("POST", "/api/profiles/nope/autolink", None, 404, "id"),
        ("POST", "/api/profiles", {"name": "X", "emails": ["not-an-email"]}, 400, "emails[0]"),
        ("POST", "/api/profiles", {"name": "X", "phones": ["555-0100"]}, 400, "phones[0]"),
        ("POST", "/api/profiles", {"name": ""}, 400, "name"),
        (
            "POST",
            "/api/profiles",
            {"name": "X", "customAttributes": {"a": 1}},
            400,
            "customAttributes",
        ),
        ("POST", "/api/threads", {"quickReply": "Returns"}, 400, "quickReply"),
        ("POST", "/api/threads/nope/email", {"email": "a@example.com"}, 404, "id"),
        ("GET", "/api/threads/nope", None, 404, "id"),
        ("GET", "/api/reports/threads?from=yesterday", None, 400, "from"),
        ("GET", "/api/reports/threads?from=2026-02-01&to=2026-01-01", None, 400, "from"),
        ("GET", "/api/reports/threads?from=2020-01-01&to=2026-01-01", None, 400, "from"),
        ("GET", "/api/reports/threads?price=-1", None, 400, "price"),
        ("GET", "/api/reports/threads.csv?price=NaN", None, 400, "price"),
        ("POST", "/api/cards", {"text": 'card = "x"'}, 400, "text"),
        ("POST", "/api/cards", {"text": "", "format": "yaml"}, 400, "format"),
        ("POST", "/api/cards", {}, 400, "text"),
        ("POST", "/api/tools/lookup", {}, 400, "email"),
        ("POST", "/api/tools/lookup", {"phone": "555-0100"}, 400, "phone"),
        ("POST", "/api/tools/lookup", {"email": "a@example.com", "workflow": "x"}, 400, "workflow"),
    ],
)
async def test_api_bad_input_is_a_clear_4xx(http, gladly_url, method, path, body, status, field):
    got, answer = await call(http, method, gladly_url + path, body)
    assert got == status
    assert answer["field"] == field
    assert answer["error"]


async def test_api_bad_json_body(http, gladly_url):
    async with http.post(
        gladly_url + "/api/profiles", data=b"{nope", headers={"Content-Type": "application/json"}
    ) as r:
        assert r.status == 400
        assert "not valid JSON" in (await r.json())["error"]


@pytest.fixture
async def garbage_adapter() -> AsyncIterator[str]:
    async def garbage(request: web.Request) -> web.Response:
        return web.Response(text="<html>oops</html>", content_type="text/html")

    app = web.Application()
    app.router.add_post("/", garbage)
    running = Running()
    yield await start(running, "garbage", app) + "/"
    await stop(running)


@pytest.mark.parametrize("adapter", ["down", "garbage"])
async def test_adapter_down_or_garbage_is_a_502_that_says_so(http, garbage_adapter, adapter):
    target = "http://127.0.0.1:9/" if adapter == "down" else garbage_adapter
    running = Running()
    url = await start(running, "gladly", create_app(GladlyConfig(target)))
    try:
        profile = await new_profile(http, url, emails=["ana@example.com"])
        status, answer = await call(http, "POST", f"{url}/api/profiles/{profile['id']}/autolink")
        assert status == 502
        assert answer["where"] == "adapter"
        assert (
            ("could not be reached" in answer["error"])
            if adapter == "down"
            else ("not a JSON object" in answer["error"])
        )
        _, log = await call(http, "GET", url + "/api/debugger")
        assert log["exchanges"][-1]["id"] == answer["exchange"]
    finally:
        await stop(running)


# -- an adapter with every transaction type, for the cards -------------------------------------------


async def test_every_card_type_comes_through_the_api(http):
    running = Running()
    adapter = await start(running, "adapter", all_types_app()) + "/"
    url = await start(running, "gladly", create_app(GladlyConfig(adapter)))
    try:
        email = next(iter(all_types_profiles()))
        profile = await new_profile(http, url, emails=[email])
        _, linked = await call(http, "POST", f"{url}/api/profiles/{profile['id']}/autolink")
        assert [c["type"] for c in linked["profile"]["cards"]] == list(TYPES)
    finally:
        await stop(running)


@pytest.mark.parametrize(("form", "expected"), [("auto", 200), ("documented", 502)])
async def test_action_forms_reach_an_adapter_that_takes_the_other_query_form(
    servers, http, form, expected
):
    servers.store.settings["mutant"] = "undocumented-query-form"  # verifies path-with-query only
    running = Running()
    config = GladlyConfig(servers.adapter + "/", signing_key=KEY, query_form=form)
    url = await start(running, "gladly", create_app(config))
    try:
        customer = servers.store.known_customers(1)[0]
        profile = await new_profile(http, url, emails=[customer["email"]])
        _, linked = await call(http, "POST", f"{url}/api/profiles/{profile['id']}/autolink")
        action = linked["profile"]["cards"][0]["items"][0]["actions"][-1]
        status, _ = await call(
            http,
            "POST",
            f"{url}/api/profiles/{profile['id']}/actions/form",
            {"formUrl": action["formUrl"]},
        )
        assert status == expected
        _, config_view = await call(http, "GET", url + "/api/config")
        found = "path-with-query" if form == "auto" else None
        assert (config_view["queryForm"], config_view["queryFormFound"]) == (form, found)
    finally:
        servers.store.settings["mutant"] = None
        await stop(running)


@pytest.mark.parametrize("field", ["formUrl", "actionUrl"])
async def test_action_urls_on_another_origin_get_no_credentials(servers, http, gladly_url, field):
    customer = servers.store.known_customers(1)[0]
    profile = await new_profile(http, gladly_url, emails=[customer["email"]])
    await call(http, "POST", f"{gladly_url}/api/profiles/{profile['id']}/autolink")
    _, before = await call(http, "GET", gladly_url + "/api/debugger")
    path = "form" if field == "formUrl" else "submit"
    body = {field: "http://127.0.0.1:9/actions/add-note?order=1", "values": {}}
    status, answer = await call(
        http, "POST", f"{gladly_url}/api/profiles/{profile['id']}/actions/{path}", body
    )
    assert status == 400
    assert answer["field"] == field
    assert "actions.foreign-origin" in answer["error"]
    _, after = await call(http, "GET", gladly_url + "/api/debugger")
    assert len(after["exchanges"]) == len(before["exchanges"])  # nothing was sent


async def test_api_writes_must_be_json_so_no_web_page_can_send_them(gladly_url, http):
    """A form post or a text/plain fetch from another site is refused before anything runs."""
    for content_type, data in (
        ("text/plain", '{"name": "CSRF"}'),
        ("application/x-www-form-urlencoded", "name=CSRF"),
    ):
        async with http.post(
            gladly_url + "/api/profiles", data=data, headers={"Content-Type": content_type}
        ) as response:
            body = await response.json()
            assert (response.status, body["field"]) == (415, "Content-Type"), body
    async with http.get(gladly_url + "/api/profiles") as response:
        assert (await response.json())["profiles"] == []
    async with http.post(
        gladly_url + "/api/profiles",
        data=b"[" * 5000,
        headers={"Content-Type": "application/json"},
    ) as response:
        assert response.status == 400


async def test_profiles_are_capped(servers, http):
    """However many profiles a client posts, memory stays bounded: past the cap, a 409."""
    from mockserver.gladly.api import MAX_PROFILES, STATE

    app = create_app(GladlyConfig(servers.adapter + "/", signing_key=KEY))
    running = Running()
    url = await start(running, "gladly", app)
    try:
        for _ in range(3):
            assert (await call(http, "POST", url + "/api/profiles", {"name": "A"}))[0] == 201
        profiles = app[STATE].profiles
        first = next(iter(profiles.values()))
        profiles.update({f"filler-{n}": first for n in range(MAX_PROFILES - len(profiles))})
        status, body = await call(http, "POST", url + "/api/profiles", {"name": "One too many"})
        assert (status, len(profiles)) == (409, MAX_PROFILES)
        assert "at most" in body["error"]
    finally:
        await stop(running)
