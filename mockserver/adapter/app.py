"""The reference adapter's HTTP side: Gladly's three lookups and two actions at one URL.

Read the package top to bottom to see what a correct adapter does:

1. Authenticate every request (``auth.py``): Basic credentials if configured, then the Gladly
   signature over the raw body bytes, with a 5-minute freshness window.
2. Check the body and tell the lookup kind from it (here and ``service.py``): DETAILED, or BASIC
   from auto-link (the profile's ``emails``/``phones`` arrays) or from an agent's search.
3. Ask the OMS within Gladly's time budget, retrying 429s as ``Retry-After`` says
   (``shopify_client.py``), and map its records onto Gladly's shapes (``mapping.py``).
4. Serve two Actions on orders (``forms.py``), which write to the OMS; Gladly then runs a
   detailed lookup and shows the change.

Bad input gets a 4xx JSON body that says what was wrong; OMS trouble gets 502/503/504 and a log
line; nothing ever answers with a stack trace.
"""

from __future__ import annotations

import hashlib
import logging
import ssl
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler

from mockserver.adapter.auth import authentication, problem
from mockserver.adapter.config import AdapterConfig
from mockserver.adapter.jsonio import answer, loads
from mockserver.adapter.oms_client import OmsError, is_id
from mockserver.adapter.service import LookupService, Problem

__all__ = ["ADAPTER", "MAX_BODY", "create_app", "parse_lookup"]

log = logging.getLogger("lookupkit.adapter")
ADAPTER = web.AppKey("adapter", LookupService)
MAX_BODY = 1024**2
ACTIONS = "/actions/{action:cancel-order|add-note}"


def parse_lookup(raw: bytes) -> dict[str, Any]:
    """The lookup body, checked; raises Problem (400) naming the field."""
    try:
        body = loads(raw)
    except (ValueError, RecursionError):
        raise Problem(400, "The body is not valid JSON", code="invalid") from None
    if not isinstance(body, dict):
        raise Problem(400, "The body must be a JSON object", code="invalid")
    level = body.get("lookupLevel")
    if not isinstance(level, str) or level.upper() not in ("BASIC", "DETAILED"):
        message = f"lookupLevel must be BASIC or DETAILED (got {str(level)[:40]!r})"
        raise Problem(400, message, code="invalid", attr="lookupLevel")
    if not isinstance(body.get("query"), dict):
        raise Problem(400, "query must be an object", code="invalid", attr="query")
    if not isinstance(body.get("uniqueMatchRequired"), bool):
        message = "uniqueMatchRequired must be true or false"
        raise Problem(400, message, code="invalid", attr="uniqueMatchRequired")
    if level.upper() == "DETAILED" and not isinstance(body["query"].get("externalCustomerId"), str):
        message = "a DETAILED lookup needs query.externalCustomerId as a string"
        raise Problem(400, message, code="invalid", attr="query.externalCustomerId")
    return body | {"lookupLevel": level.upper()}


def _form_values(raw: bytes) -> dict[str, Any]:
    try:
        values = loads(raw or b"{}")
    except (ValueError, RecursionError):
        raise Problem(400, "The form values are not valid JSON", code="invalid") from None
    if not isinstance(values, dict):
        raise Problem(400, "The form values must be a JSON object", code="invalid")
    return values


def _order_id(request: web.Request) -> str:
    order_id = request.query.get("order", "")
    if not is_id(order_id):
        raise Problem(400, "order must be an order id", code="invalid", attr="order")
    return order_id


async def lookup(request: web.Request) -> web.Response:
    body = parse_lookup(await request.read())
    return answer({"results": await request.app[ADAPTER].lookup(body)})


async def action_form(request: web.Request) -> web.Response:
    service = request.app[ADAPTER]
    return answer(await service.form(request.match_info["action"], _order_id(request)))


async def action_submit(request: web.Request) -> web.Response:
    """A submit runs once per Gladly-Correlation-Id, path and body: a replay changes nothing."""
    service, raw = request.app[ADAPTER], await request.read()
    values = _form_values(raw)
    correlation = request.headers.get("Gladly-Correlation-Id")
    key = None
    if correlation:
        key = f"{correlation}|{request.path_qs}|{hashlib.sha256(raw).hexdigest()}"

    async def submit() -> dict[str, str]:
        if request.match_info["action"] == "cancel-order":
            return await service.cancel(_order_id(request), values)
        return await service.add_note(_order_id(request), values)

    return answer(await service.once(key, submit))


@web.middleware
async def answer_problems(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn bad input and OMS trouble into Gladly's ``{"errors": [...]}`` answers."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        return problem(413, "The body is larger than 1 MiB", code="too-large")
    except Problem as exc:
        return problem(exc.status, exc.detail, code=exc.code, attr=exc.attr)
    except OmsError as exc:
        log.error("event=oms-failed status=%d path=%s detail=%s", exc.status, request.path, exc)
        return problem(exc.status, str(exc), code="oms-unavailable")


async def _client(app: web.Application) -> AsyncIterator[None]:
    """One connection pool for the adapter's lifetime."""
    service = app[ADAPTER]
    client = service.backend.client
    trust: ssl.SSLContext | bool = True
    if service.config.ca_file:
        trust = ssl.create_default_context()
        trust.load_verify_locations(service.config.ca_file)
    client.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100, ssl=trust))
    yield
    await client.session.close()


def create_app(config: AdapterConfig) -> web.Application:
    """The adapter as an aiohttp application, behind ``authentication(config)``.

    With neither a signing key nor Basic credentials configured it accepts every request.

    Example:
        >>> create_app(AdapterConfig("http://127.0.0.1:8700/admin/api/2025-01", "token", signing_key="k"))
    """
    guarded = config.signing_key is not None or config.basic_auth is not None
    middlewares = [authentication(config), answer_problems] if guarded else [answer_problems]
    app = web.Application(client_max_size=MAX_BODY, middlewares=middlewares)
    app[ADAPTER] = LookupService(config)
    app.cleanup_ctx.append(_client)
    app.router.add_post("/", lookup)
    app.router.add_get(ACTIONS, action_form)
    app.router.add_post(ACTIONS, action_submit)
    return app
