"""The store answers the platforms' searches itself: the SQL path gives exactly what filtering
the rendered documents would, and BigCommerce's listing is sorted and paged in SQL."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.oms.magento import render_customer, render_order
from mockserver.oms.magento_search import (
    CUSTOMER_FIELDS,
    ORDER_FIELDS,
    TEXT_CONDITIONS,
    _filtered,
    _pushed,
)
from mockserver.oms.queries import OrderQuery
from mockserver.oms.store import Store
from tests.helpers import REF


@pytest.fixture(scope="module")
def seeded() -> Any:
    store = Store()
    store.seed(5, customers=25, reference=REF)
    yield store
    store.close()


def _values(store: Store, table: str) -> list[str]:
    docs, _ = store.search_docs(table, [])
    render = render_order if table == "orders" else render_customer
    fields = ORDER_FIELDS if table == "orders" else CUSTOMER_FIELDS
    out = {str(render(d).get(f)) for d in docs[:8] for f in fields}
    return sorted(out | {"", "%", "%@%", "nobody@example.com", "1,2,3"})


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_magento_searches_in_sql_match_filtering_the_rendered_documents(seeded, data):
    table = data.draw(st.sampled_from(["orders", "customers"]))
    fields = sorted(ORDER_FIELDS if table == "orders" else CUSTOMER_FIELDS)
    values = _values(seeded, table)
    value = st.sampled_from(values) | st.builds(
        lambda v, cut: v[:cut] + "%", st.sampled_from(values), st.integers(0, 6)
    )
    condition = st.tuples(st.sampled_from(fields), value, st.sampled_from(TEXT_CONDITIONS))
    groups = data.draw(st.lists(st.lists(condition, min_size=1, max_size=3), max_size=3))
    sort = data.draw(
        st.lists(st.tuples(st.sampled_from(fields), st.sampled_from(["ASC", "DESC"])), max_size=2)
    )
    criteria = {"groups": groups, "sort": sort, "size": None, "page": 1}
    mapping = ORDER_FIELDS if table == "orders" else CUSTOMER_FIELDS
    pushed, rest = _pushed(groups, mapping)
    assert rest == []
    render = render_order if table == "orders" else render_customer
    everything, _ = seeded.search_docs(table, [])
    expected = _filtered([render(d) for d in everything], criteria)
    docs, total = seeded.search_docs(
        table, pushed, sort=[(mapping[f], d == "DESC") for f, d in sort]
    )
    assert [render(d) for d in docs] == expected
    assert total == len(expected)


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
