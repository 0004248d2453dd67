"""Fake Gladly: the agent desktop and the Sidekick "Where is my order?" view of any adapter.

A JSON API under ``/api`` does what Gladly does (profiles, auto-link, search and link, detailed
lookups, actions, the WISMO Thread) by sending signed requests to the adapter, and records every
exchange with the rule findings for the debugger. The browser UI under ``/`` renders that API.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from contracts.actions import action_form_is_well_formed, submit_answer_is_documented
from contracts.checks import evaluate, judge
from contracts.exchange import NOT_JSON, Exchange
from contracts.formats import is_e164, is_email, phone_digits
from contracts.gladly import gladly_request, resolve_url
from contracts.rules import Finding
from contracts.rules import Profile as RuleProfile
from contracts.verify.engine import VerifyOptions
from contracts.verify.report import Redactor, reproduce
from contracts.verify.transport import Sent

__all__ = ["GladlyConfig", "autolink_decision", "cards", "create_app", "wismo_view"]

STATIC = Path(__file__).parent / "static"
LABELS = {
    "ORDER": ("Order", "Orders"),
    "FLIGHT": ("Reservation", "Reservations"),
    "STAY": ("Stay", "Stays"),
    "SUBSCRIPTION": ("Subscription", "Subscriptions"),
    "GENERIC": ("Transaction", "Transactions"),
}
WISMO_FIELDS = ("orderNumber", "createdAt", "orderStatus", "orderTotal")


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


@dataclass
class Profile:
    id: str
    name: str
    emails: list[str]
    phones: list[str]
    custom_attributes: dict[str, str]
    linked: str | None = None
    detailed: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "emails": self.emails,
            "phones": self.phones,
            "customAttributes": self.custom_attributes,
            "linkedTo": self.linked,
        }
        if self.detailed is not None:
            view["external"] = {
                k: v for k, v in self.detailed.items() if k not in ("transactions",)
            }
            view["cards"] = cards(self.detailed.get("transactions") or [])
        return view


@dataclass
class State:
    config: GladlyConfig
    profiles: dict[str, Profile] = field(default_factory=dict)
    exchanges: list[dict[str, Any]] = field(default_factory=list)
    resolutions: dict[str, int] = field(default_factory=lambda: {"resolved": 0, "agent": 0})
    session: aiohttp.ClientSession | None = None


STATE = web.AppKey("gladly", State)


class ApiError(Exception):
    def __init__(self, status: int, message: str, field_: str = "", **extra: Any) -> None:
        super().__init__(message)
        self.status, self.field, self.extra = status, field_, extra


# -- Gladly's decisions, as plain functions --------------------------------------------------------


def autolink_decision(profile: Profile, results: Any) -> tuple[str | None, str]:
    """(the externalCustomerId to link or None, why): Gladly links one result sharing an email or MOBILE phone."""
    if not isinstance(results, list) or not results:
        return None, "The adapter returned no customer, so there is nothing to link."
    if len(results) > 1:
        return (
            None,
            f"The adapter returned {len(results)} customers; Gladly links only when exactly one comes back.",
        )
    result = results[0] if isinstance(results[0], dict) else {}
    mine = {e.strip().lower() for e in profile.emails}
    theirs = {
        str(e.get("original", "")).strip().lower()
        for e in result.get("emails") or []
        if isinstance(e, dict)
    }
    phones = {phone_digits(p) for p in profile.phones}
    mobiles = {
        phone_digits(str(p.get("original", "")))
        for p in result.get("phones") or []
        if isinstance(p, dict) and str(p.get("type", "")).upper() == "MOBILE"
    }
    if mine & theirs:
        return str(
            result.get("externalCustomerId")
        ), "Linked: the result shares an email with this profile."
    if phones & mobiles:
        return str(
            result.get("externalCustomerId")
        ), "Linked: the result shares a MOBILE phone with this profile."
    return (
        None,
        "One customer came back, but none of its emails or MOBILE phones equals this profile's.",
    )


def _when(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cards(transactions: list[Any], now: datetime | None = None) -> list[dict[str, Any]]:
    """Transactions as Gladly's cards: one per type with data, labelled with the count, grouped as documented."""
    now = now or datetime.now(UTC)
    out = []
    for kind, (one, many) in LABELS.items():
        items = [t for t in transactions if isinstance(t, dict) and t.get("type") == kind]
        if not items:
            continue  # cards are hidden when there is no data
        card: dict[str, Any] = {
            "type": kind,
            "label": f"{len(items)} {one if len(items) == 1 else many}",
            "count": len(items),
            "items": items,
        }
        if kind == "STAY":
            future = [t for t in items if (_when(t.get("checkOutTime")) or now) >= now]
            card["groups"] = [
                {"label": "Current & Future", "items": future},
                {"label": "Previous", "items": [t for t in items if t not in future]},
            ]
        if kind == "SUBSCRIPTION":
            cancelled = sorted(
                (t for t in items if str(t.get("status")) == "Cancelled"),
                key=lambda t: str(t.get("cancellationDate") or ""),
                reverse=True,
            )
            card["items"] = cancelled + [t for t in items if t not in cancelled]
            for t in card["items"]:
                unit, number = t.get("billingIntervalUnit"), t.get("billingIntervalNumber")
                if unit and number:
                    t["billingFrequency"] = (
                        f"Every {number} {unit}{'' if str(number) == '1' else 's'}"
                    )
        out.append(card)
    return out


