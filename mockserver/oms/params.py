"""Query-parameter parsing for the fake APIs: each error names the parameter and what it needs."""

from __future__ import annotations

from collections.abc import Mapping

from mockserver.oms.store import to_timestamp

__all__ = ["BadParam", "int_list", "one_int", "timestamp"]

MAX_ID = 2**63 - 1


class BadParam(ValueError):
    """A query parameter the fake cannot use; ``name`` is the parameter."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        super().__init__(message)


def one_int(query: Mapping[str, str], name: str, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """An integer parameter, or None when absent."""
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadParam(name, f"expected an integer, got {raw[:40]!r}") from None
    if not low <= value <= high:
        raise BadParam(name, f"must be between {low} and {high}")
    return value


def int_list(query: Mapping[str, str], name: str) -> tuple[int, ...] | None:
    """A comma-separated list of ids, or None when absent."""
    raw = query.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        values = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise BadParam(name, "expected a comma-separated list of integers") from None
    if not values or any(not 0 <= v <= MAX_ID for v in values) or len(values) > 250:
        raise BadParam(name, "expected 1 to 250 ids between 0 and 2^63-1")
    return values


def timestamp(query: Mapping[str, str], name: str) -> int | None:
    """An ISO-8601 time parameter as epoch seconds, or None when absent."""
    raw = query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return to_timestamp(raw)
    except ValueError:
        raise BadParam(
            name, f"expected an ISO-8601 time such as 2024-05-01T00:00:00Z, got {raw[:40]!r}"
        ) from None
