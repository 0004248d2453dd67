"""Fake Shopify Admin REST (any ``YYYY-MM`` version) over the store.

Behaves as Shopify does where adapters trip: ``status`` defaults to ``open``, unknown filters are
ignored, cursor pagination with ``page_info`` and a ``Link`` header built from the request's host,
a leaky-bucket rate limit with 429 and ``Retry-After``, and Shopify's error bodies.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from mockserver.oms.graphql.api import BUCKET, graphql_handler
from mockserver.oms.graphql.cost import CostBucket
from mockserver.oms.params import BadParam, int_list, one_int, timestamp
from mockserver.oms.platforms import cancel, cancellable, now_like, same_secret
from mockserver.oms.queries import (
    FINANCIAL_STATUSES,
    FULFILLMENT_FILTERS,
    ORDER_STATUSES,
    OrderQuery,
)
from mockserver.oms.ratelimit import LeakyBucket
from mockserver.oms.shopify_customers import CUSTOMER_ROUTES
from mockserver.oms.shopify_http import (
    body,
    decode_cursor,
    encode_cursor,
    errors,
    fields_of,
    id_of,
    link_header,
    project,
    raw_json,
)
from mockserver.oms.store import STORE, Store, etag_of

__all__ = ["PREFIX", "ShopifyConfig", "create_app"]

PREFIX = "/admin/api"
AUTH_ERROR = "[API] Invalid API key or access token (unrecognized login or wrong password)"
THROTTLE_ERROR = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
CANCEL_REASONS = ("customer", "inventory", "fraud", "declined", "other", "staff")
ADDRESS_KEYS = (
    "first_name",
    "last_name",
    "name",
    "address1",
    "address2",
    "city",
    "province",
    "province_code",
    "zip",
    "country",
    "country_code",
    "phone",
    "company",
)


@dataclass
class ShopifyConfig:
    """The access token every request must carry, and the shared rate limiter."""

    token: str
    bucket: LeakyBucket = field(default_factory=LeakyBucket)


CONFIG = web.AppKey("shopify", ShopifyConfig)


@web.middleware
async def shopify_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Auth, rate limit and Shopify-shaped errors for every route of the fake Shopify."""
    config, store = request.app[CONFIG], request.app[STORE]
    headers = {
        "X-Request-Id": str(uuid.uuid4()),
        "X-Shopify-API-Version": request.match_info.get("version", ""),
    }
    token = request.headers.get("X-Shopify-Access-Token", "")
    if not same_secret(token, config.token):
        return errors(401, AUTH_ERROR, headers)
    if store.settings.get("rateLimit", True) and not request.path.endswith("/graphql.json"):
        allowed, level, wait = config.bucket.take(token)  # GraphQL pays in points instead
        headers["X-Shopify-Shop-Api-Call-Limit"] = f"{level}/{config.bucket.size}"
        if not allowed:
            return errors(429, THROTTLE_ERROR, headers | {"Retry-After": f"{max(wait, 0.5):.1f}"})
    try:
        response = await handler(request)
    except BadParam as exc:
        response = errors(400, {exc.name: str(exc)})
    except web.HTTPRequestEntityTooLarge:
        response = errors(413, "Request body is larger than 1 MiB")
    except web.HTTPMethodNotAllowed:
        response = errors(405, "Method Not Allowed")
    except web.HTTPNotFound:
        response = errors(404, "Not Found")
    response.headers.update(headers)
    return response


# -- orders ---------------------------------------------------------------------------------------


def _order_query(request: web.Request, customer_id: int | None = None) -> OrderQuery:
    q = request.query
    status = q.get("status", "open")
    if status not in ORDER_STATUSES:
        raise BadParam("status", f"must be one of {', '.join(ORDER_STATUSES)}")
    financial, fulfillment = q.get("financial_status"), q.get("fulfillment_status")
    if financial is not None and financial not in FINANCIAL_STATUSES:
        raise BadParam("financial_status", f"must be one of {', '.join(FINANCIAL_STATUSES)}")
    if fulfillment is not None and fulfillment not in FULFILLMENT_FILTERS:
        raise BadParam("fulfillment_status", f"must be one of {', '.join(FULFILLMENT_FILTERS)}")
    names = None
    if q.get("name"):
        names = tuple(
            n if n.startswith("#") else f"#{n}"
            for n in (p.strip() for p in q["name"].split(","))
            if n
        )
    return OrderQuery(
        ids=int_list(q, "ids"),
        names=names,
        customer_id=customer_id if customer_id is not None else one_int(q, "customer_id"),
        status=status,
        financial_status=financial,
        fulfillment_status=fulfillment,
        created_min=timestamp(q, "created_at_min"),
        created_max=timestamp(q, "created_at_max"),
        updated_min=timestamp(q, "updated_at_min"),
        updated_max=timestamp(q, "updated_at_max"),
        since_id=one_int(q, "since_id"),
    )


