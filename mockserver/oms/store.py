"""The fake OMS's state: one SQLite database (in memory for tests, a file for ``serve``).

Customers, orders (with their line items, fulfilments and tracking) and products are stored as
Shopify-shaped JSON documents, with the fields the APIs filter on copied into indexed columns.
Every platform renders its own shapes from these documents. All queries live here; handlers only
parse, call and answer. Writes run in transactions, so a failed write leaves the previous state.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from aiohttp import web

from contracts.formats import phone_digits
from generators.dataset import DatasetOptions, records
from mockserver.harness.state import HarnessState
from mockserver.oms.customer_search import customer_search
from mockserver.oms.queries import (
    ORDER_SORTS,
    Filter,
    OrderQuery,
    Source,
    lifecycle_rank,
    source_order,
    source_where,
    to_timestamp,
)
from mockserver.oms.schema import migrate
from mockserver.oms.truth import change_for, truth_of

__all__ = ["STORE", "OrderQuery", "Store", "etag_of", "to_timestamp"]

DEFAULT_SETTINGS: dict[str, Any] = {"rateLimit": True, "mutant": None}

DEEP_ORDERS = 60  # orders of the seeded customer whose orders span pages (50 a page, at most)


class Store(HarnessState):
    """All fake-OMS state. Only this class talks to SQLite.

    Args:
        path: a database file, or ``":memory:"`` (the default) for tests.
        admin: ``admin`` and ``admin_token``, as ``HarnessState`` takes them.
    """

    def __init__(
        self, path: str = ":memory:", *, settings: dict[str, Any] | None = None, **admin: Any
    ) -> None:
        super().__init__(DEFAULT_SETTINGS | (settings or {}), **admin)
        self.setting_checks["rateLimit"] = lambda v: (
            None if isinstance(v, bool) else "rateLimit must be true or false"
        )
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.create_function("lower_text", 1, _lower_text, deterministic=True)
        self._lock = threading.RLock()
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        migrate(self._db, self.transaction)

    # -- housekeeping ---------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE .. COMMIT, or ROLLBACK on any error: nothing half-written survives."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def traced(self) -> Iterator[list[str]]:
        """Every SQL statement the store runs meanwhile, with its values in place (to check
        which index answers each one: ``plan``)."""
        statements: list[str] = []
        with self._lock:
            self._db.set_trace_callback(statements.append)
        try:
            yield statements
        finally:
            with self._lock:
                self._db.set_trace_callback(None)

    def plan(self, sql: str, params: Sequence[Any] = ()) -> list[str]:
        """SQLite's query plan for one statement (as ``traced`` gives them), a step a line."""
        return [str(row[-1]) for row in self._db.execute(f"EXPLAIN QUERY PLAN {sql}", params)]

    def clear_data(self) -> None:
        """Forget all customers, orders and products (``reset()`` also clears the harness)."""
        with self.transaction() as db:
            for table in ("customers", "customers_fts", "orders", "products", "meta"):
                db.execute(f"DELETE FROM {table}")

    def seed(self, seed: int, *, customers: int = 20, reference: date | None = None) -> int:
        """Replace the data with a generated dataset; returns how many customers were loaded.

        With 38 customers or more, the 38th has DEEP_ORDERS orders: more than one page of
        the platforms' order listings, for adapters that do not follow pagination; with 39 or
        more, the 39th has never ordered; with 40 or more, the 40th has a phone and no email."""
        options = DatasetOptions(
            customers=customers,
            seed=seed,
            reference=reference or datetime.now(UTC).date(),
            deep=DEEP_ORDERS,
        )
        with self.transaction() as db:
            for table in ("customers", "customers_fts", "orders", "products"):
                db.execute(f"DELETE FROM {table}")
            count = self._load(db, (r["oms"] for r in records(options, "oms")))
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('seed', ?)",
                (
                    json.dumps(
                        {
                            "seed": seed,
                            "customers": customers,
                            "referenceDate": options.reference.isoformat(),
                        }
                    ),
                ),
            )
        return count

    def load(self, oms_records: Iterable[dict[str, Any]]) -> int:
        """Add OMS-view records (``{"customer", "orders", "products"}``) in one transaction."""
        with self.transaction() as db:
            return self._load(db, oms_records)

    def _load(self, db: sqlite3.Connection, oms_records: Iterable[dict[str, Any]]) -> int:
        count = 0
        for record in oms_records:
            self._put_customer(db, record["customer"])
            for order in record["orders"]:
                self._put_order(db, order)
            db.executemany(
                "INSERT OR REPLACE INTO products VALUES (?, ?)",
                [(p["id"], json.dumps(p, ensure_ascii=False)) for p in record["products"]],
            )
            count += 1
        return count

    def _put_customer(self, db: sqlite3.Connection, c: dict[str, Any]) -> None:
        digits = phone_digits(c.get("phone") or "") or None
        first, last = (c.get("first_name") or "").lower(), (c.get("last_name") or "").lower()
        email = (c.get("email") or "").lower() or None
        db.execute("DELETE FROM customers_fts WHERE rowid = ?", (c["id"],))
        db.execute(
            "INSERT INTO customers_fts (rowid, first, last, name, email) VALUES (?, ?, ?, ?, ?)",
            (c["id"], first, last, f"{first} {last}", email),
        )
        db.execute(
            "INSERT OR REPLACE INTO customers (id, email_lc, phone_digits, first_lc, last_lc,"
            " created_ts, doc, phone_rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                c["id"],
                email,
                digits,
                first,
                last,
                to_timestamp(c["created_at"]),
                json.dumps(c, ensure_ascii=False),
                digits[::-1] if digits else None,
            ),
        )

    def _put_order(self, db: sqlite3.Connection, o: dict[str, Any]) -> None:
        customer = o.get("customer") or {}
        db.execute(
            "INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                o["id"],
                customer.get("id"),
                (o.get("email") or "").lower() or None,
                o["name"],
                o["order_number"],
                to_timestamp(o["created_at"]),
                to_timestamp(o["updated_at"]),
                int(bool(o.get("cancelled_at"))),
                int(bool(o.get("closed_at"))),
                o.get("financial_status"),
                o.get("fulfillment_status"),
                json.dumps(o, ensure_ascii=False),
            ),
        )

    def count_customers(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM customers").fetchone()[0])

    def meta(self) -> dict[str, Any]:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()
        return json.loads(row[0]) if row else {}

    # -- customers ------------------------------------------------------------------------------

    def customer_json(self, customer_id: int) -> str | None:
        row = self._db.execute("SELECT doc FROM customers WHERE id = ?", (customer_id,)).fetchone()
        return row[0] if row else None

    def customer(self, customer_id: int) -> dict[str, Any] | None:
        doc = self.customer_json(customer_id)
        return json.loads(doc) if doc else None

    def search_customers(
        self, terms: Sequence[tuple[str, str]], limit: int, *, descending: bool = False
    ) -> list[str]:
        """Customers matching every (field, value) term, by id; fields: email, phone, first_name,
        last_name, any, and the bounds in ``ID_TERMS`` (id_gt, id_lt, created_min, created_max).

        A ``*`` in a value is a wildcard; values are never spliced into SQL. A phone matches on
        all its digits, or on the last 10 (or fewer, from 4) of the value's: an index range over
        the reversed digits, never a scan.
        """
        found = customer_search(terms, limit)
        if found is None:
            return []
        sql, params = found
        if descending:
            sql = sql.replace("ORDER BY id LIMIT", "ORDER BY id DESC LIMIT")
        return [row[0] for row in self._db.execute(sql, params)]

    def customers_plan(self, terms: Sequence[tuple[str, str]]) -> str:
        """SQLite's plan for ``search_customers(terms)`` (to show which index answers it)."""
        sql, params = customer_search(terms, 10) or ("SELECT 1", [])
        return "; ".join(self.plan(sql, params))

    def known_customers(self, limit: int = 5) -> list[dict[str, Any]]:
        """A few customers to try, with the orders they have."""
        rows = self._db.execute(
            "SELECT c.doc, COUNT(o.id) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id "
            "GROUP BY c.id ORDER BY COUNT(o.id) DESC, c.id LIMIT ?",
            (limit,),
        )
        out = []
        for doc, count in rows:
            c = json.loads(doc)
            out.append(
                {
                    "id": c["id"],
                    "name": f"{c['first_name']} {c['last_name']}".strip(),
                    "email": c["email"],
                    "phone": c["phone"],
                    "orders": count,
                }
            )
        return out

    def truth(self, contact: str) -> dict[str, Any] | None:  # for verify --oms (oms/truth.py)
        return truth_of(self, contact, OrderQuery)

    def change_for_truth(self, contact: str, kind: str) -> dict[str, Any] | None:
        return change_for(self, contact, kind, OrderQuery)

    # -- orders ---------------------------------------------------------------------------------

    def list_orders(
        self,
        query: OrderQuery,
        *,
        limit: int,
        after: tuple[int, int] | None = None,
        before: tuple[int, int] | None = None,
        order: str = "created_desc",
        offset: int = 0,
    ) -> list[tuple[int, int, str]]:
        """Orders as (created_ts, id, json) rows.

        ``order`` is ``created_desc`` (keyset cursors ``after``/``before`` on (created_ts, id)),
        ``id_asc`` or ``id_desc``.
        """
        where, params = query.where()
        if order == "created_desc":
            if after is not None:
                where += " AND (created_ts < ? OR (created_ts = ? AND id < ?))"
                params += [after[0], after[0], after[1]]
            if before is not None:
                where += " AND (created_ts > ? OR (created_ts = ? AND id > ?))"
                params += [before[0], before[0], before[1]]
                sql = f"SELECT created_ts, id, doc FROM orders WHERE {where} ORDER BY created_ts, id LIMIT ?"
                rows = self._db.execute(sql, [*params, limit]).fetchall()
                return list(reversed(rows))
            sort = "created_ts DESC, id DESC"
        else:
            sort = "id ASC" if order == "id_asc" else "id DESC"
        sql = (
            f"SELECT created_ts, id, doc FROM orders WHERE {where} ORDER BY {sort} LIMIT ? OFFSET ?"
        )
        return self._db.execute(sql, [*params, limit, offset]).fetchall()

    def orders_page(
        self,
        query: OrderQuery,
        *,
        sort: str = "id",
        descending: bool = False,
        ranks: dict[str, int] | None = None,
        limit: int,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Orders sorted by an ``ORDER_SORTS`` key (or by lifecycle ``ranks``), ties by id, paged."""
        where, params = query.where()
        key, key_params = lifecycle_rank(ranks) if ranks is not None else (ORDER_SORTS[sort], [])
        direction = "DESC" if descending else "ASC"
        sql = (
            f"SELECT doc FROM orders WHERE {where} "
            f"ORDER BY {key} {direction}, id ASC LIMIT ? OFFSET ?"
        )
        rows = self._db.execute(sql, [*params, *key_params, limit, offset])
        return [json.loads(r[0]) for r in rows]

    def search(
        self,
        source: Source,
        groups: Sequence[Sequence[Filter]],
        *,
        sort: Sequence[tuple[str, bool]] = (),
        limit: int = -1,
        offset: int = 0,
    ) -> tuple[list[tuple[Any, ...]], int]:
        """Rows of ``source`` matching filter groups (see ``Filter``), sorted by (field,
        descending) pairs and paged, with the total: each row its document, then the rest of
        ``source.select``."""
        where, params = source_where(source, groups)
        order = source_order(source, sort)
        total = self._db.execute(
            f"SELECT COUNT(*) FROM {source.rows} WHERE {where}", params
        ).fetchone()[0]
        rows = self._db.execute(
            f"SELECT {source.select} FROM {source.rows} WHERE {where} "
            f"ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [(json.loads(r[0]), *r[1:]) for r in rows], int(total)

    def orders_plan(self, query: OrderQuery) -> str:
        """SQLite's plan for listing ``query``'s orders (to show which index answers it)."""
        where, params = query.where()
        return "; ".join(self.plan(f"SELECT doc FROM orders WHERE {where}", params))

    def count_orders(self, query: OrderQuery) -> int:
        where, params = query.where()
        return int(
            self._db.execute(f"SELECT COUNT(*) FROM orders WHERE {where}", params).fetchone()[0]
        )

    def order_json(self, order_id: int) -> str | None:
        row = self._db.execute("SELECT doc FROM orders WHERE id = ?", (order_id,)).fetchone()
        return row[0] if row else None

    def order(self, order_id: int) -> dict[str, Any] | None:
        doc = self.order_json(order_id)
        return json.loads(doc) if doc else None

    def order_by_number(self, number: int) -> dict[str, Any] | None:
        row = self._db.execute("SELECT doc FROM orders WHERE number = ?", (number,)).fetchone()
        return json.loads(row[0]) if row else None

    def save_order(self, order: dict[str, Any]) -> None:
        """Write a changed order back, atomically."""
        with self.transaction() as db:
            self._put_order(db, order)

    def change_order(
        self,
        order_id: int,
        change: Callable[[dict[str, Any]], None],
        *,
        if_match: Sequence[str] = (),
    ) -> tuple[dict[str, Any] | None, bool]:
        """Read, change and write one order in one transaction, so no concurrent write is lost
        (from another process either). With ``if_match`` (ETags, or ``*``), only while the order
        still has one of them. Returns (the order, True) when changed, (the order as it is,
        False) on a mismatch, (None, False) when there is no such order."""
        with self.transaction() as db:
            row = db.execute("SELECT doc FROM orders WHERE id = ?", (order_id,)).fetchone()
            if row is None:
                return None, False
            order = json.loads(row[0])
            if if_match and "*" not in if_match and etag_of(row[0]) not in if_match:
                return order, False
            change(order)
            self._put_order(db, order)
            return order, True

    def product(self, product_id: int) -> dict[str, Any] | None:
        row = self._db.execute("SELECT doc FROM products WHERE id = ?", (product_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def products_by_id(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        if not ids:
            return []
        rows = self._db.execute(
            f"SELECT doc FROM products WHERE id IN ({','.join('?' * len(ids))}) ORDER BY id",
            list(ids),
        )
        return [json.loads(r[0]) for r in rows]


def etag_of(doc: str) -> str:
    """The entity tag of a stored document: it changes whenever any byte of it does."""
    return '"' + hashlib.sha1(doc.encode()).hexdigest()[:20] + '"'


def _lower_text(value: Any) -> Any:
    """SQL ``lower_text(x)``: Python's lower-casing (SQLite's ``lower`` folds ASCII only)."""
    return value.lower() if isinstance(value, str) else value


STORE = web.AppKey("store", Store)