def wismo_view(profile: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """What Sidekick shows for "Where is my order?": the latest order of the last 30 days, or why not."""
    now = now or datetime.now(UTC)
    orders = [
        t
        for t in profile.get("transactions") or []
        if isinstance(t, dict) and t.get("type") == "ORDER"
    ]
    recent = [
        o
        for o in orders
        if (when := _when(o.get("createdAt")))
        and now - timedelta(days=30) <= when <= now + timedelta(days=1)
    ]
    recent.sort(key=lambda o: _when(o.get("createdAt")) or now, reverse=True)
    missing: list[str] = []
    if not orders:
        missing.append("orders (the adapter sent no ORDER transactions)")
    elif not recent:
        missing.append("an order from the last 30 days (createdAt, ISO-8601)")
    shown = recent[:3]
    latest = shown[0] if shown else None
    if latest is not None:
        missing += [f for f in WISMO_FIELDS if not latest.get(f)]
        fulfillments = [f for f in latest.get("fulfillments") or [] if isinstance(f, dict)]
        if not fulfillments and latest.get("orderStatus") in ("complete",):
            missing.append("fulfillments (a complete order with no shipment to track)")
        for index, f in enumerate(fulfillments[:3]):
            missing += [
                f"fulfillments[{index}].{k}"
                for k in ("trackingNumber", "trackingUrl", "carrier")
                if not f.get(k)
            ]
    products = (latest or {}).get("products") or []
    image = products[0].get("imageUrl") if products and isinstance(products[0], dict) else None
    return {
        "orders": shown,
        "latest": latest,
        "fulfillments": ((latest or {}).get("fulfillments") or [])[:3],
        "image": image if isinstance(image, str) and image.startswith("https://") else None,
        "orderLink": (latest or {}).get("customerOrderUrl"),
        "missing": missing,
        "enough": latest is not None and not missing,
    }


# -- talking to the adapter ------------------------------------------------------------------------


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
    creds = (*config.basic_auth, "") if config.basic_auth else None
    raw, headers = gladly_request(
        method, url, body, key=config.signing_key, basic_auth=creds, custom=config.headers
    )
    assert state.session is not None
    started = time.monotonic()
    status, text, response_headers, error = None, "", {}, None
    try:
        async with state.session.request(
            method,
            url,
            data=raw if body is not None else None,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=config.timeout),
            allow_redirects=False,
        ) as r:
            status, response_headers = r.status, dict(r.headers)
            text = (await r.content.read(5 * 1024 * 1024)).decode("utf-8", errors="replace")
    except TimeoutError:
        error = f"the adapter did not answer within {config.timeout:g} s"
    except aiohttp.ClientError as exc:
        error = f"the adapter could not be reached ({type(exc).__name__})"
    elapsed = time.monotonic() - started
    try:
        parsed: Any = json.loads(text) if text else NOT_JSON
    except ValueError:
        parsed = NOT_JSON
    findings: list[Finding] = []
    if status is not None and kind in ("auto-link", "basic-search", "detailed", "wismo"):
        findings = evaluate(
            Exchange(
                parsed,
                request=body,
                status=status,
                headers=response_headers,
                elapsed=elapsed,
                text=text,
                secrets=_secrets(config),
            ),
            profile,
        )
    elif status is not None and kind == "action form":
        findings = judge(action_form_is_well_formed(parsed), profile)
    elif status is not None and kind == "action submit":
        findings = judge(submit_answer_is_documented(status, parsed), profile)
    redact = Redactor(_secrets(config))
    record = {
        "id": len(state.exchanges) + 1,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kind": kind,
        "method": method,
        "url": url,
        "requestHeaders": redact.headers(headers),
        "requestBody": redact.text(raw.decode("utf-8", errors="replace")),
        "status": status,
        "responseHeaders": redact.headers(response_headers),
        "responseBody": redact.text(text[:65536]),
        "elapsedMs": round(elapsed * 1000, 1),
        "error": error,
        "findings": [f.as_dict() | {"message": redact.text(f.message)} for f in findings],
        "reproduce": reproduce(
            Sent(method, url, headers, raw),
            VerifyOptions(config.adapter_url, basic_auth=config.basic_auth, headers=config.headers),
        ),
    }
    state.exchanges.append(record)
    del state.exchanges[:-500]
    return record | {"parsed": parsed}


