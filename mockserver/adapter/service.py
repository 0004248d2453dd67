"""What the adapter does, without HTTP: the three lookups, and the two order actions.

Lookups answer Gladly's profile list; actions answer Gladly's ``{message, detail}``. Anything the
caller should be told raises ``Problem`` (the app turns it into ``{"errors": [...]}``).
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from mockserver.adapter.backends import ShopifyBackend, backend_for
from mockserver.adapter.cache import AnswerCache
from mockserver.adapter.config import AdapterConfig
from mockserver.adapter.forms import CANCEL_REASONS, cancel_form, note_form
from mockserver.adapter.shopify_client import Shopify, is_id
from mockserver.adapter.shopify_graphql import ShopifyGraphQLBackend

__all__ = ["LookupService", "Problem"]

log = logging.getLogger("lookupkit.adapter")


class Problem(Exception):
    """An answer other than 200: ``status``, what to tell the agent, a code and the field."""

    def __init__(self, status: int, detail: str, *, code: str, attr: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code, self.attr = status, detail, code, attr


GONE = "This order no longer exists in the shop"
CONFLICT_RETRIES = 30
REPLAY_WINDOW = 360.0  # seconds: the signature's 5-minute freshness window, and some slack
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class LookupService:
    """The adapter's logic over one order system (``backends``), with a short cache of
    detailed answers; the order actions on Shopify."""

    def __init__(self, config: AdapterConfig) -> None:
        self.config = config
        self.backend = backend_for(config)
        backend = self.backend
        self.shopify: Shopify | None = None  # the actions write through Shopify's REST
        if isinstance(backend, ShopifyBackend | ShopifyGraphQLBackend):
            self.shopify = backend.client
        self.cache = AnswerCache(
            self.backend.detailed,
            ttl=config.cache_ttl,
            size=config.cache_size,
            budget=config.budget,
        )
        self.submitted: OrderedDict[str, tuple[float, dict[str, str]]] = OrderedDict()
        self.submitting: dict[str, asyncio.Future[dict[str, str]]] = {}

    def deadline(self) -> float:
        return time.monotonic() + self.config.budget

    # -- the cache of detailed answers (cache.py) ------------------------------------------------

    def forget(self, order: dict[str, Any]) -> None:
        self.cache.forget(str((order.get("customer") or {}).get("id")))

    def clear(self) -> None:
        """Forget every cached answer, image and submit (after the shop's data was replaced)."""
        self.cache.clear()
        self.submitted.clear()
        self.backend.clear()

    # -- actions run once -------------------------------------------------------------------------

    async def once(
        self, key: str | None, run: Callable[[], Awaitable[dict[str, str]]]
    ) -> dict[str, str]:
        """Run an action once per ``key`` (the request's correlation id, path and body) for the
        signature's replay window: a replayed or retried submit gets the first answer, and the
        shop is written once. Without a key, or after a refusal, it runs again."""
        if key is None:
            return await run()
        now = time.monotonic()
        while self.submitted and next(iter(self.submitted.values()))[0] < now:
            self.submitted.popitem(last=False)
        if key in self.submitted:
            return self.submitted[key][1]
        if key in self.submitting:
            return await asyncio.shield(self.submitting[key])
        task = asyncio.ensure_future(run())
        self.submitting[key] = task
        try:
            answer = await asyncio.shield(task)
        finally:
            self.submitting.pop(key, None)
        self.submitted[key] = (now + REPLAY_WINDOW, answer)
        if len(self.submitted) > self.config.cache_size:
            self.submitted.popitem(last=False)
        return answer

    # -- lookups --------------------------------------------------------------------------------

    async def lookup(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        query, deadline = body["query"], self.deadline()
        if body["lookupLevel"] == "DETAILED":
            return await self.detailed(str(query.get("externalCustomerId", "")), deadline)
        if any(isinstance(query.get(k), list) for k in ("emails", "phones")) or "id" in query:
            return await self.auto_link(query, deadline)
        return await self.basic_search(query, deadline)

    async def detailed(self, customer_id: str, deadline: float) -> list[dict[str, Any]]:
        profile = await self.cache.get(customer_id, deadline)
        return [] if profile is None else [profile]  # unknown id: no result, never someone else

    async def auto_link(self, query: dict[str, Any], deadline: float) -> list[dict[str, Any]]:
        """Every customer sharing one of the profile's emails or phones."""
        terms = [("email", searchable("email", e)) for e in strings(query.get("emails"))]
        terms += [("phone", searchable("phone", p)) for p in strings(query.get("phones"))]
        searches = (self.backend.find(attr, value, deadline) for attr, value in terms if value)
        found: dict[str, dict[str, Any]] = {}
        for results in await asyncio.gather(*searches):
            found.update((p["externalCustomerId"], p) for p in results)
        return list(found.values())

    async def basic_search(self, query: dict[str, Any], deadline: float) -> list[dict[str, Any]]:
        """Customers matching every configured attribute the agent filled in."""
        matches: dict[str, dict[str, Any]] | None = None
        for attr in self.config.search_attributes:
            for value in strings(query.get(attr)) + strings(query.get(attr + "s")):
                clean = searchable(attr, value)
                results = await self.backend.find(attr, clean, deadline) if clean else []
                found = {p["externalCustomerId"]: p for p in results}
                matches = (
                    found if matches is None else {i: matches[i] for i in matches if i in found}
                )
        return list((matches or {}).values())

    # -- actions --------------------------------------------------------------------------------

    def shop(self) -> Shopify:
        """The Shopify client the actions write through (the other platforms offer none)."""
        if self.shopify is None:
            raise Problem(404, "No such order", code="not-found")
        return self.shopify

    async def form(self, action: str, order_id: str) -> dict[str, Any]:
        order = await self.shop().order(order_id, self.deadline())
        if order is None:
            raise Problem(404, "No such order", code="not-found")
        return cancel_form(order) if action == "cancel-order" else note_form(order)

    async def cancel(self, order_id: str, values: dict[str, Any]) -> dict[str, str]:
        reason = values.get("reason")
        if not isinstance(reason, str) or reason not in CANCEL_REASONS:
            raise Problem(
                400, "Choose a reason for the cancellation", code="required", attr="reason"
            )
        if not isinstance(values.get("notify", False), bool):
            raise Problem(400, "Notify is yes or no", code="invalid", attr="notify")
        order = await self._order_to_change(order_id)
        body = {"reason": reason, "email": bool(values.get("notify"))}
        await self._write("POST", f"/orders/{order_id}/cancel.json", body)
        detail = f"Reason: {CANCEL_REASONS[reason]}." + (
            " The customer was emailed." if values.get("notify") else ""
        )
        return {"message": f"Order {order['name']} canceled", "detail": detail}

    async def add_note(self, order_id: str, values: dict[str, Any]) -> dict[str, str]:
        note = values.get("note")
        if not isinstance(note, str) or not note.strip():
            raise Problem(400, "Write the note to add", code="required", attr="note")
        if len(note) > 1000:
            raise Problem(400, "Keep the note under 1000 characters", code="too-long", attr="note")
        for attempt in range(CONFLICT_RETRIES):  # append, write only if unchanged: none lost
            order, etag = await self.shop().order_and_etag(order_id, self.deadline())
            if order is None:
                raise Problem(406, GONE, code="not-found")
            self.forget(order)
            combined = "\n".join(part for part in (order.get("note"), note.strip()) if part)
            body = {"order": {"id": order["id"], "note": combined}}
            condition = {"If-Match": etag} if etag else None
            path = f"/orders/{order_id}.json"
            result = await self.shop().call(
                "PUT", path, self.deadline(), body=body, headers=condition
            )
            if not (isinstance(result, dict) and result.get("_conflict")):
                _refused(result)
                return {"message": f"Note added to order {order['name']}", "detail": note.strip()}
            log.info("event=oms-conflict path=%s attempt=%d", path, attempt)
            await asyncio.sleep(random.uniform(0, 0.01 * (attempt + 1)))  # let the others by
        raise Problem(409, "The order kept changing; add the note again", code="conflict")

    async def _order_to_change(self, order_id: str) -> dict[str, Any]:
        order = await self.shop().order(order_id, self.deadline())
        if order is None:
            raise Problem(406, GONE, code="not-found")
        self.forget(order)
        return order

    async def _write(self, method: str, path: str, body: dict[str, Any]) -> None:
        _refused(await self.shop().call(method, path, self.deadline(), body=body))


SEARCH_SYNTAX = re.compile(r'["*\\:()]')  # Shopify search syntax: quotes, wildcards, fields


def searchable(attr: str, value: str) -> str:
    """The part of an agent's or Gladly's value that may reach the OMS search, or "" for none.

    Search syntax in a value would widen the search (``*`` matches everyone), so it is never
    passed on: emails must be addresses, phones keep their digits, names lose the syntax.
    """
    value = value.strip()
    if attr == "email":
        return value if EMAIL.fullmatch(value) and not SEARCH_SYNTAX.search(value) else ""
    if attr == "phone":
        digits = re.sub(r"\D", "", value)
        return ("+" if value.startswith("+") else "") + digits if len(digits) >= 7 else ""
    if attr == "externalCustomerId":
        return value if is_id(value) else ""
    return " ".join(SEARCH_SYNTAX.sub(" ", value).split())


def strings(value: Any) -> list[str]:
    """The strings of a query value Gladly may send as one string or as a list."""
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def refusal(result: Any) -> str:
    """Shopify's 422 ``errors`` in one line."""
    errors = (result or {}).get("_refused") if isinstance(result, dict) else None
    if isinstance(errors, dict):
        return "; ".join(
            f"{k} {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in errors.items()
        )
    return str(errors or "not found")


def _refused(result: Any) -> None:
    if result is None or "_refused" in result:
        raise Problem(406, f"The shop refused: {refusal(result)}", code="refused")
