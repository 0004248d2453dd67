"""``lookupkit verify``'s engine: the phases in order, within the time budget.

1. reachability, then the Gladly scenarios for the ``--known`` customers (``scenarios``,
   ``forms``) and those learned from their answers (``learned``);
2. security probes on every URL Gladly calls, injection, robustness (``security``,
   ``learned.injection``, ``robustness``);
3. the OpenAPI examples, Schemathesis' coverage phase and fuzzing (``fuzzing``).
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from contracts.exchange import Exchange
from contracts.formats import contact_field
from contracts.rules import SEVERITY_ORDER
from contracts.verify import fuzzing, grounded, learned, robustness, scenarios, security
from contracts.verify.options import Observation, OutOfTime, Report, Unreachable, VerifyOptions
from contracts.verify.verifier import UNKNOWN_ID, Verifier

__all__ = ["PHASES", "Observation", "Report", "Unreachable", "VerifyOptions", "run"]

PHASES = ("scenarios", "probes", "fuzz")


def run(
    options: VerifyOptions,
    progress: Callable[[str], None] = lambda _: None,
    phases: tuple[str, ...] = PHASES,
    stop: threading.Event | None = None,
) -> Report:
    """Run the scenarios, probes and fuzzing within the time budget; never raises on adapter behaviour
    (except, with ``options.fuzz_database``, a ContractViolation from fuzzing, for Hypothesis to shrink).
    Once ``stop`` is set (the CLI's signal handler sets it), the run ends as on Ctrl-C.

    Raises:
        Unreachable: the adapter did not answer the first request at all.
    """
    if options.seed is None:  # always a seed, printed and stored, so any run can be repeated
        options = dataclasses.replace(options, seed=secrets.randbelow(2**31))
    options = _customers_from_the_oms(options, progress)
    verifier = Verifier(options, progress, stop)
    report, started = verifier.report, time.monotonic()
    answers: dict[str, Exchange] = {}
    try:
        progress("checking that the adapter answers")
        refused = scenarios.reachability(verifier)
        if refused:  # one diagnosis instead of hundreds of identical refusals
            report.stopped = report.incomplete = refused
            return report
        if "fuzz" in phases:  # Schemathesis' schema, loaded now so the budget counts it
            fuzzing.lookup_operation()
        if "scenarios" in phases:
            _scenarios(verifier, answers)
        if "scenarios" in phases and options.oms:
            _truth(verifier)
        if "probes" in phases:
            _probes(verifier, answers)
        if "fuzz" in phases:
            _fuzz(verifier)
    except OutOfTime:  # every phase ends here when the budget is spent, mid-request or not
        pass
    except Unreachable as exc:
        report.stopped = report.incomplete = str(exc)
        exc.report = report
        raise
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM as the CLI turns it: keep what was found
        report.stopped = "interrupted before the end"
        report.incomplete = report.incomplete or "the run was interrupted"
    finally:
        if verifier.found_form is not None:
            report.query_form = verifier.found_form.value
        verifier.transport.close()
        report.duration = time.monotonic() - started
    _say_what_was_not_checked(verifier, phases, answers)
    if report.stopped:
        pass  # interrupted
    elif verifier.budget_spent or time.monotonic() > verifier.deadline:
        report.stopped = f"time budget of {options.time_budget:g} s used up"
    elif verifier.failures_in_a_row >= 5:
        report.stopped = "the adapter stopped answering"
    verifier.report.observations.sort(key=lambda o: SEVERITY_ORDER[o.finding.severity])
    return verifier.report


def _customers_from_the_oms(
    options: VerifyOptions, progress: Callable[[str], None]
) -> VerifyOptions:
    """With --oms and no --known: customers picked from the store the adapter reads."""
    if not options.oms or options.known:
        return options
    picked = grounded.pick_customers(options.oms, platform=options.platform or "shopify")
    progress(
        "customers from the OMS: "
        + ("; ".join(f"{contact} ({why})" for contact, why in picked) or "none")
    )
    known = [(contact_field(contact), contact) for contact, _ in picked]
    return dataclasses.replace(options, known=known, picked=tuple(picked))


def _say_what_was_not_checked(
    verifier: Verifier, phases: tuple[str, ...], answers: dict[str, Exchange]
) -> None:
    """No false green: what the verdict does not cover, and the option that would cover it."""
    options = verifier.options
    if "probes" in phases and not options.signing_key and not options.basic_auth:
        verifier.skip("signature and credential probes: no --signing-key or --basic-auth was given")
    if "scenarios" in phases and not answers:
        why = (
            "no --known customer was given"
            if not options.known
            else "no --known customer was found"
        )
        verifier.report.incomplete = (
            f"no detailed lookup, transaction or action was checked: {why} "
            "(pass --known email=... of a customer with orders)"
        )
        verifier.skip(verifier.report.incomplete)


def _scenarios(verifier: Verifier, answers: dict[str, Exchange]) -> None:
    """The known customers' lookups and actions, then what their answers teach (``answers``
    gets each detailed answer as it comes, so a run out of time keeps those it had)."""
    options, progress = verifier.options, verifier.progress
    progress("looking up the known customers")
    ids = scenarios.known_customers(verifier)
    if not options.known:
        progress(
            "no --known customers: cardinality and transaction checks need one (e.g. --known email=...)"
        )
    verifier.known_ids = ids
    for customer_id in ids:
        if verifier.out_of_time():
            break
        progress(f"detailed lookup of {customer_id}")
        exchange = scenarios.detailed(verifier, customer_id)
        if exchange is not None:
            answers[customer_id] = exchange
    progress("scenarios learned from the adapter's answers")
    learned.learned(verifier, answers)


def _truth(verifier: Verifier) -> None:
    verifier.step("truth checks against the OMS")
    grounded.truth(verifier)
    verifier.step("several emails and phone-only profiles")
    grounded.contacts(verifier)
    verifier.step("OMS faults while looking up")
    grounded.under_faults(verifier)
    verifier.step("a change in the OMS, watched for in the answers")
    grounded.fresh(verifier)


def _probes(verifier: Verifier, answers: dict[str, Exchange]) -> None:
    step, ids = verifier.step, verifier.known_ids
    step("security probes on every URL Gladly calls")
    security.security(verifier, ids[0] if ids else UNKNOWN_ID)
    step("injection and wildcard probes")
    emails = [e for a in answers.values() for e in learned.contacts_of(_first(a))[0]]
    learned.injection(verifier, emails)
    step("robustness probes")
    robustness.robustness(verifier)


def _fuzz(verifier: Verifier) -> None:
    step, options = verifier.step, verifier.options
    step("the OpenAPI document's request examples")
    scenarios.documented_examples(verifier)
    step("Schemathesis' coverage phase")
    fuzzing.coverage(verifier)
    step(f"fuzzing ({options.max_examples} positive and {options.max_examples} negative lookups)")
    fuzzing.fuzz(verifier)


def _first(exchange: Exchange) -> Any:
    results = exchange.response.get("results") if isinstance(exchange.response, dict) else None
    return results[0] if isinstance(results, list) and results else None
