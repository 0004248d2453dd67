"""GraphQL against REST for the lookup an adapter makes most: a customer with their orders.

One GraphQL query (the reference adapter's own, line items, images and tracking included)
against the REST pair of calls (``customers/{id}.json`` then ``customers/{id}/orders.json``),
and against a bare aiohttp handler serving the GraphQL answer's bytes, the strongest baseline.
Rounds alternate in one run (GraphQL, REST, baseline, twice) so the machine's noise falls on all.
"""

from __future__ import annotations

import json
import re
import sys

from mockserver.adapter.shopify_graphql import DETAILED
from tests.benchmarks.harness import Result, fetch, lookupkit_bin, process, saved, typical, wrk

__all__ = ["lookupkit_bin"]  # the fixture

TOKEN = "shpat_bench"
SECONDS, ROUNDS = 8, 2


def test_graphql_customer_with_orders_against_the_rest_pair(lookupkit_bin):
    command = [lookupkit_bin, "serve", "oms", "--port", "0", "--db", ":memory:",
               "--no-rate-limit", "--customers", "50", "--oms-token", TOKEN]  # fmt: skip
    with process(*command, ready="Press Ctrl-C") as (_, lines):
        text = "\n".join(lines)
        oms = re.search(r"Fake OMS\s+(\S+)", text).group(1)  # type: ignore[union-attr]
        customer = typical(lines)
        api, headers = f"{oms}/admin/api/2025-01", {"X-Shopify-Access-Token": TOKEN}
        query = json.dumps(
            {"query": DETAILED, "variables": {"id": f"gid://shopify/Customer/{customer}"}}
        ).encode()
        graphql_headers = headers | {"Content-Type": "application/json"}
        answer = fetch(f"{api}/graphql.json", query, graphql_headers)
        assert b'"errors"' not in answer, answer[:300]
        one, many = (
            f"{api}/customers/{customer}.json",
            f"{api}/customers/{customer}/orders.json?status=any",
        )
        runs: dict[str, list[Result]] = {"graphql": [], "customer": [], "orders": [], "bare": []}
        with process(sys.executable, "-m", "tests.benchmarks.baseline_server", saved(answer), ready="http") as (_, out):  # fmt: skip
            for _ in range(ROUNDS):
                runs["graphql"].append(
                    wrk(
                        f"{api}/graphql.json",
                        SECONDS,
                        method="POST",
                        body=query,
                        headers=graphql_headers,
                    )
                )
                runs["customer"].append(wrk(one, SECONDS, headers=headers))
                runs["orders"].append(wrk(many, SECONDS, headers=headers))
                runs["bare"].append(wrk(out[-1] + "/", SECONDS, method="POST", body=query))
    best = {name: max(r.rps for r in results) for name, results in runs.items()}
    pair = 1 / (1 / best["customer"] + 1 / best["orders"])
    p99 = {name: min(r.p99_ms for r in results) for name, results in runs.items()}
    print(
        f"\nGraphQL customer with orders: {best['graphql']:,.0f} lookups/s (p99 {p99['graphql']:.1f} ms), "
        f"{best['graphql'] / best['bare']:.0%} of a bare handler serving its bytes ({best['bare']:,.0f}/s)"
        f"\nREST pair: {pair:,.0f} lookups/s (customer {best['customer']:,.0f}/s, "
        f"orders {best['orders']:,.0f}/s); GraphQL / REST pair = {best['graphql'] / pair:.2f}x"
    )
    assert all(r.errors == 0 for results in runs.values() for r in results)
