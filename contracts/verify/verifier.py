"""The small engine every phase shares: send a request as Gladly would, judge it, record it.

The phases (``scenarios``, ``security``, ``robustness``, ``fuzzing``) are functions over one
``Verifier``; ``engine.run`` calls them in order within the time budget.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts import rules as R
from contracts.checks import LOOKUP_CHECKS
from contracts.exchange import Exchange
from contracts.gladly import gladly_request, target_of
from contracts.probes import query_form_found
from contracts.redact import redactor
from contracts.rules import Finding, Violation
from contracts.signing import QueryForm
from contracts.verify.options import Observation, OutOfTime, Report, VerifyOptions
from contracts.verify.transport import Received, Sent, Transport

__all__ = [
    "EVIDENCE_LIMIT",
    "GLADLY_ID",
    "UNKNOWN_ID",
    "Endpoint",
    "Verifier",
    "detailed_request",
    "excerpt",
]

UNKNOWN_ID = "lookupkit-no-such-customer-0"
GLADLY_ID = "Br1zuiBMTA-daPVl50x45w"  # a Gladly customer id, as auto-link requests carry
EVIDENCE_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Endpoint:
    """An action URL Gladly calls, learned from the adapter's answers, with a body it accepts."""

    name: str
    method: str
    url: str
    body: Any = None


