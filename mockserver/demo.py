"""``make demo``: the kit's main job end to end, on the embedded defaults.

Starts the fake OMS and the reference adapter on free loopback ports, plays Gladly against the
adapter (auto-link, detailed lookup, an action, the refresh), checks every answer against the
rule catalogue in the sidekick profile, shows a mutant being caught, then runs ``lookupkit verify``
(scenarios, probes, coverage and fuzzing) against the adapter.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import aiohttp

from contracts.checks import evaluate
from contracts.exchange import Exchange
from contracts.gladly import gladly_request
from contracts.verify.engine import VerifyOptions, run
from contracts.verify.report import summary_table
from mockserver import roles
from mockserver.adapter import AdapterConfig
from mockserver.oms import DEFAULT_TOKEN, Store
from mockserver.runner import Running, start, stop

KEY = "lookupkit-demo-signing-key"


async def _gladly(
    http: aiohttp.ClientSession, url: str, body: Any = None, method: str = "POST"
) -> tuple[int, Any]:
    raw, headers = gladly_request(method, url, body, key=KEY)
    async with http.request(
        method, url, data=raw if body is not None else None, headers=headers
    ) as response:
        return response.status, await response.json(content_type=None)


def _report(label: str, request: Any, status: int, body: Any) -> int:
    findings = evaluate(Exchange(body, request=request, status=status), "sidekick")
    errors = [f for f in findings if f.severity == "error"]
    verdict = (
        "no findings"
        if not findings
        else f"{len(errors)} error(s), {len(findings) - len(errors)} other"
    )
    print(f"  {label:<44} HTTP {status}  sidekick profile: {verdict}")
    for finding in findings:
        print(f"      {finding.severity:<8} {finding.rule}  at {finding.path}")
    return len(errors)


async def _play_gladly(adapter_url: str, store: Store, customer: dict[str, Any]) -> tuple[int, int]:
    """Gladly's calls for one contact, judged; returns (errors, errors the mutant caused)."""
    problems = 0
    async with aiohttp.ClientSession() as http:
        print(f"Gladly opens the profile of {customer['name']} <{customer['email']}>:")
        auto = {
            "lookupLevel": "BASIC",
            "query": {
                "emails": [customer["email"]],
                "id": "Br1zuiBMTA-daPVl50x45w",
                "name": customer["name"],
            },
            "uniqueMatchRequired": False,
        }
        status, body = await _gladly(http, adapter_url + "/", auto)
        problems += _report("auto-link (BASIC)", auto, status, body)
        linked = body["results"][0]["externalCustomerId"]
        detailed = {
            "lookupLevel": "DETAILED",
            "query": {"externalCustomerId": linked},
            "uniqueMatchRequired": True,
        }
        status, body = await _gladly(http, adapter_url + "/", detailed)
        problems += _report("detailed lookup", detailed, status, body)
        for txn in body["results"][0]["transactions"]:
            actions = ", ".join(a["name"] for a in txn["actions"])
            print(
                f"      {txn['orderNumber']:<7} {txn['orderStatus']:<10} {txn['orderTotal']:>12}  "
                f"{len(txn['fulfillments'])} shipment(s)  [{actions}]"
            )
        note = body["results"][0]["transactions"][0]["actions"][-1]
        status, form = await _gladly(http, adapter_url + note["formUrl"], method="GET")
        status, answer = await _gladly(
            http, adapter_url + form["actionUrl"], {"note": "Demo: customer asked for an update"}
        )
        print(f"  action {form['title']!r:<37} HTTP {status}  {answer.get('message')}")
        status, body = await _gladly(http, adapter_url + "/", detailed)
        problems += _report("detailed lookup after the action", detailed, status, body)
        print(f"      note now reads: {body['results'][0]['transactions'][0].get('note')!r}\n")
        print(
            "The same adapter with the 'no-symbol-total' mutant (orderTotal without its currency symbol):"
        )
        store.settings["mutant"] = "no-symbol-total"
        status, body = await _gladly(http, adapter_url + "/", detailed)
        caught = _report("detailed lookup", detailed, status, body)
        store.settings["mutant"] = None
    return problems, caught


async def main() -> int:
    store = Store()
    store.seed(7, customers=50)
    store.settings["rateLimit"] = False
    running = Running()
    oms_url = await start(running, "oms", roles.oms_app(store))
    config = AdapterConfig(f"{oms_url}/admin/api/2025-01", DEFAULT_TOKEN, signing_key=KEY)
    adapter_url = await start(running, "adapter", roles.adapter_app(store, config))
    print(f"Fake OMS (Shopify, BigCommerce, Magento)  {oms_url}")
    print(f"Reference adapter (signed requests only)  {adapter_url}\n")
    customer = store.known_customers(1)[0]
    problems, caught = await _play_gladly(adapter_url, store, customer)
    print(
        f"\n$ lookupkit verify {adapter_url}/ --known email={customer['email']} --profile sidekick"
    )
    options = VerifyOptions(
        adapter_url + "/", signing_key=KEY, known=[("email", customer["email"])], profile="sidekick"
    )
    # The verifier is synchronous; the servers keep serving in this loop meanwhile.
    report = await asyncio.to_thread(run, options)
    print(summary_table(report))
    await stop(running)
    ok = problems == 0 and caught > 0 and report.errors == 0
    print(
        "\nDemo",
        "finished: the reference adapter conforms, and the mutant was caught." if ok else "FAILED.",
    )
    print(NEXT)
    print(  # the last line, for scripts
        json.dumps(
            {"conformingErrors": problems, "mutantErrors": caught, "verifyErrors": report.errors}
        )
    )
    return 0 if ok else 1


NEXT = """
Next, see it as an agent does: start the three roles and open the fake Gladly in a browser.
  .venv/bin/lookupkit serve all          # then open the "Fake Gladly" URL it prints
Every card type (orders, flights, stays, subscriptions, generic) with generated customers:
  .venv/bin/lookupkit generate --view gladly --types ORDER,FLIGHT,STAY,SUBSCRIPTION,GENERIC \\
      --out customers.json
  .venv/bin/lookupkit serve all --data customers.json
Verify your own adapter: .venv/bin/lookupkit verify --help"""


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