def _secrets(config: GladlyConfig) -> tuple[str, ...]:
    return VerifyOptions(
        config.adapter_url,
        signing_key=config.signing_key,
        basic_auth=config.basic_auth,
        headers=config.headers,
    ).secrets()


async def _lookup(
    state: State, kind: str, level: str, query: dict[str, Any], *, profile: RuleProfile = "agent"
) -> dict[str, Any]:
    """Send one lookup envelope, as Gladly does for ``kind``, and record it."""
    body = {"lookupLevel": level, "query": query, "uniqueMatchRequired": level == "DETAILED"}
    return await call_adapter(state, kind, "POST", state.config.adapter_url, body, profile=profile)


def _results(record: dict[str, Any]) -> list[Any]:
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


# -- the JSON API ----------------------------------------------------------------------------------


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return body


def _profile(request: web.Request) -> Profile:
    profile = request.app[STATE].profiles.get(request.match_info["id"])
    if profile is None:
        raise ApiError(404, f"No profile with id {request.match_info['id']!r}.", "id")
    return profile


def _strings(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key, [])
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(400, f"{key} must be a list of strings.", key)
    return [v.strip() for v in value if v.strip()]


async def create_profile(request: web.Request) -> web.Response:
    body = await _body(request)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "Give the profile a name.", "name")
    emails, phones = _strings(body, "emails"), _strings(body, "phones")
    for index, email in enumerate(emails):
        if not is_email(email):
            raise ApiError(400, f"{email!r} is not an email address.", f"emails[{index}]")
    for index, phone in enumerate(phones):
        if not is_e164(phone):
            raise ApiError(
                400, f"{phone!r} is not in E.164 form, e.g. +14155550123.", f"phones[{index}]"
            )
    attributes = body.get("customAttributes") or {}
    if not isinstance(attributes, dict) or not all(isinstance(v, str) for v in attributes.values()):
        raise ApiError(400, "customAttributes must map names to strings.", "customAttributes")
    profile = Profile(
        secrets.token_urlsafe(16)[:22], name.strip(), emails, phones, dict(attributes)
    )
    request.app[STATE].profiles[profile.id] = profile
    return web.json_response(profile.as_dict(), status=201)


async def list_profiles(request: web.Request) -> web.Response:
    return web.json_response(
        {"profiles": [p.as_dict() for p in request.app[STATE].profiles.values()]}
    )


async def get_profile(request: web.Request) -> web.Response:
    return web.json_response(_profile(request).as_dict())


async def autolink(request: web.Request) -> web.Response:
    state, profile = request.app[STATE], _profile(request)
    query: dict[str, Any] = {"id": profile.id, "name": profile.name}
    if profile.emails:
        query["emails"] = profile.emails
    if profile.phones:
        query["phones"] = profile.phones
    query |= profile.custom_attributes
    record = await _lookup(state, "auto-link", "BASIC", query)
    linked, reason = autolink_decision(profile, _results(record))
    if linked:
        await _detailed(state, profile, linked)
    return web.json_response(
        {
            "linked": bool(linked),
            "reason": reason,
            "exchange": record["id"],
            "profile": profile.as_dict(),
        }
    )


