"""The fake Shopify GraphQL Admin API, through real sockets: the same store as REST seen through
Shopify's field names, connections and cursors, the two order mutations, Shopify's calculated
cost with THROTTLED and MAX_COST_EXCEEDED, and errors in GraphQL's shape."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import GraphQLEnumType, GraphQLObjectType

from mockserver.oms.graphql.api import SCHEMA
from mockserver.oms.store import OrderQuery
from tests.helpers import SHOPIFY, TOKEN

H = {"X-Shopify-Access-Token": TOKEN}


async def gql(
    servers, http, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> tuple[int, Any]:
    url = servers.oms + SHOPIFY + "/graphql.json"
    body = {"query": query, "variables": variables or {}}
    async with http.post(url, json=body, headers=H | headers) as response:
        return response.status, await response.json(content_type=None)


def rest_orders(store, customer_id: int) -> list[dict[str, Any]]:
    rows = store.list_orders(OrderQuery(customer_id=customer_id, status="any"), limit=1000)
    return [json.loads(doc) for _, _, doc in rows]  # newest first


CUSTOMER_AND_ORDERS = """
query Lookup($q: String!) {
  customers(first: 1, query: $q) {
    nodes {
      id legacyResourceId displayName email phone numberOfOrders
      amountSpent { amount currencyCode }
      defaultEmailAddress { emailAddress }
      orders(first: 10, sortKey: CREATED_AT, reverse: true) {
        pageInfo { hasNextPage }
        nodes {
          id name createdAt cancelledAt displayFinancialStatus displayFulfillmentStatus
          totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { currencyCode } }
          statusPageUrl
          lineItems(first: 10) { nodes { id sku quantity product { featuredImage { url } } } }
          fulfillments { status trackingInfo { company number url } }
        }
      }
    }
  }
}
"""


async def test_a_customer_and_their_orders_are_the_rest_records(servers, http):
    store = servers.store
    c = store.customer(store.known_customers(1)[0]["id"])
    status, body = await gql(servers, http, CUSTOMER_AND_ORDERS, {"q": f"email:{c['email']}"})
    assert status == 200, body
    assert "errors" not in body, body
    [node] = body["data"]["customers"]["nodes"]
    assert node["id"] == f"gid://shopify/Customer/{c['id']}"
    assert node["legacyResourceId"] == str(c["id"])
    assert node["email"] == c["email"]
    assert node["defaultEmailAddress"] == {"emailAddress": c["email"]}
    assert node["numberOfOrders"] == str(c["orders_count"])
    rest = rest_orders(store, c["id"])
    shown = node["orders"]["nodes"]
    assert [o["name"] for o in shown] == [o["name"] for o in rest]
    statuses = {None: "UNFULFILLED", "partial": "PARTIALLY_FULFILLED", "fulfilled": "FULFILLED"}
    for order, doc in zip(shown, rest, strict=True):
        assert order["id"] == f"gid://shopify/Order/{doc['id']}"
        assert order["createdAt"] == doc["created_at"]
        assert order["totalPriceSet"]["shopMoney"] == {
            "amount": doc["total_price"],
            "currencyCode": doc["currency"],
        }
        assert order["displayFulfillmentStatus"] == statuses[doc["fulfillment_status"]]
        assert order["displayFinancialStatus"] == doc["financial_status"].upper()
        assert order["statusPageUrl"] == doc["order_status_url"]
        assert [li["sku"] for li in order["lineItems"]["nodes"]] == [
            li["sku"] for li in doc["line_items"]
        ]
        numbers = [t["number"] for f in order["fulfillments"] for t in f["trackingInfo"]]
        assert numbers == [n for f in doc["fulfillments"] for n in f["tracking_numbers"]]
        assert all(f["status"] == "SUCCESS" for f in order["fulfillments"])


async def test_cursors_page_through_every_order_once(servers, http):
    query = """query($after: String) { orders(first: 7, after: $after, sortKey: CREATED_AT) {
      edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage endCursor } } }"""
    names, after, pages = [], None, 0
    while pages < 100:  # bounded: 30 customers hold about 75 orders
        status, body = await gql(servers, http, query, {"after": after})
        assert status == 200, body
        page = body["data"]["orders"]
        names += [e["node"]["name"] for e in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (pages > 0)
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    total = servers.store.count_orders(OrderQuery(status="any"))
    assert len(names) == total
    assert len(set(names)) == total
    status, body = await gql(
        servers, http, "{ orders(last: 3, sortKey: CREATED_AT) { nodes { name } } }"
    )
    assert [o["name"] for o in body["data"]["orders"]["nodes"]] == names[-3:]


@pytest.mark.parametrize(
    ("search", "keep"),
    [
        ("status:cancelled", lambda o: bool(o["cancelled_at"])),
        ("financial_status:refunded", lambda o: o["financial_status"] == "refunded"),
        ("fulfillment_status:shipped", lambda o: o["fulfillment_status"] == "fulfilled"),
        ("created_at:>=2026-11-01", lambda o: o["created_at"] >= "2026-11-01"),
    ],
)
async def test_order_search_terms_filter_as_shopify_does(servers, http, search, keep):
    status, body = await gql(
        servers,
        http,
        "query($q: String) { orders(first: 250, query: $q) { nodes { name createdAt } } }",
        {"q": search},
    )
    assert status == 200, body
    everything = [
        json.loads(d) for _, _, d in servers.store.list_orders(OrderQuery(status="any"), limit=1000)
    ]
    wanted = sorted(o["name"] for o in everything if keep(o))
    assert wanted  # the seeded store has some
    if search.startswith("created_at"):  # times compare as instants, not text
        assert all(o["createdAt"] for o in body["data"]["orders"]["nodes"])
        assert len(body["data"]["orders"]["nodes"]) >= 1
    else:
        assert sorted(o["name"] for o in body["data"]["orders"]["nodes"]) == wanted


async def test_an_unknown_search_field_is_reported_not_an_error(servers, http):
    status, body = await gql(
        servers, http, '{ orders(first: 2, query: "colour:red") { nodes { name } } }'
    )
    assert status == 200
    assert len(body["data"]["orders"]["nodes"]) == 2
    [warning] = body["extensions"]["search"][0]["warnings"]
    assert warning["field"] == "colour"


async def test_order_update_and_cancel_write_what_rest_reads(servers, http):
    store = servers.store
    order = next(
        json.loads(d)
        for _, _, d in store.list_orders(OrderQuery(status="any"), limit=1000)
        if not json.loads(d)["cancelled_at"] and not json.loads(d)["fulfillment_status"]
    )
    gid = f"gid://shopify/Order/{order['id']}"
    update = """mutation($input: OrderInput!) { orderUpdate(input: $input) {
      order { id note tags } userErrors { field message } } }"""
    status, body = await gql(
        servers,
        http,
        update,
        {"input": {"id": gid, "note": "Leave at door", "tags": ["vip", " gift "]}},
    )
    assert body["data"]["orderUpdate"] == {
        "order": {"id": gid, "note": "Leave at door", "tags": ["vip", "gift"]},
        "userErrors": [],
    }
    assert store.order(order["id"])["note"] == "Leave at door"
    cancel = """mutation($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, refund: true, restock: true) {
      job { done } orderCancelUserErrors { code field message } } }"""
    status, body = await gql(servers, http, cancel, {"id": gid})
    assert status == 200
    assert body["data"]["orderCancel"] == {"job": {"done": True}, "orderCancelUserErrors": []}
    assert store.order(order["id"])["cancelled_at"]
    assert store.order(order["id"])["cancel_reason"] == "customer"
    _, body = await gql(servers, http, cancel, {"id": gid})  # a second time: refused
    [problem] = body["data"]["orderCancel"]["orderCancelUserErrors"]
    assert problem["code"] == "INVALID"
    _, body = await gql(
        servers, http, update, {"input": {"id": "gid://shopify/Order/1", "note": "x"}}
    )
    assert body["data"]["orderUpdate"]["userErrors"] == [
        {"field": ["id"], "message": "Order does not exist"}
    ]


async def test_query_cost_is_shopifys_and_a_dry_bucket_throttles(servers, http):
    status, body = await gql(servers, http, "{ orders(first: 10) { nodes { id } } }")
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 10 * 1
    assert cost["actualQueryCost"] == 2 + len(body["data"]["orders"]["nodes"])
    assert cost["throttleStatus"]["maximumAvailable"] == 2000.0
    heavy = "{ orders(first: 90) { nodes { lineItems(first: 8) { nodes { sku } } } } }"
    status, body = await gql(servers, http, heavy)
    assert body["extensions"]["cost"]["requestedQueryCost"] == 2 + 90 * (1 + 2 + 8)
    servers.store.settings["rateLimit"] = True
    try:
        for _ in range(30):  # bounded: each pays its actual cost from 2,000 points
            status, body = await gql(servers, http, heavy)
            if "errors" in body:
                break
    finally:
        servers.store.settings["rateLimit"] = False
    assert status == 200
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert body["extensions"]["cost"]["actualQueryCost"] is None
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] < 992
    status, body = await gql(
        servers,
        http,
        "{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { sku } } } } }",
    )
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert "data" not in body


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ('{ order(id: "gid://shopify/Order/1") { colour } }', "colour"),
        ("{ orders { nodes { id } } }", "first or last"),
        ("{ orders(first: 251) { nodes { id } } }", "at most 250"),
        ('{ order(id: "42") { id } }', "Invalid global id"),
        ('{ orders(first: 2, after: "bm9wZQ==") { nodes { id } } }', "Invalid cursor"),
        ("{ orders(first: 2 { id }", "Syntax Error"),
    ],
)
async def test_bad_queries_get_graphql_errors_with_where(servers, http, query, needle):
    status, body = await gql(servers, http, query)
    assert status == 200
    assert needle in body["errors"][0]["message"], body
    assert body["errors"][0].get("locations"), body


async def test_a_body_without_a_query_or_token_is_refused(servers, http):
    url = servers.oms + SHOPIFY + "/graphql.json"
    async with http.post(
        url, data=b"not json", headers=H | {"Content-Type": "application/json"}
    ) as r:
        assert r.status == 400
        assert "query" in (await r.json())["errors"]
    async with http.post(url, json={"query": "{ orders(first: 1) { nodes { id } } }"}) as r:
        assert r.status == 401


# Field names of each type as shopify.dev documents them for the GraphQL Admin API (2025-01 and
# later; defaultPhoneNumber since 2025-04): the fake may serve fewer, never another name.
SHOPIFY_FIELDS = {
    "Customer": "id legacyResourceId firstName lastName displayName email phone defaultEmailAddress "
    "defaultPhoneNumber verifiedEmail note tags createdAt updatedAt numberOfOrders amountSpent "
    "defaultAddress addresses orders state taxExempt image lifetimeDuration canDelete lastOrder",
    "Order": "id legacyResourceId name number email phone createdAt updatedAt processedAt cancelledAt "
    "cancelReason closed closedAt confirmed test displayFinancialStatus displayFulfillmentStatus "
    "currencyCode presentmentCurrencyCode totalPriceSet subtotalPriceSet currentTotalPriceSet "
    "totalTaxSet totalDiscountsSet subtotalLineItemsQuantity note tags statusPageUrl customer "
    "billingAddress shippingAddress shippingLine lineItems fulfillments risks refunds",
    "LineItem": "id name title sku variantTitle vendor quantity currentQuantity unfulfilledQuantity "
    "requiresShipping originalUnitPriceSet discountedUnitPriceSet image product variant",
    "Fulfillment": "id legacyResourceId name status displayStatus createdAt updatedAt deliveredAt "
    "estimatedDeliveryAt inTransitAt trackingInfo fulfillmentLineItems",
    "FulfillmentTrackingInfo": "company number url",
    "FulfillmentLineItem": "id quantity lineItem originalTotalSet",
    "MoneyBag": "shopMoney presentmentMoney",
    "MoneyV2": "amount currencyCode",
    "MailingAddress": "id address1 address2 city company country countryCodeV2 firstName lastName "
    "name phone province provinceCode zip formatted formattedArea",
    "PageInfo": "hasNextPage hasPreviousPage startCursor endCursor",
    "Product": "id legacyResourceId title vendor handle featuredImage featuredMedia",
    "ProductVariant": "id title sku price",
    "Image": "id url altText width height",
    "ShippingLine": "title code carrierIdentifier",
    "OrderUpdatePayload": "order userErrors",
    "OrderCancelPayload": "job orderCancelUserErrors userErrors",
    "OrderCancelUserError": "code field message",
    "UserError": "field message",
    "Job": "id done query",
    "CustomerEmailAddress": "emailAddress marketingState",
    "CustomerPhoneNumber": "phoneNumber marketingState",
    "Query": "customer customers order orders product node",
    "Mutation": "orderUpdate orderCancel",
}


def test_the_schema_uses_shopifys_names():
    for name, documented in SHOPIFY_FIELDS.items():
        kind = SCHEMA.get_type(name)
        assert isinstance(kind, GraphQLObjectType), name
        assert set(kind.fields) <= set(documented.split()), (
            name,
            set(kind.fields) - set(documented.split()),
        )
    fulfilment = SCHEMA.get_type("OrderDisplayFulfillmentStatus")
    assert isinstance(fulfilment, GraphQLEnumType)
    assert {"FULFILLED", "PARTIALLY_FULFILLED", "UNFULFILLED"} <= set(fulfilment.values)


@pytest.mark.parametrize("depth", [300, 3000])
async def test_a_deeply_nested_query_is_an_answer_not_a_crash(servers, http, depth):
    inner = "id"
    for _ in range(depth):
        inner = f"customer {{ orders(first: 1) {{ nodes {{ {inner} }} }} }}"
    status, body = await gql(
        servers, http, f'{{ order(id: "gid://shopify/Order/1") {{ {inner} }} }}'
    )
    assert status == 200
    assert body["errors"], body
