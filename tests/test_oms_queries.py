"""The store answers the platforms' searches itself: the SQL path gives exactly what filtering
the rendered documents would, and BigCommerce's listing is sorted and paged in SQL."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.oms.magento import render_customer, render_order, render_shipment
from mockserver.oms.magento_fields import ALIASES, SOURCES
from mockserver.oms.magento_search import CONDITIONS, parse_search_criteria, store_search
from mockserver.oms.queries import OrderQuery
from mockserver.oms.store import Store
from tests.helpers import REF

RENDER: dict[str, Callable[..., dict[str, Any]]] = {
    "orders": render_order,
    "customers": render_customer,
    "shipments": render_shipment,
}


@pytest.fixture(scope="module")
def seeded() -> Any:
    store = Store()
    store.seed(5, customers=25, reference=REF)
    yield store
    store.close()


def _everything(store: Store, table: str) -> list[dict[str, Any]]:
    """Every entity of ``table`` rendered from the documents, in the store's order."""
    if table == "shipments":
        orders, _ = store.search(SOURCES["orders"], [])
        return [
            render_shipment(o, i)
            for (o,) in orders
            for i, f in enumerate(o.get("fulfillments") or [])
            if f.get("status") == "success"
        ]
    rows, _ = store.search(SOURCES[table], [])
    return [RENDER[table](doc) for (doc,) in rows]


# An oracle written from Magento's documented semantics, independently of the SQL: numbers
# compare as numbers, text as lower-case text, a number ranks before any text.
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$")


def _rank(value: Any, numeric: bool) -> tuple[int, float, str]:
    if numeric and (isinstance(value, int | float) or _NUMBER.match(str(value).strip())):
        return (0, float(value), "")
    return (1, 0.0, str(value).lower())


def _at(item: dict[str, Any], field: str) -> Any:
    """The value a search field stands for, as the rendered entity shows it."""
    return item[field] if field in item else item[ALIASES[field]]


def _matches(item: dict[str, Any], field: str, value: str, condition: str, numeric: bool) -> bool:
    have = _at(item, field)
    if condition in ("null", "notnull"):
        return (have is None) == (condition == "null")
    if have is None:
        return condition in ("neq", "nlike", "nin")
    if condition in ("like", "nlike"):
        pattern = "^" + re.escape(value.lower()).replace("%", ".*").replace("_", ".") + "$"
        return bool(re.match(pattern, str(have).lower(), re.S)) == (condition == "like")
    left = _rank(have, numeric)
    if condition in ("in", "nin", "finset"):
        hit = left in [_rank(v.strip(), numeric) for v in value.split(",")]
        return hit == (condition != "nin")
    right = _rank(value, numeric)
    return {
        "eq": left == right,
        "neq": left != right,
        "gt": left > right,
        "gteq": left >= right,
        "moreq": left >= right,
        "from": left >= right,
        "lt": left < right,
        "lteq": left <= right,
        "to": left <= right,
    }[condition]


def _expected(items: list[dict[str, Any]], table: str, criteria: dict[str, Any]) -> list[Any]:
    columns = SOURCES[table].columns
    found = [
        i
        for i in items
        if all(
            any(_matches(i, f, v, c, columns[f].numeric) for f, v, c in group)
            for group in criteria["groups"]
        )
    ]
    for field, direction in reversed(criteria["sort"]):
        numeric = columns[field].numeric
        found.sort(
            key=lambda i: (
                _at(i, field) is None,
                _rank(_at(i, field), numeric) if numeric else str(_at(i, field)),
            ),
            reverse=direction == "DESC",
        )
    return found


def _values(items: list[dict[str, Any]], field: str) -> list[str]:
    out = {str(_at(i, field)) for i in items if _at(i, field) is not None}
    return sorted(out | {"", "%", "nobody@example.com", "1,2,3", "0", "12.5", "zz"})


def _condition(items: list[dict[str, Any]], field: str) -> Any:
    values = _values(items, field)
    value = st.sampled_from(values) | st.builds(
        lambda v, cut: v[:cut] + "%", st.sampled_from(values), st.integers(0, 6)
    )
    return st.tuples(st.just(field), value, st.sampled_from(CONDITIONS))


def _answer(store: Store, table: str, criteria: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(store_search(store, table, criteria, RENDER[table]).text or ""))


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_magento_searches_in_sql_match_filtering_the_rendered_documents(seeded, data):
    """Every field of every Magento search, every condition type, sort orders and pages: the
    SQL the store runs gives exactly what filtering the rendered entities would."""
    table = data.draw(st.sampled_from(sorted(SOURCES)))
    fields = sorted(SOURCES[table].columns)
    items = _everything(seeded, table)
    condition = st.sampled_from(fields).flatmap(lambda f: _condition(items, f))
    groups = data.draw(st.lists(st.lists(condition, min_size=1, max_size=3), max_size=3))
    sort = data.draw(
        st.lists(st.tuples(st.sampled_from(fields), st.sampled_from(["ASC", "DESC"])), max_size=2)
    )
    size = data.draw(st.none() | st.integers(1, 7))
    page = data.draw(st.integers(1, 3)) if size else 1
    criteria = {"groups": groups, "sort": sort, "size": size, "page": page}
    expected = _expected(items, table, criteria)
    answer = _answer(seeded, table, criteria)
    shown = expected if size is None else expected[(page - 1) * size : page * size]
    assert answer["items"] == shown
    assert answer["total_count"] == len(expected)


