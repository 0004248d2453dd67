"""One captured lookup: the request Gladly sent and the adapter's answer, as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["NOT_JSON", "Exchange", "LookupKind", "infer_kind"]

LookupKind = Literal["auto-link", "basic-search", "detailed"]
KINDS: tuple[LookupKind, ...] = ("auto-link", "basic-search", "detailed")


class _NotJson:
    """Marks a response body that did not parse as JSON."""

    def __repr__(self) -> str:
        return "<not JSON>"


NOT_JSON: Any = _NotJson()


@dataclass(slots=True)
class Exchange:
    """A lookup request and its response, as far as they are known.

    Attributes:
        response: the parsed JSON response body, or NOT_JSON.
        request: the parsed JSON request body (lookupLevel, query, uniqueMatchRequired), if known.
        status: the HTTP status, if known.
        headers: the response headers, if known.
        elapsed: seconds from request to full response, if known.
        kind: the lookup kind; inferred from request and response when None.
        text: the raw response text, used to look for leaked stack traces and secrets.
        secrets: values that must never appear in a response (signing key, passwords).
    """

    response: Any
    request: Any = None
    status: int | None = None
    headers: Mapping[str, str] | None = None
    elapsed: float | None = None
    kind: LookupKind | None = None
    text: str | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        if self.kind is None:
            self.kind = infer_kind(self.request, self.response)

    @property
    def query(self) -> dict[str, Any]:
        query = self.request.get("query") if isinstance(self.request, dict) else None
        return query if isinstance(query, dict) else {}


def infer_kind(request: Any, response: Any = None) -> LookupKind | None:
    """Tell the lookup kind from the request, or failing that from the response.

    BASIC requests whose query carries the profile's ``emails``/``phones`` arrays or its Gladly
    ``id`` are auto-links; other BASIC requests are agent searches. Without a request, a response
    carrying transactions or actions must answer a detailed lookup.
    """
    if isinstance(request, dict):
        level = str(request.get("lookupLevel", "")).upper()
        if level == "DETAILED":
            return "detailed"
        if level == "BASIC":
            query = request.get("query")
            if isinstance(query, dict) and (
                isinstance(query.get("emails"), list)
                or isinstance(query.get("phones"), list)
                or "id" in query
            ):
                return "auto-link"
            return "basic-search"
        return None
    results = response.get("results") if isinstance(response, dict) else None
    if isinstance(results, list) and any(
        isinstance(r, dict) and ("transactions" in r or "actions" in r) for r in results
    ):
        return "detailed"
    return None
