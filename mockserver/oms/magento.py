"""Fake Magento 2 REST (``/rest[/{store}]/V1``) over the store.

``searchCriteria`` in both spellings (``filter_groups``/``filterGroups``, ``condition_type``/
``conditionType``): filters in a group are OR'ed, groups AND'ed. Money as numbers, times as
zone-less UTC ``YYYY-MM-DD HH:MM:SS``, parent and child rows for configurable products, and
Magento's ``{"message", "parameters"}`` errors.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from mockserver.oms.magento_fields import SIZES, SOURCES, STATE_OF
from mockserver.oms.magento_oauth import OAuthCheck, is_oauth
from mockserver.oms.magento_search import CriteriaError, parse_search_criteria, store_search
from mockserver.oms.platforms import (
    CARRIER_CODES,
    amount,
    lifecycle,
    money_of,
    parse_time,
    same_secret,
    shipped_quantities,
)
from mockserver.oms.queries import Filter
from mockserver.oms.store import STORE, Store

__all__ = ["PREFIX", "create_app"]

PREFIX = "/rest"
NOT_FOUND = "The entity that was requested doesn't exist. Verify the entity and try again."


def error(status: int, message: str, parameters: Any = None) -> web.Response:
    body: dict[str, Any] = {"message": message}
    if parameters is not None:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


def _time(text: str | None) -> str | None:
    return parse_time(text).strftime("%Y-%m-%d %H:%M:%S") if text else None


def _address(a: dict[str, Any] | None, kind: str, email: str, parent: int) -> dict[str, Any]:
    a = a or {}
    name = (a.get("name") or "").split(" ", 1)
    return {
        "address_type": kind,
        "entity_id": parent * 10 + (1 if kind == "billing" else 2),
        "parent_id": parent,
        "firstname": a.get("first_name") or name[0],
        "lastname": a.get("last_name") or (name[1] if len(name) > 1 else ""),
        "street": [s for s in (a.get("address1"), a.get("address2")) if s],
        "city": a.get("city"),
        "region": a.get("province"),
        "region_code": a.get("province_code"),
        "postcode": a.get("zip"),
        "country_id": a.get("country_code"),
        "telephone": a.get("phone"),
        "email": email,
    }


def _items(
    order: dict[str, Any], entity: int, shipped: dict[int, int], cancelled: bool
) -> list[dict[str, Any]]:
    """The order's item rows; a configurable product has a parent row and a child row."""
    items: list[dict[str, Any]] = []
    for li in order["line_items"]:
        price, qty = float(amount(li["price"])), li["quantity"]
        row = {
            "item_id": li["id"],
            "order_id": entity,
            "parent_item_id": None,
            "product_id": li["product_id"],
            "product_type": "simple",
            "sku": li["sku"],
            "name": li["title"],
            "qty_ordered": qty,
            "qty_shipped": shipped.get(li["id"], 0),
            "qty_canceled": qty if cancelled else 0,
            "qty_refunded": 0,
            "qty_invoiced": qty,
            "price": price,
            "price_incl_tax": price,
            "row_total": round(price * qty, 4),
            "original_price": price,
            "is_virtual": 0,
        }
        if li.get("variant_title") in SIZES:  # a configurable product: Magento adds a child row
            child = dict(
                row,
                item_id=li["id"] * 10 + 1,
                parent_item_id=li["id"],
                price=0.0,
                price_incl_tax=0.0,
                row_total=0.0,
                original_price=0.0,
                name=f"{li['title']} - {li['variant_title']}",
            )
            items += [dict(row, product_type="configurable"), child]
        else:
            items.append(row)
    return items


def _totals(order: dict[str, Any]) -> dict[str, float]:
    """Magento's subtotal (before tax), tax, discount (negative) and refunds from Shopify's."""
    m = money_of(order)
    return {
        "subtotal": float(m.subtotal),
        "base_subtotal": float(m.subtotal),
        "tax_amount": float(m.tax),
        "base_tax_amount": float(m.tax),
        "discount_amount": -float(m.discount) or 0.0,
        "total_refunded": float(m.refunded),
    }


