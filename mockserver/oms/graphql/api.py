"""``POST /admin/api/{version}/graphql.json``: the fake's Shopify GraphQL Admin API, executed by
graphql-core over the same store as the REST routes.

Queries: ``customer``, ``customers(query:)``, ``order``, ``orders(query:)`` (and
``customer.orders``), ``product``, ``node``. Mutations: ``orderUpdate`` (note, tags, email) and
``orderCancel``. Every answer carries ``extensions.cost`` (see ``cost.py``); a bad query is
Shopify's ``{"errors": [...]}`` with locations, HTTP 200.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from aiohttp import web
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    execute_sync,
    parse,
    validate,
)

from mockserver.oms.graphql.cost import MAX_QUERY_COST, CostBucket, query_cost
from mockserver.oms.graphql.root import root_value
from mockserver.oms.store import STORE

__all__ = ["BUCKET", "SCHEMA", "graphql_handler"]

SCHEMA: GraphQLSchema = build_schema((Path(__file__).parent / "schema.graphql").read_text())
BUCKET = web.AppKey("graphql-bucket", CostBucket)
MAX_BODY = 256 * 1024


def _errors(*errors: GraphQLError | dict[str, Any], extensions: Any = None) -> web.Response:
    body: dict[str, Any] = {
        "errors": [e.formatted if isinstance(e, GraphQLError) else e for e in errors]
    }
    if extensions:
        body["extensions"] = extensions
    return web.json_response(body)


async def _request(request: web.Request) -> tuple[str, dict[str, Any], str | None]:
    """(query, variables, operation name) from a JSON or ``application/graphql`` body."""
    raw = await request.read()
    if len(raw) > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=len(raw))
    if request.content_type == "application/graphql":
        return raw.decode("utf-8", "replace"), {}, None
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than anyone means to
        body = None
    query = body.get("query") if isinstance(body, dict) else None
    variables = body.get("variables") if isinstance(body, dict) else None
    if not isinstance(query, str) or not isinstance(variables, dict | None):
        raise _Missing()
    name = body.get("operationName") if isinstance(body, dict) else None
    return query, variables or {}, name if isinstance(name, str) else None


class _Missing(Exception):
    pass


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def _status(bucket: CostBucket, token: str, requested: int, actual: int | None) -> Any:
    return {
        "requestedQueryCost": requested,
        "actualQueryCost": actual,
        "throttleStatus": {
            "maximumAvailable": bucket.size,
            "currentlyAvailable": int(bucket.available(token)),
            "restoreRate": bucket.rate,
        },
    }


def _run(
    store: Any,
    bucket: CostBucket,
    token: str,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
    name: str | None,
) -> web.Response:
    """Cost, throttle, execute: the answer to one valid operation."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    requested = query_cost(SCHEMA, operation, fragments, variables)
    limited = store.settings.get("rateLimit", True)
    if requested > MAX_QUERY_COST:
        message = (
            f"Query cost is {requested}, which exceeds the single query max cost limit "
            f"({MAX_QUERY_COST}). See https://shopify.dev/concepts/about-apis/rate-limits"
        )
        return _errors(
            {"message": message, "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested,
                                                "maxCost": MAX_QUERY_COST}},
            extensions={"cost": _status(bucket, token, requested, None)},
        )  # fmt: skip
    if limited and requested > bucket.available(token):
        throttled = {"message": "Throttled", "extensions": {"code": "THROTTLED"}}
        return _errors(throttled, extensions={"cost": _status(bucket, token, requested, None)})
    context: dict[str, Any] = {"search": []}
    result = execute_sync(
        SCHEMA,
        document,
        root_value=root_value(store),
        context_value=context,
        variable_values=variables,
        operation_name=name,
    )
    actual = query_cost(SCHEMA, operation, fragments, variables, result.data or {})
    if limited:
        bucket.pay(token, actual)
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [e.formatted for e in result.errors]
    body["extensions"] = {"cost": _status(bucket, token, requested, actual)}
    if context["search"]:
        body["extensions"]["search"] = context["search"]
    return web.json_response(body)


@functools.lru_cache(maxsize=64)  # at most 64 bodies of 256 KiB kept
def _checked(query: str) -> tuple[DocumentNode, tuple[GraphQLError, ...]]:
    """The query parsed and validated, once per distinct text: an adapter sends the same few
    queries with other variables, and validation costs more than executing them."""
    document = parse(query)
    return document, tuple(validate(SCHEMA, document))


async def graphql_handler(request: web.Request) -> web.Response:
    store, bucket = request.app[STORE], request.app[BUCKET]
    token = request.headers.get("X-Shopify-Access-Token", "")
    try:
        query, variables, name = await _request(request)
    except _Missing:
        return web.json_response(
            {"errors": {"query": "Required parameter missing or invalid"}}, status=400
        )
    try:
        document, problems = _checked(query)
    except GraphQLError as exc:
        return _errors(exc)
    except RecursionError:
        return _errors({"message": "The query is nested too deeply"})
    if problems:
        return _errors(*problems)
    operation = _operation(document, name)
    if operation is None:
        return _errors({"message": "An operation name is required when the document has several"})
    try:
        return _run(store, bucket, token, document, operation, variables, name)
    except RecursionError:
        return _errors({"message": "The query is nested too deeply"})
