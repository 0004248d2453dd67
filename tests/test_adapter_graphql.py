"""The reference adapter in GraphQL mode (``serve --shopify-api graphql``): it passes ``verify``
as the REST mode does, is true to the store under ``verify --oms``, and waits out Shopify's
THROTTLED answers instead of failing the lookup."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from contracts.verify.engine import VerifyOptions, run
from tests.helpers import ADMIN_TOKEN, serving, verify
from tests.helpers import VERIFY_KEY as KEY

SERVE = ["all", "--port", "0", "--db", ":memory:", "--customers", "30", "--reference-date",
         "2026-11-28", "--cache-ttl", "0", "--shopify-api", "graphql"]  # fmt: skip


def test_graphql_mode_passes_verify_and_is_true_to_the_store(lookupkit, tmp_path):
    args = [*SERVE, "--signing-key", KEY, "--no-rate-limit", "--admin-token", ADMIN_TOKEN]
    with serving(lookupkit, *args) as (_, urls, lines):
        assert any("reads Shopify GraphQL" in line for line in lines), lines
        email = next(line.split()[0] for line in lines if "externalCustomerId" in line)
        report = tmp_path / "report.json"
        result, _ = verify(
            lookupkit, urls["adapter"] + "/", "--signing-key", KEY, "--known", f"email={email}",
            "--profile", "sidekick", "--report", f"json:{report}",
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        document = json.loads(report.read_text())
        assert (document["summary"]["errors"], document["summary"]["warnings"]) == (0, 0)
        assert any(
            s["name"].startswith("action") and s["passed"] for s in document["run"]["scenarios"]
        )
        truth = run(
            VerifyOptions(urls["adapter"] + "/", signing_key=KEY, max_examples=0, seed=1,
                          oms=urls["oms"], platform="shopify", oms_admin_token=ADMIN_TOKEN,
                          oms_faults=False),
            phases=("scenarios",),
        )  # fmt: skip
    wrong = [
        (o.finding.rule, o.finding.message[:200])
        for o in truth.observations
        if o.finding.severity != "info"
    ]
    assert wrong == []
    assert sum("order(s) in the OMS" in n for n in truth.scenarios) >= 3


def lookup(adapter: str, customer_id: str) -> tuple[int, Any]:
    body = json.dumps(
        {
            "lookupLevel": "DETAILED",
            "query": {"externalCustomerId": customer_id},
            "uniqueMatchRequired": True,
        }
    ).encode()
    request = urllib.request.Request(
        adapter + "/", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=20) as answer:
        return answer.status, json.loads(answer.read())


def test_graphql_mode_waits_out_throttled_answers(lookupkit):
    with serving(lookupkit, *SERVE) as (_, urls, lines):  # Shopify's cost bucket on
        customer_id = next(line.split()[3] for line in lines if "externalCustomerId" in line)
        # One agent's lookups, back to back: each asks for 905 points and pays about 110, so the
        # 2,000-point bucket cannot cover the eleventh at once.
        answers = [lookup(urls["adapter"], customer_id) for _ in range(13)]
        with urllib.request.urlopen(urls["oms"] + "/_mock/requests", timeout=10) as answer:
            journal = json.loads(answer.read())["requests"]
    asked = [r for r in journal if r["path"].endswith("/graphql.json")]
    assert len(asked) > 13  # THROTTLED answers were asked again after the wait
    assert {status for status, _ in answers} == {200}
    assert len({json.dumps(body, sort_keys=True) for _, body in answers}) == 1  # the same answer
