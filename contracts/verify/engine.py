"""``lookupkit verify``'s engine: the phases in order, within the time budget.

1. reachability, then the Gladly scenarios for the ``--known`` customers (``scenarios``,
   ``forms``) and those learned from their answers (``learned``);
2. security probes on every URL Gladly calls, injection, robustness (``security``,
   ``learned.injection``, ``robustness``);
3. the OpenAPI examples, Schemathesis' coverage phase and fuzzing (``fuzzing``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from contracts.exchange import Exchange
from contracts.rules import SEVERITY_ORDER
from contracts.verify import fuzzing, learned, robustness, scenarios, security
from contracts.verify.options import Observation, Report, Unreachable, VerifyOptions
from contracts.verify.verifier import UNKNOWN_ID, Verifier

__all__ = ["PHASES", "Observation", "Report", "Unreachable", "VerifyOptions", "run"]

PHASES = ("scenarios", "probes", "fuzz")


def run(
    options: VerifyOptions,
    progress: Callable[[str], None] = lambda _: None,
    phases: tuple[str, ...] = PHASES,
) -> Report:
    """Run the scenarios, probes and fuzzing within the time budget; never raises on adapter behaviour
    (except, with ``options.fuzz_database``, a ContractViolation from fuzzing, for Hypothesis to shrink).

    Raises:
        Unreachable: the adapter did not answer the first request at all.
    """
    verifier = Verifier(options, progress)
    started = time.monotonic()
    try:
        progress("checking that the adapter answers")
        scenarios.reachability(verifier)
        answers = _scenarios(verifier) if "scenarios" in phases else {}
        if "probes" in phases:
            _probes(verifier, answers)
        if "fuzz" in phases and not verifier.out_of_time():
            _fuzz(verifier)
        if time.monotonic() > verifier.deadline:
            verifier.report.stopped = f"time budget of {options.time_budget:g} s used up"
        elif verifier.failures_in_a_row >= 5:
            verifier.report.stopped = "the adapter stopped answering"
        if verifier.found_form is not None:
            verifier.report.query_form = verifier.found_form.value
    finally:
        verifier.transport.close()
        verifier.report.duration = time.monotonic() - started
    verifier.report.observations.sort(key=lambda o: SEVERITY_ORDER[o.finding.severity])
    return verifier.report


def _scenarios(verifier: Verifier) -> dict[str, Exchange]:
    """The known customers' lookups and actions, then what their answers teach."""
    options, progress = verifier.options, verifier.progress
    progress("looking up the known customers")
    ids = scenarios.known_customers(verifier)
    if not options.known:
        progress(
            "no --known customers: cardinality and transaction checks need one (e.g. --known email=...)"
        )
    answers: dict[str, Exchange] = {}
    for customer_id in ids:
        if verifier.out_of_time():
            break
        progress(f"detailed lookup of {customer_id}")
        exchange = scenarios.detailed(verifier, customer_id)
        if exchange is not None:
            answers[customer_id] = exchange
    progress("scenarios learned from the adapter's answers")
    learned.learned(verifier, answers)
    verifier.known_ids = ids
    return answers


def _probes(verifier: Verifier, answers: dict[str, Exchange]) -> None:
    progress, ids = verifier.progress, verifier.known_ids
    progress("security probes on every URL Gladly calls")
    security.security(verifier, ids[0] if ids else UNKNOWN_ID)
    progress("injection and wildcard probes")
    emails = [e for a in answers.values() for e in learned.contacts_of(_first(a))[0]]
    learned.injection(verifier, emails)
    progress("robustness probes")
    robustness.robustness(verifier)


def _fuzz(verifier: Verifier) -> None:
    progress, options = verifier.progress, verifier.options
    progress("the OpenAPI document's request examples")
    scenarios.documented_examples(verifier)
    progress("Schemathesis' coverage phase")
    fuzzing.coverage(verifier)
    progress(
        f"fuzzing ({options.max_examples} positive and {options.max_examples} negative lookups)"
    )
    fuzzing.fuzz(verifier)


def _first(exchange: Exchange) -> Any:
    results = exchange.response.get("results") if isinstance(exchange.response, dict) else None
    return results[0] if isinstance(results, list) and results else None
