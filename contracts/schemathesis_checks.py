"""The rule catalogue as a Schemathesis check, for teams that run Schemathesis themselves.

    SCHEMATHESIS_HOOKS=contracts.schemathesis_checks LOOKUPKIT_PROFILE=sidekick \\
        schemathesis run openapi.json --url https://adapter.example.com --checks all

(Plain Schemathesis does not sign requests: use it against an adapter that accepts unsigned ones,
or use ``lookupkit verify``, which signs every request and runs this catalogue too.)
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis

from contracts.checks import evaluate
from contracts.errors import ContractViolation
from contracts.exchange import NOT_JSON, Exchange
from contracts.rules import PROFILES

__all__ = ["lookup_adapter_contract"]


@schemathesis.check
def lookup_adapter_contract(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every rule of the catalogue, judged in $LOOKUPKIT_PROFILE (default agent), on lookup answers."""
    if case.operation.label != "POST /" or response.status_code != 200:
        return None
    profile = os.environ.get("LOOKUPKIT_PROFILE", "agent")
    if profile not in PROFILES:
        raise ValueError(f"LOOKUPKIT_PROFILE={profile!r} must be one of {', '.join(PROFILES)}")
    try:
        body = json.loads(response.content)
    except ValueError:
        body = NOT_JSON
    exchange = Exchange(
        body,
        request=case.body if isinstance(case.body, dict) else None,
        status=response.status_code,
        elapsed=response.elapsed,
        text=response.content.decode("utf-8", errors="replace"),
    )
    errors = [f for f in evaluate(exchange, profile) if f.severity == "error"]
    if errors:
        raise ContractViolation.from_findings(errors)
    return True