def render_order(order: dict[str, Any]) -> dict[str, Any]:
    """A Shopify-shaped order as a Magento sales order."""
    entity = order["order_number"]
    shipped = shipped_quantities(order)
    state, status = STATE_OF[lifecycle(order)]
    cancelled = bool(order.get("cancelled_at"))
    items = _items(order, entity, shipped, cancelled)
    total = float(amount(order["total_price"]))
    customer = order.get("customer") or {}
    return {
        "entity_id": entity,
        "increment_id": f"{entity:09d}",
        "state": state,
        "status": status,
        "created_at": _time(order["created_at"]),
        "updated_at": _time(order["updated_at"]),
        "grand_total": total,
        "base_grand_total": total,
        **_totals(order),
        "shipping_amount": 0,
        "total_paid": 0
        if order["financial_status"] in ("pending", "authorized", "voided")
        else total,
        "order_currency_code": order["currency"],
        "base_currency_code": order["currency"],
        "customer_email": order.get("email"),
        "customer_id": customer.get("id"),
        "customer_is_guest": 0,
        "customer_firstname": customer.get("first_name"),
        "customer_lastname": customer.get("last_name"),
        "store_id": 1,
        "total_item_count": len(items),
        "total_qty_ordered": sum(li["quantity"] for li in order["line_items"]),
        "shipping_description": next((s["title"] for s in order.get("shipping_lines") or []), ""),
        "billing_address": _address(
            order.get("billing_address"), "billing", order.get("email") or "", entity
        ),
        "payment": {"method": "checkmo", "amount_ordered": total},
        "status_histories": [],
        "items": items,
        "extension_attributes": {
            "shipping_assignments": [
                {
                    "shipping": {
                        "address": _address(
                            order.get("shipping_address"),
                            "shipping",
                            order.get("email") or "",
                            entity,
                        ),
                        "method": "flatrate_flatrate",
                        "total": {"shipping_amount": 0},
                    },
                    "items": items,
                }
            ]
        },
    }


def render_shipment(order: dict[str, Any], index: int) -> dict[str, Any]:
    """The order's ``index``-th fulfilment (from 0) as a Magento shipment."""
    entity, f = order["order_number"], order["fulfillments"][index]
    return {
        "entity_id": f["id"],
        "increment_id": f"{entity:09d}-{index + 1}",
        "order_id": entity,
        "created_at": _time(f["created_at"]),
        "total_qty": sum(li["quantity"] for li in f["line_items"]),
        "items": [
            {
                "order_item_id": li["id"],
                "product_id": li["product_id"],
                "sku": li["sku"],
                "name": li["title"],
                "qty": li["quantity"],
                "price": float(amount(li["price"])),
            }
            for li in f["line_items"]
        ],
        "tracks": [
            {
                "entity_id": f["id"],
                "parent_id": f["id"],
                "order_id": entity,
                "track_number": f["tracking_number"],
                "carrier_code": CARRIER_CODES.get(f["tracking_company"], "custom"),
                "title": f["tracking_company"],
                "created_at": _time(f["created_at"]),
            }
        ],
        "comments": [],
    }


def render_customer(c: dict[str, Any]) -> dict[str, Any]:
    a = c.get("default_address") or {}
    return {
        "id": c["id"],
        "group_id": 1,
        "email": c["email"],
        "firstname": c["first_name"],
        "lastname": c["last_name"],
        "created_at": _time(c["created_at"]),
        "updated_at": _time(c["updated_at"]),
        "store_id": 1,
        "website_id": 1,
        "addresses": [
            {
                "id": c["id"] * 10,
                "customer_id": c["id"],
                "firstname": c["first_name"],
                "lastname": c["last_name"],
                "street": [s for s in (a.get("address1"), a.get("address2")) if s],
                "city": a.get("city"),
                "region": {
                    "region": a.get("province"),
                    "region_code": a.get("province_code"),
                    "region_id": 0,
                },
                "postcode": a.get("zip"),
                "country_id": a.get("country_code"),
                "telephone": a.get("phone"),
                "default_billing": True,
                "default_shipping": True,
            }
        ]
        if a
        else [],
    }


