"""Magento's ``searchCriteria``: parsed, checked against the fields Magento can search
(``magento_fields``), and answered by the store in SQL: filters, sort orders and the page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from aiohttp import web

from mockserver.oms.magento_fields import SOURCES
from mockserver.oms.queries import Filter, Source
from mockserver.oms.store import Store

__all__ = ["CONDITIONS", "OPERATORS", "CriteriaError", "parse_search_criteria", "store_search"]

_KEY = re.compile(
    r"^searchCriteria\[(filter_groups|filterGroups)\]\[(\d{1,9})\]\[filters\]\[(\d{1,9})\]\[(field|value|condition_type|conditionType)\]$"
)
_SORT = re.compile(
    r"^searchCriteria\[(sort_orders|sortOrders)\]\[(\d{1,9})\]\[(field|direction)\]$"
)


class CriteriaError(ValueError):
    def __init__(self, message: str, *parameters: str) -> None:
        self.parameters = list(parameters)
        super().__init__(message)


# Magento's condition types -> the store's filter operators.
OPERATORS = {
    **{c: c for c in ("eq", "neq", "like", "nlike", "in", "nin", "null", "notnull", "gt", "lt")},
    "finset": "in",
    "gteq": "gteq",
    "moreq": "gteq",
    "from": "gteq",
    "lteq": "lteq",
    "to": "lteq",
}
CONDITIONS = tuple(OPERATORS)


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
        elif key == "searchCriteria" and not value:  # present and empty: every entity
            continue
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
    if (
        not (value.isascii() and value.isdigit() and len(value) <= 7)
        or not 1 <= int(value) <= 10**6
    ):
        raise CriteriaError('"%1" must be a positive whole number.', key)
    return int(value)


def _filter(source: Source, table: str, field: str, value: str, condition: str) -> Filter:
    if field not in source.columns:
        raise CriteriaError('"%1" is not a field %2 can be filtered on.', field, table)
    op = OPERATORS[condition]
    values = tuple(v.strip() for v in value.split(",")) if op in ("in", "nin") else (value,)
    return Filter(field, op, values)


def _envelope(items: list[dict[str, Any]], total: int, criteria: dict[str, Any]) -> web.Response:
    size, page = criteria["size"], criteria["page"]
    return web.json_response(
        {
            "items": items,
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


def store_search(
    store: Store,
    table: str,
    criteria: dict[str, Any],
    render: Callable[..., dict[str, Any]],
) -> web.Response:
    """A search the store answers in SQL (filters, sort and page); ``render`` makes an item of
    each row the store returns."""
    source = SOURCES[table]
    groups = [[_filter(source, table, *f) for f in group] for group in criteria["groups"]]
    for field, _ in criteria["sort"]:
        if field not in source.columns:
            raise CriteriaError('"%1" is not a field %2 can be sorted by.', field, table)
    size, page = criteria["size"], criteria["page"]
    rows, total = store.search(
        source,
        groups,
        sort=[(f, d == "DESC") for f, d in criteria["sort"]],
        limit=size or -1,
        offset=(page - 1) * size if size else 0,
    )
    return _envelope([render(*row) for row in rows], total, criteria)
