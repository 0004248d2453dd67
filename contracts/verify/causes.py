"""Findings grouped by what to fix: a known symptom pattern becomes one root cause with its
evidence, its rules and one fix; everything else is one cause per rule. Sorted by what to fix
first: what breaks Gladly itself (core), then agents' cards, then Sidekick; errors first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from contracts import rules as R
from contracts.rules import PROFILES, RULES
from contracts.verify.options import Observation, Report

__all__ = ["Cause", "root_causes"]

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass
class Cause:
    """One thing to fix, with every finding it explains."""

    title: str
    fix: str
    observations: list[Observation] = field(default_factory=list)

    @property
    def rules(self) -> list[str]:
        return list(dict.fromkeys(o.finding.rule for o in self.observations))

    @property
    def severity(self) -> str:
        return min((o.finding.severity for o in self.observations), key=SEVERITY_RANK.__getitem__)

    def rank(self) -> tuple[int, int, int]:
        """Errors before warnings; then the lowest profile the cause breaks; then the most findings."""
        first = min(
            (
                next((i for i, p in enumerate(PROFILES) if RULES[r].severity(p) == "error"), 3)
                for r in self.rules
            ),
            default=3,
        )
        return SEVERITY_RANK[self.severity], first, -len(self.observations)


def _reserialising(report: Report) -> Cause | None:
    """Signed variants refused (escapes, reordered keys) while compact bodies pass: the adapter
    verifies a re-serialised body. Its refusals of generated lookups are the same bug."""
    refused_variants = [
        o
        for o in report.observations
        if o.finding.rule == R.ACCEPTS_VARIANTS.id
        and ("escapes" in o.scenario or "reordered" in o.scenario)
        and o.received is not None
        and o.received.status in (401, 403)  # refused, not merely a wrong status (201)
    ]
    if not refused_variants:
        return None
    refused = (R.HTTP_STATUS.id, R.SUBMIT_ROBUST.id)
    refusals = [
        o
        for o in report.observations
        if o.finding.rule in refused and o.received is not None and o.received.status in (401, 403)
    ]
    # ... and a body changed only in its whitespace re-serialises to the signed one: accepted.
    tampered = (R.REJECTS_TAMPERED.id, R.ACTIONS_GUARDED.id)
    accepted = [
        o
        for o in report.observations
        if o.finding.rule in tampered and "body changed after signing" in o.scenario
    ]
    return Cause(
        "The signature check re-serialises the body: signed requests that are not compact ASCII "
        "JSON are refused, and a body changed in its whitespace is accepted",
        "verify the signature over the raw body bytes as received; parse the JSON only afterwards",
        refused_variants + refusals + accepted,
    )


def _hangs_on_bad_input(report: Report) -> Cause | None:
    """Time-outs on malformed or oversized bodies: the adapter waits instead of refusing."""
    hangs = [
        o
        for o in report.observations
        if o.finding.rule == R.LATENCY_TIMEOUT.id and o.scenario.startswith("robustness:")
    ]
    if not hangs:
        return None
    return Cause(
        "The adapter hangs on malformed or oversized bodies instead of refusing them",
        "cap the body size, parse with a limit on nesting, and answer 400 at once",
        hangs,
    )


PATTERNS: tuple[Callable[[Report], Cause | None], ...] = (_reserialising, _hangs_on_bad_input)


def root_causes(report: Report) -> list[Cause]:
    """Causes, most urgent first; every observation belongs to exactly one."""
    causes: list[Cause] = []
    claimed: set[int] = set()
    for pattern in PATTERNS:
        cause = pattern(report)
        if cause is not None:
            cause.observations = [o for o in cause.observations if id(o) not in claimed]
            claimed.update(id(o) for o in cause.observations)
            causes.append(cause)
    by_rule: dict[str, Cause] = {}
    for o in report.observations:
        if id(o) in claimed:
            continue
        rule = RULES[o.finding.rule]
        by_rule.setdefault(rule.id, Cause(rule.title, rule.hint)).observations.append(o)
    causes += by_rule.values()
    return sorted((c for c in causes if c.observations), key=Cause.rank)
