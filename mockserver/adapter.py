"""A reference Gladly Lookup Adapter in front of a Shopify-compatible Admin REST API.

Read this module top to bottom to see what a correct adapter does:

1. Authenticate every request: Basic credentials if configured, then the Gladly signature over
   the raw body bytes, with a 5-minute freshness window (``contracts.signing.verify``).
2. Tell the lookup kind from the body: DETAILED, or BASIC from auto-link (the profile's
   ``emails``/``phones`` arrays) or from an agent's search (the configured search attributes).
3. Ask the OMS, within Gladly's time budget, retrying 429s as ``Retry-After`` says.
4. Map Shopify records onto Gladly's shapes (``mockserver.mapping``) and answer
   ``{"results": [...]}``: one profile for DETAILED, only matching customers for BASIC.
5. Serve two Actions on orders, "Cancel order" and "Add a note", which write to the OMS; Gladly
   then runs a detailed lookup and shows the change.

Bad input gets a 4xx JSON body that says what was wrong; OMS trouble gets 502/504; nothing ever
answers with a stack trace.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from base64 import b64decode
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from contracts.errors import SignatureError
from contracts.signing import verify
from mockserver.mapping import gladly_profile

__all__ = ["ADAPTER", "AdapterConfig", "OmsError", "Shopify", "create_app"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CANCEL_REASONS = {
    "customer": "Customer changed their mind",
    "inventory": "Items unavailable",
    "fraud": "Suspected fraud",
    "declined": "Payment declined",
    "other": "Other",
}


@dataclass(frozen=True)
class AdapterConfig:
    """How the adapter reaches its OMS and authenticates Gladly.

    Attributes:
        shopify_url: the Admin API base, e.g. ``https://shop.myshopify.com/admin/api/2025-01``.
        shopify_token: sent as ``X-Shopify-Access-Token``.
        shop: the shop handle, for admin links.
        signing_key: the app's signing key; None accepts unsigned requests.
        basic_auth: (user, password) when the app is configured with Basic credentials.
        search_attributes: the Search Query Attributes configured in Gladly.
        max_age: seconds a Gladly-Time may be away from now.
        budget: seconds one request may take in all (Gladly recommends under 5).
        max_orders: most recent orders sent with a detailed lookup.
        cache_ttl: seconds a detailed answer is reused (0 turns the cache off). Gladly looks a
            customer up on every profile open and contact; the adapter's own actions clear it.
    """

    shopify_url: str
    shopify_token: str
    shop: str = "lookupkit-demo"
    signing_key: str | None = None
    basic_auth: tuple[str, str] | None = None
    search_attributes: tuple[str, ...] = ("email", "phone", "name", "externalCustomerId")
    max_age: float = 300.0
    budget: float = 4.5
    max_orders: int = 25
    cache_ttl: float = 5.0


def problem(status: int, detail: str, *, code: str, attr: str | None = None) -> web.Response:
    """A 4xx/5xx answer in the shape Gladly shows for action errors: ``{"errors": [...]}``."""
    item = {"code": code, "detail": detail} | ({"attr": attr} if attr else {})
    return web.json_response({"errors": [item]}, status=status)


class BadRequest(Exception):
    def __init__(self, detail: str, attr: str | None = None) -> None:
        super().__init__(detail)
        self.attr = attr


class OmsError(Exception):
    """The OMS did not answer usefully (status, timeout or garbage)."""

    def __init__(self, detail: str, status: int = 502) -> None:
        super().__init__(detail)
        self.status = status


# -- the OMS client -----------------------------------------------------------------------------


@dataclass
class Shopify:
    """A small Admin REST client: JSON in and out, a deadline per request, 429s retried."""

    base: str
    token: str
    session: aiohttp.ClientSession | None = None  # opened when the app starts
    images: dict[int, str] = field(default_factory=dict)

    async def call(
        self,
        method: str,
        path: str,
        deadline: float,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> Any:
        """One API call; a 404 is None. Raises OmsError on anything else that is not 2xx."""
        if self.session is None:
            raise RuntimeError(
                "the adapter's HTTP client is not started: run the app through an AppRunner"
            )
        for _attempt in range(4):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OmsError("the order system did not answer in time", 504)
            try:
                async with self.session.request(
                    method,
                    self.base + path,
                    params=params,
                    json=body,
                    headers={"X-Shopify-Access-Token": self.token, "Accept": "application/json"},
                    timeout=aiohttp.ClientTimeout(total=remaining),
                ) as response:
                    if response.status == 429:
                        wait = float(response.headers.get("Retry-After", "1") or 1)
                        if time.monotonic() + wait >= deadline:
                            raise OmsError("the order system is rate limiting us", 503)
                        await asyncio.sleep(wait)
                        continue
                    if response.status == 404:
                        return None
                    if response.status == 422:
                        return {"_refused": (await response.json(content_type=None)).get("errors")}
                    if response.status >= 300:
                        raise OmsError(f"the order system answered HTTP {response.status}")
                    return await response.json(content_type=None)
            except TimeoutError:
                raise OmsError("the order system did not answer in time", 504) from None
            except (aiohttp.ClientError, ValueError) as exc:
                raise OmsError(
                    f"the order system's answer was unusable ({type(exc).__name__})"
                ) from None
        raise OmsError("the order system kept rate limiting us", 503)

    async def search(self, query: str, deadline: float) -> list[dict[str, Any]]:
        found = await self.call(
            "GET", "/customers/search.json", deadline, params={"query": query, "limit": "10"}
        )
        return list((found or {}).get("customers", []))

    async def customer(self, customer_id: str, deadline: float) -> dict[str, Any] | None:
        if not _is_id(customer_id):
            return None
        found = await self.call("GET", f"/customers/{customer_id}.json", deadline)
        return found["customer"] if found else None

    async def orders(self, customer_id: int, limit: int, deadline: float) -> list[dict[str, Any]]:
        # status=any: Shopify hides cancelled and archived orders by default.
        found = await self.call(
            "GET",
            f"/customers/{customer_id}/orders.json",
            deadline,
            params={"status": "any", "limit": str(limit)},
        )
        return list((found or {}).get("orders", []))

    async def order(self, order_id: str, deadline: float) -> dict[str, Any] | None:
        if not _is_id(order_id):
            return None
        found = await self.call("GET", f"/orders/{order_id}.json", deadline)
        return found["order"] if found else None

    async def image_urls(self, product_ids: set[int], deadline: float) -> dict[int, str]:
        """Product images, fetched once per product and remembered (they rarely change)."""
        missing = [pid for pid in product_ids if pid not in self.images]

        async def fetch(pid: int) -> None:
            found = await self.call(
                "GET", f"/products/{pid}.json", deadline, params={"fields": "id,image"}
            )
            image = ((found or {}).get("product") or {}).get("image") or {}
            if image.get("src"):
                self.images[pid] = image["src"]

        await asyncio.gather(*(fetch(pid) for pid in missing))
        return {pid: self.images[pid] for pid in product_ids if pid in self.images}


# -- the adapter ----------------------------------------------------------------------------------


@dataclass
class Adapter:
    config: AdapterConfig
    shopify: Shopify
    cache: OrderedDict[str, tuple[float, dict[str, Any]]] = field(default_factory=OrderedDict)

    def deadline(self) -> float:
        return time.monotonic() + self.config.budget

    def remember(self, customer_id: str, profile: dict[str, Any]) -> None:
        if self.config.cache_ttl > 0:
            self.cache[customer_id] = (time.monotonic() + self.config.cache_ttl, profile)
            self.cache.move_to_end(customer_id)
            if len(self.cache) > 10_000:
                self.cache.popitem(last=False)

    def recall(self, customer_id: str) -> dict[str, Any] | None:
        expires, profile = self.cache.get(customer_id, (0.0, None))
        return profile if expires > time.monotonic() else None

    def forget(self, order: dict[str, Any]) -> None:
        self.cache.pop(str((order.get("customer") or {}).get("id")), None)

    # lookups

    async def lookup(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        query, deadline = body["query"], self.deadline()
        if body["lookupLevel"] == "DETAILED":
            return await self.detailed(str(query.get("externalCustomerId", "")), deadline)
        if (
            isinstance(query.get("emails"), list)
            or isinstance(query.get("phones"), list)
            or "id" in query
        ):
            return await self.auto_link(query, deadline)
        return await self.basic_search(query, deadline)

    async def detailed(self, customer_id: str, deadline: float) -> list[dict[str, Any]]:
        cached = self.recall(customer_id)
        if cached is not None:
            return [cached]
        customer = await self.shopify.customer(customer_id, deadline)
        if customer is None:
            return []  # unknown id: no result, never someone else
        orders = await self.shopify.orders(customer["id"], self.config.max_orders, deadline)
        product_ids = {
            line["product_id"] for o in orders for line in o["line_items"] if line.get("product_id")
        }
        images = await self.shopify.image_urls(product_ids, deadline)
        profile = gladly_profile(customer, orders, images, self.config.shop)
        by_number = {o["name"]: o for o in orders}
        for txn in profile["transactions"]:
            txn["actions"] = order_actions(by_number[txn["orderNumber"]])
        self.remember(customer_id, profile)
        return [profile]

    async def auto_link(self, query: dict[str, Any], deadline: float) -> list[dict[str, Any]]:
        terms = [f'email:"{e}"' for e in _strings(query.get("emails"))]
        terms += [f"phone:{p}" for p in _strings(query.get("phones"))]
        found: dict[int, dict[str, Any]] = {}
        for results in await asyncio.gather(*(self.shopify.search(t, deadline) for t in terms)):
            found.update((c["id"], c) for c in results)
        return [gladly_profile(c, None, {}, self.config.shop) for c in found.values()]

    async def basic_search(self, query: dict[str, Any], deadline: float) -> list[dict[str, Any]]:
        """Customers matching every configured attribute the agent filled in."""
        matches: dict[int, dict[str, Any]] | None = None
        for attr in self.config.search_attributes:
            for value in _strings(query.get(attr)) + _strings(query.get(attr + "s")):
                found = await self._search_attribute(attr, value.strip(), deadline)
                ids = {c["id"] for c in found}
                matches = (
                    {c["id"]: c for c in found}
                    if matches is None
                    else {i: c for i, c in matches.items() if i in ids}
                )
        return [gladly_profile(c, None, {}, self.config.shop) for c in (matches or {}).values()]

    async def _search_attribute(
        self, attr: str, value: str, deadline: float
    ) -> list[dict[str, Any]]:
        if not value:
            return []
        if attr == "externalCustomerId":
            customer = await self.shopify.customer(value, deadline)
            return [customer] if customer else []
        if attr == "name":
            words = value.replace('"', "").split()
            query = (
                f'first_name:"{words[0]}" last_name:"{words[-1]}"' if len(words) > 1 else words[0]
            )
            return await self.shopify.search(query, deadline)
        field_name = {"email": "email", "phone": "phone"}.get(attr)
        return await self.shopify.search(f'{field_name}:"{value}"', deadline) if field_name else []

    # actions

    async def cancel(self, order_id: str, values: dict[str, Any]) -> web.Response:
        reason = values.get("reason")
        if reason not in CANCEL_REASONS:
            return problem(
                400, "Choose a reason for the cancellation", code="required", attr="reason"
            )
        order = await self.shopify.order(order_id, self.deadline())
        if order is None:
            return problem(406, "This order no longer exists in the shop", code="not-found")
        self.forget(order)
        result = await self.shopify.call(
            "POST",
            f"/orders/{order_id}/cancel.json",
            self.deadline(),
            body={"reason": reason, "email": bool(values.get("notify"))},
        )
        if result is None or "_refused" in result:
            return problem(406, f"The shop refused: {_refusal(result)}", code="refused")
        detail = f"Reason: {CANCEL_REASONS[reason]}." + (
            " The customer was emailed." if values.get("notify") else ""
        )
        return web.json_response({"message": f"Order {order['name']} canceled", "detail": detail})

    async def add_note(self, order_id: str, values: dict[str, Any]) -> web.Response:
        note = values.get("note")
        if not isinstance(note, str) or not note.strip():
            return problem(400, "Write the note to add", code="required", attr="note")
        if len(note) > 1000:
            return problem(400, "Keep the note under 1000 characters", code="too-long", attr="note")
        order = await self.shopify.order(order_id, self.deadline())
        if order is None:
            return problem(406, "This order no longer exists in the shop", code="not-found")
        self.forget(order)
        combined = "\n".join(part for part in (order.get("note"), note.strip()) if part)
        result = await self.shopify.call(
            "PUT",
            f"/orders/{order_id}.json",
            self.deadline(),
            body={"order": {"id": order["id"], "note": combined}},
        )
        if result is None or "_refused" in result:
            return problem(406, f"The shop refused: {_refusal(result)}", code="refused")
        return web.json_response(
            {"message": f"Note added to order {order['name']}", "detail": note.strip()}
        )


def _is_id(text: str) -> bool:
    """Shopify ids are 64-bit integers: anything else cannot exist, so the OMS is not asked."""
    return text.isdigit() and len(text) <= 19 and int(text) < 2**63


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _refusal(result: Any) -> str:
    errors = (result or {}).get("_refused") if isinstance(result, dict) else None
    if isinstance(errors, dict):
        return "; ".join(
            f"{k} {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in errors.items()
        )
    return str(errors or "not found")


ADAPTER = web.AppKey("adapter", Adapter)


def order_actions(order: dict[str, Any]) -> list[dict[str, str]]:
    """The actions an agent may take on an order: cancel while nothing shipped, notes always."""
    actions = [{"name": "Add a note", "formUrl": f"/actions/add-note?order={order['id']}"}]
    if not order.get("cancelled_at") and not order.get("fulfillment_status"):
        actions.insert(
            0, {"name": "Cancel order", "formUrl": f"/actions/cancel-order?order={order['id']}"}
        )
    return actions


def cancel_form(order: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": f"Cancel order {order['name']}",
        "submitButton": "Cancel order",
        "closeButton": "Keep order",
        "actionUrl": f"/actions/cancel-order?order={order['id']}",
        "sections": [
            {
                "type": "text",
                "text": "The shop cancels the order and voids or refunds the payment.",
            },
            {
                "type": "input",
                "label": "Reason",
                "attr": "reason",
                "hint": "required",
                "input": {
                    "type": "select",
                    "placeholder": "Choose a reason",
                    "optional": False,
                    "options": [
                        {"text": text, "value": value} for value, text in CANCEL_REASONS.items()
                    ],
                },
            },
            {
                "type": "input",
                "label": "Notify",
                "attr": "notify",
                "defaultValue": True,
                "input": {"type": "checkbox", "text": "Email the customer"},
            },
        ],
    }


def note_form(order: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": f"Add a note to order {order['name']}",
        "submitButton": "Add note",
        "closeButton": "Close",
        "actionUrl": f"/actions/add-note?order={order['id']}",
        "sections": [
            {
                "type": "input",
                "label": "Note",
                "attr": "note",
                "hint": "Added to the order's notes in the shop",
                "defaultValue": "",
                "input": {"type": "text"},
            }
        ],
    }


# -- HTTP -----------------------------------------------------------------------------------------

RAW_BODY = web.RequestKey("raw_body", bytes)


def _basic_auth_ok(header: str, expected: tuple[str, str]) -> bool:
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = b64decode(header[6:], validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return hmac.compare_digest(user.encode(), expected[0].encode()) & hmac.compare_digest(
        password.encode(), expected[1].encode()
    )


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Basic credentials, then the Gladly signature over the raw body; 401 otherwise."""
    if request.path.startswith("/_mock"):
        return await handler(request)
    config: AdapterConfig = request.app[ADAPTER].config
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return problem(413, "The body is larger than 1 MiB", code="too-large")
    if config.basic_auth and not _basic_auth_ok(
        request.headers.get("Authorization", ""), config.basic_auth
    ):
        response = problem(401, "Missing or wrong Basic credentials", code="unauthorized")
        response.headers["WWW-Authenticate"] = 'Basic realm="lookup-adapter"'
        return response
    if config.signing_key:
        try:
            verify(
                config.signing_key,
                request.method,
                request.raw_path,
                request.headers,
                body,
                max_age=config.max_age,
            )
        except SignatureError as exc:
            return problem(401, str(exc), code=exc.reason, attr="Gladly-Authorization")
    return await dispatch(request, handler, body)


