"""Every mutant mode is caught, and named by the rule it breaks; the conforming adapter is clean."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from multidict import CIMultiDict

from contracts import rules as R
from contracts.actions import values_from
from contracts.attacks import hostile_values, near_misses, oracle_values
from contracts.checks import evaluate, judge, response_leaks_nothing, results_are_stable
from contracts.exchange import Exchange
from contracts.gladly import gladly_json, gladly_request, resolve_url, same_origin
from contracts.probes import (
    finds_customer,
    foreign_origin,
    form_target_refused,
    injection_leaks,
    must_accept,
    must_refuse_as_client_error,
    must_reject,
    query_form_found,
    returns_both,
    reveals,
    submit_is_robust,
    unknown_id_is_empty,
)
from contracts.rules import RULES, Violation
from contracts.signing import QueryForm, sign_headers
from contracts.verify.forms import unknown_url
from contracts.verify.learned import unknown_like
from contracts.verify.options import VerifyOptions
from mockserver import roles
from mockserver.adapter import AdapterConfig
from mockserver.mutants import MUTANTS
from mockserver.runner import Running, start, stop
from tests.helpers import ADMIN, KEY, SHOPIFY, TOKEN, gladly


async def error_rules(http, servers) -> set[str]:
    """A small scenario run: lookups of every kind for a few customers, plus the probes."""
    url = servers.adapter + "/"
    violations: list[Violation] = []
    findings = []
    for customer in servers.store.known_customers(5):
        requests: list[dict[str, Any]] = [
            {
                "lookupLevel": "DETAILED",
                "query": {"externalCustomerId": str(customer["id"])},
                "uniqueMatchRequired": True,
            },
            {
                "lookupLevel": "BASIC",
                "query": {"emails": [customer["email"]], "id": "Br1zuiBMTA-daPVl50x45w"},
                "uniqueMatchRequired": False,
            },
            {
                "lookupLevel": "BASIC",
                "query": {"email": customer["email"]},
                "uniqueMatchRequired": False,
            },
        ]
        for request in requests:
            status, body = await gladly(http, url, request)
            exchange = Exchange(body, request=request, status=status)
            findings += evaluate(exchange, "sidekick")
            if request["lookupLevel"] == "DETAILED":
                again_status, again = await gladly(http, url, request)
                violations += results_are_stable(
                    exchange, Exchange(again, request=request, status=again_status)
                )
    raw, headers = gladly_request("POST", url, requests[0])
    status, _ = await _send(http, url, raw, headers)
    violations += must_reject(R.REJECTS_UNSIGNED, status, "an unsigned lookup")
    variant = requests[0] | {"query": requests[0]["query"] | {"name": "Zoë <b> & co"}}
    raw, headers = gladly_request("POST", url, variant, key=KEY)
    status, _ = await _send(http, url, raw, headers)
    violations += must_accept(
        R.ACCEPTS_VARIANTS, status, "a body with \\u003c escapes and non-ASCII text"
    )
    bad = b'{"lookupLevel": "DETAILED", "query": '
    _, headers = gladly_request("POST", url, {}, key=KEY)
    headers = sign_headers(
        KEY, "POST", "/", {k: v for k, v in headers.items() if k != "Gladly-Authorization"}, bad
    )
    status, text = await _send(http, url, bad, headers)
    violations += must_refuse_as_client_error(status, "malformed JSON")
    violations += response_leaks_nothing(Exchange(None, status=status, text=text, secrets=(KEY,)))
    violations += await attack_violations(http, servers)
    findings += judge(violations, "sidekick")
    return {f.rule for f in findings if f.severity in ("error", "warning")}


async def _raw(http, method: str, url: str, body: bytes, headers: Any) -> tuple[int, str, Any]:
    async with http.request(method, url, data=body or None, headers=headers) as response:
        return response.status, await response.text(), response.headers


def _detailed(customer_id: str) -> dict[str, Any]:
    return {
        "lookupLevel": "DETAILED",
        "query": {"externalCustomerId": customer_id},
        "uniqueMatchRequired": True,
    }


def _results(answer: Any) -> Any:
    return answer.get("results") if isinstance(answer, dict) else None


def _auto(query: dict[str, Any]) -> dict[str, Any]:
    return {"lookupLevel": "BASIC", "query": query, "uniqueMatchRequired": False}


async def attack_violations(http, servers) -> list[Violation]:
    """The attacks and learned scenarios, sent with aiohttp, judged by contracts' own functions."""
    url = servers.adapter + "/"
    customers = servers.store.known_customers(5)
    first = str(customers[0]["id"])
    lookup = _detailed(first)
    found: list[Violation] = []
    for miss in near_misses(KEY, "POST", url, lookup):
        lines = CIMultiDict(miss.headers)
        for name, value in miss.repeated:
            lines.add(name, value)
        status, text, answer_headers = await _raw(http, "POST", url, miss.body, lines)
        if miss.must_refuse:
            found += must_reject(R.REJECTS_NEAR_MISS, status, miss.what)
        secrets = oracle_values(KEY, "POST", "/", miss.headers, miss.body)
        found += reveals(secrets, text.encode(), answer_headers, miss.what)
    raw, headers = gladly_request("POST", url, lookup, key=KEY)
    if (await _raw(http, "POST", url, raw, headers))[0] == 200:
        other = gladly_json(lookup | {"query": lookup["query"] | {"name": "Replayed"}})
        status = (await _raw(http, "POST", url, other, headers))[0]
        found += must_reject(R.REJECTS_REPLAY, status, "a replay")
    _, body = await gladly(http, url, lookup)
    profiles = _results(body) or [{}]
    profile = profiles[0] if isinstance(profiles[0], dict) else {}
    actions = [
        a
        for t in profile.get("transactions") or []
        for a in t.get("actions") or []
        if isinstance(a, dict) and a.get("formUrl")
    ]
    if actions:
        form_url = resolve_url(url, actions[0]["formUrl"])
        found += foreign_origin(url, form_url, "formUrl")
        if same_origin(url, form_url):
            found += await _action_attacks(http, url, form_url)
    for value in ("*", "%"):
        for request in (_auto({"email": value}), _auto({"emails": [value]})):
            status, answer = await gladly(http, url, request)
            found += injection_leaks(value, _results(answer), f"a search for {value}")
    email, phone = customers[0]["email"], customers[0]["phone"]
    for rule, query in (
        (R.EVERY_CONTACT, {"phones": [phone]}),
        (R.EMAIL_CASE, {"emails": [f"  {email.upper()} "]}),
    ):
        status, answer = await gladly(http, url, _auto(query))
        found += finds_customer(rule, first, status, _results(answer), str(query))
    second = str(customers[1]["id"])
    status, answer = await gladly(http, url, _auto({"emails": [email, customers[1]["email"]]}))
    found += returns_both((first, second), status, _results(answer))
    unknown = unknown_like(first)
    status, answer = await gladly(http, url, _detailed(unknown))
    found += unknown_id_is_empty(unknown, status, _results(answer))
    return found


