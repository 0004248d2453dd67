"""The ``/_mock`` admin API every role mounts: health, reset, seed, journal, faults, settings.

Mutations are POST only, and each must be ``Content-Type: application/json`` (which no web page
can send to another origin without a CORS preflight, which is never granted) and carry the run's
token in ``Lookupkit-Admin-Token``. Bad input answers 4xx with the kit's error body naming the
field. Seeding runs off the event loop, one at a time, so the roles keep answering meanwhile.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from datetime import date
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from contracts.formats import phone_digits
from mockserver.harness.errors import ApiError, error_response
from mockserver.harness.faults import fault_spec
from mockserver.harness.journal import ADMIN, recorder
from mockserver.harness.state import HarnessState

__all__ = ["HARNESS", "ROLE", "TOKEN_HEADER", "mount"]

HARNESS = web.AppKey("harness", HarnessState)
ROLE = web.AppKey("role", str)
SEEDING = web.AppKey("seeding", asyncio.Lock)
TOKEN_HEADER = "Lookupkit-Admin-Token"
MAX_SEEDED = 100_000
MAX_BODY = 64 * 1024


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Writes need the JSON content type and the run's admin token; reads are open."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return await handler(request)
    if request.content_type != "application/json":
        return error_response(
            415,
            "admin writes must be Content-Type: application/json",
            "Content-Type",
            got=request.content_type,
        )
    token = request.headers.get(TOKEN_HEADER, "").encode("utf-8", "surrogateescape")
    expected = request.app[HARNESS].admin_token.encode()
    if not hmac.compare_digest(token, expected):
        message = f"admin writes need the {TOKEN_HEADER} header that 'lookupkit serve' printed"
        return error_response(401, message, TOKEN_HEADER)
    return await handler(request)


async def _json(request: web.Request) -> dict[str, Any]:
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(413, f"body larger than {MAX_BODY // 1024} KiB")
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise ApiError(413, f"body larger than {MAX_BODY // 1024} KiB")
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        raise ApiError(400, "body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "body must be a JSON object")
    return body


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "role": request.app[ROLE]})


async def reset(request: web.Request) -> web.Response:
    request.app[HARNESS].reset()
    return web.json_response({"ok": True})


def _known_keys(body: dict[str, Any], known: Any) -> None:
    unknown = sorted(set(body) - set(known))
    if unknown:
        raise ApiError(
            400, f"unknown key {unknown[0]!r}; known: {', '.join(sorted(known))}", unknown[0]
        )


async def seed(request: web.Request) -> web.Response:
    body = await _json(request)
    _known_keys(body, ("seed", "customers", "referenceDate"))
    number, customers = body.get("seed", 0), body.get("customers", 20)
    if not _is_int(number):
        return error_response(400, f"seed must be an integer (got {number!r})", "seed")
    if not _is_int(customers) or not 0 <= customers <= MAX_SEEDED:
        message = f"customers must be an integer from 0 to {MAX_SEEDED} (got {customers!r})"
        return error_response(400, message, "customers")
    try:
        reference = date.fromisoformat(body["referenceDate"]) if "referenceDate" in body else None
    except (TypeError, ValueError):
        return error_response(400, "referenceDate must be YYYY-MM-DD", "referenceDate")
    lock = request.app[SEEDING]
    if lock.locked():
        return error_response(409, "a seed is already running; try again when it is done")
    async with lock:  # in a thread: the event loop (every role) keeps serving meanwhile
        state = request.app[HARNESS]
        loaded = await asyncio.to_thread(
            state.seed, number, customers=customers, reference=reference
        )
    return web.json_response({"ok": True, "customers": loaded})


async def journal(request: web.Request) -> web.Response:
    state = request.app[HARNESS]
    return web.json_response(
        {
            "requests": [r.as_dict() for r in state.requests],
            "unexpected": [r.as_dict() for r in state.unexpected],
        }
    )


MAX_CUSTOMERS = 10_000


async def customers(request: web.Request) -> web.Response:
    """Customers to try, most orders first: ``?limit=N`` (default 20, at most 10,000)."""
    raw = request.query.get("limit", "20")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 5 and 1 <= int(raw) <= MAX_CUSTOMERS):
        raise ApiError(400, f"limit must be a whole number from 1 to {MAX_CUSTOMERS}", "limit")
    limit = int(raw)
    return web.json_response({"customers": request.app[HARNESS].known_customers(limit=limit)})


def _contact(given: dict[str, Any]) -> tuple[str, str]:
    """The customer's ``email``, or their ``phone`` (a customer may have only a phone), as
    (field, value); ApiError 400 naming the field when neither is a usable string."""
    for field in ("email", "phone"):
        value = given.get(field)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip() or len(value) > 320:
            raise ApiError(400, f"{field} must be the customer's {field}", field)
        if field == "email" and "@" not in value:
            raise ApiError(400, "email must be an email address, e.g. ana@example.com", field)
        if field == "phone" and ("@" in value or len(phone_digits(value)) < 4):
            raise ApiError(400, "phone must have at least 4 digits, e.g. +14155550123", field)
        return field, value.strip()
    raise ApiError(400, "give the customer's email or phone, e.g. ?email=ana@example.com", "email")


async def truth(request: web.Request) -> web.Response:
    """The OMS record of one customer, ``?email=`` or ``?phone=``: what ``verify --oms``
    checks answers against."""
    field, contact = _contact(dict(request.query))
    record = request.app[HARNESS].truth(contact)
    if record is None:
        raise ApiError(404, f"no customer has this {field}", field)
    return web.json_response(record)


TRUTH_CHANGES = ("cancel", "fulfil", "new-order")


async def change_for_truth(request: web.Request) -> web.Response:
    """``{"email": ..., "change": "cancel" | "fulfil" | "new-order"}``: change that customer's
    orders as the platform would (cancel the newest cancellable order, ship the newest unshipped
    one with a tracking number, or place a new order), for ``verify --oms`` to see in the
    adapter's next answer; answers the changed order's record."""
    body = await _json(request)
    field, contact = _contact(body)
    kind = body.get("change", "cancel")
    if kind not in TRUTH_CHANGES:
        raise ApiError(400, f"change must be one of {', '.join(TRUTH_CHANGES)}", "change")
    if request.app[HARNESS].truth(contact) is None:
        raise ApiError(404, f"no customer has this {field}", field)
    changed = request.app[HARNESS].change_for_truth(contact, kind)
    if changed is None:
        detail = {
            "cancel": "this customer has no order that can still be cancelled",
            "fulfil": "this customer has no order waiting to be shipped",
            "new-order": "this customer has no order to copy (a new order is like their newest)",
        }[kind]
        raise ApiError(404, detail, "email")
    return web.json_response({"order": changed})


async def list_faults(request: web.Request) -> web.Response:
    return web.json_response(
        {"faults": [f.as_dict() for f in request.app[HARNESS].faults.values()]}
    )


async def add_fault(request: web.Request) -> web.Response:
    spec, message, field = fault_spec(await _json(request), request.app[ROLE])
    if message:
        return error_response(400, message, field)
    fault = request.app[HARNESS].add_fault(**spec)
    return web.json_response({"fault": fault.as_dict()}, status=201)


async def clear_faults(request: web.Request) -> web.Response:
    request.app[HARNESS].faults.clear()
    return web.json_response({"ok": True})


async def settings(request: web.Request) -> web.Response:
    state = request.app[HARNESS]
    if request.method == "POST":
        body = await _json(request)
        _known_keys(body, state.setting_checks)
        for name, check in state.setting_checks.items():
            if name in body:
                problem = check(body[name])
                if problem:
                    return error_response(400, problem, name)
        state.settings.update((k, body[k]) for k in state.setting_checks if k in body)
    return web.json_response({"settings": state.settings})


def _admin_app(state: HarnessState, role: str) -> web.Application:
    app = web.Application(middlewares=[guard], client_max_size=MAX_BODY)
    app[HARNESS] = state
    app[ROLE] = role
    app[SEEDING] = asyncio.Lock()
    app.router.add_get("/health", health)
    app.router.add_post("/reset", reset)
    app.router.add_post("/seed", seed)
    app.router.add_get("/requests", journal)
    app.router.add_get("/customers", customers)
    app.router.add_get("/truth", truth)
    app.router.add_post("/truth/change", change_for_truth)
    app.router.add_get("/faults", list_faults)
    app.router.add_post("/faults", add_fault)
    app.router.add_post("/faults/clear", clear_faults)
    app.router.add_get("/settings", settings)
    app.router.add_post("/settings", settings)
    return app


def mount(app: web.Application, state: HarnessState, role: str) -> web.Application:
    """Give a role's app the harness: the journal and faults first, then ``/_mock`` (unless
    the state says ``admin=False``).

    Example:
        >>> mount(web.Application(), HarnessState(), "oms")
    """
    app.middlewares.insert(0, recorder(state, role))
    if state.admin:
        app.add_subapp(ADMIN, _admin_app(state, role))
    return app
