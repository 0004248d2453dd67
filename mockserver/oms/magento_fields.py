"""Magento's searchable fields as SQL over the store's documents.

Each field a ``searchCriteria`` may filter or sort on is the SQL for the value Magento's
rendered entity shows (``magento.render_*``), so the store answers every search itself: numbers
as numbers, times as Magento's zone-less UTC text, everything else as lower-case text. A field
that is not here (an address, the item rows) is refused, as Magento's collections do.
"""

from __future__ import annotations

from mockserver.oms.queries import LIFECYCLE_SQL, Column, Source

__all__ = ["CUSTOMERS", "ORDERS", "SHIPMENTS", "SIZES", "SOURCES", "STATE_OF"]

# The store's lifecycle -> Magento's (state, status).
STATE_OF = {
    "cancelled": ("canceled", "canceled"),
    "review": ("payment_review", "fraud"),
    "shipped": ("complete", "complete"),
    "partial": ("processing", "processing"),
    "unpaid": ("pending_payment", "pending_payment"),
    "open": ("processing", "processing"),
}
# Variant titles of configurable products: Magento shows a parent row and a child row.
SIZES = ("S", "M", "L", "XL")


def _text(expr: str) -> Column:
    return Column(f"lower_text({expr})", expr)


def _number(expr: str) -> Column:
    return Column(expr, numeric=True)


def _constant(value: int) -> Column:
    # CAST: a bare integer in ORDER BY would name a result column.
    return _number(f"CAST({value} AS INTEGER)")


def _time(expr: str) -> Column:
    return Column(f"strftime('%Y-%m-%d %H:%M:%S', {expr})")


def _lifecycle(part: int) -> Column:
    whens = " ".join(f"WHEN '{k}' THEN '{v[part]}'" for k, v in STATE_OF.items())
    return Column(f"CASE {LIFECYCLE_SQL} {whens} END")


def _real(doc: str, key: str) -> str:
    return f"CAST(COALESCE(json_extract({doc}, '$.{key}'), '0') AS REAL)"


def _order_columns(o: str) -> dict[str, Column]:
    """The order fields, over the orders table aliased ``o``."""
    doc = f"{o}.doc"
    total = f"CAST(json_extract({doc}, '$.total_price') AS REAL)"
    tax = f"ROUND({_real(doc, 'total_tax')}, 4)"
    lines = f"COALESCE(json_extract({doc}, '$.total_line_items_price'), json_extract({doc}, '$.total_price'))"
    subtotal = (
        f"ROUND(CAST({lines} AS REAL) - CASE WHEN json_extract({doc}, '$.taxes_included')"
        f" THEN {_real(doc, 'total_tax')} ELSE 0 END, 4)"
    )
    unpaid = f"{o}.financial_status IN ('pending', 'authorized', 'voided')"
    sizes = ", ".join(f"'{s}'" for s in SIZES)
    return {
        "entity_id": _number(f"{o}.number"),
        "increment_id": Column(f"printf('%09d', {o}.number)"),
        "state": _lifecycle(0),
        "status": _lifecycle(1),
        "created_at": _time(f"{o}.created_ts, 'unixepoch'"),
        "updated_at": _time(f"{o}.updated_ts, 'unixepoch'"),
        "grand_total": _number(total),
        "base_grand_total": _number(total),
        "subtotal": _number(subtotal),
        "base_subtotal": _number(subtotal),
        "tax_amount": _number(tax),
        "base_tax_amount": _number(tax),
        "discount_amount": _number(f"-ROUND({_real(doc, 'total_discounts')}, 4)"),
        "shipping_amount": _constant(0),
        "total_paid": _number(f"CASE WHEN {unpaid} THEN 0 ELSE {total} END"),
        "total_refunded": _number(
            "ROUND((SELECT COALESCE(SUM(CAST(json_extract(t.value, '$.amount') AS REAL)), 0)"
            f" FROM json_each({doc}, '$.refunds') AS r, json_each(r.value, '$.transactions') AS t),"
            " 4)"
        ),
        "order_currency_code": _text(f"json_extract({doc}, '$.currency')"),
        "base_currency_code": _text(f"json_extract({doc}, '$.currency')"),
        "customer_email": Column(f"{o}.email_lc", f"json_extract({doc}, '$.email')"),
        "customer_id": _number(f"{o}.customer_id"),
        "customer_is_guest": _constant(0),
        "customer_firstname": _text(f"json_extract({doc}, '$.customer.first_name')"),
        "customer_lastname": _text(f"json_extract({doc}, '$.customer.last_name')"),
        "store_id": _constant(1),
        "total_item_count": _number(
            "(SELECT COUNT(*) + COALESCE(SUM(json_extract(value, '$.variant_title')"
            f" IN ({sizes})), 0) FROM json_each({doc}, '$.line_items'))"
        ),
        "total_qty_ordered": _number(
            "(SELECT COALESCE(SUM(json_extract(value, '$.quantity')), 0)"
            f" FROM json_each({doc}, '$.line_items'))"
        ),
        "shipping_description": _text(
            f"COALESCE((SELECT json_extract(value, '$.title') FROM json_each({doc},"
            " '$.shipping_lines') ORDER BY key LIMIT 1), '')"
        ),
    }


# The LIFECYCLE_SQL reads the bare orders columns, so orders are not aliased.
ORDERS = Source("orders", "doc", "id ASC", _order_columns("orders"))
CUSTOMERS = Source(
    "customers",
    "doc",
    "id ASC",
    {
        "id": _number("id"),
        "entity_id": _number("id"),  # the entity's column name, shown as "id" (ALIASES)
        "group_id": _constant(1),
        # The store's lower-cased columns (Python's lower-casing, as lower_text): indexed
        "email": Column("email_lc", "json_extract(doc, '$.email')"),
        "firstname": Column("first_lc", "json_extract(doc, '$.first_name')", fts="first"),
        "lastname": Column("last_lc", "json_extract(doc, '$.last_name')", fts="last"),
        "created_at": _time("created_ts, 'unixepoch'"),
        "updated_at": _time("json_extract(doc, '$.updated_at')"),
        "store_id": _constant(1),
        "website_id": _constant(1),
    },
)
# A shipment is an order's successful fulfilment: rows are (order, fulfilment index).
SHIPMENTS = Source(
    "orders JOIN json_each(orders.doc, '$.fulfillments') AS f",
    "orders.doc, f.key",
    "orders.id ASC, f.key ASC",
    {
        "entity_id": _number("json_extract(f.value, '$.id')"),
        "increment_id": Column("printf('%09d-%d', orders.number, f.key + 1)"),
        "order_id": _number("orders.number"),
        "created_at": _time("json_extract(f.value, '$.created_at')"),
        "total_qty": _number(
            "(SELECT COALESCE(SUM(json_extract(value, '$.quantity')), 0)"
            " FROM json_each(f.value, '$.line_items'))"
        ),
    },
    base="json_extract(f.value, '$.status') = 'success'",
)
SOURCES = {"orders": ORDERS, "customers": CUSTOMERS, "shipments": SHIPMENTS}
# Fields searched under another name than the rendered entity shows them by.
ALIASES = {"entity_id": "id"}
