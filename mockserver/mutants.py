"""Mutant modes of the reference adapter: each breaks exactly one rule of the catalogue.

They prove that the checks catch what they claim to: ``lookupkit serve adapter --mutant NAME``
(or ``POST /_mock/settings {"mutant": NAME}``) and the contract suite must name the rule.
The mutants wrap the adapter through its public API only, so ``mockserver.adapter`` stays the
clean example: the adapter is built without credentials, and the switch here puts the adapter's
own ``authentication`` in front of it unless an auth mutant says otherwise.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from contracts.exchange import infer_kind
from contracts.signing import verify
from mockserver import adapter
from mockserver.harness import ADMIN, HarnessState

__all__ = ["MUTANTS", "Mutant", "check_mutant", "create_app"]

Alter = Callable[[dict[str, Any], str | None, int], Any]


@dataclass(frozen=True)
class Mutant:
    """A deliberate defect: the rule it breaks and how."""

    name: str
    rule: str
    what: str
    alter: Alter | None = None  # (response body, lookup kind, request count) -> new body
    status: int | None = None
    auth: str | None = None  # "skip" | "reserialize"
    on_invalid: str | None = None  # "crash" | "accept" | "leak"


def _profiles(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from (p for p in body.get("results") or [] if isinstance(p, dict))


def _orders(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for profile in _profiles(body):
        yield from (t for t in profile.get("transactions") or [] if t.get("type") == "ORDER")


def _each_profile(
    change: Callable[[dict[str, Any]], Any], kinds: tuple[str, ...] = ("detailed",)
) -> Alter:
    def alter(body: dict[str, Any], kind: str | None, count: int) -> Any:
        if kind in kinds:
            for profile in _profiles(body):
                change(profile)
        return body

    return alter


def _each_order(change: Callable[[dict[str, Any]], Any]) -> Alter:
    def alter(body: dict[str, Any], kind: str | None, count: int) -> Any:
        for order in _orders(body):
            change(order)
        return body

    return alter


def _each(key: str, change: Callable[[dict[str, Any]], Any]) -> Alter:
    return _each_order(lambda order: [change(item) for item in order.get(key) or []])


def _set(key: str, value: Callable[[Any], Any]) -> Callable[[dict[str, Any]], Any]:
    return lambda d: d.__setitem__(key, value(d.get(key))) if key in d else None


def _drop(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda d: d.pop(key, None)


def _us_date(iso: Any) -> str:
    return f"{iso[5:7]}/{iso[8:10]}/{iso[:4]}"


def _swap_currency(order: dict[str, Any]) -> None:
    order["currencyCode"] = "USD" if order.get("currencyCode") == "EUR" else "EUR"


def _duplicate_ids(order: dict[str, Any]) -> None:
    products = order.get("products") or []
    if len(products) > 1:
        first = products[0]["id"]
        for product in products:
            product["id"] = first
        for fulfillment in order.get("fulfillments") or []:
            fulfillment["productIds"] = [first]


def _unrelated(body: dict[str, Any], kind: str | None, count: int) -> Any:
    if kind == "basic-search":
        body["results"].append(
            {
                "externalCustomerId": "1",
                "name": "Someone Else",
                "emails": [{"original": "someone.else@example.net"}],
            }
        )
    return body


def _unmatched(profile: dict[str, Any]) -> None:
    profile["emails"], profile["phones"] = [], []


def _unstable(body: dict[str, Any], kind: str | None, count: int) -> Any:
    if kind == "detailed" and count % 2:
        for profile in _profiles(body):
            profile["transactions"] = (profile.get("transactions") or [])[:-1]
    return body


MUTANTS: dict[str, Mutant] = {
    m.name: m
    for m in (
        Mutant("wrong-status", "envelope.http-status", "answers lookups with 201", status=201),
        Mutant(
            "null-results",
            "envelope.results-array",
            "sends results: null",
            alter=lambda b, k, c: {"results": None},
        ),
        Mutant(
            "bare-array",
            "envelope.json-object",
            "sends the results array without the envelope",
            alter=lambda b, k, c: b["results"],
        ),
        Mutant(
            "numeric-id",
            "profile.external-id",
            "sends externalCustomerId as a number",
            alter=_each_profile(
                _set("externalCustomerId", int), ("detailed", "auto-link", "basic-search")
            ),
        ),
        Mutant(
            "nested-attributes",
            "profile.custom-attributes-flat",
            "nests customAttributes",
            alter=_each_profile(_set("customAttributes", lambda a: {"stats": a})),
        ),
        Mutant(
            "string-emails",
            "profile.field-types",
            "sends emails as plain strings",
            alter=_each_profile(_set("emails", lambda es: [e["original"] for e in es])),
        ),
        Mutant(
            "bad-emails",
            "profile.email-format",
            "writes emails with ' at ' instead of '@'",
            alter=_each_profile(
                _set(
                    "emails",
                    lambda es: [{"original": e["original"].replace("@", " at ")} for e in es],
                )
            ),
        ),
        Mutant(
            "duplicate-detailed",
            "detailed.single-result",
            "answers a detailed lookup with the customer twice",
            alter=lambda b, k, c: {"results": b["results"] * 2} if k == "detailed" else b,
        ),
        Mutant(
            "wrong-customer",
            "detailed.echoes-id",
            "answers a detailed lookup with another id",
            alter=_each_profile(_set("externalCustomerId", lambda i: str(int(i) + 1))),
        ),
        Mutant(
            "search-everyone",
            "basic-search.results-match",
            "adds an unrelated customer to search results",
            alter=_unrelated,
        ),
        Mutant(
            "auto-link-unmatched",
            "auto-link.contact-match",
            "drops emails and phones from auto-link results",
            alter=_each_profile(_unmatched, ("auto-link",)),
        ),
        Mutant(
            "lowercase-type",
            "transaction.type-known",
            "writes type 'order'",
            alter=_each_order(_set("type", str.lower)),
        ),
        Mutant(
            "nested-transaction",
            "transaction.flat",
            "nests a shipping object in orders",
            alter=_each_order(lambda o: o.__setitem__("shipping", {"method": "ground"})),
        ),
        Mutant(
            "string-item-count",
            "transaction.reserved-types",
            "sends itemCount as a string",
            alter=_each_order(_set("itemCount", str)),
        ),
        Mutant(
            "us-dates",
            "transaction.iso-dates",
            "writes createdAt as MM/DD/YYYY",
            alter=_each_order(_set("createdAt", _us_date)),
        ),
        Mutant(
            "relative-urls",
            "transaction.absolute-urls",
            "sends customerOrderUrl as a bare path",
            alter=_each_order(_set("customerOrderUrl", lambda u: "/" + u.split("/", 3)[3])),
        ),
        Mutant(
            "http-images",
            "transaction.https-images",
            "serves product images over http",
            alter=_each(
                "products", _set("imageUrl", lambda u: u.replace("https://", "http://", 1))
            ),
        ),
        Mutant(
            "no-symbol-total",
            "order.total-symbol",
            "sends orderTotal without a currency symbol",
            alter=_each_order(
                _set("orderTotal", lambda t: "".join(ch for ch in t if ch.isdigit() or ch in ".,"))
            ),
        ),
        Mutant(
            "wrong-currency",
            "order.total-currency",
            "labels totals with another currencyCode",
            alter=_each_order(_swap_currency),
        ),
        Mutant(
            "missing-order-number",
            "order.required-fields",
            "leaves out orderNumber",
            alter=_each_order(_drop("orderNumber")),
        ),
        Mutant(
            "dangling-fulfillment",
            "order.fulfillment-products-resolve",
            "points fulfilments at unknown products",
            alter=_each("fulfillments", _set("productIds", lambda ids: [*ids, "999999"])),
        ),
        Mutant(
            "duplicate-product-ids",
            "order.unique-product-ids",
            "gives every product of an order the same id",
            alter=_each_order(_duplicate_ids),
        ),
        Mutant(
            "no-sku",
            "product.required-fields",
            "leaves out product skus",
            alter=_each("products", _drop("sku")),
        ),
        Mutant(
            "no-carrier",
            "fulfillment.sidekick-fields",
            "leaves out the carrier",
            alter=_each("fulfillments", _drop("carrier")),
        ),
        Mutant(
            "action-without-url",
            "action.shape",
            "sends actions without formUrl",
            alter=_each("actions", _drop("formUrl")),
        ),
        Mutant(
            "unstable-results",
            "lookup.stable-results",
            "drops a transaction from every other detailed lookup",
            alter=_unstable,
        ),
        Mutant(
            "accept-unsigned",
            "security.rejects-unsigned",
            "skips signature verification",
            auth="skip",
        ),
        Mutant(
            "reserialized-signature",
            "security.accepts-gladly-variants",
            "verifies the signature over re-serialised JSON instead of the raw bytes",
            auth="reserialize",
        ),
        Mutant(
            "crash-on-bad-json",
            "robustness.no-server-error",
            "answers 500 to malformed requests",
            on_invalid="crash",
        ),
        Mutant(
            "accept-anything",
            "robustness.rejects-invalid",
            "answers 200 to malformed requests",
            on_invalid="accept",
        ),
        Mutant(
            "leak-traceback",
            "security.error-leak",
            "puts a stack trace in error bodies",
            on_invalid="leak",
        ),
    )
}

TRACEBACK = (
    'Traceback (most recent call last):\n  File "/srv/adapter/app.py", line 88, in lookup\n'
    "    body = json.loads(raw)\njson.decoder.JSONDecodeError: Expecting value: line 1 column 1"
)


def check_mutant(value: Any) -> str | None:
    """The ``mutant`` setting: null or a known name."""
    if value is None or value in MUTANTS:
        return None
    return f"mutant must be null or one of {', '.join(sorted(MUTANTS))}"


@dataclass
class Switch:
    """The adapter role's mutant state: which mutant is on (a setting) and lookups served."""

    state: HarnessState
    config: adapter.AdapterConfig
    lookups: int = 0

    def reset(self) -> None:
        self.lookups = 0

    def mutant(self) -> Mutant | None:
        return MUTANTS.get(self.state.settings.get("mutant") or "")


