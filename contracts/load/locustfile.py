"""Locust's side of ``lookupkit load``: simulated Gladly agents handling contacts (the traffic
model is ``contracts.load.model``), every request built and signed as ``lookupkit verify``
builds it.

``lookupkit load`` runs Locust on this file with the run's settings in ``LOOKUPKIT_LOAD_CONFIG``
(JSON, in the environment: the signing key never touches the disk); it is not run by hand.

Every answer is checked for what breaks under load (a transport failure, a status other than
200, a body that is no ``results`` envelope, no result for a customer found before); one answer
in ``check_every`` is judged with the whole rule catalogue. Findings go into the process's
``Tally``, which workers send to the master with each stats report.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

import gevent
from locust import FastHttpUser, LoadTestShape, events, task
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

from contracts import rules as R
from contracts.actions import (
    action_form_is_well_formed,
    actions_of,
    submit_answer_is_documented,
    values_from,
)
from contracts.checks import LOOKUP_CHECKS, judge
from contracts.exchange import Exchange
from contracts.files import atomic_file
from contracts.gladly import gladly_request, resolve_url, same_origin
from contracts.load.model import (
    ACTION,
    AGENT_SEARCH,
    NEW_PROFILE,
    Customer,
    gladly_profile_id,
    users_at,
)
from contracts.load.stats import summary
from contracts.load.tally import Tally
from contracts.redact import redactor
from contracts.rules import Violation
from contracts.signing import QueryForm

CONFIG_ENV = "LOOKUPKIT_LOAD_CONFIG"
GLADLY_CAP = 15.0  # seconds Gladly waits for an answer


def _config() -> dict[str, Any]:
    raw = os.environ.get(CONFIG_ENV)
    if not raw:
        sys.exit(f"this locustfile is run by 'lookupkit load' ({CONFIG_ENV} is not set)")
    config: dict[str, Any] = json.loads(raw)
    return config


CONFIG = _config()
CUSTOMERS = [Customer.from_dict(c) for c in CONFIG["customers"]]
SECRETS = tuple(CONFIG["secrets"])
REDACT = redactor(SECRETS)
BASIC = (*CONFIG["basic_auth"], "") if CONFIG["basic_auth"] else None
FORM = QueryForm(CONFIG["query_form"])
TALLY = Tally()
LINKED: dict[int, str] = {}  # customer index -> externalCustomerId this process has linked
ANSWERS = itertools.count()  # every answer's number, for the 1-in-N sample
USERS = itertools.count()

Judge = Callable[[int | None, Any], list[Violation]]


def _example(
    method: str, url: str, headers: dict[str, str], raw: bytes, status: Any, text: str
) -> dict[str, Any]:
    return {
        "method": method,
        "url": REDACT.text(url),
        "headers": REDACT.headers(headers),
        "body": REDACT.text(raw.decode("utf-8", "replace")),
        "status": status,
        "answer": REDACT.text(text),
    }


class GladlyAgent(FastHttpUser):
    """One agent: handles a contact every ``pacing`` seconds."""

    host = CONFIG["origin"]
    network_timeout = GLADLY_CAP  # Gladly gives up at 15 s; so does this agent
    connection_timeout = GLADLY_CAP
    max_retries = 0  # a retried submit would act twice
    insecure = False  # an HTTPS adapter's certificate is checked
    concurrency = 2

    def on_start(self) -> None:
        self.rng = random.Random(f"{CONFIG['seed']}:{os.getpid()}:{next(USERS)}")
        # agents start at random points of one pacing interval: contacts arrive spread out,
        # not in a burst of one per agent at the start. The wait is Locust's (the first task
        # only starts the schedule): a run that ends stops a waiting agent at once.
        offset = self.rng.uniform(0, CONFIG["pacing"])
        self.next_contact: float = time.monotonic() + offset - CONFIG["pacing"]
        self.scheduled = False

    def wait_time(self) -> float:
        """Until this agent's next contact, one pacing interval after the last one was due
        (not after it ended: a slow answer does not slow the arrivals). An agent more than
        one interval behind skips the contacts it missed, and the shortfall is reported."""
        now = time.monotonic()
        self.next_contact += CONFIG["pacing"]
        if self.next_contact < now - CONFIG["pacing"]:
            self.next_contact = now
        return max(0.0, self.next_contact - now)

    @task
    def contact(self) -> None:
        if not self.scheduled:
            self.scheduled = True
            return
        TALLY.contacts += 1
        index = self.rng.randrange(len(CUSTOMERS))
        customer = CUSTOMERS[index]
        external = customer.external_id or LINKED.get(index, "")
        if (not external or self.rng.random() < NEW_PROFILE) and (customer.email or customer.phone):
            found = self.auto_link(customer, linked_before=bool(external))
            external = external or found
        if not external:
            external = self.search(customer, linked_before=False)
        if not external:
            TALLY.unlinked += 1
            return
        if not customer.external_id:
            LINKED[index] = external
        answer = self.detailed(external, "detailed")
        if self.rng.random() < AGENT_SEARCH:
            self.search(customer, linked_before=True)
        offered = [a for a in actions_of(answer) if isinstance(a.get("formUrl"), str)]
        if offered and self.rng.random() < ACTION:
            self.act(self.rng.choice(offered), external)

    # -- the requests of a contact --------------------------------------------------------------

    def auto_link(self, customer: Customer, *, linked_before: bool) -> str:
        query: dict[str, Any] = {"id": gladly_profile_id(customer)}
        if customer.email:
            query["emails"] = [customer.email]
        if customer.phone:
            query["phones"] = [customer.phone]
        if customer.name:
            query["name"] = customer.name
        request = {"lookupLevel": "BASIC", "query": query, "uniqueMatchRequired": False}
        return self.lookup("auto-link", request, linked_before=linked_before, unique=True)

    def search(self, customer: Customer, *, linked_before: bool) -> str:
        for attribute in CONFIG["search_attributes"]:
            value = customer.search_value(attribute)
            if value:
                request = {
                    "lookupLevel": "BASIC",
                    "query": {attribute: value},
                    "uniqueMatchRequired": False,
                }
                return self.lookup("search", request, linked_before=linked_before, unique=False)
        return ""

    def detailed(self, external: str, kind: str) -> Any:
        request = {
            "lookupLevel": "DETAILED",
            "query": {"externalCustomerId": external},
            "uniqueMatchRequired": True,
        }
        answers: list[Any] = []
        self.lookup(kind, request, linked_before=True, unique=True, keep=answers)
        return answers[0] if answers else None

    def lookup(
        self,
        kind: str,
        request: dict[str, Any],
        *,
        linked_before: bool,
        unique: bool,
        keep: list[Any] | None = None,
    ) -> str:
        """Send a lookup; the externalCustomerId it found ('' for none, or several when
        ``unique``)."""
        found: list[str] = []

        def check(status: int | None, body: Any) -> list[Violation]:
            problems = _lookup_problems(status, body)
            if problems:
                return problems
            results = body["results"]
            found.extend(
                str(r["externalCustomerId"])
                for r in results
                if isinstance(r, dict) and r.get("externalCustomerId")
            )
            if keep is not None:
                keep.append(body)
            if not results:
                rule = R.STABLE if linked_before else R.FINDS_KNOWN
                expected = "the customer found before" if linked_before else "the known customer"
                return [Violation(rule, "results", expected, "no results")]
            return []

        self.send(kind, "POST", CONFIG["url"], request, check, catalogue=True)
        return found[0] if found and (len(found) == 1 or not unique) else ""

    def act(self, action: dict[str, Any], external: str) -> None:
        form_url = resolve_url(CONFIG["url"], action["formUrl"])
        if not same_origin(CONFIG["url"], form_url):
            return  # Gladly's credentials go only to the adapter's origin (verify reports it)
        forms: list[Any] = []

        def check_form(status: int | None, body: Any) -> list[Violation]:
            if status != 200:
                return [Violation(R.FORM_SHAPE, "", "HTTP 200 with the form", f"HTTP {status}")]
            forms.append(body)
            return list(action_form_is_well_formed(body))

        self.send("action form", "GET", form_url, None, check_form)
        if not CONFIG["submits"] or not forms or not isinstance(forms[0], dict):
            return
        target = forms[0].get("actionUrl")
        if not isinstance(target, str):
            return
        action_url = resolve_url(CONFIG["url"], target)
        if not same_origin(CONFIG["url"], action_url):
            return
        statuses: list[int | None] = []

        def check_submit(status: int | None, body: Any) -> list[Violation]:
            statuses.append(status)
            return list(submit_answer_is_documented(status or 0, body))

        self.send("action submit", "POST", action_url, values_from(forms[0]), check_submit)
        if statuses == [200]:
            self.detailed(external, "detailed")  # Gladly looks the customer up after an action

    def send(
        self,
        kind: str,
        method: str,
        url: str,
        body: Any,
        check: Judge,
        *,
        catalogue: bool = False,
    ) -> None:
        """Sign and send one request; judge the answer, count it, mark it failed in Locust's
        statistics when Gladly could not use it."""
        raw, headers = gladly_request(
            method,
            url,
            body,
            key=CONFIG["signing_key"],
            basic_auth=BASIC,
            custom=CONFIG["headers"],
            query_form=FORM,
        )
        with self.client.request(
            method,
            url,
            data=raw or None,  # type: ignore[arg-type]  # bytes, sent as they are (documented)
            headers=headers,
            name=kind,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            status = response.status_code or None
            TALLY.status(kind, status)
            text = (response.text or "") if status else ""
            if status is None:
                violations = [_transport(response.error)]
            else:
                violations = check(status, _json(text))
            sampled = next(ANSWERS) % CONFIG["check_every"] == 0
            if sampled and catalogue and not violations and status == 200:
                TALLY.judged += 1
                exchange = Exchange(_json(text), request=body, status=status, text=text)
                violations = [v for c in LOOKUP_CHECKS for v in c(exchange)]
            findings = judge(violations, CONFIG["profile"])
            for finding in findings:
                example = _example(method, url, headers, raw, status, text)
                TALLY.finding(finding, kind, example)
            errors = [f for f in findings if f.severity == "error"]
            if errors:
                first = errors[0]
                received = first.message.split("Received: ", 1)[-1].split("\n", 1)[0]
                response.failure(REDACT.text(f"{first.rule}: {received}"))
            else:
                response.success()


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _lookup_problems(status: int | None, body: Any) -> list[Violation]:
    if status in (401, 403):
        refused = f"HTTP {status}: the signature or credentials were refused"
        return [Violation(R.HTTP_STATUS, "", "HTTP 200", refused)]
    if status != 200:
        return [Violation(R.HTTP_STATUS, "", "HTTP 200", f"HTTP {status}")]
    if not isinstance(body, dict):
        return [Violation(R.JSON_OBJECT, "", "a JSON object", "a partial or malformed body")]
    if not isinstance(body.get("results"), list):
        return [Violation(R.RESULTS_ARRAY, "results", "an array", "no results array")]
    return []


def _transport(error: Any) -> Violation:
    text = REDACT.text(f"{type(error).__name__}: {error}"[:300])
    if "timeout" in text.lower() or "timed out" in text.lower():
        return Violation(R.LATENCY_TIMEOUT, "", f"an answer within {GLADLY_CAP:g} s", text)
    return Violation(R.COMPLETE_ANSWER, "", "a complete HTTP answer", text)


class GladlyRamp(LoadTestShape):
    """The ramp (steady, peak or spike) over the run's duration; the run ends with it."""

    def tick(self) -> tuple[int, float] | None:
        users = users_at(CONFIG["ramp"], self.get_run_time(), CONFIG["duration"], CONFIG["users"])  # type: ignore[no-untyped-call]
        return (users, CONFIG["spawn_rate"]) if users else None


