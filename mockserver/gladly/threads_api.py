"""The Self-Service Threads routes: the WISMO conversation, the dev outbox and the report.

``POST /api/threads`` starts at the Quick Reply; ``/email`` sends a code to the outbox;
``/code`` checks it and shows the latest order; ``/end`` is *That's all* or *Talk to an agent*.
``GET /api/reports/threads`` (and ``.csv``) counts them by day, with the cost of resolutions.
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from contracts.formats import is_email
from mockserver.gladly import client
from mockserver.gladly.client import STATE, State, lookup
from mockserver.gladly.decisions import Profile, autolink_decision, wismo_view
from mockserver.gladly.threads import day_range, masked
from mockserver.harness import ApiError

__all__ = ["add_routes", "body_of"]

MAX_DAYS = 366
COLUMNS = (
    "day",
    "started",
    "codesVerified",
    "ordersShown",
    "resolutions",
    "handoffs",
    "resolutionRate",
    "cost",
)


async def body_of(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except (ValueError, RecursionError):  # RecursionError: nested too deep
        raise ApiError(400, "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return body


async def start(request: web.Request) -> web.Response:
    state = request.app[STATE]
    chosen = (await body_of(request)).get("quickReply", state.config.quick_reply)
    if chosen != state.config.quick_reply:
        raise ApiError(
            400,
            f"Sidekick offers the Quick Reply {state.config.quick_reply!r}, not {str(chosen)[:60]!r}.",
            "quickReply",
        )
    conversation = state.threads.start(chosen)
    return web.json_response(conversation.as_dict(), status=201)


async def get(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].threads.get(request.match_info["id"]).as_dict())


async def email(request: web.Request) -> web.Response:
    state = request.app[STATE]
    given = (await body_of(request)).get("email")
    if not isinstance(given, str) or not is_email(given.strip()):
        raise ApiError(400, "That doesn't look like an email address.", "email")
    conversation = state.threads.send_code(request.match_info["id"], given.strip())
    return web.json_response(
        conversation.as_dict()
        | {"sentTo": masked(given.strip()), "codeLifetimeSeconds": state.config.code_ttl}
    )


async def code(request: web.Request) -> web.Response:
    state = request.app[STATE]
    given = (await body_of(request)).get("code")
    if not isinstance(given, str) or not re.fullmatch(r"\s*\d{6}\s*", given):
        raise ApiError(400, "The code is the six digits in the message we sent.", "code")
    conversation = state.threads.check_code(request.match_info["id"], given)
    assert conversation.email is not None
    view = await latest_order(state, conversation.email)
    if view.get("latest"):
        state.threads.shown(conversation.id, str(view["latest"].get("orderNumber") or "?"))
    return web.json_response({"conversation": state.threads.get(conversation.id).as_dict()} | view)


async def end(request: web.Request) -> web.Response:
    choice = (await body_of(request)).get("choice")
    if choice not in ("done", "agent"):
        raise ApiError(
            400, "choice must be 'done' (That's all) or 'agent' (Talk to an agent).", "choice"
        )
    conversation = request.app[STATE].threads.end(request.match_info["id"], choice)
    return web.json_response(conversation.as_dict())


async def latest_order(state: State, address: str) -> dict[str, Any]:
    """What Sidekick shows once the code is verified: Gladly finds the customer by the email,
    as auto-link does, then shows the latest order of the detailed lookup."""
    shopper = Profile("sidekick-" + secrets.token_hex(4), "", [address], [], {})
    query = {"emails": shopper.emails, "id": shopper.id}
    record = await lookup(state, "wismo", "BASIC", query, profile="sidekick")
    linked, reason = autolink_decision(shopper, client.results(record))
    if not linked:
        return {"found": False, "reason": reason, "exchange": record["id"]}
    query = {"externalCustomerId": linked, "emails": shopper.emails}
    record = await lookup(state, "wismo", "DETAILED", query, profile="sidekick")
    results = client.results(record)
    if len(results) != 1 or not isinstance(results[0], dict):
        reason = "The detailed lookup did not return exactly one customer."
        return {"found": False, "reason": reason, "exchange": record["id"]}
    return {
        "found": True,
        "name": results[0].get("name", ""),
        "exchange": record["id"],
        "findings": record["findings"],
    } | wismo_view(results[0])


async def outbox(request: web.Request) -> web.Response:
    recipient = request.query.get("to") or None
    return web.json_response({"messages": request.app[STATE].threads.outbox(recipient)})


def _day(request: web.Request, name: str, default: date) -> date:
    value = request.query.get(name)
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            400, f"{name} must be a date as YYYY-MM-DD, not {value[:40]!r}.", name
        ) from None


def _price(request: web.Request, default: Decimal) -> Decimal:
    value = request.query.get("price")
    if value is None:
        return default
    try:
        price = Decimal(value)
    except InvalidOperation:
        price = Decimal(-1)
    if not price.is_finite() or price < 0 or price > 10_000:
        raise ApiError(
            400, f"price must be an amount from 0 to 10000, not {value[:40]!r}.", "price"
        )
    return price


def report(request: web.Request) -> dict[str, Any]:
    """The Self-Service Threads report for ``?from=&to=`` (default: the last 30 days, UTC)."""
    state = request.app[STATE]
    today = datetime.now(UTC).date()
    last = _day(request, "to", today)
    first = _day(request, "from", last - timedelta(days=29))
    if first > last:
        raise ApiError(400, f"from ({first}) is after to ({last}).", "from")
    if (last - first).days >= MAX_DAYS:
        raise ApiError(400, f"The report covers at most {MAX_DAYS} days.", "from")
    price = _price(request, state.config.price_per_resolution)
    counted = {row["day"]: row for row in state.threads.days(first.isoformat(), last.isoformat())}
    days = [_row(day, counted.get(day, {}), price) for day in day_range(first, last)]
    totals = {k: sum(d[k] for d in days) for k in COLUMNS[1:6]}
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "pricePerResolution": str(price),
        "currency": state.config.currency,
        "days": days,
        "total": _row("total", {}, price) | totals | _rate_and_cost(totals, price),
    }


def _row(day: str, counts: dict[str, Any], price: Decimal) -> dict[str, Any]:
    row = {
        "day": day,
        "started": counts.get("started", 0),
        "codesVerified": counts.get("verified", 0),
        "ordersShown": counts.get("shown", 0),
        "resolutions": counts.get("resolved") or 0,
        "handoffs": counts.get("agent") or 0,
    }
    return row | _rate_and_cost(row, price)


def _rate_and_cost(counts: dict[str, Any], price: Decimal) -> dict[str, Any]:
    started, resolved = counts["started"], counts["resolutions"]
    return {
        "resolutionRate": round(resolved / started, 4) if started else 0.0,
        "cost": str((price * resolved).quantize(Decimal("0.01"))),
    }


async def report_json(request: web.Request) -> web.Response:
    return web.json_response(report(request))


async def report_csv(request: web.Request) -> web.Response:
    document = report(request)
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows([*document["days"], document["total"]])
    name = f"self-service-threads-{document['from']}-{document['to']}.csv"
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_post("/api/threads", start)
    router.add_get("/api/threads/{id}", get)
    router.add_post("/api/threads/{id}/email", email)
    router.add_post("/api/threads/{id}/code", code)
    router.add_post("/api/threads/{id}/end", end)
    router.add_get("/api/outbox", outbox)
    router.add_get("/api/reports/threads", report_json)
    router.add_get("/api/reports/threads.csv", report_csv)
