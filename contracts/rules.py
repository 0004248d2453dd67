"""The rule catalogue: every check the kit makes, with a stable id, severities and a fix hint.

Each rule has one severity per conformance profile. Profiles are supersets: ``core`` (Gladly
itself would fail or misbehave), ``agent`` (transaction cards render as documented), ``sidekick``
(Sidekick and the WISMO Thread work). A rule's severity never drops from one profile to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = [
    "CATALOGUE",
    "PROFILES",
    "RULES",
    "Finding",
    "Profile",
    "Rule",
    "Severity",
    "Violation",
    "shown",
]

Severity = Literal["error", "warning", "info"]
Profile = Literal["core", "agent", "sidekick"]
PROFILES: tuple[Profile, ...] = get_args(Profile)
SEVERITY_ORDER: dict[Severity, int] = {"error": 0, "warning": 1, "info": 2}
_CODES: dict[str, Severity | None] = {"E": "error", "W": "warning", "I": "info", "-": None}


@dataclass(frozen=True, slots=True)
class Rule:
    """One named rule of the contract.

    Attributes:
        id: stable id, ``family.name``; reports and tests refer to it.
        title: the rule as a statement of what must hold.
        hint: a one-line fix.
        levels: severities for core, agent, sidekick as three letters: E(rror), W(arning),
            I(nfo) or - (not judged in that profile).
    """

    id: str
    title: str
    hint: str
    levels: str

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]

    def severity(self, profile: Profile) -> Severity | None:
        """The rule's severity in ``profile``, or None when the profile does not judge it."""
        try:
            return _CODES[self.levels[PROFILES.index(profile)]]
        except ValueError:
            raise ValueError(f"profile={profile!r} is not one of {', '.join(PROFILES)}") from None


@dataclass(frozen=True, slots=True)
class Violation:
    """What a check yields: which rule broke, where, and what was expected and received."""

    rule: Rule
    path: str
    expected: str
    received: str
    title: str = ""

    def message(self) -> str:
        """The failure text: title, then Expected / Received, then the hint."""
        return (
            f"{self.title or self.rule.title}\n\n"
            f"Expected: {self.expected}\nReceived: {self.received}\nHint: {self.rule.hint}"
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """A violation judged in a profile: the shape reports and ``lookupkit check`` print."""

    rule: str
    severity: Severity
    message: str
    path: str

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
        }


