"""The fake Gladly's side of the wire: signed requests to the adapter, recorded for the debugger."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import aiohttp
from aiohttp import web

from contracts.actions import action_form_is_well_formed, submit_answer_is_documented
from contracts.checks import evaluate, judge
from contracts.exchange import NOT_JSON, Exchange
from contracts.gladly import gladly_request
from contracts.redact import redactor
from contracts.rules import Finding
from contracts.rules import Profile as RuleProfile
from contracts.signing import QueryForm
from contracts.verify.options import VerifyOptions
from contracts.verify.transport import Sent
from contracts.verify.verdict import reproduce
from mockserver.gladly.cards import CardSpec
from mockserver.gladly.decisions import Profile
from mockserver.gladly.threads import Threads
from mockserver.harness import ApiError

__all__ = ["MAX_EXCHANGES", "STATE", "GladlyConfig", "State", "call_adapter", "lookup", "results"]

MAX_EXCHANGES = 500


@dataclass(frozen=True)
class GladlyConfig:
    """How this fake Gladly's app is configured to reach the adapter."""

    adapter_url: str
    signing_key: str | None = None
    basic_auth: tuple[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    search_attributes: tuple[str, ...] = ("email",)
    result_columns: tuple[str, ...] = ("name", "externalCustomerId", "emails")
    timeout: float = 15.0
    query_form: str = "auto"  # auto | documented | path-with-query (SPEC §2)
    cards: tuple[CardSpec, ...] = ()  # --cards FILE; () is Gladly's defaults
    db: str = ":memory:"  # the fake Gladly's own SQLite file (Threads conversations, outbox)
    code_ttl: float = 600.0  # seconds a Threads authentication code stays good
    quick_reply: str = "Order Status"  # the Sidekick Quick Reply that starts the WISMO Thread
    price_per_resolution: Decimal = Decimal("1.00")
    currency: str = "USD"


@dataclass
class State:
    config: GladlyConfig
    profiles: dict[str, Profile] = field(default_factory=dict)
    exchanges: list[dict[str, Any]] = field(default_factory=list)
    session: aiohttp.ClientSession | None = None
    found_form: QueryForm | None = None  # the query form the adapter took, with "auto"
    card_specs: tuple[CardSpec, ...] = ()
    threads: Threads = field(init=False)
    numbered: int = 0  # exchanges recorded so far: ids stay unique when old ones are dropped

    def __post_init__(self) -> None:
        self.card_specs = self.config.cards
        self.threads = Threads(self.config.db, code_ttl=self.config.code_ttl)

    def reset(self) -> None:
        """Forget profiles, the debugger's exchanges, the Threads conversations and outbox, and
        cards set in the UI."""
        self.profiles.clear()
        self.exchanges.clear()
        self.threads.clear()
        self.card_specs = self.config.cards
        self.found_form = None

    def view(self, profile: Profile) -> dict[str, Any]:
        """The profile as the page shows it, with the cards as configured now."""
        return profile.as_dict(self.card_specs)

    def query_form(self) -> QueryForm:
        if self.config.query_form != "auto":
            return QueryForm(self.config.query_form)
        return self.found_form or QueryForm.DOCUMENTED


STATE = web.AppKey("gladly", State)


@dataclass
class Answer:
    """What came back from the adapter: status (None when nothing did), headers, text, error."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    text: str = ""
    error: str | None = None
    elapsed: float = 0.0


async def _send(
    state: State, method: str, url: str, raw: bytes, headers: dict[str, str], has_body: bool
) -> Answer:
    config, answer = state.config, Answer()
    assert state.session is not None
    started = time.monotonic()
    try:
        async with state.session.request(
            method,
            url,
            data=raw if has_body else None,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=config.timeout),
            allow_redirects=False,
        ) as r:
            answer.status, answer.headers = r.status, dict(r.headers)
            answer.text = (await r.content.read(5 * 1024 * 1024)).decode("utf-8", errors="replace")
    except TimeoutError:
        answer.error = f"the adapter did not answer within {config.timeout:g} s"
    except aiohttp.ClientError as exc:
        answer.error = f"the adapter could not be reached ({type(exc).__name__})"
    answer.elapsed = time.monotonic() - started
    return answer


def _findings(
    config: GladlyConfig, kind: str, body: Any, answer: Answer, parsed: Any, profile: RuleProfile
) -> list[Finding]:
    """The catalogue's findings on one answer, judged for what kind of request it was."""
    if answer.status is None:
        return []
    if kind in ("auto-link", "basic-search", "detailed", "wismo"):
        exchange = Exchange(
            parsed,
            request=body,
            status=answer.status,
            headers=answer.headers,
            elapsed=answer.elapsed,
            text=answer.text,
            secrets=_secrets(config),
        )
        return evaluate(exchange, profile)
    if kind == "action form":
        return judge(action_form_is_well_formed(parsed), profile)
    if kind == "action submit":
        return judge(submit_answer_is_documented(answer.status, parsed), profile)
    return []


async def _send_signed(
    state: State, method: str, url: str, body: Any
) -> tuple[bytes, dict[str, str], Answer]:
    """Sign and send; with ``query_form="auto"``, a refused action URL is tried in the other form
    once, and the form the adapter takes is kept."""
    config = state.config
    creds = (*config.basic_auth, "") if config.basic_auth else None

    def build(form: QueryForm) -> tuple[bytes, dict[str, str]]:
        return gladly_request(
            method,
            url,
            body,
            key=config.signing_key,
            basic_auth=creds,
            custom=config.headers,
            query_form=form,
        )

    raw, headers = build(state.query_form())
    answer = await _send(state, method, url, raw, headers, body is not None)
    undecided = config.query_form == "auto" and state.found_form is None and config.signing_key
    status = answer.status
    if undecided and "?" in url and status is not None:
        if status in (401, 403):  # Gladly's own sample verifies the other form
            other_raw, other_headers = build(QueryForm.PATH_WITH_QUERY)
            other = await _send(state, method, url, other_raw, other_headers, body is not None)
            if other.status is not None and other.status not in (401, 403):
                state.found_form = QueryForm.PATH_WITH_QUERY
                return other_raw, other_headers, other
        elif status < 500:
            state.found_form = QueryForm.DOCUMENTED
    return raw, headers, answer


async def call_adapter(
    state: State,
    kind: str,
    method: str,
    url: str,
    body: Any = None,
    *,
    profile: RuleProfile = "agent",
) -> dict[str, Any]:
    """One signed request to the adapter, recorded for the debugger with its findings."""
    config = state.config
    raw, headers, answer = await _send_signed(state, method, url, body)
    try:
        parsed: Any = json.loads(answer.text) if answer.text else NOT_JSON
    except ValueError:
        parsed = NOT_JSON
    findings = _findings(config, kind, body, answer, parsed, profile)
    redact = redactor(_secrets(config))
    state.numbered += 1
    record = {
        "id": state.numbered,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kind": kind,
        "method": method,
        "url": url,
        "requestHeaders": redact.headers(headers),
        "requestBody": redact.text(raw.decode("utf-8", errors="replace")),
        "status": answer.status,
        "responseHeaders": redact.headers(answer.headers),
        "responseBody": redact.text(answer.text[:65536]),
        "elapsedMs": round(answer.elapsed * 1000, 1),
        "error": answer.error,
        "findings": [f.as_dict() | {"message": redact.text(f.message)} for f in findings],
        "reproduce": reproduce(
            Sent(method, url, headers, raw),
            VerifyOptions(config.adapter_url, basic_auth=config.basic_auth, headers=config.headers),
        ),
    }
    state.exchanges.append(record)
    del state.exchanges[:-MAX_EXCHANGES]
    if redact.found(answer.text):  # what the page shows is redacted too
        try:
            parsed = json.loads(str(record["responseBody"]))
        except ValueError:
            parsed = NOT_JSON
    return record | {"parsed": parsed}


def _secrets(config: GladlyConfig) -> tuple[str, ...]:
    return VerifyOptions(
        config.adapter_url,
        signing_key=config.signing_key,
        basic_auth=config.basic_auth,
        headers=config.headers,
    ).secrets()


async def lookup(
    state: State, kind: str, level: str, query: dict[str, Any], *, profile: RuleProfile = "agent"
) -> dict[str, Any]:
    """Send one lookup envelope, as Gladly does for ``kind``, and record it."""
    body = {"lookupLevel": level, "query": query, "uniqueMatchRequired": level == "DETAILED"}
    return await call_adapter(state, kind, "POST", state.config.adapter_url, body, profile=profile)


def results(record: dict[str, Any]) -> list[Any]:
    """The results of a lookup answer, or an ApiError saying plainly what the adapter did instead."""
    if record["error"]:
        raise ApiError(
            502,
            f"The adapter at {record['url']} did not answer: {record['error']}.",
            where="adapter",
            exchange=record["id"],
        )
    if record["status"] != 200:
        raise ApiError(
            502,
            f"The adapter answered HTTP {record['status']} instead of 200.",
            where="adapter",
            exchange=record["id"],
        )
    body = record["parsed"]
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise ApiError(
            502,
            "The adapter's answer is not a JSON object with a results array.",
            where="adapter",
            exchange=record["id"],
        )
    return list(body["results"])
