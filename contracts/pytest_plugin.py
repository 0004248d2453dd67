"""pytest plugin: ``pytest --lookup-url URL`` runs the contract suite against an adapter in your CI.

One test per rule of the catalogue judged in the chosen profile (failing with the findings), one
per scenario, and a fuzzing test whose failures Hypothesis shrinks and replays from its example
database on the next run. Options mirror ``lookupkit verify``.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from contracts.errors import ContractViolation
from contracts.rules import CATALOGUE, PROFILES
from contracts.verify.engine import Report, Unreachable, VerifyOptions, run
from contracts.verify.options import QUERY_FORMS

KEY = pytest.StashKey[dict[str, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lookupkit", "Gladly Lookup Adapter contract suite")
    group.addoption("--lookup-url", help="Run the contract suite against the adapter at this URL.")
    group.addoption(
        "--lookup-signing-key",
        default=os.environ.get("GLADLY_SIGNING_KEY"),
        help="Signing key (default: $GLADLY_SIGNING_KEY).",
    )
    group.addoption("--lookup-basic-auth", metavar="USER:PASS")
    group.addoption("--lookup-header", action="append", default=[], metavar="'Name: value'")
    group.addoption("--lookup-known", action="append", default=[], metavar="FIELD=VALUE")
    group.addoption("--lookup-search-attribute", action="append", default=[], metavar="NAME")
    group.addoption("--lookup-profile", choices=PROFILES, default="agent")
    group.addoption("--lookup-max-examples", type=int, default=100)
    group.addoption("--lookup-seed", type=int)
    group.addoption("--lookup-time-budget", type=float, default=120.0)
    group.addoption("--lookup-request-timeout", type=float, default=15.0)
    group.addoption("--lookup-query-form", choices=QUERY_FORMS, default="auto")
    group.addoption(
        "--lookup-no-submit", action="store_true", help="Send no action submits (read-only)."
    )


def _options(config: pytest.Config, *, fuzz: bool) -> VerifyOptions:
    def pair(value: str, sep: str, what: str) -> tuple[str, str]:
        name, found, rest = value.partition(sep)
        if not found or not name.strip():
            raise pytest.UsageError(f"{what} {value!r}: expected NAME{sep}VALUE")
        return name.strip(), rest.strip()

    basic = config.getoption("lookup_basic_auth")
    return VerifyOptions(
        url=config.getoption("lookup_url"),
        signing_key=config.getoption("lookup_signing_key"),
        basic_auth=pair(basic, ":", "--lookup-basic-auth") if basic else None,
        headers=dict(pair(h, ":", "--lookup-header") for h in config.getoption("lookup_header")),
        known=[pair(k, "=", "--lookup-known") for k in config.getoption("lookup_known")],
        search_attributes=tuple(config.getoption("lookup_search_attribute")) or ("email",),
        profile=config.getoption("lookup_profile"),
        max_examples=config.getoption("lookup_max_examples"),
        seed=config.getoption("lookup_seed"),
        time_budget=config.getoption("lookup_time_budget"),
        request_timeout=config.getoption("lookup_request_timeout"),
        query_form=config.getoption("lookup_query_form"),
        no_submit=config.getoption("lookup_no_submit"),
        fuzz_database=fuzz,
    )


def _report(config: pytest.Config) -> Report:
    state = config.stash.setdefault(KEY, {})
    if "report" not in state:
        try:
            state["report"] = run(_options(config, fuzz=False), phases=("scenarios", "probes"))
        except Unreachable as exc:
            state["report"] = exc
    if isinstance(state["report"], Unreachable):
        pytest.fail(f"the adapter is unreachable: {state['report']}", pytrace=False)
    report: Report = state["report"]
    return report


class RuleItem(pytest.Item):
    """Passes when the run found no error-severity finding of one rule."""

    def __init__(self, *, rule: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule = rule

    def runtest(self) -> None:
        errors = [
            o
            for o in _report(self.config).observations
            if o.finding.rule == self.rule and o.finding.severity == "error"
        ]
        if errors:
            raise LookupContractError(
                "\n\n".join(
                    f"[{o.scenario}] at {o.finding.path or '(root)'}\n{o.finding.message}"
                    for o in errors[:5]
                )
                + (f"\n\n({len(errors)} in all)" if len(errors) > 5 else "")
            )

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, LookupContractError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[str, int, str]:
        return "lookupkit", 0, f"rule {self.rule}"


class FuzzItem(pytest.Item):
    """Generated lookups; a failure is shrunk by Hypothesis and replayed first on the next run."""

    def runtest(self) -> None:
        run(_options(self.config, fuzz=True), phases=("fuzz",))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The findings (rule, where, received, hint), never pytest's or Hypothesis' internals."""
        violations = _violations(excinfo.value)
        if violations:
            text = "\n\n".join(str(v) for v in violations)
            return text + "\n\n(Hypothesis keeps this case: the next run replays it first.)"
        return f"{type(excinfo.value).__name__}: {excinfo.value}"

    def reportinfo(self) -> tuple[str, int, str]:
        return "lookupkit", 0, "fuzzing"


def _violations(error: BaseException) -> list[ContractViolation]:
    """The contract violations in an error, also inside Hypothesis' exception groups."""
    if isinstance(error, ContractViolation):
        return [error]
    found: list[ContractViolation] = []
    for inner in getattr(error, "exceptions", ()):
        found += _violations(inner)
    return found


class LookupContractError(AssertionError):
    pass


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if not config.getoption("lookup_url"):
        return
    profile = config.getoption("lookup_profile")
    for rule in CATALOGUE:
        if rule.severity(profile) == "error":
            items.append(
                RuleItem.from_parent(session, name=f"lookup-contract[{rule.id}]", rule=rule.id)
            )
    items.append(FuzzItem.from_parent(session, name="lookup-contract[fuzzing]"))