def shown(value: object, limit: int = 80) -> str:
    """A value as failure messages show it: its repr, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _r(rule_id: str, levels: str, title: str, hint: str) -> Rule:
    return Rule(rule_id, title, hint, levels)


# fmt: off
# Envelope: the HTTP answer and the results array.
HTTP_STATUS = _r("envelope.http-status", "EEE", "A valid lookup is answered with HTTP 200",
                 "answer 200 with {\"results\": []} when nothing matches; errors are for bad requests")
CONTENT_TYPE = _r("envelope.content-type", "WWW", "The response is labelled application/json",
                  "set Content-Type: application/json on every answer")
LATENCY_SLOW = _r("envelope.latency-slow", "WWW", "The adapter answers within 5 seconds",
                  "cache OMS calls or fetch fewer orders; Gladly recommends answers under 5 s")
LATENCY_TIMEOUT = _r("envelope.latency-timeout", "EEE", "The adapter answers within Gladly's 15-second cap",
                     "Gladly stops waiting after 15 s: return fewer transactions or answer from a cache")
COMPLETE_ANSWER = _r("envelope.complete-answer", "EEE", "Every request gets a complete HTTP answer",
                     "answer every request in full: no dropped connections, no bodies over 5 MiB, valid TLS")
RESPONSE_SCHEMA = _r("envelope.response-schema", "EEE", "Answers validate against the documented response schema",
                     "compare the answer with contracts/spec/schemas/lookup-response.json (Schemathesis' check)")
JSON_OBJECT = _r("envelope.json-object", "EEE", "The response body is a JSON object",
                 "answer with a JSON object such as {\"results\": [...]}")
RESULTS_ARRAY = _r("envelope.results-array", "EEE", "The response has a 'results' array",
                   "wrap profiles in {\"results\": [...]}; use [] (not null) for no match")
# Profile: each result.
PROFILE_OBJECT = _r("profile.object", "EEE", "Each result is a JSON object",
                    "put one customer profile object per element of 'results'")
EXTERNAL_ID = _r("profile.external-id", "EEE", "Each result has a non-empty string externalCustomerId",
                 "send ids as strings, e.g. \"12345\" not 12345")
FIELD_TYPES = _r("profile.field-types", "EEE", "Profile fields have their documented types",
                 "name and address are strings; emails is [{\"original\": ...}]; phones is [{\"original\": ..., \"type\": ...}]")
ATTRS_FLAT = _r("profile.custom-attributes-flat", "EEE", "customAttributes is a flat object",
                "send customAttributes as one level of key/value pairs; join or flatten nested data")
ATTRS_STRINGS = _r("profile.custom-attributes-strings", "WWW", "customAttributes values are strings",
                   "convert numbers and booleans to strings; send \"\" to clear a value")
EMAIL_FORMAT = _r("profile.email-format", "WWE", "Emails are valid addresses",
                  "send the customer's address as it is, e.g. {\"original\": \"ana@example.com\"}")
PHONE_E164 = _r("profile.phone-e164", "WWW", "Phone numbers are in E.164 format",
                "format numbers as +<country><number>, e.g. +14155550123")
PHONE_TYPE = _r("profile.phone-type", "WWW", "Phone types are Gladly phone types",
                "use MOBILE, HOME, WORK or OTHER; MOBILE is needed for auto-link by phone")
UNKNOWN_FIELD = _r("profile.unknown-field", "III", "Profile keys are documented profile fields",
                   "Gladly ignores other keys: put extra data under customAttributes")
BASIC_NO_TXN = _r("profile.basic-no-transactions", "IWW", "BASIC answers carry no transactions or actions",
                  "send transactions and actions only for DETAILED lookups; BASIC answers should be light")
# Cardinality: how many results, and which.
DETAILED_SINGLE = _r("detailed.single-result", "EEE", "A detailed lookup returns at most one result",
                     "look the customer up by externalCustomerId only and return that one profile")
DETAILED_ECHO = _r("detailed.echoes-id", "EEE", "A detailed lookup returns the requested customer",
                   "return the profile whose externalCustomerId equals query.externalCustomerId")
AUTO_LINK_SINGLE = _r("auto-link.single-result", "WWW", "An auto-link lookup returns one customer at most",
                      "Gladly links only on exactly one result: match on email and phone, not on name")
AUTO_LINK_MATCH = _r("auto-link.contact-match", "WWE", "The auto-link result shares an email or MOBILE phone with the profile",
                     "return the customer's emails, and phones with type MOBILE, so Gladly can confirm the link")
SEARCH_MATCH = _r("basic-search.results-match", "EEE", "Every basic search result matches the query",
                  "filter results by the searched attributes; returning other customers leaks their data")
FINDS_KNOWN = _r("lookup.finds-known-customer", "WEE", "A customer named as known is found",
                 "make auto-link and search find customers by their email and MOBILE phone")
STABLE = _r("lookup.stable-results", "EEE", "Repeating a lookup returns the same customers",
            "make lookups deterministic: no random sampling, stable sort orders")
# Transactions: every type.
TXN_TYPE = _r("transaction.type-known", "EEE", "Each transaction is an object with a known type",
              "set type to ORDER, FLIGHT, STAY, SUBSCRIPTION or GENERIC (upper case)")
TXN_FLAT = _r("transaction.flat", "EEE", "Transactions are flat apart from the documented arrays",
              "only ORDER products/fulfillments/billingAddress/actions and SUBSCRIPTION products/actions nest")
TXN_TYPES = _r("transaction.reserved-types", "WEE", "Reserved transaction fields have their documented types",
               "itemCount is an integer; every other reserved field is a string (\"4\", not 4)")
TXN_STRINGS = _r("transaction.string-values", "IWW", "Custom transaction values are strings",
                 "send custom values as strings so Gladly shows them as written")
TXN_DATES = _r("transaction.iso-dates", "IWE", "Transaction dates are ISO-8601",
               "format dates like 2024-05-01T12:00:00Z (an offset is optional)")
TXN_URLS = _r("transaction.absolute-urls", "WEE", "Transaction URLs are absolute http(s) URLs",
              "send full URLs such as https://shop.example.com/orders/1001")
TXN_HTTPS_IMAGES = _r("transaction.https-images", "-WE", "Product images are served over HTTPS",
                      "serve product images from an https:// URL (Sidekick will not load others)")
TXN_ACTIONS = _r("transaction.actions-allowed", "WWW", "Only ORDER and SUBSCRIPTION transactions carry actions",
                 "move the action to the profile's actions or to an ORDER/SUBSCRIPTION")
# ORDER and its parts.
ORDER_FIELDS = _r("order.required-fields", "-WE", "ORDER has the fields Sidekick needs",
                  "send createdAt, orderNumber, orderStatus, orderTotal, products and fulfillments")
ORDER_STATUS = _r("order.status-definition", "-WW", "orderStatus is pending, reviewing, complete or canceled",
                  "map your OMS states onto pending / reviewing / complete / canceled")
ORDER_TOTAL_SYMBOL = _r("order.total-symbol", "-WE", "orderTotal carries a currency symbol",
                        "format the total with its symbol, e.g. \"$50.00\" or \"12,00 €\"")
ORDER_TOTAL_CURRENCY = _r("order.total-currency", "WEE", "orderTotal's symbol agrees with currencyCode",
                          "format the total in the order's own currency")
ORDER_CURRENCY_CODE = _r("order.currency-code", "WWW", "currencyCode is an ISO-4217 code",
                         "send three upper-case letters such as USD or EUR")
ORDER_PRODUCT_IDS = _r("order.unique-product-ids", "WEE", "Product ids are unique within an order",
                       "give each line its own id (e.g. the line item id) so fulfilments can point at it")
ORDER_FULFILLMENT_IDS = _r("order.fulfillment-products-resolve", "WEE", "Fulfilment productIds name products of the same order",
                           "fill productIds with the id values of this order's products")
PRODUCT_FIELDS = _r("product.required-fields", "-WE", "ORDER products have id, name and sku",
                    "send id, name and sku for every product of an order")
FULFILLMENT_TRACKING = _r("fulfillment.tracking-fields", "-WE", "Fulfilments have productIds and tracking",
                          "send productIds, trackingUrl and, when the carrier gave one, trackingNumber")
FULFILLMENT_SIDEKICK = _r("fulfillment.sidekick-fields", "--E", "Fulfilments have carrier, shippingSpeed and shippingAddress",
                          "send carrier, shippingSpeed and shippingAddress so Sidekick can track the parcel")
FULFILLMENT_KEYS = _r("fulfillment.known-keys", "-II", "Fulfilments carry only documented keys",
                      "Gladly does not show custom fulfilment keys; move them to the order")
ADDRESS_FIELDS = _r("address.sidekick-fields", "--E", "Addresses have street1, city, state, country and zip",
                    "send each part of the address in its own field")
ADDRESS_PHONE = _r("address.phone-e164", "-WW", "Address phones are in E.164 format",
                   "format numbers as +<country><number>")
# SUBSCRIPTION.
SUB_FIELDS = _r("subscription.required-fields", "WEE", "SUBSCRIPTION has subscriptionId and status",
                "send subscriptionId and status on every subscription")
SUB_STATUS = _r("subscription.status-enum", "-EE", "SUBSCRIPTION status is a documented value",
                "use Active, Cancelled, Expired, Future, In Trial, Non-Renewing or Paused, spelled so")
SUB_INTERVAL = _r("subscription.billing-interval", "-EE", "billingIntervalUnit and billingIntervalNumber come together and are valid",
                  "send both: unit day/week/month/quarter/year and number as a string like \"4\"")
SUB_INTEGERS = _r("subscription.integer-strings", "-EE", "quantity and billingIntervalNumber are strings holding integers",
                  "send \"4\", not 4 or \"four\"")
# Actions.
ACTION_SHAPE = _r("action.shape", "EEE", "Actions have a name and a formUrl",
                  "send actions as [{\"name\": \"Cancel order\", \"formUrl\": \"/actions/cancel?order=1\"}]")
FORM_SHAPE = _r("action-form.shape", "EEE", "The action form is well formed",
                "return actionUrl and sections; each input has a unique attr; select options have unique values")
SUBMIT_SHAPE = _r("action-submit.shape", "EEE", "Action submits answer in a documented shape",
                  "answer 200 {\"message\", \"detail\"}, or 400/406 {\"errors\": [{\"message\"|\"attr\", \"detail\"}]}")
# Robustness and security, as far as one exchange shows them.
SERVER_ERROR = _r("robustness.no-server-error", "EEE", "The adapter never answers with a 5xx",
                  "validate input and answer 4xx for bad requests; catch OMS failures")
ERROR_LEAK = _r("security.error-leak", "EEE", "Responses leak no stack traces or secrets",
                "log the details server-side and answer a short generic error")
REJECTS_INVALID = _r("robustness.rejects-invalid", "EEE", "Malformed requests are refused with a 4xx",
                     "validate the body: malformed JSON or a wrong shape deserves a 400, not an answer")
ACCEPTS_ONLY_VALID = _r("robustness.refuses-unsent-shapes", "III", "Requests Gladly never sends are refused",
                        "validate lookupLevel, query and uniqueMatchRequired; a 400 is kinder than a guess")
# Security probes: the verifier sends requests Gladly would never sign this way.
REJECTS_UNSIGNED = _r("security.rejects-unsigned", "EEE", "Requests without a signature are rejected",
                      "with a signing key configured, answer 401 when Gladly-Authorization is missing")
REJECTS_WRONG_KEY = _r("security.rejects-wrong-key", "EEE", "Requests signed with another key are rejected",
                       "recompute the signature with your key and compare in constant time")
REJECTS_TAMPERED = _r("security.rejects-tampered-body", "EEE", "A body changed after signing is rejected",
                      "hash the raw body bytes you received, not a re-serialised copy")
REJECTS_OTHER_HEADERS = _r("security.rejects-other-headers", "EEE", "A signature over other header values is rejected",
                           "read SignedHeaders and sign the values actually received")
STALE_TIME = _r("security.stale-time", "WWW", "A stale Gladly-Time is rejected",
                "reject signatures whose Gladly-Time is more than a few minutes old (replay)")
BASIC_AUTH = _r("security.basic-auth", "EEE", "Missing or wrong Basic credentials are rejected",
                "answer 401 unless the Authorization header carries the configured credentials")
ACCEPTS_VARIANTS = _r("security.accepts-gladly-variants", "EEE", "Every correctly signed request Gladly may send is accepted",
                      "verify over the raw bytes and header names case-insensitively; do not re-serialise JSON")
REJECTS_NEAR_MISS = _r("security.rejects-near-miss", "EEE", "A signature that is only almost right is rejected",
                       "parse Gladly-Authorization strictly: hmac-sha256 only, 64 hex digits compared in full, gladly-time signed, every signed header present, one header only, Gladly-Time within the window either way")
REJECTS_REPLAY = _r("security.rejects-replayed-signature", "EEE", "A signature seen before is not trusted for another body",
                    "verify every request on its own: never cache accepted signatures or correlation ids")
NO_ORACLE = _r("security.no-signature-oracle", "EEE", "Refusals do not reveal the expected signature or the key",
               "answer a refusal with the reason only; never echo the expected signature, canonical request or key")
ACTIONS_GUARDED = _r("security.action-endpoints-signed", "EEE", "Action form and submit URLs refuse requests Gladly did not sign",
                     "verify the signature (and Basic credentials) on every route, not only the lookup URL")
SEARCH_INJECTION = _r("security.search-injection", "EEE", "Quotes, wildcards and patterns in a search value match only themselves",
                      "escape or reject query metacharacters (\" ' * % _ \\) before they reach the OMS search; return only real matches")
QUERY_FORM = _r("security.query-form", "III", "The adapter accepts the documented query-string signing form",
                "sign and verify action URLs with the documented canonical query (sorted, encoded); accept the other form too")
QUERY_FORM_UNDOCUMENTED = _r("security.query-form-undocumented", "WWW", "The adapter accepts the documented query-string signing form",
                             "verify action URLs against both query-string forms; Gladly's documentation uses the sorted, encoded query")
EVERY_CONTACT = _r("auto-link.every-contact", "WWE", "Auto-link finds the customer by each of its emails and MOBILE phones alone",
                   "search every email and every phone Gladly sends, each on its own")
EMAIL_CASE = _r("auto-link.email-case-insensitive", "WWE", "Auto-link matches emails trimmed and case-insensitively",
                "lower-case and trim emails before searching, as Gladly compares them")
ALL_MATCHES = _r("auto-link.all-matches", "WWE", "Auto-link with contacts of two customers returns both",
                 "return every customer matching any contact; Gladly then links none, instead of the wrong one")
UNKNOWN_ID = _r("detailed.unknown-id", "EEE", "A detailed lookup of an unknown id answers 200 with no result",
                "answer {\"results\": []} for an id the OMS does not know; never an error, never another customer")
SUBMIT_ROBUST = _r("action-submit.robust", "EEE", "Action submits with values the form cannot produce get a documented answer",
                   "validate submitted values: answer 400 {\"errors\": [{\"attr\", \"detail\"}]} for missing, unknown or mistyped values")
FORM_UNKNOWN_TARGET = _r("action-form.unknown-target", "WWW", "A form URL for something that does not exist gets a 4xx",
                         "answer 404 (or 400) when the form's target is unknown, not an empty form")
FOREIGN_ORIGIN = _r("actions.foreign-origin", "EEE", "Action URLs stay on the adapter's own origin",
                    "serve formUrl and actionUrl from the adapter's scheme, host and port (or as paths); Gladly's credentials go nowhere else")
# Truth (verify --oms): the answer against the OMS record it was built from.
TRUTH_OWN_ORDERS = _r("truth.own-orders", "EEE", "Every order shown is one of the customer's orders in the OMS",
                      "look orders up by the customer's OMS id and show the OMS order number or name")
TRUTH_COMPLETE = _r("truth.orders-complete", "EEE", "No order is missing: all of the customer's orders, or the most recent ones without a gap",
                    "follow the OMS's pagination (Link headers, cursors, pages) and sort by creation time, newest first")
TRUTH_CREATED_AT = _r("truth.created-at", "EEE", "createdAt is the OMS order's creation instant",
                      "pass the OMS timestamp on with its offset; never relabel the shop's local time as UTC")
TRUTH_TOTAL = _r("truth.order-total", "EEE", "orderTotal is the OMS total, with a symbol of the order's own currency",
                 "format the order's total in the order's currency, not the shop's or the customer's")
TRUTH_ITEM_COUNT = _r("truth.item-count", "WEE", "itemCount is the sum of the order's line-item quantities",
                      "add up the quantities of the line items, not the number of lines")
TRUTH_TRACKING = _r("truth.tracking-numbers", "WEE", "Every tracking number of the order is shown",
                    "map every fulfilment (and every tracking number of each), not only the first")
TRUTH_SKUS = _r("truth.skus", "WEE", "Every product SKU of the order is shown",
                "map every line item of the order to a product with its sku")
TRUTH_STATUS = _r("truth.order-status", "EEE", "orderStatus agrees with the OMS state under Gladly's four definitions",
                  "canceled when cancelled; reviewing under risk review; complete only when fully fulfilled; pending otherwise")
TRUTH_CONTACTS = _r("truth.contacts", "EEE", "The profile's emails and phones are the customer's own",
                    "map the OMS customer's email and phone, never another record's")
TRUTH_FRESH = _r("truth.fresh", "WEE", "A change in the OMS shows in the adapter's answers within the staleness limit",
                 "cache briefly (seconds), or drop a customer's cached answer when their orders change")
TRUTH_ACTION_EFFECT = _r("truth.action-effect", "WEE", "The answer after an action shows what the action did in the OMS",
                         "drop the customer's cached answer when an action changes their orders, so the agent's refresh shows the change")
TRUTH_UNDER_FAULTS = _r("truth.answers-under-faults", "WWW", "A short OMS rate-limit burst is retried, not passed on",
                        "retry a 429 after its Retry-After while the lookup's budget allows; an honest error is still better than a wrong answer")
TRUTH_SILENT_FAILURE = _r("truth.silent-failure", "EEE", "An OMS failure never becomes a wrong answer",
                          "when the OMS fails, retry within the budget or answer an error status; never 'no customer' or 'no orders'")
# fmt: on

CATALOGUE: tuple[Rule, ...] = tuple(v for v in dict(globals()).values() if isinstance(v, Rule))
RULES: dict[str, Rule] = {rule.id: rule for rule in CATALOGUE}
