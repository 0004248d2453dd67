"""Gladly's debugger tool and the card configuration, as routes.

``POST /api/tools/lookup`` takes an email and/or a phone, finds the profile (email first, then
phone, as Gladly does) or creates it, and runs *Autolinking + Detailed* or *Basic + Detailed*,
answering every request and response it made. ``GET``/``POST /api/cards`` show and change the
transaction cards (the ``--cards`` file's format, TOML or JSON).
"""

from __future__ import annotations

import secrets
from typing import Any

from aiohttp import web

from contracts.formats import is_e164, is_email, phone_digits
from mockserver.gladly import workflows
from mockserver.gladly.cardfile import CardsError, parse_cards, to_toml
from mockserver.gladly.cards import TYPES, CardSpec
from mockserver.gladly.client import STATE, State
from mockserver.gladly.decisions import Profile
from mockserver.gladly.threads_api import body_of
from mockserver.harness import ApiError

__all__ = ["WORKFLOWS", "add_routes"]

WORKFLOWS = {
    "autolink": "Autolinking + Detailed",
    "search": "Basic + Detailed",
}


def _contact(body: dict[str, Any]) -> tuple[str, str]:
    email, phone = body.get("email") or "", body.get("phone") or ""
    if not isinstance(email, str) or not isinstance(phone, str):
        raise ApiError(400, "email and phone must be strings.", "email")
    email, phone = email.strip(), phone.strip()
    if not email and not phone:
        raise ApiError(400, "Give an email, a phone, or both.", "email")
    if email and not is_email(email):
        raise ApiError(400, f"{email[:80]!r} is not an email address.", "email")
    if phone and not is_e164(phone):
        raise ApiError(400, f"{phone[:40]!r} is not in E.164 form, e.g. +14155550123.", "phone")
    return email, phone


def find_or_create(state: State, email: str, phone: str) -> tuple[Profile, bool]:
    """The profile with this email, else with this phone, else a new one (and True)."""
    if email:
        for profile in state.profiles.values():
            if email.lower() in (e.lower() for e in profile.emails):
                return profile, False
    if phone:
        for profile in state.profiles.values():
            if phone_digits(phone) in (phone_digits(p) for p in profile.phones):
                return profile, False
    name = email.partition("@")[0] if email else phone
    profile = Profile(
        secrets.token_urlsafe(16)[:22], name, [email] if email else [], [phone] if phone else [], {}
    )
    state.profiles[profile.id] = profile
    return profile, True


async def _run(state: State, profile: Profile, workflow: str, email: str, phone: str) -> str:
    """Run one workflow; what Gladly decided, in a sentence."""
    if workflow == "autolink":
        _, linked, reason = await workflows.autolink(state, profile)
        return reason if not linked else f"{reason} The detailed lookup filled the profile."
    query = {
        key: value
        for key, value in (("email", email), ("phone", phone))
        if value and key in state.config.search_attributes
    } or ({"email": email} if email else {"phone": phone})
    _, results = await workflows.basic_search(state, query)
    rows = workflows.search_rows(state, results)
    if not rows:
        return "The basic search found no customer, so there is nothing to look up in detail."
    await workflows.detailed(state, profile, rows[0]["externalCustomerId"])
    chosen = rows[0]["externalCustomerId"]
    if len(rows) == 1:
        return f"The basic search found one customer; the detailed lookup linked {chosen}."
    return (
        f"The basic search found {len(rows)} customers; an agent would pick one, and the tool "
        f"looked up the first, {chosen}."
    )


async def lookup_tool(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await body_of(request)
    email, phone = _contact(body)
    workflow = body.get("workflow", "autolink")
    if workflow not in WORKFLOWS:
        raise ApiError(
            400, f"workflow must be one of: {', '.join(WORKFLOWS)} (not {str(workflow)[:40]!r}).",
            "workflow",
        )  # fmt: skip
    profile, created = find_or_create(state, email, phone)
    first = state.numbered
    try:
        outcome, failed = await _run(state, profile, workflow, email, phone), None
    except ApiError as exc:  # the adapter failed: show what it sent, and say so
        outcome, failed = exc.message, exc.message
    steps = [x for x in state.exchanges if x["id"] > first]
    return web.json_response(
        {
            "profile": state.view(profile),
            "created": created,
            "workflow": workflow,
            "workflowName": WORKFLOWS[workflow],
            "app": state.config.adapter_url,
            "outcome": outcome,
            "failed": failed is not None,
            "steps": steps,
        }
    )


def _cards_view(state: State) -> dict[str, Any]:
    specs = state.card_specs
    return {
        "cards": [s.as_dict() for s in specs],
        "defaults": [t for t in TYPES if t not in {s.type for s in specs}],
        "configured": specs != (),
        "fromFile": specs == state.config.cards and specs != (),
        "toml": to_toml(specs),
    }


async def get_cards(request: web.Request) -> web.Response:
    return web.json_response(_cards_view(request.app[STATE]))


async def set_cards(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await body_of(request)
    if body.get("reset") is True:
        state.card_specs = state.config.cards
        return web.json_response(_cards_view(state))
    text, kind = body.get("text"), body.get("format", "toml")
    if not isinstance(text, str):
        raise ApiError(400, "text (the card configuration, TOML or JSON) is required.", "text")
    if kind not in ("toml", "json"):
        raise ApiError(400, "format must be toml or json.", "format")
    try:
        specs: tuple[CardSpec, ...] = parse_cards(text, kind)
    except CardsError as exc:
        raise ApiError(400, str(exc), "text", line=exc.line) from None
    state.card_specs = specs
    return web.json_response(_cards_view(state))


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_post("/api/tools/lookup", lookup_tool)
    router.add_get("/api/cards", get_cards)
    router.add_post("/api/cards", set_cards)
