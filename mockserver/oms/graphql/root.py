"""The GraphQL Admin root fields over the store: what each query reads and each mutation writes.

Reads go through the store's indexed queries (customer search terms, order listings with a
sort and a page); writes go through ``Store.change_order``, so a mutation and a REST write of
the same order never lose each other's change.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from graphql import GraphQLError

from mockserver.oms.graphql.nodes import customer_node, order_node, parse_gid, product_node
from mockserver.oms.graphql.paging import connection, window
from mockserver.oms.platforms import cancel, cancellable, now_like
from mockserver.oms.queries import OrderQuery
from mockserver.oms.shopify_search import order_search, parse_search
from mockserver.oms.store import Store

__all__ = ["root_value"]

ORDER_SORTS = {
    "ID": "id",
    "CREATED_AT": "created",
    "PROCESSED_AT": "created",
    "UPDATED_AT": "updated",
    "ORDER_NUMBER": "number",
}


def _id(value: str, kind: str) -> int:
    parsed = parse_gid(value, kind)
    if parsed is None:
        raise GraphQLError(
            f"Invalid global id '{value}'", extensions={"code": "argumentLiteralsIncompatible"}
        )
    return parsed[1]


class _Reads:
    """The node builders, sharing one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def product(self, pid: int) -> dict[str, Any] | None:
        return self.store.product(pid)

    def customer(self, cid: int | None) -> dict[str, Any] | None:
        doc = self.store.customer(cid) if cid else None
        if doc is None:
            return None
        return customer_node(doc, lambda info, **args: self.orders(info, args, customer_id=cid))

    def order(self, doc: dict[str, Any] | None) -> dict[str, Any] | None:
        return order_node(doc, self.product, self.customer) if doc else None

    def orders(self, info: Any, args: dict[str, Any], **fixed: Any) -> dict[str, Any]:
        query, warnings = order_search(args.get("query") or "", **fixed)
        if warnings:
            info.context["search"].append(
                {"path": [info.field_name], "query": args.get("query"), "warnings": warnings}
            )
        return self._orders_page(query, args)

    def _orders_page(self, query: OrderQuery, args: dict[str, Any]) -> dict[str, Any]:
        page = window(args, lambda: self.store.count_orders(query))
        docs = self.store.orders_page(
            query,
            sort=ORDER_SORTS[args.get("sortKey") or "ID"],
            descending=bool(args.get("reverse")),
            limit=page.size + 1,
            offset=page.start,
        )
        return connection(docs[: page.size], page, len(docs) > page.size, self.order)

    def customers(self, info: Any, args: dict[str, Any]) -> dict[str, Any]:
        if (args.get("sortKey") or "ID") not in ("ID", "RELEVANCE"):
            raise GraphQLError(
                f"sortKey {args['sortKey']} is not served by the fake; sort by ID (or RELEVANCE)"
            )
        terms = parse_search(args.get("query") or "")

        def everyone() -> list[str]:
            return self.store.search_customers(terms, 1_000_000)

        page = window(args, lambda: len(everyone()))
        if args.get("reverse"):
            docs = list(reversed(everyone()))[page.start : page.end + 1]
        else:
            docs = self.store.search_customers(terms, page.end + 1)[page.start :]
        nodes = [json.loads(d) for d in docs]
        return connection(
            nodes[: page.size], page, len(nodes) > page.size, lambda c: self.customer(c["id"])
        )


def _update(store: Store, reads: _Reads, values: dict[str, Any]) -> dict[str, Any]:
    order_id = _id(str(values["id"]), "Order")
    note, tags, email = values.get("note"), values.get("tags"), values.get("email")
    if note is not None and len(note) > 5000:
        return {
            "order": None,
            "userErrors": [
                {"field": ["note"], "message": "Note is too long (maximum is 5000 characters)"}
            ],
        }

    def change(order: dict[str, Any]) -> None:
        if note is not None:
            order["note"] = note
        if tags is not None:
            order["tags"] = ", ".join(t.strip() for t in tags if t.strip())
        if email is not None:
            order["email"] = email
        order["updated_at"] = now_like(order)

    changed, _ = store.change_order(order_id, change)
    if changed is None:
        return {"order": None, "userErrors": [{"field": ["id"], "message": "Order does not exist"}]}
    return {"order": reads.order(changed), "userErrors": []}


def _cancel(store: Store, args: dict[str, Any]) -> dict[str, Any]:
    order_id = _id(str(args["orderId"]), "Order")
    order = store.order(order_id)
    problem = None
    if order is None:
        problem = {"code": "NOT_FOUND", "field": ["orderId"], "message": "Order does not exist"}
    elif order.get("cancelled_at"):
        problem = {
            "code": "INVALID",
            "field": ["orderId"],
            "message": "Order has already been cancelled",
        }
    elif not cancellable(order):
        problem = {
            "code": "INVALID",
            "field": ["orderId"],
            "message": "Cannot cancel an order that has fulfillments",
        }
    if problem is not None:
        plain = {"field": problem["field"], "message": problem["message"]}
        return {"job": None, "orderCancelUserErrors": [problem], "userErrors": [plain]}
    store.change_order(order_id, lambda o: cancel(o, str(args["reason"]).lower()))
    job = {"id": f"gid://shopify/Job/{uuid.uuid4()}", "done": True}
    return {"job": job, "orderCancelUserErrors": [], "userErrors": []}


def root_value(store: Store) -> dict[str, Any]:
    """The root object: each Query and Mutation field a function of its arguments."""
    reads = _Reads(store)

    def node(info: Any, id: str) -> Any:
        parsed = parse_gid(id)
        if parsed is None:
            raise GraphQLError(f"Invalid global id '{id}'")
        kind, number = parsed
        if kind == "Order":
            return reads.order(store.order(number))
        if kind == "Customer":
            return reads.customer(number)
        if kind == "Product":
            found = store.product(number)
            return product_node(found) if found else None
        return None

    return {
        "customer": lambda info, id: reads.customer(_id(id, "Customer")),
        "customers": lambda info, **args: reads.customers(info, args),
        "order": lambda info, id: reads.order(store.order(_id(id, "Order"))),
        "orders": lambda info, **args: reads.orders(info, args),
        "product": lambda info, id: (lambda p: product_node(p) if p else None)(
            store.product(_id(id, "Product"))
        ),
        "node": node,
        "orderUpdate": lambda info, input: _update(store, reads, input),
        "orderCancel": lambda info, **args: _cancel(store, args),
    }