def _on_init(environment: Environment, **_: Any) -> None:
    """SIGTERM ends a ramp under way the way its end would: the shape stops, Locust quits
    normally and the summary is written (Locust's own SIGTERM handler comes only later)."""
    if not isinstance(environment.runner, WorkerRunner):
        gevent.signal_handler(signal.SIGTERM, _stop_ramp, environment)


def _stop_ramp(environment: Environment) -> None:
    if environment.runner is not None:
        environment.runner.stop()


def _to_master(client_id: str, data: dict[str, Any], **_: Any) -> None:
    data["lookupkit"] = TALLY.as_dict()
    TALLY.reset()


def _from_worker(client_id: str, data: dict[str, Any], **_: Any) -> None:
    TALLY.merge(data.get("lookupkit") or {})


def _write_summary(environment: Environment, **_: Any) -> None:
    """The master (or the only process) writes what the run measured for ``lookupkit load``,
    as Locust quits (later, Locust's own JSON output empties its statistics)."""
    if isinstance(environment.runner, WorkerRunner):
        return
    if isinstance(environment.runner, MasterRunner) and environment.runner.state != "stopped":
        environment.runner.quit()  # a stopped run (SIGTERM): the workers' last reports first
    document = summary(environment.stats, TALLY, redact=REDACT.text)
    with atomic_file(CONFIG["summary_path"]) as handle:
        json.dump(document, handle)


for _hook, _listener in (
    (events.init, _on_init),
    (events.report_to_master, _to_master),
    (events.worker_report, _from_worker),
    (events.quitting, _write_summary),
):
    _hook.add_listener(_listener)  # type: ignore[no-untyped-call]  # Locust's hooks are untyped
