"""Fake BigCommerce v3 customers: ``GET /v3/customers`` with the filters a lookup uses
(``id:in``, ``email:in``, ``phone:in``, ``name:in``, ``name:like``), paged, in the v3 envelope.

Filters are ANDed; the values of one ``:in`` filter are ORed (comma-separated). Emails and names
compare case-insensitively, phones on their digits, ``name:like`` as a substring of
"first last". Every filter is one indexed or bounded SQL condition, never a value spliced in.
"""

from __future__ import annotations

from email.utils import format_datetime
from typing import Any

from aiohttp import web

from contracts.formats import phone_digits
from mockserver.oms.params import BadParam, int_list, one_int
from mockserver.oms.platforms import parse_time
from mockserver.oms.queries import Column, Filter, Source
from mockserver.oms.store import STORE

__all__ = ["CUSTOMERS", "V2_CUSTOMER_ROUTES", "customers"]

CUSTOMERS = Source(
    "customers",
    "doc",
    "id ASC",
    {
        "id": Column("id", numeric=True),
        "email": Column("email_lc"),
        "phone": Column("phone_digits"),
        "name": Column("(first_lc || ' ' || last_lc)", fts="name"),
    },
)
FILTERS = {  # query key -> (column, operator)
    "email:in": ("email", "in"),
    "phone:in": ("phone", "in"),
    "name:in": ("name", "in"),
    "name:like": ("name", "like"),
}


def _v3_customer(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": c["id"],
        "email": c["email"],
        "first_name": c["first_name"],
        "last_name": c["last_name"],
        "company": "",
        "phone": c.get("phone") or "",
        "customer_group_id": 0,
        "notes": c.get("note") or "",
        "date_created": parse_time(c["created_at"]).isoformat().replace("+00:00", "Z"),
        "date_modified": parse_time(c["updated_at"]).isoformat().replace("+00:00", "Z"),
        "channel_ids": [1],
        "origin_channel_id": 1,
    }


def _filters(query: Any) -> list[list[Filter]]:
    groups: list[list[Filter]] = []
    ids = int_list(query, "id:in")
    if ids:
        groups.append([Filter("id", "in", tuple(str(i) for i in ids))])
    for key, (column, op) in FILTERS.items():
        raw = query.get(key)
        if raw is None:
            continue
        values = [v.strip() for v in raw.split(",") if v.strip()] if op == "in" else [raw.strip()]
        if column == "phone":
            values = [phone_digits(v) for v in values]
        if op == "like":  # a substring: the API's own wildcards are not the caller's to use
            values = [v.replace("%", "").replace("_", "").strip() for v in values]
        if not values or not all(values):
            raise BadParam(key, "give at least one value (wildcards are not values)")
        if op == "like":
            values = [f"%{v}%" for v in values]
        groups.append([Filter(column, op, tuple(values))])
    return groups


def _paged(
    request: web.Request, source: Source, groups: list[list[Filter]]
) -> tuple[list[Any], int, int, int]:
    """The page of customers ``page`` and ``limit`` ask for: (rows, total, page, limit)."""
    page = one_int(request.query, "page", low=1, high=10**6) or 1
    limit = one_int(request.query, "limit", low=1, high=250) or 50
    rows, total = request.app[STORE].search(source, groups, limit=limit, offset=(page - 1) * limit)
    return rows, total, page, limit


async def customers(request: web.Request) -> web.Response:
    rows, total, page, limit = _paged(request, CUSTOMERS, _filters(request.query))
    pages = max(1, -(-total // limit))
    links = {"current": f"?page={page}&limit={limit}"}
    if page < pages:
        links["next"] = f"?page={page + 1}&limit={limit}"
    if page > 1:
        links["previous"] = f"?page={page - 1}&limit={limit}"
    return web.json_response(
        {
            "data": [_v3_customer(row[0]) for row in rows],
            "meta": {
                "pagination": {
                    "total": total,
                    "count": len(rows),
                    "per_page": limit,
                    "current_page": page,
                    "total_pages": pages,
                    "links": links,
                }
            },
        }
    )


# -- v2 customers (older SDKs list customers here): bare arrays, 204 when none, RFC-2822 dates ---

V2_FILTERS = {  # query key -> (column, operator)
    "email": ("email", "eq"),
    "phone": ("phone", "eq"),
    "first_name": ("first", "eq"),
    "last_name": ("last", "eq"),
    "min_id": ("id", "gteq"),
    "max_id": ("id", "lteq"),
}
V2_CUSTOMERS = Source(
    "customers",
    "doc",
    "id ASC",
    {**CUSTOMERS.columns, "first": Column("first_lc"), "last": Column("last_lc")},
)


def _v2_customer(c: dict[str, Any], base: str) -> dict[str, Any]:
    return {
        "id": c["id"],
        "company": "",
        "first_name": c["first_name"],
        "last_name": c["last_name"],
        "email": c["email"],
        "phone": c.get("phone") or "",
        "date_created": format_datetime(parse_time(c["created_at"])),
        "date_modified": format_datetime(parse_time(c["updated_at"])),
        "store_credit": "0.0000",
        "registration_ip_address": "",
        "customer_group_id": 0,
        "notes": c.get("note") or "",
        "tax_exempt_category": "",
        "reset_pass_on_login": False,
        "accepts_marketing": False,
        "addresses": {
            "url": f"{base}/v2/customers/{c['id']}/addresses",
            "resource": f"/customers/{c['id']}/addresses",
        },
        "form_fields": None,
    }


def _v2_filters(query: Any) -> list[list[Filter]]:
    groups = []
    for key, (column, op) in V2_FILTERS.items():
        raw = query.get(key)
        if raw is None:
            continue
        value = phone_digits(raw) if column == "phone" else raw.strip()
        if column == "id" and not (value.isascii() and value.isdigit() and len(value) <= 19):
            raise BadParam(key, "must be a whole number")
        if not value:
            raise BadParam(key, "give a value")
        groups.append([Filter(column, op, (value,))])
    return groups


def _base(request: web.Request) -> str:
    return f"{request.url.origin()}{request.path.split('/v2/', 1)[0]}"


async def v2_customers(request: web.Request) -> web.Response:
    rows, *_ = _paged(request, V2_CUSTOMERS, _v2_filters(request.query))
    if not rows:
        return web.Response(status=204)
    return web.json_response([_v2_customer(row[0], _base(request)) for row in rows])


async def v2_customer(request: web.Request) -> web.Response:
    found = request.app[STORE].customer(int(request.match_info["id"]))
    if found is None:
        raise web.HTTPNotFound()
    return web.json_response(_v2_customer(found, _base(request)))


async def v2_count(request: web.Request) -> web.Response:
    _, total = request.app[STORE].search(V2_CUSTOMERS, _v2_filters(request.query), limit=0)
    return web.json_response({"count": total})


V2_CUSTOMER_ROUTES = (  # paths under /stores/{hash}
    ("/v2/customers{json:(\\.json)?}", v2_customers),
    ("/v2/customers/count{json:(\\.json)?}", v2_count),
    ("/v2/customers/{id:\\d{1,18}}{json:(\\.json)?}", v2_customer),
)