class Verifier:
    """One run's state: options, report, transport, the deadline; sends and judges requests."""

    def __init__(
        self,
        options: VerifyOptions,
        progress: Callable[[str], None],
        stop: threading.Event | None = None,
    ) -> None:
        self.options = options
        self.stop = stop or threading.Event()  # set by a signal handler: end the run now
        self.report = Report(options)
        self.transport = Transport(timeout=options.request_timeout)
        self.redact = redactor(options.secrets())
        self.progress = progress
        self.deadline = time.monotonic() + options.time_budget
        self.failures_in_a_row = 0
        self.budget_spent = False  # past the deadline, or too close to it to start more work
        self.endpoints: list[Endpoint] = []  # action URLs, as the scenarios find them
        self.known_ids: list[str] = []  # the known customers' externalCustomerIds
        fixed = options.query_form != "auto"
        self.found_form: QueryForm | None = QueryForm(options.query_form) if fixed else None

    # -- sending and judging --------------------------------------------------------------------

    def out_of_time(self) -> bool:
        """Whether the budget is spent or the adapter stopped answering.

        Raises:
            KeyboardInterrupt: the run was told to stop. The signal handler raises it too, but
                Python drops an exception raised inside a gc or weakref callback (Hypothesis
                has one), so every check raises it again until the run has ended.
        """
        if self.stop.is_set():
            raise KeyboardInterrupt
        if time.monotonic() > self.deadline:
            self.budget_spent = True
        return self.budget_spent or self.failures_in_a_row >= 5

    def affords(self, seconds: float) -> bool:
        """Whether work expected to take ``seconds`` still ends within the budget (and the run
        may go on): what cannot be cut short, such as generating a case, starts only if so.
        When it does not, the budget counts as spent."""
        if self.out_of_time():
            return False
        if time.monotonic() + seconds > self.deadline:
            self.budget_spent = True
        return not self.budget_spent

    def step(self, message: str) -> None:
        """Begin a step of a phase (and say so), or raise OutOfTime when the budget is spent:
        no step starts its set-up (building strategies, generating cases) after the deadline."""
        if self.out_of_time():
            raise OutOfTime
        self.progress(message)

    def query_form(self, url: str) -> QueryForm:
        """The query-string signing form to use: the one chosen, found, or the documented one."""
        return self.found_form or QueryForm.DOCUMENTED

    def skip(self, what: str) -> None:
        """Note something the run did not do (once), for the report."""
        if what not in self.report.skipped:
            self.report.skipped.append(what)

    def send_as_is(self, sent: Sent) -> Received:
        """Send a request exactly as built (probes build their own) and keep it for the report.

        No request may outlast the time budget: its timeout is at most what is left of it.

        Raises:
            OutOfTime: the budget is spent or the adapter stopped answering (five failures in a
                row), before the request; or the budget, not the adapter, cut the request short
                (an answer we stopped waiting for is not judged).
        """
        if self.out_of_time():
            raise OutOfTime
        timeout = min(self.options.request_timeout, self.deadline - time.monotonic())
        self.transport.timeout = timeout
        received = self.transport.send(sent)
        if received.error and timeout < self.options.request_timeout and self.out_of_time():
            raise OutOfTime
        self.report.requests.append(sent)
        self.failures_in_a_row = self.failures_in_a_row + 1 if received.status is None else 0
        return received

    def send(
        self,
        method: str,
        url: str,
        body: Any = None,
        *,
        key: str | bool | None = True,
        basic: bool = True,
        time_: datetime | None = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[Sent, Received]:
        """Build the request as Gladly would (``key=False``: unsigned) and send it.

        With ``--query-form auto``, the first genuine signed request to a URL with a query that
        is refused is sent again in the other form; the form the adapter takes is kept.
        """

        def build(form: QueryForm) -> Sent:
            signing_key = self.options.signing_key if key is True else (key or None)
            creds = (*self.options.basic_auth, "") if basic and self.options.basic_auth else None
            data, built = gladly_request(
                method,
                url,
                raw if raw is not None else body,
                key=signing_key,
                basic_auth=creds,
                custom=self.options.headers,
                time=time_,
                query_form=form,
            )
            return Sent(method, url, built | (headers or {}), data)

        sent = build(self.query_form(url))
        received = self.send_as_is(sent)
        if key is not True or not self.options.signing_key or "?" not in url or self.found_form:
            return sent, received
        if received.status in (401, 403):
            other = build(QueryForm.PATH_WITH_QUERY)
            answer = self.send_as_is(other)
            if answer.status is not None and answer.status not in (401, 403):
                self.found_form = QueryForm.PATH_WITH_QUERY
                self._form_found(QueryForm.PATH_WITH_QUERY, other, answer)
                return other, answer
        elif received.status is not None and received.status < 500:
            self.found_form = QueryForm.DOCUMENTED
            self._form_found(QueryForm.DOCUMENTED, sent, received)
        return sent, received

    def _form_found(self, form: QueryForm, sent: Sent, received: Received) -> None:
        self.record(
            "signing: the query-string form of action URLs",
            query_form_found(form.value, target_of(sent.url), received.status),
            sent,
            received,
        )

    def record(
        self,
        scenario: str,
        violations: Iterable[Violation],
        sent: Sent | None = None,
        received: Received | None = None,
    ) -> bool:
        """Judge violations in the profile and keep the findings; True when none is an error."""
        ok = True
        for violation in violations:
            severity = violation.rule.severity(self.options.profile)
            if severity is None or not self.options.judges(violation.rule.id):
                continue
            message = self.redact.text(violation.message())  # echoed secrets never kept
            finding = Finding(
                violation.rule.id, severity, message, self.redact.text(violation.path)
            )
            self.report.observations.append(
                Observation(finding, scenario, excerpt(sent), excerpt(received))
            )
            ok = ok and severity != "error"
        self.report.scenarios[scenario] = self.report.scenarios.get(scenario, True) and ok
        return ok

    def transport_violations(self, received: Received) -> list[Violation]:
        if received.error is None:
            return []
        rule = (
            R.LATENCY_TIMEOUT
            if ("no answer" in received.error or "still arriving" in received.error)
            else R.COMPLETE_ANSWER
        )
        return [Violation(rule, "", "a complete answer within the timeout", received.error)]

    def exchange(self, request: Any, received: Received) -> Exchange:
        return Exchange(
            received.json,
            request=request,
            status=received.status,
            headers=received.headers,
            elapsed=received.elapsed,
            text=received.text,
            secrets=self.options.secrets(),
        )

    def lookup(self, scenario: str, request: dict[str, Any]) -> tuple[Exchange | None, bool]:
        sent, received = self.send("POST", self.options.url, request)
        return self.judged(scenario, request, sent, received)

    def judged(
        self, scenario: str, request: dict[str, Any], sent: Sent, received: Received
    ) -> tuple[Exchange | None, bool]:
        """A lookup's answer judged by the lookup checks (None when it was no usable answer)."""
        problems = self.transport_violations(received)
        if problems:
            return None, self.record(scenario, problems, sent, received)
        exchange = self.exchange(request, received)
        violations = [v for check in LOOKUP_CHECKS for v in check(exchange)]
        return exchange, self.record(scenario, violations, sent, received)


def excerpt(message: Any) -> Any:
    """Evidence keeps at most 64 KiB of a body: a hostile adapter cannot fill memory through findings."""
    if message is None or len(message.body) <= EVIDENCE_LIMIT:
        return message
    return dataclasses.replace(message, body=message.body[:EVIDENCE_LIMIT])


def detailed_request(customer_id: str) -> dict[str, Any]:
    return {
        "lookupLevel": "DETAILED",
        "query": {"externalCustomerId": customer_id},
        "uniqueMatchRequired": True,
    }
