"""The fake OMS's SQLite schema, and bringing an older kit's database up to it.

Customers and orders keep their documents as JSON text beside the columns searches use, each
column indexed for the lookups Gladly and the SDKs make: emails, phone digits (reversed, so a
match on the last digits is an index range), names, order numbers, customers and times; and
``customers_fts``, a trigram index over names and emails for the platforms' substring searches.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager

__all__ = ["SCHEMA", "migrate"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY,
    email_lc TEXT,
    phone_digits TEXT,
    first_lc TEXT,
    last_lc TEXT,
    created_ts INTEGER NOT NULL,
    doc TEXT NOT NULL,
    phone_rev TEXT
);
CREATE INDEX IF NOT EXISTS customers_email ON customers (email_lc);
CREATE INDEX IF NOT EXISTS customers_phone ON customers (phone_digits);
CREATE INDEX IF NOT EXISTS customers_first ON customers (first_lc);
CREATE INDEX IF NOT EXISTS customers_last ON customers (last_lc);
CREATE INDEX IF NOT EXISTS customers_name ON customers ((first_lc || ' ' || last_lc));
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER,
    email_lc TEXT,
    name TEXT NOT NULL,
    number INTEGER NOT NULL,
    created_ts INTEGER NOT NULL,
    updated_ts INTEGER NOT NULL,
    cancelled INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    financial_status TEXT,
    fulfillment_status TEXT,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_customer ON orders (customer_id, created_ts);
CREATE INDEX IF NOT EXISTS orders_created ON orders (created_ts, id);
CREATE INDEX IF NOT EXISTS orders_name ON orders (name);
CREATE INDEX IF NOT EXISTS orders_email ON orders (email_lc, created_ts);
CREATE INDEX IF NOT EXISTS orders_number ON orders (number);
CREATE INDEX IF NOT EXISTS orders_increment ON orders (printf('%09d', number));  -- Magento's
-- Substring searches (Shopify's free text, BigCommerce's name:like, Magento's like): trigrams.
CREATE VIRTUAL TABLE IF NOT EXISTS customers_fts USING fts5(
    first, last, name, email, tokenize = 'trigram'
);
CREATE TABLE IF NOT EXISTS products (id INTEGER PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def migrate(
    db: sqlite3.Connection, transaction: Callable[[], AbstractContextManager[sqlite3.Connection]]
) -> None:
    """Create what is missing, and bring a database written by an older kit up to this schema
    (columns and indexes are only added)."""
    db.executescript(SCHEMA)
    columns = {row[1] for row in db.execute("PRAGMA table_info(customers)")}
    with transaction() as tx:
        if "phone_rev" not in columns:  # phone suffixes, reversed: an index range answers them
            tx.execute("ALTER TABLE customers ADD COLUMN phone_rev TEXT")
            rows = tx.execute("SELECT id, phone_digits FROM customers").fetchall()
            tx.executemany(
                "UPDATE customers SET phone_rev = ? WHERE id = ?",
                [(digits[::-1] if digits else None, cid) for cid, digits in rows],
            )
        tx.execute("CREATE INDEX IF NOT EXISTS customers_phone_rev ON customers (phone_rev)")
        (indexed,) = tx.execute("SELECT COUNT(*) FROM customers_fts").fetchone()
        if not indexed:  # a database from before the trigram index (or an empty one)
            tx.execute(
                "INSERT INTO customers_fts (rowid, first, last, name, email) SELECT id,"
                " first_lc, last_lc, first_lc || ' ' || last_lc, email_lc FROM customers"
            )
