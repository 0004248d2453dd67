"""``lookupkit verify``'s engine: the phases in order, within the time budget.

1. reachability, then the Gladly scenarios for the ``--known`` customers (``scenarios``);
2. security and robustness probes (``security``, ``robustness``);
3. the OpenAPI examples, Schemathesis' coverage phase and fuzzing (``fuzzing``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from contracts.rules import SEVERITY_ORDER
from contracts.verify import fuzzing, robustness, scenarios, security
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
        ids: list[str] = []
        if "scenarios" in phases:
            progress("looking up the known customers")
            ids = scenarios.known_customers(verifier)
            if not options.known:
                progress(
                    "no --known customers: cardinality and transaction checks need one (e.g. --known email=...)"
                )
            for customer_id in ids:
                if verifier.out_of_time():
                    break
                progress(f"detailed lookup of {customer_id}")
                scenarios.detailed(verifier, customer_id)
        if "probes" in phases:
            progress("security probes")
            security.security(verifier, ids[0] if ids else UNKNOWN_ID)
            progress("robustness probes")
            robustness.robustness(verifier)
        if "fuzz" in phases and not verifier.out_of_time():
            progress("the OpenAPI document's request examples")
            scenarios.documented_examples(verifier)
            progress("Schemathesis' coverage phase")
            fuzzing.coverage(verifier)
            progress(
                f"fuzzing ({options.max_examples} positive and {options.max_examples} negative lookups)"
            )
            fuzzing.fuzz(verifier)
        if time.monotonic() > verifier.deadline:
            verifier.report.stopped = f"time budget of {options.time_budget:g} s used up"
        elif verifier.failures_in_a_row >= 5:
            verifier.report.stopped = "the adapter stopped answering"
    finally:
        verifier.transport.close()
        verifier.report.duration = time.monotonic() - started
    verifier.report.observations.sort(key=lambda o: SEVERITY_ORDER[o.finding.severity])
    return verifier.report
