"""Every mutant mode is caught, and named by the rule it breaks; the conforming adapter is clean."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contracts import rules as R
from contracts.checks import evaluate, judge, response_leaks_nothing, results_are_stable
from contracts.exchange import Exchange
from contracts.gladly import gladly_request
from contracts.probes import must_accept, must_refuse_as_client_error, must_reject
from contracts.rules import RULES, Violation
from contracts.signing import sign_headers
from mockserver.mutants import MUTANTS
from tests.helpers import KEY, gladly


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
    findings += judge(violations, "sidekick")
    return {f.rule for f in findings if f.severity == "error"}


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
        assert RULES[mutant.rule].severity("sidekick") == "error", mutant.name


@pytest.mark.parametrize("name", sorted(MUTANTS))
async def test_each_mutant_is_caught_under_its_rule(servers, http, name):
    servers.store.settings["mutant"] = name
    found = await error_rules(http, servers)
    assert MUTANTS[name].rule in found, (
        f"{name} should break {MUTANTS[name].rule}; found {sorted(found)}"
    )


async def test_mutant_can_be_switched_through_the_admin_api(servers, http):
    async with http.post(
        servers.adapter + "/_mock/settings", json={"mutant": "numeric-id"}
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
    async with http.post(servers.adapter + "/_mock/settings", json={"mutant": None}) as response:
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
