"""Relay connections as Shopify serves them: ``first``/``after`` or ``last``/``before`` (one of
``first`` and ``last`` is required, at most 250), opaque cursors, ``edges``, ``nodes`` and
``pageInfo``.

A cursor is the item's position in its sorted listing, base64-encoded. Positions shift when an
item is inserted before them mid-listing; Shopify's cursors encode the sort key instead, so a
listing read while orders are being placed may differ in that one respect.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any

from graphql import GraphQLError

__all__ = ["MAX_PAGE", "Window", "connection", "listed", "window"]

MAX_PAGE = 250


def _cursor(position: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"last_id": position}).encode()).decode()


def _position(cursor: str, name: str) -> int:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))["last_id"]
    except (ValueError, KeyError, TypeError):
        raise GraphQLError(f"Invalid cursor for current pagination sort ({name}).") from None
    if not isinstance(value, int) or value < 0:
        raise GraphQLError(f"Invalid cursor for current pagination sort ({name}).")
    return value


class Window:
    """Which positions ``[start, end)`` of a listing a page covers."""

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = max(0, start), max(0, end)

    @property
    def size(self) -> int:
        return max(0, self.end - self.start)


def window(args: dict[str, Any], total: Callable[[], int]) -> Window:
    """The page ``args`` ask for; ``total`` counts the listing (only called for ``last``
    without ``before``)."""
    first, last = args.get("first"), args.get("last")
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    if first is not None and last is not None:
        raise GraphQLError("you must provide only one of first or last")
    size: int = first if first is not None else last  # type: ignore[assignment]
    name = "first" if first is not None else "last"
    if size < 0:
        raise GraphQLError(f"`{name}` argument must be a non-negative integer")
    if size > MAX_PAGE:
        raise GraphQLError(f"The `{name}` argument must be at most {MAX_PAGE}")
    after = _position(args["after"], "after") + 1 if args.get("after") else 0
    if first is not None:
        end = _position(args["before"], "before") if args.get("before") else after + first
        return Window(after, min(end, after + first))
    end = _position(args["before"], "before") if args.get("before") else total()
    return Window(max(after, end - size), end)


def connection(
    items: Sequence[Any], page: Window, more_after: bool, node: Callable[[Any], Any]
) -> dict[str, Any]:
    """The connection for ``items`` (the page's own, in order) at ``page``'s positions."""
    nodes = [node(item) for item in items]
    edges = [{"cursor": _cursor(page.start + i), "node": value} for i, value in enumerate(nodes)]
    return {
        "edges": edges,
        "nodes": nodes,
        "pageInfo": {
            "hasNextPage": more_after,
            "hasPreviousPage": page.start > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def listed(items: Sequence[Any], args: dict[str, Any], node: Callable[[Any], Any]) -> Any:
    """A connection over a list already in memory (an order's line items)."""
    ordered = list(reversed(items)) if args.get("reverse") else list(items)
    page = window(args, lambda: len(ordered))
    return connection(ordered[page.start : page.end], page, page.end < len(ordered), node)
