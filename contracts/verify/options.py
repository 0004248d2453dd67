"""What a verify run is asked to do, and what it found: options, observations, the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contracts.redact import secret_header
from contracts.rules import Finding, Profile
from contracts.verify.transport import Received, Sent

__all__ = [
    "QUERY_FORMS",
    "Observation",
    "Report",
    "Unreachable",
    "VerifyOptions",
]

QUERY_FORMS = ("auto", "documented", "path-with-query")


class Unreachable(Exception):
    """The adapter did not answer at all; verification cannot start. ``report`` says so (its
    ``stopped`` is the reason), so the reports asked for can still be written."""

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report


class OutOfTime(BaseException):
    """The budget is spent (or the adapter stopped answering): the phase under way ends at once.
    A BaseException, so Hypothesis stops instead of shrinking it."""


@dataclass
class VerifyOptions:
    """What ``lookupkit verify`` was asked to do (see its --help for each option)."""

    url: str
    signing_key: str | None = None
    basic_auth: tuple[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    known: list[tuple[str, str]] = field(default_factory=list)
    search_attributes: tuple[str, ...] = ("email",)
    profile: Profile = "agent"
    max_examples: int = 100
    seed: int | None = None
    time_budget: float = 120.0
    request_timeout: float = 15.0
    query_form: str = "auto"  # one of QUERY_FORMS
    no_submit: bool = False
    rules: tuple[str, ...] = ()  # judge only these rules or families ("security.")
    skip_rules: tuple[str, ...] = ()
    oms: str | None = None  # a 'lookupkit serve oms' the adapter reads: truth checks
    platform: str | None = None  # which of its platforms the adapter reads (order numbers)
    oms_admin_token: str | None = None  # lets the run inject OMS faults and change orders
    max_staleness: float = 60.0  # seconds a change in the OMS may take to show
    oms_faults: bool = True  # with the admin token: inject OMS faults while looking up
    picked: tuple[
        tuple[str, str], ...
    ] = ()  # (email or phone, why) of customers picked from the OMS
    fuzz_database: bool = (
        False  # True (the pytest plugin): error findings raise, shrink and are replayed
    )

    def __repr__(self) -> str:
        """Without the key, the Basic password or secret-looking header values: a repr ends up in
        tracebacks, pytest's failure output and logs."""
        shown = {
            "url": self.url,
            "signing_key": "***" if self.signing_key else None,
            "oms_admin_token": "***" if self.oms_admin_token else None,
            "basic_auth": (self.basic_auth[0], "***") if self.basic_auth else None,
            "headers": {k: "***" if secret_header(k) else v for k, v in self.headers.items()},
        }
        rest = {k: v for k, v in self.__dict__.items() if k not in shown and not k.startswith("_")}
        return "VerifyOptions(" + ", ".join(f"{k}={v!r}" for k, v in (shown | rest).items()) + ")"

    def judges(self, rule_id: str) -> bool:
        """Whether --rule / --skip-rule leave ``rule_id`` in this run."""
        chosen = not self.rules or any(rule_matches(p, rule_id) for p in self.rules)
        return chosen and not any(rule_matches(p, rule_id) for p in self.skip_rules)

    def secrets(self) -> tuple[str, ...]:
        values = [self.signing_key or "", self.oms_admin_token or ""]
        values += [*(self.basic_auth or ("", ""))[1:]]
        if self.basic_auth and self.basic_auth[1]:  # as an echoed Basic header would carry it
            values.append(f"{self.basic_auth[0]}:{self.basic_auth[1]}")
        values += [v for k, v in self.headers.items() if secret_header(k)]
        return tuple(v for v in values if v)


def rule_matches(pattern: str, rule_id: str) -> bool:
    """A rule id, or a family written with a trailing '.' or '*' ('security.', 'order.*')."""
    if pattern.endswith((".", "*")):
        return rule_id.startswith(pattern.rstrip("*"))
    return pattern == rule_id


@dataclass
class Observation:
    """A finding with its evidence: the scenario, what was sent and what came back."""

    finding: Finding
    scenario: str
    sent: Sent | None = None
    received: Received | None = None


@dataclass
class Report:
    """Everything one run found."""

    options: VerifyOptions
    observations: list[Observation] = field(default_factory=list)
    scenarios: dict[str, bool] = field(default_factory=dict)  # name -> passed
    requests: list[Sent] = field(default_factory=list)
    fuzzed: int = 0
    duration: float = 0.0
    stopped: str = ""
    skipped: list[str] = field(default_factory=list)  # what was not done, and why
    incomplete: str = ""  # why the verdict does not cover a detailed lookup, when it does not
    query_form: str | None = None  # the signing form action URLs accepted
    counted: int = 0  # requests counted but not kept (``lookupkit load`` sends thousands)
    load: dict[str, Any] | None = None  # what ``lookupkit load`` measured

    def count(self, severity: str) -> int:
        return sum(o.finding.severity == severity for o in self.observations)

    @property
    def errors(self) -> int:
        return self.count("error")
