"""Shopify's calculated query cost, and the bucket of points it is paid from.

A scalar or enum costs 0, an object 1, a connection 2 plus its size (``first`` or ``last``)
times the cost of one node, a list of objects its size (``first``, else 1 when requested) times
one item, and each mutation 10 more. The requested cost is reckoned from the query before it
runs; the actual cost from what it returned, and that is what the bucket pays. A query whose
requested cost is over 1,000 never runs (``MAX_COST_EXCEEDED``); one that costs more than the
bucket holds is ``THROTTLED``. The bucket holds 2,000 points and refills 100 a second, as a
standard Shopify plan's does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    value_from_ast_untyped,
)
from graphql.language import VariableNode

__all__ = ["MAX_QUERY_COST", "CostBucket", "query_cost"]

MAX_QUERY_COST = 1000
MUTATION_COST = 10


@dataclass
class CostBucket:
    """Points per access token: ``size`` at most, refilled ``rate`` a second."""

    size: float = 2000.0
    rate: float = 100.0
    _levels: dict[str, tuple[float, float]] = field(default_factory=dict)

    def available(self, key: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        level, last = self._levels.get(key, (self.size, now))
        return min(self.size, level + (now - last) * self.rate)

    def pay(self, key: str, cost: float, now: float | None = None) -> float:
        """Take ``cost`` points; what is left."""
        now = time.monotonic() if now is None else now
        left = max(0.0, self.available(key, now) - cost)
        self._levels[key] = (left, now)
        return left


@dataclass
class _Reckoning:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]


def query_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    data: Any = None,
) -> int:
    """The operation's cost: requested without ``data``, actual with the result's data."""
    root = schema.mutation_type if operation.operation.value == "mutation" else schema.query_type
    if root is None:
        return 0
    reckoning = _Reckoning(schema, fragments, variables)
    cost = _selection(reckoning, operation.selection_set, root, data, actual=data is not None)
    if operation.operation.value == "mutation":
        cost += MUTATION_COST * sum(
            isinstance(s, FieldNode) for s in operation.selection_set.selections
        )
    return cost


def _fields(
    r: _Reckoning, selection_set: SelectionSetNode, parent: Any
) -> list[tuple[FieldNode, Any]]:
    """(field node, parent type) pairs, fragments expanded."""
    out: list[tuple[FieldNode, Any]] = []
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            out.append((node, parent))
        elif isinstance(node, InlineFragmentNode):
            kind = (
                r.schema.get_type(node.type_condition.name.value) if node.type_condition else parent
            )
            out += _fields(r, node.selection_set, kind or parent)
        elif isinstance(node, FragmentSpreadNode) and node.name.value in r.fragments:
            fragment = r.fragments[node.name.value]
            kind = r.schema.get_type(fragment.type_condition.name.value)
            out += _fields(r, fragment.selection_set, kind or parent)
    return out


def _selection(
    r: _Reckoning, selection_set: SelectionSetNode, parent: Any, data: Any, actual: bool
) -> int:
    total = 0
    for node, kind in _fields(r, selection_set, parent):
        name = node.name.value
        if (
            name.startswith("__")
            or not isinstance(kind, GraphQLObjectType)
            or name not in kind.fields
        ):
            continue
        definition = kind.fields[name]
        named = get_named_type(definition.type)
        if is_leaf_type(named) or node.selection_set is None:
            continue
        value = data.get((node.alias or node.name).value) if isinstance(data, dict) else None
        if actual and value is None:
            continue
        args = _sizes(node, r.variables)
        if named.name.endswith("Connection"):
            total += 2 + _connection(r, node.selection_set, named, value, args, actual)
        elif is_list_type(get_nullable_type(definition.type)):
            items = value if actual else [None] * int(args.get("first") or 1)
            total += sum(
                1 + _selection(r, node.selection_set, named, item, actual) for item in items or []
            )
        else:
            total += 1 + _selection(r, node.selection_set, named, value, actual)
    return total


def _sizes(node: FieldNode, variables: dict[str, Any]) -> dict[str, Any]:
    """The field's ``first`` and ``last`` as given (a literal or a variable)."""
    sizes: dict[str, Any] = {}
    for arg in node.arguments or ():
        if arg.name.value in ("first", "last"):
            given = arg.value
            value = (
                variables.get(given.name.value)
                if isinstance(given, VariableNode)
                else value_from_ast_untyped(given)
            )
            sizes[arg.name.value] = value if isinstance(value, int) else None
    return sizes


def _connection(
    r: _Reckoning,
    selection_set: SelectionSetNode,
    kind: Any,
    value: Any,
    args: dict[str, Any],
    actual: bool,
) -> int:
    """Size times one node: the nodes under ``edges { node }`` or ``nodes`` (the dearer)."""
    item_type = get_named_type(kind.fields["nodes"].type)
    selections: list[tuple[SelectionSetNode, str]] = []
    for node, _ in _fields(r, selection_set, kind):
        if node.name.value == "nodes" and node.selection_set:
            selections.append((node.selection_set, "nodes"))
        elif node.name.value == "edges" and node.selection_set:
            for inner, _ in _fields(
                r, node.selection_set, get_named_type(kind.fields["edges"].type)
            ):
                if inner.name.value == "node" and inner.selection_set:
                    selections.append((inner.selection_set, "edges"))
    if not selections:
        return 0
    if not actual:
        size = int(args.get("first") or args.get("last") or 0)
        one = max(1 + _selection(r, s, item_type, None, False) for s, _ in selections)
        return size * one
    edges = (value or {}).get("edges") or []
    nodes = (
        [e.get("node") for e in edges if isinstance(e, dict)] or (value or {}).get("nodes") or []
    )
    return sum(
        max(1 + _selection(r, s, item_type, item, True) for s, _ in selections) for item in nodes
    )
