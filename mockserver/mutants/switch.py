"""The switch in front of the reference adapter: the adapter's own authentication, unless the
mutant that is on says otherwise, and the mutant's change to each answer.

The adapter is built without credentials, through its public API only, and the switch puts
``mockserver.adapter.authentication`` in front of it, so ``mockserver.adapter`` stays the
clean example users copy.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from contracts.exchange import infer_kind
from mockserver import adapter
from mockserver.harness import ADMIN, HarnessState
from mockserver.mutants import auth
from mockserver.mutants.catalogue import MUTANTS, Mutant

__all__ = ["Switch", "check_mutant", "create_app"]

TRACEBACK = (
    'Traceback (most recent call last):\n  File "/srv/adapter/app.py", line 88, in lookup\n'
    "    body = json.loads(raw)\njson.decoder.JSONDecodeError: Expecting value: line 1 column 1"
)


def check_mutant(value: Any) -> str | None:
    """The ``mutant`` setting: null or a known name."""
    if value is None or value in MUTANTS:
        return None
    return f"mutant must be null or one of {', '.join(sorted(MUTANTS))}"


@dataclass
class Switch:
    """The adapter role's mutant state: which mutant is on (a setting), lookups served, and the
    signatures the replay mutant has accepted."""

    state: HarnessState
    config: adapter.AdapterConfig
    lookups: int = 0
    in_flight: int = 0  # lookups being answered now
    seen: set[str] = field(default_factory=set)
    kept: dict[bytes, tuple[float, bytes]] = field(default_factory=dict)  # stale answers, until

    def reset(self) -> None:
        self.lookups = 0
        self.seen.clear()
        self.kept.clear()

    def mutant(self) -> Mutant | None:
        return MUTANTS.get(self.state.settings.get("mutant") or "")


def _middleware(switch: Switch) -> Middleware:
    guard = adapter.authentication(switch.config)

    @web.middleware
    async def mutate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(ADMIN):
            return await handler(request)
        mutant = switch.mutant()
        if mutant is None:
            return await guard(request, handler)
        if mutant.auth is not None:
            return await auth.authenticate(
                request, handler, guard, switch.config, mutant.auth, switch.seen
            )
        if mutant.delay or mutant.max_in_flight:
            return await _under_load(switch, mutant, request, guard, handler)
        if mutant.stale and request.method == "POST" and request.path == "/":
            return await _stale(switch, mutant.stale, request, guard, handler)
        response = await guard(request, handler)
        if not isinstance(response, web.Response):
            return response
        if mutant.echo:
            return _echo(request, response)
        if request.path.startswith("/actions/"):
            return await _act(mutant, request, response)
        if request.method != "POST" or request.path != "/":
            return response
        if response.status == 400 and mutant.on_invalid:
            return _mishandle(mutant.on_invalid, response)
        if response.status >= 500 and mutant.on_error == "empty":
            return web.json_response({"results": []})
        if response.status != 200 or mutant.on_invalid:
            return response
        if mutant.status:
            response.set_status(mutant.status)
            return response
        return _alter(switch, mutant, json.loads(await request.read()), response)

    return mutate


async def _under_load(
    switch: Switch, mutant: Mutant, request: web.Request, guard: Middleware, handler: Handler
) -> web.StreamResponse:
    """The load mutants: a lookup answered late, or refused while too many are in flight."""
    if request.method != "POST" or request.path != "/":
        return await guard(request, handler)
    switch.in_flight += 1
    try:
        if mutant.max_in_flight and switch.in_flight > mutant.max_in_flight:
            await asyncio.sleep(0.05)  # the overload shows as a failure, after a little work
            return web.json_response({"error": "overloaded"}, status=503)
        await asyncio.sleep(mutant.delay)
        return await guard(request, handler)
    finally:
        switch.in_flight -= 1


async def _stale(
    switch: Switch, stale: float, request: web.Request, guard: Middleware, handler: Handler
) -> web.StreamResponse:
    """A 200 answer to each distinct lookup, served again for the mutant's ``stale`` seconds
    whatever happens meanwhile, its own actions too (to requests the adapter's authentication
    lets through)."""
    key, now = await request.read(), time.monotonic()
    until, body = switch.kept.get(key, (0.0, b""))
    if until > now:

        async def kept(_: web.Request) -> web.StreamResponse:
            return web.Response(body=body, content_type="application/json")

        return await guard(request, kept)
    response = await guard(request, handler)
    if isinstance(response, web.Response) and response.status == 200 and response.body:
        switch.kept[key] = (now + stale, bytes(response.body))  # type: ignore[arg-type]
    return response


def _answer(replaced: tuple[int, Any]) -> web.Response:
    status, body = replaced
    if isinstance(body, str):
        return web.Response(status=status, text=body)
    return web.json_response(body, status=status)


def _alter(switch: Switch, mutant: Mutant, request: Any, response: web.Response) -> web.Response:
    answer = json.loads(response.body)  # type: ignore[arg-type]
    if mutant.lookup is not None:
        replaced = mutant.lookup(request, answer)
        return response if replaced is None else _answer(replaced)
    if mutant.alter is None:
        return response
    switch.lookups += 1
    body = mutant.alter(copy.deepcopy(answer), infer_kind(request), switch.lookups)
    return web.json_response(body)


async def _act(mutant: Mutant, request: web.Request, response: web.Response) -> web.Response:
    if mutant.action is None:
        return response
    try:
        values = json.loads(await request.read() or b"null")
        answer = json.loads(response.body)  # type: ignore[arg-type]
    except ValueError:
        return response
    replaced = mutant.action(request.method, values, response.status, answer)
    return response if replaced is None else _answer(replaced)


def _echo(request: web.Request, response: web.Response) -> web.Response:
    try:
        body = json.loads(response.body)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return response
    if not isinstance(body, dict):
        return response
    body["debug"] = {"authorization": request.headers.get("Authorization", "")}
    return web.json_response(body, status=response.status)


def _mishandle(how: str, response: web.Response) -> web.Response:
    if how == "crash":
        return web.Response(status=500, text="Internal Server Error")
    if how == "accept":
        return web.json_response({"results": []})
    detail = json.loads(response.body)  # type: ignore[arg-type]
    detail["trace"] = TRACEBACK
    return web.json_response(detail, status=400)


def create_app(state: HarnessState, config: adapter.AdapterConfig) -> web.Application:
    """The reference adapter behind the mutant switch (``mockserver.roles`` adds the harness)."""
    switch = Switch(state, config)
    state.on_reset.append(switch.reset)
    state.setting_checks["mutant"] = check_mutant
    trusting = replace(config, signing_key=None, basic_auth=None)  # the switch authenticates
    app = adapter.create_app(trusting)
    app.middlewares.insert(0, _middleware(switch))
    return app