async def search(request: web.Request) -> web.Response:
    state, _ = request.app[STATE], _profile(request)
    body = await _body(request)
    query = {
        k: str(v).strip()
        for k, v in (body.get("query") or {}).items()
        if k in state.config.search_attributes and str(v).strip()
    }
    if not query:
        raise ApiError(
            400, f"Fill in at least one of: {', '.join(state.config.search_attributes)}.", "query"
        )
    record = await _lookup(state, "basic-search", "BASIC", query)
    rows = []
    for result in _results(record):
        if not isinstance(result, dict):
            continue
        row = {}
        for column in state.config.result_columns:
            value = result.get(column, (result.get("customAttributes") or {}).get(column, ""))
            if isinstance(value, list):
                value = ", ".join(
                    str(v.get("original", v)) if isinstance(v, dict) else str(v) for v in value
                )
            row[column] = str(value)
        rows.append(
            {"externalCustomerId": str(result.get("externalCustomerId", "")), "columns": row}
        )
    return web.json_response(
        {"columns": list(state.config.result_columns), "rows": rows, "exchange": record["id"]}
    )


async def _detailed(state: State, profile: Profile, external_id: str) -> dict[str, Any]:
    query: dict[str, Any] = {
        "externalCustomerId": external_id,
        "id": profile.id,
        "name": profile.name,
        "emails": profile.emails,
        "phones": profile.phones,
    } | profile.custom_attributes
    record = await _lookup(state, "detailed", "DETAILED", query)
    results = _results(record)
    if len(results) != 1 or not isinstance(results[0], dict):
        raise ApiError(
            502,
            f"The detailed lookup returned {len(results)} results; Gladly needs exactly one to link.",
            where="adapter",
            exchange=record["id"],
        )
    profile.linked, profile.detailed = external_id, results[0]
    return record


async def link(request: web.Request) -> web.Response:
    state, profile = request.app[STATE], _profile(request)
    external_id = (await _body(request)).get("externalCustomerId")
    if not isinstance(external_id, str) or not external_id:
        raise ApiError(400, "Choose a customer to link.", "externalCustomerId")
    record = await _detailed(state, profile, external_id)
    return web.json_response({"profile": profile.as_dict(), "exchange": record["id"]})


async def refresh(request: web.Request) -> web.Response:
    state, profile = request.app[STATE], _profile(request)
    if not profile.linked:
        raise ApiError(
            409, "This profile is not linked yet: auto-link it or link it from a search."
        )
    record = await _detailed(state, profile, profile.linked)
    return web.json_response({"profile": profile.as_dict(), "exchange": record["id"]})


async def unlink(request: web.Request) -> web.Response:
    profile = _profile(request)
    profile.linked, profile.detailed = None, None
    return web.json_response({"profile": profile.as_dict()})


async def action_form(request: web.Request) -> web.Response:
    state, profile = request.app[STATE], _profile(request)
    form_url = (await _body(request)).get("formUrl")
    if not isinstance(form_url, str) or not form_url:
        raise ApiError(400, "formUrl is required.", "formUrl")
    record = await call_adapter(
        state, "action form", "GET", resolve_url(state.config.adapter_url, form_url)
    )
    if record["error"] or record["status"] != 200 or not isinstance(record["parsed"], dict):
        raise ApiError(
            502,
            f"The action's form could not be loaded (HTTP {record['status'] or 'none'}).",
            where="adapter",
            exchange=record["id"],
        )
    return web.json_response(
        {
            "form": record["parsed"],
            "problems": record["findings"],
            "exchange": record["id"],
            "profile": profile.id,
        }
    )


async def action_submit(request: web.Request) -> web.Response:
    state, profile = request.app[STATE], _profile(request)
    body = await _body(request)
    action_url, values = body.get("actionUrl"), body.get("values", {})
    if not isinstance(action_url, str) or not isinstance(values, dict):
        raise ApiError(
            400, "actionUrl (a string) and values (an object) are required.", "actionUrl"
        )
    record = await call_adapter(
        state, "action submit", "POST", resolve_url(state.config.adapter_url, action_url), values
    )
    answer = record["parsed"] if isinstance(record["parsed"], dict) else {}
    result: dict[str, Any] = {"status": record["status"], "exchange": record["id"]}
    if record["status"] == 200:
        result |= {
            "ok": True,
            "message": answer.get("message", "Done"),
            "detail": answer.get("detail", ""),
        }
        if profile.linked:
            await _detailed(
                state, profile, profile.linked
            )  # Gladly refreshes after a successful action
    else:
        errors = answer.get("errors") if isinstance(answer.get("errors"), list) else []
        result |= {
            "ok": False,
            "dismiss": record["status"] == 406,
            "errors": errors
            or [
                {
                    "message": f"The adapter answered HTTP {record['status'] or 'nothing'}"
                    + (f": {record['error']}" if record["error"] else "")
                }
            ],
        }
    return web.json_response(result | {"profile": profile.as_dict()})


