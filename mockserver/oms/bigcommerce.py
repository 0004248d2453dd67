"""Fake BigCommerce (v2 orders, v3 customers and catalog) over the store.

Faithful where clients break: 204 with an empty body for empty v2 lists, RFC-2822 dates, money as
4-decimal strings, v2 errors as JSON arrays and v3 errors as objects, the four rate-limit headers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from mockserver.oms.bigcommerce_customers import V2_CUSTOMER_ROUTES, customers
from mockserver.oms.bigcommerce_orders import STATUS_OF as _STATUS_OF
from mockserver.oms.bigcommerce_orders import STATUSES, render_order
from mockserver.oms.bigcommerce_orders import address as _address
from mockserver.oms.bigcommerce_orders import money as _money
from mockserver.oms.bigcommerce_orders import rfc2822 as _rfc2822
from mockserver.oms.params import BadParam, one_int
from mockserver.oms.platforms import (
    CARRIER_CODES,
    amount,
    parse_time,
    same_secret,
    shipped_quantities,
)
from mockserver.oms.ratelimit import FixedWindow
from mockserver.oms.store import STORE, OrderQuery, Store

__all__ = ["PREFIX", "STATUSES", "create_app"]

PREFIX = "/stores"
ERROR_TYPE = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"
SORTS = ("id", "customer_id", "date_created", "date_modified", "status_id")
_SORT_KEYS = {
    "id": "number",
    "customer_id": "customer_id",
    "date_created": "created",
    "date_modified": "updated",
}


@dataclass
class BigCommerceConfig:
    token: str
    window: FixedWindow = field(default_factory=FixedWindow)


CONFIG = web.AppKey("bigcommerce", BigCommerceConfig)


def v2_error(status: int, message: str, **details: Any) -> web.Response:
    item: dict[str, Any] = {"status": status, "message": message}
    if details:
        item["details"] = details
    return web.json_response([item], status=status)


def v3_error(status: int, title: str, errors: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        {"status": status, "title": title, "type": ERROR_TYPE, "errors": errors or {}},
        status=status,
    )


def _is_v3(request: web.Request) -> bool:
    return "/v3/" in request.path


@web.middleware
async def bigcommerce_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    config, store = request.app[CONFIG], request.app[STORE]
    fail = v3_error if _is_v3(request) else v2_error
    token = request.headers.get("X-Auth-Token", "")
    if not same_secret(token, config.token):
        return fail(
            401, "Unauthorized: the X-Auth-Token header is missing or not valid for this store"
        )
    headers = {}
    if store.settings.get("rateLimit", True):
        allowed, left, reset = config.window.take(token)
        headers = {
            "X-Rate-Limit-Time-Window-Ms": str(int(config.window.window * 1000)),
            "X-Rate-Limit-Time-Reset-Ms": str(int(reset * 1000)),
            "X-Rate-Limit-Requests-Quota": str(config.window.quota),
            "X-Rate-Limit-Requests-Left": str(left),
        }
        if not allowed:
            refusal = fail(429, "Too many requests: the store's quota for this window is used up")
            refusal.headers.update(headers | {"X-Retry-After": str(max(1, int(reset + 0.999)))})
            return refusal
    response: web.StreamResponse
    try:
        response = await handler(request)
    except BadParam as exc:
        response = (
            v3_error(422, f"Invalid {exc.name}", {exc.name: str(exc)})
            if _is_v3(request)
            else v2_error(400, f"The field '{exc.name}' is invalid: {exc}")
        )
    except web.HTTPNotFound:
        response = fail(404, "The requested resource was not found.")
    except web.HTTPMethodNotAllowed:
        response = fail(405, "The requested method is not allowed on this resource.")
    response.headers.update(headers)
    return response


def _base(request: web.Request) -> str:
    return f"{request.url.origin()}{PREFIX}/{request.match_info['hash']}"


def _date_param(query: Any, name: str) -> datetime | None:
    raw = query.get(name)
    if not raw:
        return None
    try:
        moment = parsedate_to_datetime(raw) if "," in raw else parse_time(raw)
    except (TypeError, ValueError):
        raise BadParam(name, "expected an RFC-2822 or ISO-8601 date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _order_query(request: web.Request) -> OrderQuery:
    """The v2 order filters as one store query (status_id by lifecycle, id by order number)."""
    q = request.query
    status_id = one_int(q, "status_id", high=14)
    after, before = _date_param(q, "min_date_created"), _date_param(q, "max_date_created")
    return OrderQuery(
        status="any",
        customer_id=one_int(q, "customer_id"),
        email=q.get("email") or None,
        lifecycles=None
        if status_id is None
        else tuple(name for name, sid in _STATUS_OF.items() if sid == status_id),
        number_min=one_int(q, "min_id"),
        number_max=one_int(q, "max_id"),
        created_min=math.ceil(after.timestamp()) if after else None,
        created_max=math.floor(before.timestamp()) if before else None,
    )


def _page(request: web.Request) -> tuple[int, int]:
    page = one_int(request.query, "page", low=1, high=10**6) or 1
    raw_limit = one_int(request.query, "limit", low=1, high=10**6) or 50
    if raw_limit > 250:
        raise _TooLarge()
    return page, raw_limit


class _TooLarge(Exception):
    pass


def _no_content() -> web.Response:
    return web.Response(status=204)


async def list_orders(request: web.Request) -> web.Response:
    try:
        page, limit = _page(request)
    except _TooLarge:
        return v2_error(413, "The specified limit exceeds the maximum allowed.", max_limit=250)
    query = _order_query(request)
    sort, _, direction = request.query.get("sort", "id:asc").partition(":")
    if sort not in SORTS or direction not in ("", "asc", "desc"):
        raise BadParam("sort", f"use one of {', '.join(SORTS)} with :asc or :desc")
    orders = request.app[STORE].orders_page(
        query,
        sort=_SORT_KEYS.get(sort, "number"),
        ranks=_STATUS_OF if sort == "status_id" else None,
        descending=direction == "desc",
        limit=limit,
        offset=(page - 1) * limit,
    )
    base = _base(request)
    return web.json_response([render_order(o, base) for o in orders]) if orders else _no_content()


async def count_orders(request: web.Request) -> web.Response:
    return web.json_response({"count": request.app[STORE].count_orders(_order_query(request))})


def _order(request: web.Request) -> dict[str, Any]:
    number = int(request.match_info["id"])
    order = request.app[STORE].order_by_number(number) if number < 2**63 else None
    if order is None:
        raise web.HTTPNotFound()
    return order


async def get_order(request: web.Request) -> web.Response:
    return web.json_response(render_order(_order(request), _base(request)))


async def order_products(request: web.Request) -> web.Response:
    order = _order(request)
    shipped = shipped_quantities(order)
    items = [
        {
            "id": li["id"],
            "order_id": order["order_number"],
            "product_id": li["product_id"] or 0,
            "variant_id": li["variant_id"],
            "name": li["title"],
            "name_customer": li["title"],
            "name_merchant": li["title"],
            "sku": li["sku"],
            "type": "physical",
            "quantity": li["quantity"],
            "quantity_shipped": shipped.get(li["id"], 0),
            "quantity_refunded": 0,
            "is_refunded": False,
            "base_price": _money(li["price"]),
            "price_inc_tax": _money(li["price"]),
            "total_inc_tax": _money(amount(li["price"]) * li["quantity"]),
            "product_options": [],
            "applied_discounts": [],
            "order_address_id": 1,
        }
        for li in order["line_items"]
    ]
    return web.json_response(items) if items else _no_content()


async def order_shipments(request: web.Request) -> web.Response:
    order = _order(request)
    customer = order.get("customer") or {}
    shipments = [
        {
            "id": f["id"],
            "order_id": order["order_number"],
            "customer_id": customer.get("id", 0),
            "order_address_id": 1,
            "date_created": _rfc2822(f["created_at"]),
            "tracking_number": f["tracking_number"],
            "shipping_provider": CARRIER_CODES.get(f["tracking_company"], ""),
            "shipping_provider_display_name": f["tracking_company"],
            "tracking_carrier": CARRIER_CODES.get(f["tracking_company"], ""),
            "tracking_link": "",
            "generated_tracking_link": f["tracking_url"],
            "shipping_method": next((s["title"] for s in order.get("shipping_lines") or []), ""),
            "comments": "",
            "merchant_shipping_cost": "0.0000",
            "billing_address": _address(order.get("billing_address")),
            "shipping_address": _address(order.get("shipping_address")),
            "items": [
                {
                    "order_product_id": li["id"],
                    "product_id": li["product_id"],
                    "quantity": li["quantity"],
                }
                for li in f["line_items"]
            ],
        }
        for f in order.get("fulfillments") or []
        if f.get("status") == "success"
    ]
    return web.json_response(shipments) if shipments else _no_content()


async def order_shipping_addresses(request: web.Request) -> web.Response:
    """The order's one shipping address (``order_address_id`` 1 in products and shipments)."""
    order = _order(request)
    if not order.get("shipping_address"):
        return _no_content()
    shipped = shipped_quantities(order)
    method = next((s["title"] for s in order.get("shipping_lines") or []), "")
    address = _address(order["shipping_address"], order.get("email") or "")
    address.pop("form_fields")
    return web.json_response(
        [
            address
            | {
                "id": 1,
                "order_id": order["order_number"],
                "items_total": sum(li["quantity"] for li in order["line_items"]),
                "items_shipped": sum(shipped.values()),
                "shipping_method": method,
                "base_cost": "0.0000",
                "cost_ex_tax": "0.0000",
                "cost_inc_tax": "0.0000",
                "shipping_zone_id": 1,
                "shipping_zone_name": "Everywhere",
                "form_fields": [],
            }
        ]
    )


