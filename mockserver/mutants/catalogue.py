"""The mutants: each breaks exactly one rule of the catalogue, and says which."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mockserver.mutants import defects
from mockserver.mutants.defects import Answer

__all__ = ["MUTANTS", "Mutant"]

Alter = Callable[[dict[str, Any], str | None, int], Any]


@dataclass(frozen=True)
class Mutant:
    """A deliberate defect: the rule it breaks and how."""

    name: str
    rule: str
    what: str
    alter: Alter | None = None  # (response body, lookup kind, request count) -> new body
    status: int | None = None
    auth: str | None = None  # a mode of switch.AUTH_MODES
    on_invalid: str | None = None  # "crash" | "accept" | "leak"
    lookup: Callable[[dict[str, Any], dict[str, Any]], Answer] | None = None  # (request, answer)
    action: Callable[[str, Any, int, Any], Answer] | None = None  # (method, values, status, body)
    needs: str = ""  # "basic": shows only on an adapter configured with Basic credentials
    echo: bool = False  # puts the request's Authorization header in every JSON answer
    delay: float = 0.0  # seconds every lookup waits before it is answered
    max_in_flight: int = 0  # more lookups than this at once are answered 503
    on_error: str | None = None  # "empty": a lookup the adapter answered 5xx becomes no results
    stale: float = 0.0  # seconds a detailed answer is served again, actions or not (inf: ever)


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
            "echo-credentials",
            "security.error-leak",
            "echoes the request's Authorization header (base64 user:password) in every answer",
            echo=True,
            needs="basic",
        ),
        Mutant(
            "leak-traceback",
            "security.error-leak",
            "puts a stack trace in error bodies",
            on_invalid="leak",
        ),
        Mutant(
            "lenient-signature",
            "security.rejects-near-miss",
            "accepts any signature the expected one starts with (an empty one too), any algorithm",
            auth="lenient",
        ),
        Mutant(
            "replay-cache",
            "security.rejects-replayed-signature",
            "trusts a signature it accepted before, whatever the body",
            auth="replay",
        ),
        Mutant(
            "signature-oracle",
            "security.no-signature-oracle",
            "puts the expected signature in its 401 answers",
            auth="oracle",
        ),
        Mutant(
            "unguarded-actions",
            "security.action-endpoints-signed",
            "checks signatures on the lookup URL only, not on action URLs",
            auth="unguarded-actions",
        ),
        Mutant(
            "undocumented-query-form",
            "security.query-form-undocumented",
            "verifies action URLs only in the path-with-query form",
            auth="path-query-only",
        ),
        Mutant(
            "search-wildcards",
            "security.search-injection",
            "passes * and % in search values to the OMS, which then matches everyone",
            lookup=defects.wildcards_match_everyone,
        ),
        Mutant(
            "auto-link-ignores-phones",
            "auto-link.every-contact",
            "auto-links by email only",
            lookup=defects.ignores_phones,
        ),
        Mutant(
            "first-email-only",
            "auto-link.every-contact",
            "auto-links by the profile's first email only: a customer the second email matches is not found",
            lookup=defects.first_email_only,
            needs="oms",
        ),
        Mutant(
            "case-sensitive-email",
            "auto-link.email-case-insensitive",
            "compares emails as typed: upper case or spaces find no one",
            lookup=defects.case_sensitive_emails,
        ),
        Mutant(
            "first-match-only",
            "auto-link.all-matches",
            "answers auto-link with the first customer found only",
            lookup=defects.first_match_only,
        ),
        Mutant(
            "unknown-id-404",
            "detailed.unknown-id",
            "answers a detailed lookup of an unknown id with 404",
            lookup=defects.unknown_id_404,
        ),
        Mutant(
            "crash-on-odd-values",
            "action-submit.robust",
            "answers 500 to a submit with a list, an object or a long text",
            action=defects.crash_on_odd_values,
        ),
        Mutant(
            "form-for-anything",
            "action-form.unknown-target",
            "serves a form for orders that do not exist",
            action=defects.form_for_anything,
        ),
        Mutant(
            "foreign-action-url",
            "actions.foreign-origin",
            "points its action forms at another origin (credentials would follow)",
            alter=_each("actions", _set("formUrl", defects.elsewhere)),
        ),
        Mutant(
            "basic-password-only",
            "security.basic-auth",
            "checks the Basic password but not the user name",
            auth="basic-password-only",
            needs="basic",
        ),
        Mutant(
            "first-page-only",
            "truth.orders-complete",
            "shows the first page of an oldest-first order listing: the newest orders are missing",
            alter=_each_profile(defects.oldest_page),
            needs="oms",
        ),
        Mutant(
            "local-time-as-utc",
            "truth.created-at",
            "writes the shop's wall-clock time with a Z, shifting createdAt by the UTC offset",
            alter=_each_order(defects.wall_clock_as_utc),
            needs="oms",
        ),
        Mutant(
            "partial-is-complete",
            "truth.order-status",
            "maps a partially fulfilled order to complete",
            alter=_each_order(defects.partial_as_complete),
            needs="oms",
        ),
        Mutant(
            "shop-currency",
            "truth.order-total",
            "shows every total in the shop's currency (US dollars), whatever the order's",
            alter=_each_order(defects.shop_currency),
            needs="oms",
        ),
        Mutant(
            "swallows-oms-errors",
            "truth.silent-failure",
            "answers 'no such customer' when the OMS fails, instead of an error status",
            on_error="empty",
            needs="oms",
        ),
        Mutant(
            "stale-cache",
            "truth.fresh",
            "caches each customer's detailed answer forever: changes in the OMS never show",
            stale=math.inf,
            needs="oms",
        ),
        Mutant(
            "stale-after-action",
            "truth.action-effect",
            "caches detailed answers for 5 s and keeps them after its own actions",
            stale=5.0,
            needs="oms",
        ),
        Mutant(
            "slow-lookups",
            "envelope.latency-slow",
            "answers every lookup after 6 seconds",
            delay=6.0,
            needs="load",
        ),
        Mutant(
            "fails-under-load",
            "envelope.http-status",
            "takes 0.1 s a lookup and answers 503 when more than 3 are in flight at once",
            delay=0.1,
            max_in_flight=3,
            needs="load",
        ),
    )
}
