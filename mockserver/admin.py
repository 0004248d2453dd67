"""What every role shares: the ``/_mock`` admin API, the request journal and fault injection.

Mutations are POST only. Anything unexpected (an unknown route, a crash in a fake) is answered
with a JSON 4xx/5xx that names it, and recorded in ``store.unexpected`` so tests can fail on it.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Middleware

from mockserver.store import STORE, RecordedRequest, Store

__all__ = ["ADMIN", "FAULT_KINDS", "create_role_app"]

ADMIN = "/_mock"
FAULT_KINDS = ("latency", "status", "malformed", "truncated", "reset")
ROLE = web.AppKey("role", str)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_chance = random.Random(0)


def bad_request(message: str, field: str = "") -> web.Response:
    return web.json_response({"error": message, "field": field}, status=400)


def _known_routes(app: web.Application) -> list[str]:
    routes = set()
    for resource in app.router.resources():
        info = resource.get_info()
        routes.add(info.get("path") or info.get("formatter") or info.get("prefix") or "")
    return sorted(r for r in routes if r)


async def _apply_fault(request: web.Request, store: Store, role: str) -> web.StreamResponse | None:
    for fault in list(store.faults.values()):
        if fault.role not in (role, "*") or not fnmatch.fnmatchcase(request.path, fault.route):
            continue
        if fault.method not in ("*", request.method):
            continue
        if fault.probability is not None and _chance.random() >= fault.probability:
            continue
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                store.faults.pop(fault.id, None)
        if fault.kind == "latency":
            await asyncio.sleep(fault.delay_ms / 1000)
            return None
        if fault.kind == "status":
            return web.json_response(
                {"errors": f"injected fault: HTTP {fault.status}"}, status=fault.status
            )
        if fault.kind == "malformed":
            return web.Response(
                text='{"injected": "malformed", "items": [1, 2', content_type="application/json"
            )
        transport = request.transport
        if fault.kind == "truncated":
            response = web.StreamResponse(
                headers={"Content-Type": "application/json", "Content-Length": "4096"}
            )
            await response.prepare(request)
            await response.write(b'{"injected": "truncated", "items": [')
        if transport is not None:
            transport.abort() if fault.kind == "reset" else transport.close()
        raise asyncio.CancelledError  # the connection is gone: nothing more to send
    return None


def _recorder(role: str) -> Middleware:
    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(ADMIN):
            return await handler(request)
        store = request.app[STORE]
        started = time.perf_counter()
        note = ""
        try:
            response = await _apply_fault(request, store, role) or await handler(request)
        except web.HTTPNotFound:
            note = "no such route"
            response = web.json_response(
                {
                    "error": note,
                    "method": request.method,
                    "path": request.path,
                    "known_routes": _known_routes(request.app),
                },
                status=404,
            )
        except web.HTTPMethodNotAllowed as exc:
            note = "method not allowed"
            response = web.json_response(
                {
                    "error": note,
                    "method": request.method,
                    "path": request.path,
                    "allowed": sorted(exc.allowed_methods),
                },
                status=405,
            )
        except web.HTTPException:
            raise
        except (asyncio.CancelledError, ConnectionResetError):
            raise
        except Exception as exc:  # a bug in a fake: answer, never hide it
            note = f"crash: {type(exc).__name__}: {exc}"
            response = web.json_response(
                {"error": "the fake crashed; see GET /_mock/requests"}, status=500
            )
        if not note and request.match_info.http_exception is not None and response.status == 404:
            note = "no such route"
        entry = RecordedRequest(
            role,
            request.method,
            request.path,
            request.query_string,
            response.status,
            (time.perf_counter() - started) * 1000,
            datetime.now(UTC).isoformat(),
            note,
        )
        store.requests.append(entry)
        if note and note != "method not allowed":
            store.unexpected.append(entry)
        return response

    return record


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except ValueError:
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body is not valid JSON", "field": ""}),
            content_type="application/json",
        ) from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "body must be a JSON object", "field": ""}),
            content_type="application/json",
        )
    return body


async def health(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "role": request.app[ROLE]})


async def reset(request: web.Request) -> web.Response:
    request.app[STORE].reset()
    return web.json_response({"ok": True})


async def seed(request: web.Request) -> web.Response:
    body = await _json(request)
    number, customers = body.get("seed", 0), body.get("customers", 20)
    if not isinstance(number, int) or isinstance(number, bool):
        return bad_request(f"seed must be an integer (got {number!r})", "seed")
    if (
        not isinstance(customers, int)
        or isinstance(customers, bool)
        or not 0 <= customers <= 100_000
    ):
        return bad_request(
            f"customers must be an integer from 0 to 100000 (got {customers!r})", "customers"
        )
    try:
        reference = date.fromisoformat(body["referenceDate"]) if "referenceDate" in body else None
    except (TypeError, ValueError):
        return bad_request("referenceDate must be YYYY-MM-DD", "referenceDate")
    loaded = request.app[STORE].seed(number, customers=customers, reference=reference)
    return web.json_response({"ok": True, "customers": loaded})


async def journal(request: web.Request) -> web.Response:
    store = request.app[STORE]
    return web.json_response(
        {
            "requests": [r.as_dict() for r in store.requests],
            "unexpected": [r.as_dict() for r in store.unexpected],
        }
    )


async def customers(request: web.Request) -> web.Response:
    return web.json_response({"customers": request.app[STORE].known_customers(limit=20)})


async def list_faults(request: web.Request) -> web.Response:
    return web.json_response({"faults": [f.as_dict() for f in request.app[STORE].faults.values()]})


async def add_fault(request: web.Request) -> web.Response:
    body = await _json(request)
    kind = body.get("kind", "status")
    if kind not in FAULT_KINDS:
        return bad_request(f"kind must be one of {', '.join(FAULT_KINDS)} (got {kind!r})", "kind")
    spec: dict[str, Any] = {
        "role": body.get("role", request.app[ROLE]),
        "route": body.get("route", "*"),
        "method": str(body.get("method", "*")).upper(),
        "kind": kind,
    }
    if not isinstance(spec["route"], str) or not isinstance(spec["role"], str):
        return bad_request(
            "role and route must be strings (route is a glob such as /admin/api/*/orders.json)",
            "route",
        )
    checks = {
        "status": (int, 100, 599, 503),
        "delayMs": (int, 0, 60_000, 0),
        "times": (int, 1, 1_000_000, None),
        "probability": (float, 0.0, 1.0, None),
    }
    names = {
        "status": "status",
        "delayMs": "delay_ms",
        "times": "times",
        "probability": "probability",
    }
    for key, (kind_of, low, high, default) in checks.items():
        value = body.get(key, default)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (kind_of is int and not isinstance(value, int))
            or not low <= value <= high
        ):
            return bad_request(f"{key} must be a number from {low} to {high} (got {value!r})", key)
        spec[names[key]] = value
    fault = request.app[STORE].add_fault(**spec)
    return web.json_response({"fault": fault.as_dict()}, status=201)


async def clear_faults(request: web.Request) -> web.Response:
    request.app[STORE].faults.clear()
    return web.json_response({"ok": True})


async def settings(request: web.Request) -> web.Response:
    store = request.app[STORE]
    if request.method == "POST":
        body = await _json(request)
        if "rateLimit" in body:
            if not isinstance(body["rateLimit"], bool):
                return bad_request("rateLimit must be true or false", "rateLimit")
            store.settings["rateLimit"] = body["rateLimit"]
        if "mutant" in body:
            from mockserver.mutants import MUTANTS  # the adapter's modes; imported on use

            if body["mutant"] is not None and body["mutant"] not in MUTANTS:
                return bad_request(
                    f"mutant must be null or one of {', '.join(sorted(MUTANTS))}", "mutant"
                )
            store.settings["mutant"] = body["mutant"]
    return web.json_response({"settings": store.settings})


def create_role_app(store: Store, role: str, **kwargs: Any) -> web.Application:
    """A root application for one role, with the journal, faults and ``/_mock`` routes mounted."""
    app = web.Application(middlewares=[_recorder(role)], **kwargs)
    app[STORE] = store
    app[ROLE] = role
    app.router.add_get(f"{ADMIN}/health", health)
    app.router.add_post(f"{ADMIN}/reset", reset)
    app.router.add_post(f"{ADMIN}/seed", seed)
    app.router.add_get(f"{ADMIN}/requests", journal)
    app.router.add_get(f"{ADMIN}/customers", customers)
    app.router.add_get(f"{ADMIN}/faults", list_faults)
    app.router.add_post(f"{ADMIN}/faults", add_fault)
    app.router.add_post(f"{ADMIN}/faults/clear", clear_faults)
    app.router.add_get(f"{ADMIN}/settings", settings)
    app.router.add_post(f"{ADMIN}/settings", settings)
    return app
