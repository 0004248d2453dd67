"""Verify any Lookup Adapter over HTTP: Gladly scenarios, security and robustness probes, fuzzing.

Every request is built as Gladly builds it (``contracts.gladly``) and signed over the exact bytes
sent. Every answer is judged by the rule catalogue in the chosen profile. Nothing here raises on
what an adapter does: whatever comes back is evidence for a finding.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts import rules as R
from contracts.actions import action_form_is_well_formed, submit_answer_is_documented
from contracts.checks import LOOKUP_CHECKS, response_leaks_nothing, results_are_stable
from contracts.errors import ContractViolation
from contracts.exchange import Exchange
from contracts.gladly import gladly_json, gladly_request, resolve_url
from contracts.probes import must_accept, must_refuse_as_client_error, must_reject
from contracts.rules import SEVERITY_ORDER, Finding, Profile, Violation
from contracts.signing import QueryForm, basic_auth_headers
from contracts.verify.transport import Received, Sent, Transport

__all__ = ["Observation", "Report", "Unreachable", "VerifyOptions", "run"]

UNKNOWN_ID = "lookupkit-no-such-customer-0"
MIN_SECRET = 8
GLADLY_ID = "Br1zuiBMTA-daPVl50x45w"


class Unreachable(Exception):
    """The adapter did not answer at all; verification cannot start."""


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
    query_form: QueryForm = QueryForm.DOCUMENTED
    fuzz_database: bool = (
        False  # True (the pytest plugin): error findings raise, shrink and are replayed
    )

    def secrets(self) -> tuple[str, ...]:
        values = [self.signing_key or "", *(self.basic_auth or ("", ""))[1:]]
        values += [v for k, v in self.headers.items() if _secret_header(k)]
        # Shorter values would match innocent text ("demo" in "lookupkit-demo"); keys should be long anyway.
        return tuple(v for v in values if len(v) >= MIN_SECRET)


def _secret_header(name: str) -> bool:
    lowered = name.lower()
    return lowered == "authorization" or any(
        w in lowered for w in ("token", "secret", "key", "password", "auth")
    )


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

    def count(self, severity: str) -> int:
        return sum(o.finding.severity == severity for o in self.observations)

    @property
    def errors(self) -> int:
        return self.count("error")


class Verifier:
    def __init__(self, options: VerifyOptions, progress: Callable[[str], None]) -> None:
        self.options = options
        self.report = Report(options)
        self.transport = Transport(timeout=options.request_timeout)
        self.progress = progress
        self.deadline = time.monotonic() + options.time_budget
        self.failures_in_a_row = 0

    # -- sending and judging --------------------------------------------------------------------

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline or self.failures_in_a_row >= 5

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
        """Build the request as Gladly would (``key=False``: unsigned) and send it."""
        signing_key = self.options.signing_key if key is True else (key or None)
        creds = (*self.options.basic_auth, "") if basic and self.options.basic_auth else None
        payload = raw if raw is not None else body
        data, built = gladly_request(
            method,
            url,
            payload,
            key=signing_key,
            basic_auth=creds,
            custom=self.options.headers,
            time=time_,
            query_form=self.options.query_form,
        )
        sent = Sent(method, url, built | (headers or {}), data)
        received = self.transport.send(sent)
        self.report.requests.append(sent)
        self.failures_in_a_row = self.failures_in_a_row + 1 if received.status is None else 0
        return sent, received

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
            if severity is None:
                continue
            finding = Finding(violation.rule.id, severity, violation.message(), violation.path)
            self.report.observations.append(
                Observation(finding, scenario, _excerpt(sent), _excerpt(received))
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
        problems = self.transport_violations(received)
        if problems:
            return None, self.record(scenario, problems, sent, received)
        exchange = self.exchange(request, received)
        violations = [v for check in LOOKUP_CHECKS for v in check(exchange)]
        return exchange, self.record(scenario, violations, sent, received)

    # -- scenarios ------------------------------------------------------------------------------

    def reachability(self) -> None:
        request = _detailed(UNKNOWN_ID)
        sent, received = self.send("POST", self.options.url, request)
        if received.status is None:
            raise Unreachable(f"{self.options.url} did not answer: {received.error}")
        if (
            received.status in (401, 403)
            and not self.options.signing_key
            and not self.options.basic_auth
        ):
            self.progress(
                "the adapter refuses unsigned requests: pass --signing-key (or GLADLY_SIGNING_KEY)"
            )
        self.record(
            "reachability: detailed lookup of an unknown id",
            self.transport_violations(received)
            + [v for check in LOOKUP_CHECKS for v in check(self.exchange(request, received))],
            sent,
            received,
        )

    def known_customers(self) -> list[str]:
        """Auto-link and search for each named customer; returns the externalCustomerIds found."""
        found: list[str] = []
        for field_name, value in self.options.known:
            if field_name == "externalCustomerId":
                found.append(value)
                continue
            if field_name in ("email", "phone"):
                key = field_name + "s"
                request = {
                    "lookupLevel": "BASIC",
                    "query": {key: [value], "id": GLADLY_ID, "name": "Known Customer"},
                    "uniqueMatchRequired": False,
                }
                scenario = f"auto-link by {field_name} {value}"
                exchange, _ = self.lookup(scenario, request)
                found += self._ids(scenario, exchange, f"{field_name} {value}")
            for attribute in self.options.search_attributes:
                if attribute.rstrip("s") != field_name.rstrip("s") and attribute != field_name:
                    continue
                request = {
                    "lookupLevel": "BASIC",
                    "query": {attribute: value},
                    "uniqueMatchRequired": False,
                }
                scenario = f"basic search on {attribute}={value}"
                exchange, _ = self.lookup(scenario, request)
                found += self._ids(scenario, exchange, f"{attribute}={value}")
        return list(dict.fromkeys(found))

    def _ids(self, scenario: str, exchange: Exchange | None, what: str) -> list[str]:
        results = (
            exchange.response.get("results")
            if exchange and isinstance(exchange.response, dict)
            else None
        )
        ids = [
            str(r["externalCustomerId"])
            for r in results or []
            if isinstance(r, dict) and r.get("externalCustomerId")
        ]
        if exchange is not None and exchange.status == 200 and not ids:
            self.record(
                scenario,
                [Violation(R.FINDS_KNOWN, "results", f"the customer with {what}", "no results")],
            )
        return ids

    def detailed(self, customer_id: str) -> None:
        scenario = f"detailed lookup of {customer_id}"
        first, _ = self.lookup(scenario, _detailed(customer_id))
        if first is None or first.status != 200:
            return
        second, _ = self.lookup(scenario, _detailed(customer_id))
        if second is not None:
            self.record(scenario, results_are_stable(first, second))
        self.actions(customer_id, first)

    def actions(self, customer_id: str, exchange: Exchange) -> None:
        """Fetch each distinct action's form (signed GET) and submit it once with values from the form."""
        seen: set[str] = set()
        for action in _actions(exchange.response):
            name, form_url = action.get("name"), action.get("formUrl")
            if not isinstance(form_url, str) or name in seen or self.out_of_time():
                continue
            seen.add(str(name))
            scenario = f"action {name!r}"
            url = resolve_url(self.options.url, form_url)
            sent, received = self.send("GET", url)
            form = received.json
            if (
                not self.record(
                    scenario,
                    self.transport_violations(received) + list(action_form_is_well_formed(form)),
                    sent,
                    received,
                )
                or received.status != 200
            ):
                continue
            values = _values_from(form)
            sent, received = self.send(
                "POST", resolve_url(self.options.url, form["actionUrl"]), values
            )
            violations = self.transport_violations(received) or list(
                submit_answer_is_documented(received.status or 0, received.json)
            )
            self.record(scenario, violations, sent, received)
            if received.status == 200:
                self.lookup(f"{scenario}: detailed lookup after the action", _detailed(customer_id))

    def documented_examples(self) -> None:
        """The request examples of the OpenAPI document, sent as they are (Schemathesis' examples phase)."""
        from contracts.spec import load_spec

        operation = load_spec()["paths"]["/"]["post"]
        examples = operation["requestBody"]["content"]["application/json"].get("examples", {})
        for name, example in examples.items():
            if not self.out_of_time():
                self.lookup(f"documented example {name!r}", example["value"])

    # -- probes ---------------------------------------------------------------------------------

    def security(self, customer_id: str) -> None:
        url, request = self.options.url, _detailed(customer_id)
        if self.options.signing_key:
            probes: list[tuple[R.Rule, str, dict[str, Any]]] = [
                (R.REJECTS_UNSIGNED, "a request without Gladly-Authorization", {"key": False}),
                (
                    R.REJECTS_WRONG_KEY,
                    "a request signed with another key",
                    {"key": "lookupkit-wrong-key-0"},
                ),
            ]
            for rule, what, how in probes:
                self._probe_rejected(rule, what, *self.send("POST", url, request, key=how["key"]))
            sent, received = self._signed_then_changed(request, body=True)
            self._probe_rejected(R.REJECTS_TAMPERED, "a body changed after signing", sent, received)
            sent, received = self._signed_then_changed(request, body=False)
            self._probe_rejected(
                R.REJECTS_OTHER_HEADERS, "a signature over other header values", sent, received
            )
            stale = datetime.now(UTC) - timedelta(hours=1)
            self._probe_rejected(
                R.STALE_TIME,
                "a Gladly-Time an hour old",
                *self.send("POST", url, request, time_=stale),
            )
            for what, sent_received in self._variants(request):
                sent, received = sent_received
                self.record(
                    f"security: accepts {what}",
                    self.transport_violations(received)
                    or must_accept(R.ACCEPTS_VARIANTS, received.status or 0, what),
                    sent,
                    received,
                )
        if self.options.basic_auth:
            self._probe_rejected(
                R.BASIC_AUTH,
                "a request without Basic credentials",
                *self.send("POST", url, request, basic=False),
            )
            user = self.options.basic_auth[0]
            sent, received = self.send(
                "POST",
                url,
                request,
                basic=False,
                headers=_authorization(user, "lookupkit-wrong-password"),
            )
            self._probe_rejected(
                R.BASIC_AUTH, "a request with a wrong Basic password", sent, received
            )

    def _probe_rejected(self, rule: R.Rule, what: str, sent: Sent, received: Received) -> None:
        violations = self.transport_violations(received) or list(
            must_reject(rule, received.status or 0, what)
        )
        violations += response_leaks_nothing(self.exchange(None, received))
        self.record(f"security: rejects {what}", violations, sent, received)

    def _signed_then_changed(self, request: dict[str, Any], *, body: bool) -> tuple[Sent, Received]:
        data, headers = gladly_request(
            "POST",
            self.options.url,
            request,
            key=self.options.signing_key,
            custom=self.options.headers,
        )
        if self.options.basic_auth:
            headers |= _authorization(*self.options.basic_auth)
        if body:
            data = data.replace(b'"DETAILED"', b'"DETAILED" ', 1)
        else:
            headers["X-B3-Traceid"] = "0" * 32
        sent = Sent("POST", self.options.url, headers, data)
        received = self.transport.send(sent)
        self.report.requests.append(sent)
        return sent, received

    def _variants(self, request: dict[str, Any]) -> Iterable[tuple[str, tuple[Sent, Received]]]:
        url = self.options.url
        query = request["query"] | {
            "name": "Zoë <Ångström> & Söhne \u2028",
            "favoriteFood": "Crème brûlée",
        }
        yield (
            "escapes like \\u003c and non-ASCII text",
            self.send("POST", url, request | {"query": query}),
        )
        yield (
            "extra query attributes",
            self.send(
                "POST",
                url,
                request
                | {
                    "query": request["query"]
                    | {"customAttributes": {"tier": "gold"}, "loyaltyNumber": "12345"}
                },
            ),
        )
        reordered = json.dumps(
            {"uniqueMatchRequired": True, "query": request["query"], "lookupLevel": "DETAILED"},
            indent=2,
        ).encode()
        yield "reordered, pretty-printed keys", self.send("POST", url, raw=reordered)
        data, headers = gladly_request(
            "POST",
            url,
            request,
            key=self.options.signing_key,
            custom=self.options.headers,
            basic_auth=(*self.options.basic_auth, "") if self.options.basic_auth else None,
        )
        lowered = {k.lower(): v for k, v in headers.items()}
        sent = Sent("POST", url, lowered, data)
        self.report.requests.append(sent)
        yield "lower-case header names", (sent, self.transport.send(sent))

    def robustness(self) -> None:
        url = self.options.url
        valid = gladly_json(_detailed(UNKNOWN_ID))
        probes = [
            ("malformed JSON", valid[:-7], None),
            ("an empty body", b"", None),
            (
                "an unknown lookupLevel",
                gladly_json(
                    {"lookupLevel": "SOMETIMES", "query": {}, "uniqueMatchRequired": False}
                ),
                None,
            ),
            (
                "a query that is not an object",
                gladly_json({"lookupLevel": "BASIC", "query": "x", "uniqueMatchRequired": False}),
                None,
            ),
            ("a 2 MiB body", b'{"pad":"' + b"x" * (2 * 1024 * 1024) + b'"}', None),
            ("JSON nested 10,000 deep", b'{"a":' * 10_000 + b"1" + b"}" * 10_000, None),
        ]
        for what, raw, _ in probes:
            sent, received = self.send("POST", url, raw=raw)
            violations = list(
                must_refuse_as_client_error(received.status, what, elapsed=received.elapsed)
            )
            if received.error and received.status is not None:
                violations += self.transport_violations(received)
            violations += response_leaks_nothing(self.exchange(None, received))
            self.record(f"robustness: refuses {what}", violations, sent, received)
        sent, received = self.send(
            "POST", url, _detailed(UNKNOWN_ID), headers={"Content-Type": "text/plain"}
        )
        violations = self.transport_violations(received)
        if received.status is not None and received.status >= 500:
            violations.append(
                Violation(
                    R.SERVER_ERROR,
                    "",
                    "200 or a 4xx",
                    f"HTTP {received.status} to a text/plain body",
                )
            )
        self.record("robustness: valid JSON under a wrong content type", violations, sent, received)

    # -- fuzzing --------------------------------------------------------------------------------

    @functools.cached_property
    def lookup_operation(self) -> tuple[Any, Any]:
        """Schemathesis' view of the OpenAPI document and its lookup operation (POST /)."""
        import schemathesis

        from contracts.spec import load_spec

        schema = schemathesis.openapi.from_dict(load_spec())
        operation = next(r.ok() for r in schema.get_all_operations() if r.ok().label == "POST /")  # type: ignore[union-attr]
        return schema, operation

    def fuzz(self) -> None:
        """Positive and negative lookups generated by Schemathesis from the OpenAPI document."""
        from schemathesis.generation.modes import GenerationMode

        _, operation = self.lookup_operation
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            self._fuzz_mode(
                operation.as_strategy(generation_mode=mode), mode is GenerationMode.POSITIVE
            )

    def coverage(self) -> None:
        """Schemathesis' coverage phase: boundary and type-breaking variants of every field.

        Only POST cases are sent: methods Gladly never uses are not the adapter's contract.
        """
        from schemathesis.generation.modes import GenerationMode

        schema, operation = self.lookup_operation
        cases = schema.iter_coverage_cases(
            operation,
            generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
            generation_config=schema.config.generation_for(operation=operation),
        )
        for case in cases:
            if self.out_of_time():
                break
            if case.method != "POST":
                continue
            positive = (
                case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE
            )
            self.fuzz_one(
                f"coverage: {'positive' if positive else 'negative'} lookups",
                case.body,
                positive=positive,
                case=case,
            )

    def _fuzz_mode(self, strategy: Any, positive: bool) -> None:
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import seed as hypothesis_seed

        scenario = f"fuzzing: {'positive' if positive else 'negative'} lookups"
        self.report.scenarios.setdefault(scenario, True)

        replay = self.options.fuzz_database
        database = settings().database if replay else None

        @settings(
            max_examples=self.options.max_examples,
            deadline=None,
            database=database,
            phases=[Phase.reuse, Phase.generate, Phase.shrink] if replay else [Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run_one(case: Any) -> None:
            if not self.out_of_time():
                self.fuzz_one(scenario, case.body, positive=positive, case=case)

        if self.options.seed is not None:
            run_one = hypothesis_seed(self.options.seed)(run_one)
        run_one()

    def fuzz_one(self, scenario: str, body: Any, *, positive: bool, case: Any = None) -> None:
        try:
            raw = gladly_json(body)
        except (TypeError, ValueError):
            raw = b""
        sent, received = self.send("POST", self.options.url, raw=raw)
        self.report.fuzzed += 1
        violations = self.transport_violations(received)
        if received.status is not None and received.status >= 500:
            violations.append(
                Violation(R.SERVER_ERROR, "", "a status below 500", f"HTTP {received.status}")
            )
        elif positive and received.status == 200 and not violations:
            exchange = self.exchange(body, received)
            violations += [v for check in LOOKUP_CHECKS for v in check(exchange)]
        elif not positive and received.status is not None and 200 <= received.status < 300:
            violations.append(
                Violation(
                    R.ACCEPTS_ONLY_VALID, "", "a 4xx", f"HTTP {received.status} to {shown(body)}"
                )
            )
        elif positive and received.status not in (200, None):
            violations.append(
                Violation(
                    R.HTTP_STATUS,
                    "",
                    "HTTP 200 to a schema-valid lookup",
                    f"HTTP {received.status}",
                )
            )
        violations += response_leaks_nothing(self.exchange(body, received))
        if case is not None and received.status == 200 and not received.error:
            violations += schemathesis_schema_check(case, sent, received)
        if not self.record(scenario, violations, sent, received) and self.options.fuzz_database:
            raise ContractViolation.from_findings(
                [o.finding for o in self.report.observations[-len(violations) :]]
            )


def schemathesis_schema_check(case: Any, sent: Sent, received: Received) -> list[Violation]:
    """Schemathesis' own response_schema_conformance check, run on what our transport received."""
    import requests
    from schemathesis.core.transport import Response
    from schemathesis.specs.openapi.checks import response_schema_conformance

    request = requests.Request(
        sent.method, sent.url, headers=sent.headers, data=sent.body
    ).prepare()
    response = Response(
        status_code=received.status or 0,
        headers={k.lower(): [v] for k, v in received.headers.items()},
        content=received.body,
        request=request,
        elapsed=received.elapsed,
        message="OK",
        encoding="utf-8",
        http_version="1.1",
        verify=True,
    )
    try:
        case.validate_response(response, checks=[response_schema_conformance], headers=sent.headers)
    except (AssertionError, BaseExceptionGroup) as exc:  # Schemathesis raises a FailureGroup
        failures = getattr(exc, "exceptions", [exc])
        return [
            Violation(
                R.RESPONSE_SCHEMA,
                "",
                "an answer valid against the documented schema",
                str(getattr(f, "message", f)).strip().split("\n")[0][:200],
            )
            for f in failures
            if "schema" in str(getattr(f, "title", "")).lower()
        ]
    return []


EVIDENCE_LIMIT = 64 * 1024


def _excerpt(message: Any) -> Any:
    """Evidence keeps at most 64 KiB of a body: a hostile adapter cannot fill memory through findings."""
    if message is None or len(message.body) <= EVIDENCE_LIMIT:
        return message
    return dataclasses.replace(message, body=message.body[:EVIDENCE_LIMIT])


def _authorization(user: str, password: str) -> dict[str, str]:
    """Only the Authorization header of a Basic pair, for probes that set it by hand."""
    return {"Authorization": basic_auth_headers(user, password)["Authorization"]}


def shown(value: Any) -> str:
    return R.shown(value, 120)


def _detailed(customer_id: str) -> dict[str, Any]:
    return {
        "lookupLevel": "DETAILED",
        "query": {"externalCustomerId": customer_id},
        "uniqueMatchRequired": True,
    }


def _actions(response: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for profile in (response.get("results") or []) if isinstance(response, dict) else []:
        if not isinstance(profile, dict):
            continue
        found += [a for a in profile.get("actions") or [] if isinstance(a, dict)]
        for txn in profile.get("transactions") or []:
            if isinstance(txn, dict):
                found += [a for a in txn.get("actions") or [] if isinstance(a, dict)]
    return found


def _values_from(form: dict[str, Any]) -> dict[str, Any]:
    """Values an agent would enter: defaults, the first option, a short text, the box ticked."""
    values: dict[str, Any] = {}
    for section in form.get("sections") or []:
        if (
            not isinstance(section, dict)
            or section.get("type") != "input"
            or not isinstance(section.get("attr"), str)
        ):
            continue
        field_ = section.get("input") or {}
        kind, default = field_.get("type"), section.get("defaultValue")
        if kind == "select":
            options = [o.get("value") for o in field_.get("options") or [] if isinstance(o, dict)]
            values[section["attr"]] = (
                default if default in options else (options[0] if options else "")
            )
        elif kind == "checkbox":
            values[section["attr"]] = default if isinstance(default, bool) else True
        else:
            values[section["attr"]] = (
                default if isinstance(default, str) and default else "Checked by lookupkit verify"
            )
    return values


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
        verifier.reachability()
        ids: list[str] = []
        if "scenarios" in phases:
            progress("looking up the known customers")
            ids = verifier.known_customers()
            if not options.known:
                progress(
                    "no --known customers: cardinality and transaction checks need one (e.g. --known email=...)"
                )
            for customer_id in ids:
                if verifier.out_of_time():
                    break
                progress(f"detailed lookup of {customer_id}")
                verifier.detailed(customer_id)
        if "probes" in phases:
            progress("security probes")
            verifier.security(ids[0] if ids else UNKNOWN_ID)
            progress("robustness probes")
            verifier.robustness()
        if "fuzz" in phases and not verifier.out_of_time():
            progress("the OpenAPI document's request examples")
            verifier.documented_examples()
            progress("Schemathesis' coverage phase")
            verifier.coverage()
            progress(
                f"fuzzing ({options.max_examples} positive and {options.max_examples} negative lookups)"
            )
            verifier.fuzz()
        if time.monotonic() > verifier.deadline:
            verifier.report.stopped = f"time budget of {options.time_budget:g} s used up"
        elif verifier.failures_in_a_row >= 5:
            verifier.report.stopped = "the adapter stopped answering"
    finally:
        verifier.transport.close()
        verifier.report.duration = time.monotonic() - started
    verifier.report.observations.sort(key=lambda o: SEVERITY_ORDER[o.finding.severity])
    return verifier.report
