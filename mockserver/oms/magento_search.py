"""Magento's ``searchCriteria``: parsed, answered by the store where the fields map onto its
indexed columns, and otherwise narrowed by the store and filtered here, as Magento would."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from mockserver.oms.queries import TextFilter
from mockserver.oms.store import Store

__all__ = ["CriteriaError", "parse_search_criteria", "store_search"]

CONDITIONS = (
    "eq",
    "neq",
    "like",
    "nlike",
    "in",
    "nin",
    "gt",
    "gteq",
    "lt",
    "lteq",
    "moreq",
    "null",
    "notnull",
    "finset",
    "from",
    "to",
)
_KEY = re.compile(
    r"^searchCriteria\[(filter_groups|filterGroups)\]\[(\d+)\]\[filters\]\[(\d+)\]\[(field|value|condition_type|conditionType)\]$"
)
_SORT = re.compile(r"^searchCriteria\[(sort_orders|sortOrders)\]\[(\d+)\]\[(field|direction)\]$")


class CriteriaError(ValueError):
    def __init__(self, message: str, *parameters: str) -> None:
        self.parameters = list(parameters)
        super().__init__(message)


# Magento's field names for what the store can filter and sort on exactly.
ORDER_FIELDS = {
    "entity_id": "number",
    "increment_id": "number9",
    "customer_email": "email",
    "customer_id": "customer_id",
}
SHIPMENT_ORDER_FIELDS = {"order_id": "number"}
CUSTOMER_FIELDS = {"id": "id", "email": "email", "firstname": "first_name", "lastname": "last_name"}
TEXT_CONDITIONS = ("eq", "neq", "in", "nin", "finset", "like", "nlike", "null", "notnull")


def parse_search_criteria(query: Any) -> dict[str, Any]:
    """``searchCriteria[...]`` query keys -> {"groups": [[(field, value, condition)]], "sort", "size", "page"}."""
    groups: dict[int, dict[int, dict[str, str]]] = {}
    sorts: dict[int, dict[str, str]] = {}
    size = page = None
    for key, value in query.items():
        if m := _KEY.match(key):
            part = {"condition_type": "condition", "conditionType": "condition"}.get(
                m.group(4), m.group(4)
            )
            groups.setdefault(int(m.group(2)), {}).setdefault(int(m.group(3)), {})[part] = value
        elif m := _SORT.match(key):
            sorts.setdefault(int(m.group(2)), {})[m.group(3)] = value
        elif key in ("searchCriteria[pageSize]", "searchCriteria[page_size]"):
            size = _positive(value, key)
        elif key in ("searchCriteria[currentPage]", "searchCriteria[current_page]"):
            page = _positive(value, key)
        elif key.startswith("searchCriteria"):
            raise CriteriaError('"%1" is not a searchCriteria parameter.', key)
    parsed_groups = []
    for _, filters in sorted(groups.items()):
        group = []
        for _, f in sorted(filters.items()):
            condition = f.get("condition", "eq")
            if "field" not in f:
                raise CriteriaError("A filter needs a field.")
            if condition not in CONDITIONS:
                raise CriteriaError('Invalid condition type "%1".', condition)
            group.append((f["field"], f.get("value", ""), condition))
        parsed_groups.append(group)
    sort = [
        (s.get("field", ""), s.get("direction", "ASC").upper()) for _, s in sorted(sorts.items())
    ]
    return {"groups": parsed_groups, "sort": sort, "size": size, "page": page or 1}


def _positive(value: str, key: str) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) < 1 or int(value) > 10**6:
        raise CriteriaError('"%1" must be a positive whole number.', key)
    return int(value)


def _matches(item: dict[str, Any], field: str, value: str, condition: str) -> bool:
    have = item.get(field)
    if condition == "null":
        return have is None
    if condition == "notnull":
        return have is not None
    if have is None:
        return condition in ("neq", "nlike", "nin")
    text = str(have).lower()
    wanted = value.lower()
    if condition in ("like", "nlike"):
        pattern = "^" + re.escape(wanted).replace("%", ".*").replace("_", ".") + "$"
        return bool(re.match(pattern, text)) == (condition == "like")
    if condition in ("in", "nin", "finset"):
        return (text in [v.strip() for v in wanted.split(",")]) == (condition != "nin")
    if condition in ("gt", "gteq", "lt", "lteq", "moreq", "from", "to"):
        left, right = _comparable(have), _comparable(value)
        if condition in ("gt",):
            return left > right
        if condition in ("gteq", "moreq", "from"):
            return left >= right
        return left < right if condition == "lt" else left <= right
    return (text == wanted) == (condition == "eq")


def _comparable(value: Any) -> tuple[int, float, str]:
    """Numbers compare as numbers, everything else as lower-case text."""
    try:
        return (0, float(value), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(value).lower())


def _filtered(items: Iterable[dict[str, Any]], criteria: dict[str, Any]) -> list[dict[str, Any]]:
    """Rendered items that pass every group, sorted as asked (stable: ties keep store order)."""
    found = [
        i for i in items if all(any(_matches(i, *f) for f in group) for group in criteria["groups"])
    ]
    for field, direction in reversed(criteria["sort"]):
        found.sort(
            key=lambda i: (i.get(field) is None, str(i.get(field))), reverse=direction == "DESC"
        )
    return found


def _envelope(chunk: list[dict[str, Any]], total: int, criteria: dict[str, Any]) -> web.Response:
    size, page = criteria["size"], criteria["page"]
    return web.json_response(
        {
            "items": chunk,
            "search_criteria": {
                "filter_groups": [
                    {"filters": [{"field": f, "value": v, "condition_type": c} for f, v, c in g]}
                    for g in criteria["groups"]
                ],
                "sort_orders": [{"field": f, "direction": d} for f, d in criteria["sort"]],
                **({"page_size": size, "current_page": page} if size else {}),
            },
            "total_count": total,
        }
    )


def _pushed(
    groups: list[list[tuple[str, str, str]]], fields: dict[str, str]
) -> tuple[list[list[TextFilter]], list[list[tuple[str, str, str]]]]:
    """Split filter groups into those the store can answer exactly and the rest."""
    pushed, rest = [], []
    for group in groups:
        filters = [
            TextFilter(fields[f], c if c != "finset" else "in", _text_values(v, c))
            for f, v, c in group
            if f in fields and c in TEXT_CONDITIONS
        ]
        (pushed.append(filters) if len(filters) == len(group) else rest.append(group))
    return pushed, rest


def _text_values(value: str, condition: str) -> tuple[str, ...]:
    wanted = value.lower()
    if condition in ("in", "nin", "finset"):
        return tuple(v.strip() for v in wanted.split(","))
    return (wanted,)


def store_search(
    store: Store,
    table: str,
    criteria: dict[str, Any],
    render: Callable[[dict[str, Any]], Iterable[dict[str, Any]]],
) -> web.Response:
    """A search the store answers: in SQL (filters, sort, page) where every part maps onto
    indexed fields, else the store narrows the rows and the rest is filtered here."""
    fields = {
        "orders": ORDER_FIELDS,
        "shipments": SHIPMENT_ORDER_FIELDS,
        "customers": CUSTOMER_FIELDS,
    }[table]
    pushed, rest = _pushed(criteria["groups"], fields)
    sort_fields = [(fields.get(f), d == "DESC") for f, d in criteria["sort"]]
    size, page = criteria["size"], criteria["page"]
    if not rest and all(f is not None for f, _ in sort_fields) and table != "shipments":
        docs, total = store.search_docs(
            table,
            pushed,
            sort=[(f, d) for f, d in sort_fields if f is not None],
            limit=size or -1,
            offset=(page - 1) * size if size else 0,
        )
        return _envelope([item for doc in docs for item in render(doc)], total, criteria)
    docs, _ = store.search_docs("orders" if table == "shipments" else table, pushed)
    found = _filtered((item for doc in docs for item in render(doc)), {**criteria, "groups": rest})
    chunk = found if size is None else found[(page - 1) * size : page * size]
    return _envelope(chunk, len(found), criteria)