def _middleware(switch: Switch) -> Middleware:
    guard = adapter.authentication(switch.config)

    @web.middleware
    async def mutate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(ADMIN):
            return await handler(request)
        mutant = switch.mutant()
        if mutant is None:
            return await guard(request, handler)
        if mutant.auth is not None:
            refused = await _authenticate_wrongly(request, mutant.auth, switch.config)
            return refused or await handler(request)
        response = await guard(request, handler)
        if (
            request.method != "POST"
            or request.path != "/"
            or not isinstance(response, web.Response)
        ):
            return response
        if response.status == 400 and mutant.on_invalid:
            return _mishandle(mutant.on_invalid, response)
        if response.status != 200 or mutant.on_invalid:
            return response
        if mutant.status:
            response.set_status(mutant.status)
            return response
        assert mutant.alter is not None
        switch.lookups += 1
        kind = infer_kind(json.loads(await request.read()))
        body = mutant.alter(copy.deepcopy(json.loads(response.body)), kind, switch.lookups)  # type: ignore[arg-type]
        return web.json_response(body)

    return mutate


async def _authenticate_wrongly(
    request: web.Request, how: str, config: adapter.AdapterConfig
) -> web.StreamResponse | None:
    """The auth mutants: skip verification, or verify a re-serialised body (a classic bug)."""
    if how == "skip" or not config.signing_key:
        return None
    try:
        raw = await request.read()
        body = json.dumps(json.loads(raw), separators=(",", ":")).encode() if raw else raw
        verify(
            config.signing_key,
            request.method,
            request.raw_path,
            request.headers,
            body,
            max_age=config.max_age,
        )
    except Exception as exc:  # any failure to verify, as the buggy adapter would answer
        return adapter.problem(
            401, f"signature check failed ({type(exc).__name__})", code="mismatch"
        )
    return None


def _mishandle(how: str, response: web.Response) -> web.Response:
    if how == "crash":
        return web.Response(status=500, text="Internal Server Error")
    if how == "accept":
        return web.json_response({"results": []})
    detail = json.loads(response.body)  # type: ignore[arg-type]
    detail["trace"] = TRACEBACK
    return web.json_response(detail, status=400)


def create_app(state: HarnessState, config: adapter.AdapterConfig) -> web.Application:
    """The reference adapter behind the mutant switch (``mockserver.roles`` adds the harness)."""
    switch = Switch(state, config)
    state.on_reset.append(switch.reset)
    state.setting_checks["mutant"] = check_mutant
    trusting = replace(config, signing_key=None, basic_auth=None)  # the switch authenticates
    app = adapter.create_app(trusting)
    app.middlewares.insert(0, _middleware(switch))
    return app
