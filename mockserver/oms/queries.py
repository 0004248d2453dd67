"""The SQL the store builds from validated filters: order listings and text-field searches.

Values always travel as parameters; only the fixed expressions below are ever spliced in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "FILTER_OPS",
    "LIFECYCLE_SQL",
    "ORDER_SORTS",
    "Column",
    "Filter",
    "OrderQuery",
    "Source",
    "fts_like",
    "lifecycle_rank",
    "source_order",
    "source_where",
    "to_timestamp",
    "trigram_safe",
]

# The same facts as ``platforms.lifecycle``, as SQL over the orders table.
LIFECYCLE_SQL = (
    "CASE WHEN cancelled THEN 'cancelled'"
    " WHEN instr(COALESCE(json_extract(doc, '$.tags'), ''), 'fraud-review') THEN 'review'"
    " WHEN fulfillment_status = 'fulfilled' THEN 'shipped'"
    " WHEN fulfillment_status = 'partial' THEN 'partial'"
    " WHEN financial_status = 'pending' THEN 'unpaid' ELSE 'open' END"
)
ORDER_SORTS = {
    "id": "id",
    "number": "number",
    "customer_id": "COALESCE(customer_id, 0)",
    "created": "created_ts",
    "updated": "updated_ts",
}
ORDER_STATUSES = ("open", "closed", "cancelled", "any")
FINANCIAL_STATUSES = (
    "authorized",
    "pending",
    "paid",
    "partially_paid",
    "refunded",
    "voided",
    "partially_refunded",
    "unpaid",
    "any",
)
FULFILLMENT_FILTERS = ("shipped", "partial", "unshipped", "unfulfilled", "any")


def to_timestamp(text: str) -> int:
    """Seconds since the epoch of an ISO-8601 time (a bare date means its start, in UTC)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


