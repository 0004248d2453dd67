"""Shopify's search syntax, as the fake reads it: customers (REST ``customers/search.json`` and
GraphQL ``customers(query:)``) and GraphQL ``orders(query:)``.

Terms are ``field:value`` (the value may be quoted), separated by spaces, all of which must hold;
a bare word matches any customer field. Order terms may compare times (``created_at:>=2024-05-01``).
A field the fake does not know is ignored and reported, as Shopify reports it in
``extensions.search``.
"""

from __future__ import annotations

import re

from mockserver.oms.queries import (
    FINANCIAL_STATUSES,
    FULFILLMENT_FILTERS,
    ORDER_STATUSES,
    OrderQuery,
    to_timestamp,
)

__all__ = ["SEARCH_FIELDS", "order_search", "parse_search"]

_TOKEN = re.compile(r'(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)')
_ORDER_TOKEN = re.compile(r"""(\w+):(?:"([^"]*)"|'([^']*)'|(\S+))""")
SEARCH_FIELDS = ("email", "phone", "first_name", "last_name")
_COMPARE = re.compile(r"^(>=|<=|>|<)?(.+)$")


def parse_search(text: str) -> list[tuple[str, str]]:
    """Customer terms: ``field:value`` (quotes allowed), space = AND, bare words match any field."""
    terms = []
    for match in _TOKEN.finditer(text):
        name = match.group(1) or match.group(3)
        value = match.group(2) if match.group(1) else match.group(4)
        if name is None:
            name, value = "any", match.group(5) if match.group(5) is not None else match.group(6)
        elif name not in SEARCH_FIELDS:
            name, value = "any", value
        if value:
            terms.append((name, value))
    return terms


def _times(field: str, value: str, filters: dict[str, object]) -> str:
    """A time comparison into ``filters``; "" when it was read, else why not."""
    op, text = _COMPARE.match(value).groups()  # type: ignore[union-attr]
    try:
        moment = to_timestamp(text.strip("'\""))
    except ValueError:
        return f"Invalid date or time for {field}: {text!r}"
    prefix = "created" if field == "created_at" else "updated"
    if op in (">", ">="):
        filters[f"{prefix}_min"] = moment + (1 if op == ">" else 0)
    elif op in ("<", "<="):
        filters[f"{prefix}_max"] = moment - (1 if op == "<" else 0)
    else:
        filters[f"{prefix}_min"] = filters[f"{prefix}_max"] = moment
    return ""


def order_search(text: str, **fixed: object) -> tuple[OrderQuery, list[dict[str, str]]]:
    """GraphQL ``orders(query:)`` as a store query (every status unless ``status:`` says), and
    the warnings for terms it could not use."""
    filters: dict[str, object] = {"status": "any", **fixed}
    warnings: list[dict[str, str]] = []
    for match in _ORDER_TOKEN.finditer(text or ""):
        field = match.group(1)
        value = next(g for g in match.groups()[1:] if g is not None)
        problem = ""
        if field in ("customer_id", "id"):
            if value.isascii() and value.isdigit() and len(value) <= 19:
                key = "customer_id" if field == "customer_id" else "ids"
                filters[key] = int(value) if field == "customer_id" else (int(value),)
            else:
                problem = f"{field} must be a number"
        elif field == "email":
            filters["email"] = value
        elif field == "name":
            filters["names"] = (value if value.startswith("#") else f"#{value}",)
        elif field == "status":
            problem = (
                ""
                if value in ORDER_STATUSES
                else f"status must be one of {', '.join(ORDER_STATUSES)}"
            )
            filters["status"] = value if not problem else filters["status"]
        elif field in ("financial_status", "fulfillment_status"):
            allowed: tuple[str, ...] = (
                FINANCIAL_STATUSES if field == "financial_status" else FULFILLMENT_FILTERS
            )
            if value in allowed:
                filters[field] = value
            else:
                problem = f"{field} must be one of {', '.join(allowed)}"
        elif field in ("created_at", "updated_at"):
            problem = _times(field, value, filters)
        else:
            problem = "Invalid search field for this query."
        if problem:
            warnings.append({"field": field, "message": problem})
    return OrderQuery(**filters), warnings  # type: ignore[arg-type]