async def _action_attacks(http, url: str, form_url: str) -> list[Violation]:
    raw, headers = gladly_request("GET", form_url)
    status = (await _raw(http, "GET", form_url, raw, headers))[0]
    found = list(must_reject(R.ACTIONS_GUARDED, status, "an unsigned form GET"))
    status, form = await gladly(http, form_url, method="GET")
    if status in (401, 403):
        status, form = await gladly(
            http, form_url, method="GET", query_form=QueryForm.PATH_WITH_QUERY
        )
        if status == 200:
            found += query_form_found("path-with-query", form_url, status)
    target = unknown_url(form_url)
    found += form_target_refused((await gladly(http, target, method="GET"))[0], target)
    if isinstance(form, dict) and form.get("actionUrl"):
        submit_url = resolve_url(url, form["actionUrl"])
        for hostile in hostile_values(form, values_from(form)):
            status, answer = await gladly(http, submit_url, hostile.values)
            found += submit_is_robust(status, answer, hostile.what)
    return found


async def _send(http, url: str, raw: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with http.post(url, data=raw, headers=headers) as response:
        return response.status, await response.text()


async def test_the_conforming_adapter_breaks_no_rule(servers, http):
    assert await error_rules(http, servers) == set()


def test_mutants_name_real_rules_and_there_are_enough():
    assert len(MUTANTS) >= 20
    assert {m.rule for m in MUTANTS.values()} <= set(RULES)
    families = {m.rule.split(".")[0] for m in MUTANTS.values()}
    assert {
        "envelope",
        "profile",
        "detailed",
        "basic-search",
        "auto-link",
        "transaction",
        "order",
        "fulfillment",
        "security",
        "robustness",
    } <= families
    for mutant in MUTANTS.values():
        assert RULES[mutant.rule].severity("sidekick") in ("error", "warning"), mutant.name


@pytest.mark.parametrize("name", sorted(n for n, m in MUTANTS.items() if not m.needs))
async def test_each_mutant_is_caught_under_its_rule(servers, http, name):
    servers.store.settings["mutant"] = name
    found = await error_rules(http, servers)
    assert MUTANTS[name].rule in found, (
        f"{name} should break {MUTANTS[name].rule}; found {sorted(found)}"
    )


async def test_mutant_can_be_switched_through_the_admin_api(servers, http):
    async with http.post(
        servers.adapter + "/_mock/settings", json={"mutant": "numeric-id"}, headers=ADMIN
    ) as response:
        assert (await response.json())["settings"]["mutant"] == "numeric-id"
    customer = servers.store.known_customers(1)[0]
    request = {
        "lookupLevel": "DETAILED",
        "query": {"externalCustomerId": str(customer["id"])},
        "uniqueMatchRequired": True,
    }
    _, body = await gladly(http, servers.adapter + "/", request)
    assert isinstance(body["results"][0]["externalCustomerId"], int)
    async with http.post(
        servers.adapter + "/_mock/settings", json={"mutant": None}, headers=ADMIN
    ) as response:
        assert response.status == 200
    _, body = await gladly(http, servers.adapter + "/", request)
    assert body["results"][0]["externalCustomerId"] == str(customer["id"])


def test_mutants_command_lists_every_mutant(lookupkit):
    import subprocess

    out = subprocess.run(
        [lookupkit, "mutants"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert [line.split()[0] for line in out.splitlines()] == list(MUTANTS)
    assert all(json.dumps(m.rule)[1:-1] in out for m in MUTANTS.values())


@pytest.fixture
async def basic_adapter(store) -> AsyncIterator[tuple[str, dict[str, Any]]]:
    """The reference adapter configured with Basic credentials gladly:pw-4x8q (for the mutants
    that need them), and a detailed lookup it answers."""
    running = Running()
    oms = await start(running, "oms", roles.oms_app(store, token=TOKEN))
    config = AdapterConfig(oms + SHOPIFY, TOKEN, signing_key=KEY, basic_auth=("gladly", "pw-4x8q"))
    url = await start(running, "adapter", roles.adapter_app(store, config)) + "/"
    request = {
        "lookupLevel": "DETAILED",
        "query": {"externalCustomerId": str(store.known_customers(1)[0]["id"])},
        "uniqueMatchRequired": True,
    }
    yield url, request
    await stop(running)


@pytest.mark.parametrize(("mutant", "caught"), [(None, False), ("basic-password-only", True)])
async def test_basic_credential_probes_catch_a_password_only_check(
    store, http, basic_adapter, mutant, caught
):
    """The mutants that need Basic credentials, on an adapter configured with them."""
    assert sorted(n for n, m in MUTANTS.items() if m.needs == "basic") == [
        "basic-password-only",
        "echo-credentials",
    ]
    url, request = basic_adapter
    store.settings["mutant"] = mutant
    found: list[Violation] = []
    for what, (user, password) in (
        ("the right credentials", ("gladly", "pw-4x8q")),
        ("a wrong user and the right password", ("someone", "pw-4x8q")),
        ("the right user and an empty password", ("gladly", "")),
    ):
        status, _ = await gladly(http, url, request, basic_auth=(user, password, ""))
        if what == "the right credentials":
            assert status == 200
        else:
            found += must_reject(R.BASIC_AUTH, status, what)
    assert bool(found) is caught, found


@pytest.mark.parametrize(("mutant", "caught"), [(None, False), ("echo-credentials", True)])
async def test_an_echoed_basic_header_is_a_leak(store, http, basic_adapter, mutant, caught):
    """The credentials come back base64-encoded: the leak check finds them in that encoding."""
    url, request = basic_adapter
    store.settings["mutant"] = mutant
    status, body = await gladly(http, url, request, basic_auth=("gladly", "pw-4x8q", ""))
    assert status == 200
    text = json.dumps(body)
    if caught:
        scheme, encoded = body["debug"]["authorization"].split(" ", 1)
        assert (scheme, base64.b64decode(encoded)) == ("Basic", b"gladly:pw-4x8q")
    else:
        assert "debug" not in body
    secrets = VerifyOptions(url, basic_auth=("gladly", "pw-4x8q")).secrets()
    exchange = Exchange(body, request=request, status=status, text=text, secrets=secrets)
    leaks = [v.rule for v in response_leaks_nothing(exchange)]
    assert (R.ERROR_LEAK in leaks) is caught
