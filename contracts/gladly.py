"""Requests exactly as Gladly sends them: body bytes, headers and signature.

Gladly's Go client writes compact JSON with keys sorted at every level and escapes ``<``, ``>``,
``&``, U+2028 and U+2029 as ``\\u003c`` and so on, while leaving other non-ASCII text as UTF-8.
The signature covers those exact bytes.

Example:
    >>> body, headers = gladly_request("POST", "/", {"lookupLevel": "BASIC", "query": {}, "uniqueMatchRequired": False}, key="k")
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from contracts.signing import QueryForm, gladly_headers, sign_headers

__all__ = ["gladly_json", "gladly_request", "origin_of", "resolve_url", "same_origin", "target_of"]

_GO_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def gladly_json(value: Any) -> bytes:
    """Encode as Gladly does: compact, sorted keys, UTF-8, Go's HTML-safe escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escape in _GO_ESCAPES.items():
        text = text.replace(char, escape)
    return text.encode("utf-8")


def target_of(url: str) -> str:
    """The request target the signature covers: path (``/`` when empty) plus ``?query``."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def resolve_url(base: str, url: str) -> str:
    """An action's formUrl or actionUrl: absolute, or relative to the adapter URL's origin."""
    if url.startswith(("http://", "https://")):
        return url
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}{url if url.startswith('/') else '/' + url}"


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the scheme's default port filled in, for comparing origins."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: no origin is equal to it
        return scheme, "\x00invalid", -1
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


def same_origin(base: str, url: str) -> bool:
    """Whether ``url`` is on the adapter's own scheme, host and port: the only place Gladly's
    credentials may go (a formUrl or actionUrl elsewhere must not be followed)."""
    return origin_of(base) == origin_of(url)


def gladly_request(
    method: str,
    url: str,
    body: Any = None,
    *,
    key: str | None = None,
    basic_auth: tuple[str, str, str] | None = None,
    custom: Mapping[str, str] | None = None,
    time: datetime | str | None = None,
    query_form: QueryForm = QueryForm.DOCUMENTED,
) -> tuple[bytes, dict[str, str]]:
    """The body bytes and headers of one Gladly request (signed when ``key`` is given).

    ``body`` may be a JSON value (encoded as Gladly encodes it), raw bytes (sent as they are) or
    None (a GET without body).
    """
    raw = body if isinstance(body, bytes) else (b"" if body is None else gladly_json(body))
    headers = gladly_headers(body=body is not None, time=time, basic_auth=basic_auth, custom=custom)
    if key:
        headers = sign_headers(key, method, target_of(url), headers, raw, query_form=query_form)
    return raw, headers
