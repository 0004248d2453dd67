"""Fake Shopify REST customers: ``customers.json`` (``ids``, ``since_id``, ``created_at_min/max``),
``customers/count.json``, ``customers/search.json`` (Shopify's search syntax) and
``customers/{id}.json``. Lists page with ``page_info`` cursors by id, and a ``Link`` header
with ``next``/``previous`` as Shopify sends them; a cursor carries its filters, so the next
request may pass only ``page_info``, ``limit`` and ``fields``."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from mockserver.oms.params import BadParam, int_list, one_int, timestamp
from mockserver.oms.shopify_http import (
    body,
    decode_cursor,
    encode_cursor,
    errors,
    fields_of,
    id_of,
    link_header,
    project,
    raw_json,
)
from mockserver.oms.shopify_search import parse_search
from mockserver.oms.store import STORE

__all__ = ["CUSTOMER_ROUTES"]

Terms = list[tuple[str, str]]
PAGE_KEYS = {"page_info", "limit", "fields"}


def _list_terms(request: web.Request) -> Terms:
    q, terms = request.query, []
    for name, key in (("created_min", "created_at_min"), ("created_max", "created_at_max")):
        moment = timestamp(q, key)
        if moment is not None:
            terms.append((name, str(moment)))
    since = one_int(q, "since_id")
    if since is not None:
        terms.append(("id_gt", str(since)))
    return terms


def _cursor_terms(request: web.Request) -> tuple[Terms, int | None, str]:
    """(filters, the id the page starts after or before, direction) of a ``page_info``."""
    extra = sorted(set(request.query) - PAGE_KEYS)
    if extra:
        raise BadParam(extra[0], f"{extra[0]} cannot be passed when page_info is present")
    state = decode_cursor(request.query["page_info"], request.path)
    try:
        terms = [(str(n), str(v)) for n, v in state["terms"]]
        key, direction = int(state["key"]), str(state["dir"])
        if direction not in ("next", "prev"):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise BadParam("page_info", "is not a cursor this endpoint handed out") from None
    return terms, key, direction


async def _page(request: web.Request, terms_of: Callable[[web.Request], Terms]) -> web.Response:
    store, q = request.app[STORE], request.query
    limit = one_int(q, "limit", low=1, high=250) or 50
    if q.get("page_info") is not None:
        terms, key, direction = _cursor_terms(request)
    else:
        terms, key, direction = terms_of(request), None, "next"
    ids = int_list(q, "ids") if key is None else None
    if ids:  # these customers, by id: one page
        found = (store.customer_json(i) for i in sorted(set(ids))[:limit])
        return raw_json(body("customers", [d for d in found if d], fields_of(request)))
    bound = [] if key is None else [("id_gt" if direction == "next" else "id_lt", str(key))]
    docs = store.search_customers([*terms, *bound], limit + 1, descending=direction == "prev")
    more = len(docs) > limit
    docs = docs[:limit] if direction == "next" else list(reversed(docs[:limit]))
    links = []
    if docs:
        first, last = json.loads(docs[0])["id"], json.loads(docs[-1])["id"]
        state = {"path": request.path, "terms": terms}
        if (direction == "next" and more) or direction == "prev":
            links.append(("next", encode_cursor(state | {"key": last, "dir": "next"})))
        if key is not None and (direction == "next" or more):
            links.append(("previous", encode_cursor(state | {"key": first, "dir": "prev"})))
    return raw_json(body("customers", docs, fields_of(request)), link_header(request, limit, links))


async def list_customers(request: web.Request) -> web.Response:
    return await _page(request, _list_terms)


async def search_customers(request: web.Request) -> web.Response:
    return await _page(request, lambda r: parse_search(r.query.get("query", "")))


async def count_customers(request: web.Request) -> web.Response:
    store, terms = request.app[STORE], _list_terms(request)
    count = len(store.search_customers(terms, 10**9)) if terms else store.count_customers()
    return web.json_response({"count": count})


async def get_customer(request: web.Request) -> web.Response:
    doc = request.app[STORE].customer_json(id_of(request))
    if doc is None:
        return errors(404, "Not Found")
    fields = fields_of(request)
    shown = (
        f'{{"customer":{doc}}}'
        if fields is None
        else json.dumps({"customer": project(json.loads(doc), fields)})
    )
    return raw_json(shown)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CUSTOMER_ROUTES: tuple[tuple[str, Handler], ...] = (  # paths under /admin/api/{version}
    ("/customers.json", list_customers),
    ("/customers/count.json", count_customers),
    ("/customers/search.json", search_customers),
    ("/customers/{id:\\d{1,20}}.json", get_customer),
)
