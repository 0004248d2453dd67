"""What ``lookupkit load`` counts beside Locust's own statistics: contacts, statuses per request
kind, and the findings of the answers it judged, with one example each.

A tally is plain data that merges: each Locust worker sends its tally to the master with every
stats report (then starts afresh), and the master adds them up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from contracts.rules import Finding

__all__ = ["EXAMPLE_LIMIT", "Tally"]

EXAMPLE_LIMIT = 4096  # characters of a body kept in an example


def _cut(text: str) -> str:
    return text if len(text) <= EXAMPLE_LIMIT else text[:EXAMPLE_LIMIT] + "…"


@dataclass
class Tally:
    contacts: int = 0
    unlinked: int = 0  # contacts whose customer no lookup found
    judged: int = 0  # answers checked with the whole catalogue (a sample)
    statuses: dict[str, Counter[str]] = field(default_factory=dict)  # kind -> status -> count
    findings: dict[str, dict[str, Any]] = field(default_factory=dict)  # "rule kind" -> finding

    def status(self, kind: str, status: int | None) -> None:
        self.statuses.setdefault(kind, Counter())["none" if not status else str(status)] += 1

    def finding(self, finding: Finding, kind: str, example: dict[str, Any]) -> None:
        """Count a finding of ``kind``'s answer; the first of each rule and kind keeps its
        example (the request and answer, already redacted, bodies cut to EXAMPLE_LIMIT)."""
        key = f"{finding.rule} {kind}"
        seen = self.findings.get(key)
        if seen is None:
            self.findings[key] = {
                "rule": finding.rule,
                "severity": finding.severity,
                "message": finding.message,
                "path": finding.path,
                "kind": kind,
                "count": 1,
                "example": {k: _cut(v) if isinstance(v, str) else v for k, v in example.items()},
            }
        else:
            seen["count"] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "contacts": self.contacts,
            "unlinked": self.unlinked,
            "judged": self.judged,
            "statuses": {kind: dict(counts) for kind, counts in self.statuses.items()},
            "findings": self.findings,
        }

    def merge(self, data: dict[str, Any]) -> None:
        """Add another tally's ``as_dict()`` (a worker's report) to this one."""
        self.contacts += int(data.get("contacts", 0))
        self.unlinked += int(data.get("unlinked", 0))
        self.judged += int(data.get("judged", 0))
        for kind, counts in (data.get("statuses") or {}).items():
            self.statuses.setdefault(kind, Counter()).update(
                {str(k): int(v) for k, v in counts.items()}
            )
        for key, seen in (data.get("findings") or {}).items():
            mine = self.findings.get(key)
            if mine is None:
                self.findings[key] = dict(seen)
            else:
                mine["count"] += int(seen["count"])

    def reset(self) -> None:
        self.contacts = self.unlinked = self.judged = 0
        self.statuses = {}
        self.findings = {}
