"""The request journal: every request a role serves is recorded; surprises fail the tests.

An unknown route or a crash in a fake is answered with the kit's JSON error body that names it,
and recorded in ``state.unexpected`` too, so the test fixtures can fail on it.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.harness.errors import error_response
from mockserver.harness.faults import apply_fault
from mockserver.harness.state import HarnessState, RecordedRequest

__all__ = ["ADMIN", "recorder"]

ADMIN = "/_mock"
MAX_SHOWN = 2_000


def _known_routes(app: web.Application) -> list[str]:
    """The app's routes; sub-applications show as their prefix, except ``/_mock``, listed whole."""
    routes: set[str] = set()
    for resource in app.router.resources():
        info = resource.get_info()
        if info.get("prefix") == ADMIN and isinstance(info.get("app"), web.Application):
            routes.update(_known_routes(info["app"]))
            continue
        routes.add(info.get("path") or info.get("formatter") or info.get("prefix") or "")
    return sorted(r for r in routes if r)


async def _serve(
    request: web.Request, handler: Handler, state: HarnessState, role: str
) -> tuple[web.StreamResponse, str]:
    """The answer and, when it is a surprise, what the surprise was."""
    try:
        return await apply_fault(request, state, role) or await handler(request), ""
    except web.HTTPNotFound:
        note = "no such route"
        known = _known_routes(request.app)
        return error_response(
            404, note, method=request.method, path=request.path, known_routes=known
        ), note
    except web.HTTPMethodNotAllowed as exc:
        note = "method not allowed"
        allowed = sorted(exc.allowed_methods)
        return error_response(
            405, note, method=request.method, path=request.path, allowed=allowed
        ), note
    except (web.HTTPException, asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception as exc:  # a bug in a fake: answer, never hide it
        message = "the fake crashed; see GET /_mock/requests"
        return error_response(500, message), f"crash: {type(exc).__name__}: {exc}"


def recorder(state: HarnessState, role: str) -> Middleware:
    """Middleware that applies faults, answers surprises and journals every request."""

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        if state.admin and request.path.startswith(ADMIN):
            return await handler(request)
        started = time.perf_counter()
        try:
            response, note = await _serve(request, handler, state, role)
        except web.HTTPException as exc:  # an answer raised by a handler: journal it too
            _journal(state, role, request, exc.status, started, "")
            raise
        if not note and request.match_info.http_exception is not None and response.status == 404:
            note = "no such route"
        _journal(state, role, request, response.status, started, note)
        return response

    return record


def _journal(
    state: HarnessState, role: str, request: web.Request, status: int, started: float, note: str
) -> None:
    entry = RecordedRequest(
        role,
        request.method[:16],
        request.path[:MAX_SHOWN],  # the journal is bounded in bytes, not only in entries
        request.query_string[:MAX_SHOWN],
        status,
        (time.perf_counter() - started) * 1000,
        datetime.now(UTC).isoformat(),
        note,
    )
    state.requests.append(entry)
    if note and note != "method not allowed":
        state.unexpected.append(entry)
