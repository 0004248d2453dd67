"""What every fake Shopify REST route shares: Shopify's error body, documents served as the
bytes they are stored as, ``fields=`` projection, ids from the path, and ``page_info`` cursors
with the ``Link`` header built from the request's own host."""

from __future__ import annotations

import base64
import json
from typing import Any

from aiohttp import web

from mockserver.oms.params import BadParam

__all__ = [
    "body",
    "decode_cursor",
    "encode_cursor",
    "errors",
    "fields_of",
    "id_of",
    "link_header",
    "project",
    "raw_json",
]


def errors(status: int, detail: Any, headers: dict[str, str] | None = None) -> web.Response:
    """Shopify's error body: ``{"errors": ...}`` with a string, a list or an object."""
    return web.json_response({"errors": detail}, status=status, headers=headers)


def raw_json(text: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=text, content_type="application/json", headers=headers)


def project(doc: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    return doc if not fields else {k: v for k, v in doc.items() if k in fields}


def fields_of(request: web.Request) -> list[str] | None:
    raw = request.query.get("fields")
    return [f.strip() for f in raw.split(",") if f.strip()] if raw else None


def body(root: str, docs: list[str], fields: list[str] | None) -> str:
    if fields is None:  # the documents are already JSON: no decode/encode round trip
        return f'{{"{root}":[{",".join(docs)}]}}'
    return json.dumps({root: [project(json.loads(d), fields) for d in docs]}, ensure_ascii=False)


def id_of(request: web.Request, name: str = "id") -> int:
    value = int(request.match_info[name])
    if value > 2**63 - 1:
        raise web.HTTPNotFound()
    return value


def encode_cursor(state: dict[str, Any]) -> str:
    return (
        base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )


def decode_cursor(token: str, path: str) -> dict[str, Any]:
    """A cursor this path handed out (its state), else the 400 Shopify answers."""
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(state, dict) or state.get("path") != path:
            raise ValueError
    except (ValueError, TypeError):
        raise BadParam("page_info", "is not a cursor this endpoint handed out") from None
    return state


def link_header(request: web.Request, limit: int, links: list[tuple[str, str]]) -> dict[str, str]:
    """``Link: <...page_info=...>; rel="next"`` for each (rel, cursor), on the request's host."""
    if not links:
        return {}
    q = request.query
    origin = f"{request.url.origin()}{request.path}?limit={limit}" + (
        f"&fields={q['fields']}" if q.get("fields") else ""
    )
    return {"Link": ", ".join(f'<{origin}&page_info={token}>; rel="{rel}"' for rel, token in links)}