def _order_cursor(token: str, path: str) -> dict[str, Any]:
    state = decode_cursor(token, path)
    try:
        OrderQuery(**state["query"])
        _ = (int(state["key"][0]), int(state["key"][1]), state["dir"] in ("next", "prev"))
    except (ValueError, KeyError, TypeError, IndexError):
        raise BadParam("page_info", "is not a cursor this endpoint handed out") from None
    return state


async def _list_orders(request: web.Request, customer_id: int | None = None) -> web.Response:
    store, q, path = request.app[STORE], request.query, request.path
    limit = one_int(q, "limit", low=1, high=250) or 50
    fields = fields_of(request)
    page_info = q.get("page_info")
    if page_info is not None:
        extra = sorted(set(q) - {"page_info", "limit", "fields"})
        if extra:
            raise BadParam(extra[0], f"{extra[0]} cannot be passed when page_info is present")
        state = _order_cursor(page_info, path)
        query, key, direction = OrderQuery(**state["query"]), tuple(state["key"]), state["dir"]
    else:
        query, key, direction = _order_query(request, customer_id), None, "next"
    by_id = query.since_id is not None
    kwargs: dict[str, Any] = {"order": "id_asc"} if by_id else {}
    if key is not None:
        kwargs["after" if direction == "next" else "before"] = key
    rows = store.list_orders(query, limit=limit + 1, **kwargs)
    more = len(rows) > limit
    rows = rows[1:] if direction == "prev" and more else rows[:limit]
    headers: dict[str, str] = {}
    if not by_id and rows:
        links = []
        base = {"path": path, "query": _asdict(query)}
        if (direction == "next" and more) or direction == "prev":
            links.append(("next", encode_cursor(base | {"key": list(rows[-1][:2]), "dir": "next"})))
        if key is not None and (direction == "next" or more):
            links.append(
                ("previous", encode_cursor(base | {"key": list(rows[0][:2]), "dir": "prev"}))
            )
        headers = link_header(request, limit, links)
    return raw_json(body("orders", [r[2] for r in rows], fields), headers)


def _asdict(query: OrderQuery) -> dict[str, Any]:
    return {name: getattr(query, name) for name in OrderQuery.__slots__}


async def list_orders(request: web.Request) -> web.Response:
    return await _list_orders(request)


async def customer_orders(request: web.Request) -> web.Response:
    customer_id = id_of(request)
    if request.app[STORE].customer_json(customer_id) is None:
        return errors(404, "Not Found")
    return await _list_orders(request, customer_id)


async def customer_orders_count(request: web.Request) -> web.Response:
    """The customer's orders counted with the same filters (``status`` open by default)."""
    customer_id = id_of(request)
    if request.app[STORE].customer_json(customer_id) is None:
        return errors(404, "Not Found")
    count = request.app[STORE].count_orders(_order_query(request, customer_id))
    return web.json_response({"count": count})


async def count_orders(request: web.Request) -> web.Response:
    return web.json_response({"count": request.app[STORE].count_orders(_order_query(request))})


def _order_or_404(request: web.Request) -> dict[str, Any]:
    order = request.app[STORE].order(id_of(request))
    if order is None:
        raise web.HTTPNotFound()
    return order


async def get_order(request: web.Request) -> web.Response:
    doc = request.app[STORE].order_json(id_of(request))
    if doc is None:
        return errors(404, "Not Found")
    fields = fields_of(request)
    return raw_json(
        f'{{"order":{doc}}}'
        if fields is None
        else json.dumps({"order": project(json.loads(doc), fields)}),
        {"ETag": etag_of(doc)},  # the kit's extension: PUT honours If-Match with it
    )


async def _jsonbody(request: web.Request) -> Any:
    raw = await request.read()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise BadParam("body", "is not valid JSON") from None


async def cancel_order(request: web.Request) -> web.Response:
    order = _order_or_404(request)
    body = await _jsonbody(request)
    if body is not None and not isinstance(body, dict):
        return errors(400, {"body": "must be a JSON object"})
    reason = (body or {}).get("reason", "other")
    if reason not in CANCEL_REASONS:
        return errors(422, {"reason": [f"must be one of {', '.join(CANCEL_REASONS)}"]})
    if order.get("cancelled_at"):
        return errors(422, {"order": ["has already been cancelled"]})
    if not cancellable(order):
        return errors(422, {"order": ["cannot be cancelled because it has fulfillments"]})
    cancel(order, reason)
    request.app[STORE].save_order(order)
    return web.json_response({"order": order})


