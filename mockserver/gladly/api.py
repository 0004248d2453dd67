"""Fake Gladly: the agent desktop and the Sidekick "Where is my order?" view of any adapter.

A JSON API under ``/api`` does what Gladly does (profiles, auto-link, search and link, detailed
lookups, actions, the WISMO Thread) by sending signed requests to the adapter, and records every
exchange with the rule findings for the debugger. The browser UI under ``/`` renders that API.
Errors answer with the kit's error body, ``{"error", "field", ...}``.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler

from contracts.formats import is_e164, is_email
from contracts.gladly import resolve_url, same_origin
from mockserver.gladly import threads_api, tools_api, workflows
from mockserver.gladly.client import STATE, GladlyConfig, State, call_adapter
from mockserver.gladly.decisions import Profile
from mockserver.gladly.threads_api import body_of as _body
from mockserver.harness import ApiError

__all__ = ["STATE", "create_app"]

STATIC = Path(__file__).parent / "static"
MAX_PROFILES = 10_000  # memory stays bounded whatever a client posts


def _profile(request: web.Request) -> Profile:
    profile = request.app[STATE].profiles.get(request.match_info["id"])
    if profile is None:
        raise ApiError(404, f"No profile with id {request.match_info['id']!r}.", "id")
    return profile


async def create_profile(request: web.Request) -> web.Response:
    body = await _body(request)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "Give the profile a name.", "name")
    emails = workflows.split(body.get("emails", []), "emails")
    phones = workflows.split(body.get("phones", []), "phones")
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
    return web.json_response(request.app[STATE].view(profile), status=201)


async def list_profiles(request: web.Request) -> web.Response:
    state = request.app[STATE]
    return web.json_response({"profiles": [state.view(p) for p in state.profiles.values()]})


async def get_profile(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].view(_profile(request)))


async def autolink(request: web.Request) -> web.Response:
    state, profile = request.app[STATE], _profile(request)
    record, linked, reason = await workflows.autolink(state, profile)
    return web.json_response(
        {
            "linked": bool(linked),
            "reason": reason,
            "exchange": record["id"],
            "profile": state.view(profile),
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
    record, results = await workflows.basic_search(state, query)
    return web.json_response(
        {
            "columns": list(state.config.result_columns),
            "rows": workflows.search_rows(state, results),
            "exchange": record["id"],
        }
    )


async def link(request: web.Request) -> web.Response:
    state, profile = request.app[STATE], _profile(request)
    external_id = (await _body(request)).get("externalCustomerId")
    if not isinstance(external_id, str) or not external_id:
        raise ApiError(400, "Choose a customer to link.", "externalCustomerId")
    record = await workflows.detailed(state, profile, external_id)
    return web.json_response({"profile": state.view(profile), "exchange": record["id"]})


async def refresh(request: web.Request) -> web.Response:
    state, profile = request.app[STATE], _profile(request)
    if not profile.linked:
        raise ApiError(
            409, "This profile is not linked yet: auto-link it or link it from a search."
        )
    record = await workflows.detailed(state, profile, profile.linked)
    return web.json_response({"profile": state.view(profile), "exchange": record["id"]})


async def unlink(request: web.Request) -> web.Response:
    profile = _profile(request)
    profile.linked, profile.detailed = None, None
    return web.json_response({"profile": request.app[STATE].view(profile)})


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
            # Gladly refreshes after a successful action
            await workflows.detailed(state, profile, profile.linked)
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
    return web.json_response(result | {"profile": state.view(profile)})


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
            "quickReply": c.quick_reply,
            "codeLifetimeSeconds": c.code_ttl,
            "pricePerResolution": str(c.price_per_resolution),
            "currency": c.currency,
            "queryForm": c.query_form,
            "queryFormFound": found.value if found else None,
        }
    )


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


ASSETS = {
    "app.js",
    "threads.js",
    "tools.js",
    "app.css",
}  # all the page loads; nothing else on disk is served


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
    state.threads.close()


@web.middleware
async def json_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every API write is JSON: no web page on another origin can send one (the content type
    needs a CORS preflight, which is never granted), so none can drive the fake Gladly."""
    if request.method == "POST" and request.content_type != "application/json":
        raise ApiError(415, "API writes must be Content-Type: application/json", "Content-Type")
    return await handler(request)


def create_app(config: GladlyConfig) -> web.Application:
    """The fake Gladly: UI at ``/``, JSON API under ``/api`` (see the README for every route).

    Its state (profiles, debugger, Threads conversations, cards) is ``app[STATE]``; ``mockserver.roles`` resets it
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
    r.add_get("/api/debugger", debugger)
    r.add_get("/api/debugger/export", debugger_export)
    r.add_post("/api/debugger/clear", debugger_clear)
    threads_api.add_routes(r)
    tools_api.add_routes(r)
    return app
