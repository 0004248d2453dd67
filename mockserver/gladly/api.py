"""Fake Gladly: the agent desktop and the Sidekick "Where is my order?" view of any adapter.

A JSON API under ``/api`` does what Gladly does (profiles, auto-link, search and link, detailed
lookups, actions, the WISMO Thread) by sending signed requests to the adapter, and records every
exchange with the rule findings for the debugger. The browser UI under ``/`` renders that API.
Errors answer with the kit's error body, ``{"error", "field", ...}``.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler

from contracts.formats import is_e164, is_email
from contracts.gladly import resolve_url, same_origin
from mockserver.gladly import client
from mockserver.gladly.client import GladlyConfig, State, call_adapter, lookup
from mockserver.gladly.decisions import Profile, autolink_decision, wismo_view
from mockserver.harness import ApiError

__all__ = ["STATE", "create_app"]

STATIC = Path(__file__).parent / "static"
STATE = web.AppKey("gladly", State)
MAX_PROFILES = 10_000  # memory stays bounded whatever a client posts


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read())
    except (ValueError, RecursionError):  # RecursionError: nested too deep
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
    profiles = request.app[STATE].profiles
    if len(profiles) >= MAX_PROFILES:
        raise ApiError(409, f"The fake Gladly keeps at most {MAX_PROFILES} profiles; reset it.")
    profiles[profile.id] = profile
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
    record = await lookup(state, "auto-link", "BASIC", query)
    linked, reason = autolink_decision(profile, client.results(record))
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
    record = await lookup(state, "basic-search", "BASIC", query)
    rows = []
    for result in client.results(record):
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
    record = await lookup(state, "detailed", "DETAILED", query)
    results = client.results(record)
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


def _own_url(state: State, url: str, field: str) -> str:
    """An action URL resolved against the adapter, refused if it leaves the adapter's origin:
    Gladly's signature and Basic credentials go to the configured adapter only."""
    resolved = resolve_url(state.config.adapter_url, url)
    if not same_origin(state.config.adapter_url, resolved):
        message = (
            f"{field} {url[:120]!r} is not on the adapter's origin; the fake Gladly sends no "
            "credentials there (actions.foreign-origin)"
        )
        raise ApiError(400, message, field)
    return resolved


async def action_form(request: web.Request) -> web.Response:
    state, profile = request.app[STATE], _profile(request)
    form_url = (await _body(request)).get("formUrl")
    if not isinstance(form_url, str) or not form_url:
        raise ApiError(400, "formUrl is required.", "formUrl")
    record = await call_adapter(state, "action form", "GET", _own_url(state, form_url, "formUrl"))
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
    url = _own_url(state, action_url, "actionUrl")
    record = await call_adapter(state, "action submit", "POST", url, values)
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
    record = await lookup(
        state, "wismo", "BASIC", {"emails": shopper.emails, "id": shopper.id}, profile="sidekick"
    )
    linked, reason = autolink_decision(shopper, client.results(record))
    if not linked:
        return web.json_response({"found": False, "reason": reason, "exchange": record["id"]})
    record = await lookup(
        state,
        "wismo",
        "DETAILED",
        {"externalCustomerId": linked, "emails": shopper.emails},
        profile="sidekick",
    )
    results = client.results(record)
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
    c, found = request.app[STATE].config, request.app[STATE].found_form
    return web.json_response(
        {
            "adapterUrl": c.adapter_url,
            "signed": bool(c.signing_key),
            "basicAuth": bool(c.basic_auth),
            "searchAttributes": list(c.search_attributes),
            "resultColumns": list(c.result_columns),
            "resolutions": request.app[STATE].resolutions,
            "queryForm": c.query_form,
            "queryFormFound": found.value if found else None,
        }
    )


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


ASSETS = {"app.js", "app.css"}  # all the page loads; nothing else on disk is served


async def asset(request: web.Request) -> web.FileResponse:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise ApiError(404, f"No asset {name[:60]!r}.", "path")
    return web.FileResponse(STATIC / name)


async def _session(app: web.Application) -> Any:
    state = app[STATE]
    state.session = aiohttp.ClientSession()
    yield
    await state.session.close()


@web.middleware
async def json_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every API write is JSON: no web page on another origin can send one (the content type
    needs a CORS preflight, which is never granted), so none can drive the fake Gladly."""
    if request.method == "POST" and request.content_type != "application/json":
        raise ApiError(415, "API writes must be Content-Type: application/json", "Content-Type")
    return await handler(request)


def create_app(config: GladlyConfig) -> web.Application:
    """The fake Gladly: UI at ``/``, JSON API under ``/api`` (see the README for every route).

    Its state (profiles, debugger, resolutions) is ``app[STATE]``; ``mockserver.roles`` resets it
    with the rest of the kit.
    """
    app = web.Application(middlewares=[json_only], client_max_size=256 * 1024)
    app[STATE] = State(config)
    app.cleanup_ctx.append(_session)
    r = app.router
    r.add_get("/", index)
    r.add_get("/static/{name}", asset)
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