async def order_statuses(request: web.Request) -> web.Response:
    return web.json_response(
        [
            {
                "id": i,
                "name": n,
                "system_label": n,
                "custom_label": n,
                "system_description": n,
                "order": i,
            }
            for i, n in STATUSES.items()
        ]
    )


def _product(request: web.Request) -> dict[str, Any]:
    product = (
        request.app[STORE].product(int(request.match_info["id"]))
        if len(request.match_info["id"]) < 19
        else None
    )
    if product is None:
        raise web.HTTPNotFound()
    return product


async def product(request: web.Request) -> web.Response:
    p = _product(request)
    variant = (p.get("variants") or [{}])[0]
    return web.json_response(
        {
            "data": {
                "id": p["id"],
                "name": p["title"],
                "sku": variant.get("sku", ""),
                "type": "physical",
                "price": float(variant.get("price", 0)),
                "brand_name": p.get("vendor", ""),
            },
            "meta": {},
        }
    )


async def product_images(request: web.Request) -> web.Response:
    p = _product(request)
    return web.json_response(
        {
            "data": [
                {
                    "id": i["id"],
                    "product_id": p["id"],
                    "is_thumbnail": n == 0,
                    "url_zoom": i["src"],
                    "url_standard": i["src"],
                    "url_thumbnail": i["src"],
                    "url_tiny": i["src"],
                }
                for n, i in enumerate(p.get("images") or [])
            ],
            "meta": {},
        }
    )