def _searching(table: str, render: Callable[..., dict[str, Any]]) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        if not any(key.startswith("searchCriteria") for key in request.query):
            return error(  # Magento's own answer when a search has no criteria at all
                400,
                '"%fieldName" is required. Enter and try again.',
                {"fieldName": "searchCriteria"},
            )
        criteria = parse_search_criteria(request.query)
        return store_search(request.app[STORE], table, criteria, render)

    return handler


async def get_order(request: web.Request) -> web.Response:
    entity = int(request.match_info["id"])
    order = request.app[STORE].order_by_number(entity) if entity < 2**63 else None
    return web.json_response(render_order(order)) if order else error(404, NOT_FOUND)


async def get_shipment(request: web.Request) -> web.Response:
    """``GET /V1/shipment/{id}``: one shipment by its entity id (an order's fulfilment)."""
    entity = int(request.match_info["id"])
    if entity >= 2**63:
        return error(404, NOT_FOUND)
    rows, _ = request.app[STORE].search(
        SOURCES["shipments"], [[Filter("entity_id", "eq", (str(entity),))]], limit=1
    )
    return web.json_response(render_shipment(*rows[0])) if rows else error(404, NOT_FOUND)


async def admin_token(request: web.Request) -> web.Response:
    try:
        body = json.loads(await request.read())
    except (ValueError, RecursionError):
        return error(400, "Decoding error: the body is not valid JSON.")
    token = request.app[TOKEN]
    if not isinstance(body, dict) or not same_secret(str(body.get("password", "")), token):
        return error(
            401,
            "The account sign-in was incorrect or your account is disabled temporarily. "
            "Please wait and try again later.",
        )
    return web.json_response(token)


TOKEN = web.AppKey("magento_token", str)
OAUTH = web.AppKey("magento_oauth", OAuthCheck)


@web.middleware
async def magento_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.endswith("/integration/admin/token"):
        auth = request.headers.get("Authorization", "")
        if is_oauth(auth):
            refused = request.app[OAUTH].refusal(request)
            if refused:
                return error(401, refused)
            return await _answer(request, handler)
        token = auth[7:] if auth.startswith("Bearer ") else ""
        if not same_secret(token, request.app[TOKEN]):
            return error(
                401,
                "The consumer isn't authorized to access %resources.",
                {"resources": "Magento_Sales::actions_view"},
            )
    return await _answer(request, handler)


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except CriteriaError as exc:
        return error(400, str(exc), exc.parameters)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
        return error(404, "Request does not match any route.")


def create_app(store: Store, *, token: str) -> web.Application:
    """The fake Magento, to mount under ``/rest`` (with or without a store code)."""
    app = web.Application(middlewares=[magento_middleware])
    app[STORE] = store
    app[TOKEN] = token
    app[OAUTH] = OAuthCheck(token)
    routes: list[tuple[str, str, Handler]] = [
        ("GET", "/V1/customers/search", _searching("customers", render_customer)),
        ("GET", "/V1/orders", _searching("orders", render_order)),
        ("GET", "/V1/orders/{id:\\d{1,20}}", get_order),
        ("GET", "/V1/shipments", _searching("shipments", render_shipment)),
        ("GET", "/V1/shipment/{id:\\d{1,20}}", get_shipment),
        ("POST", "/V1/integration/admin/token", admin_token),
    ]
    for prefix in ("", "/{store:[a-z][a-z0-9_]{0,31}}"):
        for method, path, handler in routes:
            app.router.add_route(method, prefix + path, handler)
    return app