@dataclass(slots=True)
class OrderQuery:
    """Filters of an order listing, already validated by the caller."""

    ids: tuple[int, ...] | None = None
    names: tuple[str, ...] | None = None
    customer_id: int | None = None
    email: str | None = None
    status: str = "open"
    financial_status: str | None = None
    fulfillment_status: str | None = None
    created_min: int | None = None
    created_max: int | None = None
    updated_min: int | None = None
    updated_max: int | None = None
    since_id: int | None = None
    min_id: int | None = None
    max_id: int | None = None
    number_min: int | None = None
    number_max: int | None = None
    lifecycles: tuple[str, ...] | None = None  # see platforms.LIFECYCLES

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition and its parameters (never string-built from values)."""
        clauses: list[str] = []
        params: list[Any] = []

        def add(clause: str, *values: Any) -> None:
            clauses.append(clause)
            params.extend(values)

        if self.ids is not None:
            add(f"id IN ({','.join('?' * len(self.ids))})", *self.ids)
        if self.names is not None:
            add(f"name IN ({','.join('?' * len(self.names))})", *self.names)
        if self.customer_id is not None:
            add("customer_id = ?", self.customer_id)
        if self.email is not None:
            add("email_lc = ?", self.email.strip().lower())
        if self.status == "open":
            add("cancelled = 0 AND closed = 0")
        elif self.status == "closed":
            add("closed = 1")
        elif self.status == "cancelled":
            add("cancelled = 1")
        if self.financial_status not in (None, "any"):
            if self.financial_status == "unpaid":
                add("financial_status IN ('pending', 'authorized', 'partially_paid')")
            else:
                add("financial_status = ?", self.financial_status)
        if self.lifecycles is not None:
            add(f"({LIFECYCLE_SQL}) IN ({','.join('?' * len(self.lifecycles))})", *self.lifecycles)
        fs = self.fulfillment_status
        if fs == "shipped":
            add("fulfillment_status = 'fulfilled'")
        elif fs == "partial":
            add("fulfillment_status = 'partial'")
        elif fs == "unshipped":
            add("fulfillment_status IS NULL")
        elif fs == "unfulfilled":
            add("(fulfillment_status IS NULL OR fulfillment_status = 'partial')")
        for column, op, value in (
            ("created_ts", ">=", self.created_min),
            ("created_ts", "<=", self.created_max),
            ("updated_ts", ">=", self.updated_min),
            ("updated_ts", "<=", self.updated_max),
            ("id", ">", self.since_id),
            ("id", ">=", self.min_id),
            ("id", "<=", self.max_id),
            ("number", ">=", self.number_min),
            ("number", "<=", self.number_max),
        ):
            if value is not None:
                add(f"{column} {op} ?", value)
        return (" AND ".join(clauses) or "1"), params


def lifecycle_rank(ranks: Mapping[str, int]) -> tuple[str, list[Any]]:
    """A sort expression ranking orders by lifecycle (e.g. BigCommerce's status ids)."""
    whens = " ".join("WHEN ? THEN ?" for _ in ranks)
    params = [v for name, rank in ranks.items() for v in (name, rank)]
    return f"CASE {LIFECYCLE_SQL} {whens} END", params


@dataclass(frozen=True, slots=True)
class Column:
    """A searchable field as SQL: ``filter`` is its value as lower-case text or as a number
    (``numeric``), ``sort`` its value as the API shows it."""

    filter: str
    sort: str = ""
    numeric: bool = False
    fts: str = ""  # the customers_fts column holding the same text: LIKE answered by its index

    @property
    def sort_key(self) -> str:
        return self.sort or self.filter


@dataclass(frozen=True, slots=True)
class Source:
    """Rows a search reads: ``FROM rows WHERE base``, each row giving ``select`` (a JSON
    document first), ties broken by ``tiebreak``, filtered and sorted by ``columns``."""

    rows: str
    select: str
    tiebreak: str
    columns: Mapping[str, Column]
    base: str = "1"


@dataclass(frozen=True, slots=True)
class Filter:
    """``field op values``: eq, neq, in, nin, like (% and _), nlike, null, notnull, gt, gteq,
    lt, lteq. Text compares lower-case; a numeric column compares numbers, and a value that is
    not a number ranks after every number (so it equals none).

    A missing value (NULL) matches only neq, nin, nlike and null, as Magento's filters do.
    """

    field: str
    op: str
    values: tuple[str, ...] = ()


FILTER_OPS = (
    "eq",
    "neq",
    "in",
    "nin",
    "like",
    "nlike",
    "null",
    "notnull",
    "gt",
    "gteq",
    "lt",
    "lteq",
)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$")


def _operand(value: str, numeric: bool) -> str | float:
    text = value.strip()
    return float(text) if numeric and _NUMBER.match(text) else value.lower()


def fts_like(column: str, row_id: str) -> str:
    """``LIKE ?`` on a customers_fts column, as a condition on a customer's id: its trigram
    index answers the pattern without scanning the customers (an ESCAPE clause would make FTS5
    scan, so only patterns whose % and _ are wildcards use it; see ``trigram_safe``)."""
    return f"{row_id} IN (SELECT rowid FROM customers_fts WHERE {column} LIKE ?)"


def trigram_safe(pattern: str) -> bool:
    """Whether the trigram index answers this LIKE pattern exactly as LIKE does: when every
    run of characters between its wildcards has three or more (SQLite 3.40's FTS5 finds no row
    for a shorter run of CJK characters, such as '%吉田%'). Other patterns are answered by the
    column itself, which scans."""
    runs = [run for run in re.split(r"[%_]+", pattern) if run]
    return bool(runs) and all(len(run) >= 3 for run in runs)


def _clause(column: Column, f: Filter) -> tuple[str, list[Any]]:
    expr = column.filter
    if f.op in ("like", "nlike"):
        values: list[Any] = [v.lower() for v in f.values[:1]]
    else:
        values = [_operand(v, column.numeric) for v in f.values]
    marks = ",".join("?" * len(values))
    compare = {"gt": ">", "gteq": ">=", "lt": "<", "lteq": "<="}
    if f.op in compare:
        return f"{expr} {compare[f.op]} ?", values[:1]
    return {
        "eq": (f"{expr} = ?", values[:1]),
        "neq": (f"({expr} IS NULL OR {expr} != ?)", values[:1]),
        "in": (f"{expr} IN ({marks})", values),
        "nin": (f"({expr} IS NULL OR {expr} NOT IN ({marks}))", values),
        "like": (
            fts_like(column.fts, "id")
            if column.fts and values and trigram_safe(str(values[0]))
            else f"{expr} LIKE ?",
            values[:1],
        ),
        "nlike": (f"({expr} IS NULL OR {expr} NOT LIKE ?)", values[:1]),
        "null": (f"{expr} IS NULL", []),
        "notnull": (f"{expr} IS NOT NULL", []),
    }[f.op]


def source_where(source: Source, groups: Sequence[Sequence[Filter]]) -> tuple[str, list[Any]]:
    """Groups ANDed, the filters of a group ORed: the SQL condition and its parameters."""
    clauses: list[str] = [source.base]
    params: list[Any] = []
    for group in groups:
        parts = []
        for f in group:
            if f.field not in source.columns or f.op not in FILTER_OPS:
                raise ValueError(f"cannot filter {f.field!r} with {f.op!r}")
            sql, values = _clause(source.columns[f.field], f)
            parts.append(sql)
            params += values
        clauses.append("(" + " OR ".join(parts) + ")" if parts else "0")
    return " AND ".join(clauses), params


def source_order(source: Source, sort: Sequence[tuple[str, bool]]) -> str:
    """ORDER BY for (field, descending) pairs: missing values last (first when descending)."""
    keys = []
    for name, descending in sort:
        if name not in source.columns:
            raise ValueError(f"cannot sort on {name!r}")
        key, direction = source.columns[name].sort_key, "DESC" if descending else "ASC"
        keys.append(f"({key} IS NULL) {direction}, {key} {direction}")
    return ", ".join([*keys, source.tiebreak])
