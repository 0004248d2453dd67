"""The SQL the store builds from validated filters: order listings and text-field searches.

Values always travel as parameters; only the fixed expressions below are ever spliced in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "CUSTOMER_FIELDS",
    "LIFECYCLE_SQL",
    "ORDER_FIELDS",
    "ORDER_SORTS",
    "OrderQuery",
    "TextFilter",
    "lifecycle_rank",
    "text_where",
    "to_timestamp",
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
# field -> (its value as lower-case text, for filters; its value as the API shows it, for sorting)
ORDER_FIELDS: dict[str, tuple[str, str]] = {
    "number": ("CAST(number AS TEXT)", "CAST(number AS TEXT)"),
    "number9": ("printf('%09d', number)", "printf('%09d', number)"),
    "email": ("email_lc", "json_extract(doc, '$.email')"),
    "customer_id": ("CAST(customer_id AS TEXT)", "CAST(customer_id AS TEXT)"),
}
CUSTOMER_FIELDS: dict[str, tuple[str, str]] = {
    "id": ("CAST(id AS TEXT)", "CAST(id AS TEXT)"),
    "email": ("COALESCE(email_lc, json_extract(doc, '$.email'))", "json_extract(doc, '$.email')"),
    "first_name": ("first_lc", "json_extract(doc, '$.first_name')"),
    "last_name": ("last_lc", "json_extract(doc, '$.last_name')"),
}
TEXT_OPS = ("eq", "neq", "in", "nin", "like", "nlike", "null", "notnull")


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
class TextFilter:
    """``field op values`` over lower-case text: eq, neq, in, nin, like (% and _), nlike, null, notnull.

    A missing value (NULL) matches only neq, nin, nlike and null, as Magento's filters do.
    """

    field: str
    op: str
    values: tuple[str, ...] = ()


def _text_clause(expr: str, f: TextFilter) -> tuple[str, list[Any]]:
    marks = ",".join("?" * len(f.values))
    return {
        "eq": (f"{expr} = ?", list(f.values[:1])),
        "neq": (f"({expr} IS NULL OR {expr} != ?)", list(f.values[:1])),
        "in": (f"{expr} IN ({marks})", list(f.values)),
        "nin": (f"({expr} IS NULL OR {expr} NOT IN ({marks}))", list(f.values)),
        "like": (f"{expr} LIKE ?", list(f.values[:1])),
        "nlike": (f"({expr} IS NULL OR {expr} NOT LIKE ?)", list(f.values[:1])),
        "null": (f"{expr} IS NULL", []),
        "notnull": (f"{expr} IS NOT NULL", []),
    }[f.op]


def text_where(
    fields: Mapping[str, tuple[str, str]], groups: Sequence[Sequence[TextFilter]]
) -> tuple[str, list[Any]]:
    """Groups ANDed, the filters of a group ORed: the SQL condition and its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    for group in groups:
        parts = []
        for f in group:
            if f.field not in fields or f.op not in TEXT_OPS:
                raise ValueError(f"cannot filter {f.field!r} with {f.op!r}")
            sql, values = _text_clause(fields[f.field][0], f)
            parts.append(sql)
            params += values
        clauses.append("(" + " OR ".join(parts) + ")" if parts else "0")
    return " AND ".join(clauses) or "1", params