@pytest.mark.parametrize("table", sorted(SOURCES))
def test_every_magento_field_finds_each_value_and_sorts_as_shown(seeded, table):
    """Each field's SQL is the value the rendered entity shows: ``eq`` on every value present
    finds exactly the entities showing it, and sorting either way matches the rendered order."""
    items = _everything(seeded, table)
    assert items
    assert set(SOURCES[table].columns) - set(ALIASES) <= set(items[0])
    for field in sorted(SOURCES[table].columns):
        for value in sorted({str(_at(i, field)) for i in items if _at(i, field) is not None})[:12]:
            criteria: dict[str, Any] = {"groups": [[(field, value, "eq")]], "sort": []}
            criteria |= {"size": None, "page": 1}
            assert _answer(seeded, table, criteria)["items"] == _expected(items, table, criteria), (
                field,
                value,
            )
        for direction in ("ASC", "DESC"):
            criteria = {"groups": [], "size": None, "page": 1, "sort": [(field, direction)]}
            assert _answer(seeded, table, criteria)["items"] == _expected(items, table, criteria), (
                field,
                direction,
            )


def test_magento_searches_use_only_sql(seeded):
    """A search reads no more rows than it answers (the page), whatever it filters on."""
    query = {
        "searchCriteria[filter_groups][0][filters][0][field]": "grand_total",
        "searchCriteria[filter_groups][0][filters][0][value]": "1",
        "searchCriteria[filter_groups][0][filters][0][condition_type]": "gt",
        "searchCriteria[pageSize]": "2",
    }
    criteria = parse_search_criteria(query)
    calls: list[str] = []
    seeded._db.set_trace_callback(calls.append)
    try:
        answer = json.loads(store_search(seeded, "orders", criteria, render_order).text or "")
    finally:
        seeded._db.set_trace_callback(None)
    assert len(answer["items"]) == 2
    assert answer["total_count"] > 2
    assert any("grand_total" not in c and "total_price" in c and "LIMIT" in c for c in calls)


def test_bigcommerce_sorting_and_paging_are_store_queries(seeded):
    everything = seeded.orders_page(OrderQuery(status="any"), limit=1000)
    by_created = sorted(everything, key=lambda o: (o["created_at"], o["id"]), reverse=False)
    page = seeded.orders_page(OrderQuery(status="any"), sort="created", limit=5, offset=5)
    assert [o["id"] for o in page] == [o["id"] for o in by_created[5:10]]
    ranks = {"cancelled": 5, "review": 12, "shipped": 2, "partial": 3, "unpaid": 7, "open": 11}
    ranked = seeded.orders_page(OrderQuery(status="any"), ranks=ranks, descending=True, limit=1000)
    assert len(ranked) == len(everything)
    cancelled = seeded.orders_page(OrderQuery(status="any", lifecycles=("cancelled",)), limit=1000)
    assert cancelled
    assert all(o.get("cancelled_at") for o in cancelled)
    assert seeded.count_orders(OrderQuery(status="any", lifecycles=("cancelled",))) == len(
        cancelled
    )
    assert seeded.count_orders(OrderQuery(status="any", lifecycles=())) == 0


def test_order_lookups_by_customer_and_email_use_an_index(seeded):
    plans = {
        "customer": OrderQuery(status="any", customer_id=1),
        "email": OrderQuery(status="any", email="a@example.com"),
    }
    for name, query in plans.items():
        plan = seeded.orders_plan(query)
        assert "USING INDEX" in plan, (name, plan)


def test_phone_search_is_an_index_range_and_matches_by_the_last_ten_digits(seeded):
    """A phone matches on all its digits or on the value's last 10 (or fewer): answered through
    an index over the reversed digits (no scan of the customers table), same answers as a scan."""
    from contracts.formats import phone_digits

    for query in ("+1 415 555 0123", "5550123"):
        plan = seeded.customers_plan([("phone", query)])
        assert "SCAN customers" not in plan, plan
        assert "customers_phone_rev" in plan, plan
    for field, index in (("first_name", "customers_first"), ("last_name", "customers_last")):
        assert index in seeded.customers_plan([(field, "Ana")])
    docs, _ = seeded.search(SOURCES["customers"], [])
    everyone = [doc for (doc,) in docs]
    for customer in everyone[:10]:
        digits = phone_digits(customer["phone"] or "")
        for query in (customer["phone"], digits, digits[-7:], "00" + digits):
            wanted = phone_digits(query)
            expected = [
                c["id"]
                for c in everyone
                if (have := phone_digits(c["phone"] or ""))
                and (have == wanted or have.endswith(wanted[-10:]))
            ]
            found = [
                json.loads(doc)["id"] for doc in seeded.search_customers([("phone", query)], 100)
            ]
            assert found == expected, query
            assert customer["id"] in found


def test_a_database_from_before_the_phone_index_is_migrated(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email_lc TEXT, phone_digits TEXT,"
        " first_lc TEXT, last_lc TEXT, created_ts INTEGER NOT NULL, doc TEXT NOT NULL);"
        "INSERT INTO customers VALUES (1, 'a@example.com', '14155550123', 'a', 'b', 0,"
        ' \'{"id": 1, "phone": "+14155550123"}\');'
    )
    old.commit()
    old.close()
    store = Store(str(path))
    try:
        assert store.search_customers([("phone", "(415) 555-0123")], 10) == [
            '{"id": 1, "phone": "+14155550123"}'
        ]
        assert "customers_phone_rev" in store.customers_plan([("phone", "4155550123")])
        # the trigram index is built from the rows already there
        assert store.search_customers([("any", "example")], 10) == [
            '{"id": 1, "phone": "+14155550123"}'
        ]
        assert "customers_fts" in store.customers_plan([("any", "example")])
    finally:
        store.close()