def create_app(store: Store, *, token: str) -> web.Application:
    """The fake BigCommerce, to mount under ``/stores`` (any store hash)."""
    app = web.Application(middlewares=[bigcommerce_middleware])
    app[STORE] = store
    app[CONFIG] = BigCommerceConfig(token)
    h, n, j = "/{hash:[a-z0-9]{1,20}}", "{id:\\d{1,20}}", "{json:(\\.json)?}"
    app.router.add_get(f"{h}/v3/customers", customers)
    app.router.add_get(f"{h}/v2/orders{j}", list_orders)
    app.router.add_get(f"{h}/v2/orders/count{j}", count_orders)
    app.router.add_get(f"{h}/v2/orders/{n}{j}", get_order)
    app.router.add_get(f"{h}/v2/orders/{n}/products{j}", order_products)
    app.router.add_get(f"{h}/v2/orders/{n}/shipments{j}", order_shipments)
    app.router.add_get(f"{h}/v2/orders/{n}/shipping_addresses{j}", order_shipping_addresses)
    for path, handler in V2_CUSTOMER_ROUTES:
        app.router.add_get(h + path, handler)
    app.router.add_get(f"{h}/v2/order_statuses{j}", order_statuses)
    app.router.add_get(f"{h}/v3/catalog/products/{n}", product)
    app.router.add_get(f"{h}/v3/catalog/products/{n}/images", product_images)
    return app