async def wismo(request: web.Request) -> web.Response:
    state = request.app[STATE]
    email = (await _body(request)).get("email")
    if not isinstance(email, str) or not is_email(email):
        raise ApiError(400, "That doesn't look like an email address.", "email")
    shopper = Profile("sidekick-" + secrets.token_hex(4), "", [email.strip()], [], {})
    record = await _lookup(
        state, "wismo", "BASIC", {"emails": shopper.emails, "id": shopper.id}, profile="sidekick"
    )
    linked, reason = autolink_decision(shopper, _results(record))
    if not linked:
        return web.json_response({"found": False, "reason": reason, "exchange": record["id"]})
    record = await _lookup(
        state,
        "wismo",
        "DETAILED",
        {"externalCustomerId": linked, "emails": shopper.emails},
        profile="sidekick",
    )
    results = _results(record)
    if len(results) != 1 or not isinstance(results[0], dict):
        return web.json_response(
            {
                "found": False,
                "reason": "The detailed lookup did not return exactly one customer.",
                "exchange": record["id"],
            }
        )
    return web.json_response(
        {
            "found": True,
            "name": results[0].get("name", ""),
            "exchange": record["id"],
            "findings": record["findings"],
        }
        | wismo_view(results[0])
    )


async def wismo_outcome(request: web.Request) -> web.Response:
    outcome = (await _body(request)).get("outcome")
    if outcome not in ("resolved", "agent"):
        raise ApiError(400, "outcome must be 'resolved' or 'agent'.", "outcome")
    counts = request.app[STATE].resolutions
    counts[outcome] += 1
    return web.json_response({"resolutions": counts})


async def debugger(request: web.Request) -> web.Response:
    return web.json_response({"exchanges": request.app[STATE].exchanges})


async def debugger_export(request: web.Request) -> web.Response:
    return web.json_response(
        {"exchanges": request.app[STATE].exchanges},
        headers={"Content-Disposition": 'attachment; filename="gladly-debugger.json"'},
    )


async def debugger_clear(request: web.Request) -> web.Response:
    request.app[STATE].exchanges.clear()
    return web.json_response({"ok": True})


async def config_view(request: web.Request) -> web.Response:
    c = request.app[STATE].config
    return web.json_response(
        {
            "adapterUrl": c.adapter_url,
            "signed": bool(c.signing_key),
            "basicAuth": bool(c.basic_auth),
            "searchAttributes": list(c.search_attributes),
            "resultColumns": list(c.result_columns),
            "resolutions": request.app[STATE].resolutions,
        }
    )


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


@web.middleware
async def api_errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response: web.StreamResponse = await handler(request)
        return response
    except ApiError as exc:
        return web.json_response(
            {"error": str(exc), "field": exc.field} | exc.extra, status=exc.status
        )


async def _session(app: web.Application) -> Any:
    state = app[STATE]
    state.session = aiohttp.ClientSession()
    yield
    await state.session.close()


def create_app(config: GladlyConfig, *, app: web.Application | None = None) -> web.Application:
    """The fake Gladly: UI at ``/``, JSON API under ``/api`` (see the README for every route)."""
    app = app if app is not None else web.Application()
    app.middlewares.append(api_errors)
    app[STATE] = State(config)
    app.cleanup_ctx.append(_session)
    r = app.router
    r.add_get("/", index)
    r.add_static("/static/", STATIC)
    r.add_get("/api/config", config_view)
    r.add_get("/api/profiles", list_profiles)
    r.add_post("/api/profiles", create_profile)
    r.add_get("/api/profiles/{id}", get_profile)
    r.add_post("/api/profiles/{id}/autolink", autolink)
    r.add_post("/api/profiles/{id}/search", search)
    r.add_post("/api/profiles/{id}/link", link)
    r.add_post("/api/profiles/{id}/refresh", refresh)
    r.add_post("/api/profiles/{id}/unlink", unlink)
    r.add_post("/api/profiles/{id}/actions/form", action_form)
    r.add_post("/api/profiles/{id}/actions/submit", action_submit)
    r.add_post("/api/wismo", wismo)
    r.add_post("/api/wismo/outcome", wismo_outcome)
    r.add_get("/api/debugger", debugger)
    r.add_get("/api/debugger/export", debugger_export)
    r.add_post("/api/debugger/clear", debugger_clear)
    return app