async def dispatch(request: web.Request, handler: Handler, body: bytes) -> web.StreamResponse:
    """Run an authenticated request's handler, turning bad input and OMS trouble into JSON answers."""
    request[RAW_BODY] = body
    try:
        return await handler(request)
    except BadRequest as exc:
        return problem(400, str(exc), code="invalid", attr=exc.attr)
    except OmsError as exc:
        return problem(exc.status, str(exc), code="oms-unavailable")


def parse_lookup(raw: bytes) -> dict[str, Any]:
    """The lookup body, checked; raises BadRequest naming the field."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadRequest("The body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object")
    level = body.get("lookupLevel")
    if not isinstance(level, str) or level.upper() not in ("BASIC", "DETAILED"):
        raise BadRequest(
            f"lookupLevel must be BASIC or DETAILED (got {str(level)[:40]!r})", "lookupLevel"
        )
    if not isinstance(body.get("query"), dict):
        raise BadRequest("query must be an object", "query")
    if not isinstance(body.get("uniqueMatchRequired"), bool):
        raise BadRequest("uniqueMatchRequired must be true or false", "uniqueMatchRequired")
    if level.upper() == "DETAILED" and not isinstance(body["query"].get("externalCustomerId"), str):
        raise BadRequest(
            "a DETAILED lookup needs query.externalCustomerId as a string",
            "query.externalCustomerId",
        )
    return body | {"lookupLevel": level.upper()}


async def lookup(request: web.Request) -> web.Response:
    body = parse_lookup(request[RAW_BODY])
    results = await request.app[ADAPTER].lookup(body)
    return web.json_response({"results": results})


def _form_values(raw: bytes) -> dict[str, Any]:
    try:
        values = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        raise BadRequest("The form values are not valid JSON") from None
    if not isinstance(values, dict):
        raise BadRequest("The form values must be a JSON object")
    return values


def _order_id(request: web.Request) -> str:
    order_id = request.query.get("order", "")
    if not _is_id(order_id):
        raise BadRequest("order must be an order id", "order")
    return order_id


async def action_form(request: web.Request) -> web.Response:
    adapter: Adapter = request.app[ADAPTER]
    order = await adapter.shopify.order(_order_id(request), adapter.deadline())
    if order is None:
        return problem(404, "No such order", code="not-found")
    make = cancel_form if request.match_info["action"] == "cancel-order" else note_form
    return web.json_response(make(order))


async def action_submit(request: web.Request) -> web.Response:
    adapter: Adapter = request.app[ADAPTER]
    values = _form_values(request[RAW_BODY])
    if request.match_info["action"] == "cancel-order":
        return await adapter.cancel(_order_id(request), values)
    return await adapter.add_note(_order_id(request), values)


async def _client(app: web.Application) -> AsyncIterator[None]:
    """One connection pool for the adapter's lifetime."""
    shopify = app[ADAPTER].shopify
    shopify.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100))
    yield
    await shopify.session.close()


def create_app(config: AdapterConfig, *, app: web.Application | None = None) -> web.Application:
    """The adapter as an aiohttp application (pass ``app`` to add its routes to an existing one).

    Example:
        >>> create_app(AdapterConfig("http://127.0.0.1:8700/admin/api/2025-01", "token", signing_key="k"))
    """
    app = app if app is not None else web.Application(client_max_size=1024**2)
    app.middlewares.append(authenticate)
    app[ADAPTER] = Adapter(config, Shopify(config.shopify_url.rstrip("/"), config.shopify_token))
    app.cleanup_ctx.append(_client)
    app.router.add_post("/", lookup)
    app.router.add_get("/actions/{action:cancel-order|add-note}", action_form)
    app.router.add_post("/actions/{action:cancel-order|add-note}", action_submit)
    return app