def _changes(body: Any) -> dict[str, Any]:
    """The writable fields of ``PUT orders/{id}.json``, checked; raises with Shopify's 4xx body."""
    if not isinstance(body, dict) or not isinstance(body.get("order"), dict):
        raise _Refusal(400, {"order": "Required parameter missing or invalid"})
    given, changes, problems = body["order"], {}, {}
    for key in ("note", "tags", "email"):
        if key in given:
            if given[key] is not None and not isinstance(given[key], str):
                problems[key] = ["must be a string"]
            elif key == "note" and given[key] and len(given[key]) > 5000:
                problems[key] = ["is too long (maximum is 5000 characters)"]
            else:
                changes[key] = given[key]
    if "shipping_address" in given:
        address = given["shipping_address"]
        if not isinstance(address, dict) or any(
            not isinstance(address[k], str | None) for k in address if k in ADDRESS_KEYS
        ):
            problems["shipping_address"] = ["must be an object of strings"]
        else:
            changes["shipping_address"] = {k: address[k] for k in ADDRESS_KEYS if k in address}
    if problems:
        raise _Refusal(422, problems)
    return changes


class _Refusal(Exception):
    def __init__(self, status: int, detail: Any) -> None:
        self.status, self.detail = status, detail


async def update_order(request: web.Request) -> web.Response:
    """``PUT orders/{id}.json``: the change is read, applied and written in one transaction, and
    with ``If-Match`` (the ETag of a GET; the kit's extension, real Shopify has none) only while
    the order is unchanged since, else 412: concurrent writers never lose each other's update."""
    try:
        changes = _changes(await _jsonbody(request))
    except _Refusal as refusal:
        return errors(refusal.status, refusal.detail)
    wanted = [t.strip() for t in request.headers.get("If-Match", "").split(",") if t.strip()]

    def change(order: dict[str, Any]) -> None:
        update = dict(changes)
        if "shipping_address" in update:
            update["shipping_address"] = {
                **(order.get("shipping_address") or {}),
                **update["shipping_address"],
            }
        order.update(update, updated_at=now_like(order))

    order, changed = request.app[STORE].change_order(id_of(request), change, if_match=wanted)
    if order is None:
        return errors(404, "Not Found")
    if not changed:
        return errors(412, "the order changed since it was read (If-Match)")
    return web.json_response({"order": order})


async def list_fulfillments(request: web.Request) -> web.Response:
    return web.json_response({"fulfillments": _order_or_404(request).get("fulfillments", [])})


async def get_fulfillment(request: web.Request) -> web.Response:
    wanted = id_of(request, "fid")
    for fulfillment in _order_or_404(request).get("fulfillments", []):
        if fulfillment["id"] == wanted:
            return web.json_response({"fulfillment": fulfillment})
    return errors(404, "Not Found")


async def get_product(request: web.Request) -> web.Response:
    product = request.app[STORE].product(id_of(request))
    if product is None:
        return errors(404, "Not Found")
    return web.json_response({"product": project(product, fields_of(request))})


def create_app(store: Store, *, token: str) -> web.Application:
    """The fake Shopify, to mount under ``/admin/api``.

    Example:
        >>> root.add_subapp(PREFIX, create_app(store, token="shpat_dev"))
    """
    app = web.Application(middlewares=[shopify_middleware])
    app[STORE] = store
    app[CONFIG] = ShopifyConfig(token)
    v = "/{version:(\\d{4}-\\d{2}|unstable)}"
    n = "{id:\\d{1,20}}"
    for path, handler in CUSTOMER_ROUTES:
        app.router.add_get(v + path, handler)
    app.router.add_get(f"{v}/customers/{n}/orders.json", customer_orders)
    app.router.add_get(f"{v}/customers/{n}/orders/count.json", customer_orders_count)
    app.router.add_get(f"{v}/orders.json", list_orders)
    app.router.add_get(f"{v}/orders/count.json", count_orders)
    app.router.add_get(f"{v}/orders/{n}.json", get_order)
    app.router.add_put(f"{v}/orders/{n}.json", update_order)
    app.router.add_post(f"{v}/orders/{n}/cancel.json", cancel_order)
    app.router.add_get(f"{v}/orders/{n}/fulfillments.json", list_fulfillments)
    app.router.add_get(f"{v}/orders/{n}/fulfillments/{{fid:\\d{{1,20}}}}.json", get_fulfillment)
    app.router.add_get(f"{v}/products/{n}.json", get_product)
    app[BUCKET] = CostBucket()
    app.router.add_post(f"{v}/graphql.json", graphql_handler)
    return app
