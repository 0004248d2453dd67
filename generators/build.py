"""Builders for people, orders and the other transactions, shared by datasets and strategies.

Every builder draws through a Chooser: ``random.Random`` for fast seeded datasets, or ``Draws``
(Hypothesis draws) inside strategies, so the coherence rules live in one place and Hypothesis
examples still shrink. Records here are internal; ``views`` renders them for Gladly and the OMS.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, Literal

from generators import edge_cases as E
from generators import fulfilments, others
from generators.chooser import Chooser, weighted
from generators.phones import mobile_number
from generators.pricing import Pricing
from generators.pricing import price as price_order
from generators.providers import (
    EMAIL_DOMAINS,
    LOCALES,
    Locale,
    Product,
    ascii_slug,
    catalogue,
    locale_pools,
    price_in,
)
from generators.tracking import CARRIERS, tracking_number, tracking_url

__all__ = [
    "DEEP_INDEX",
    "MODES",
    "PHONE_ONLY_INDEX",
    "TYPES",
    "Address",
    "Builder",
    "Chooser",
    "Line",
    "Mode",
    "Order",
    "Person",
    "Shipment",
    "iso",
    "weighted",
]

DEEP_INDEX = 37  # the person whose orders span pages, in a dataset with ``deep`` orders
PHONE_ONLY_INDEX = DEEP_INDEX + 2  # then, the person with a phone and no email (``deep`` too)
Mode = Literal["realistic", "edge"]
MODES: tuple[Mode, ...] = ("realistic", "edge")
TYPES = ("ORDER", "FLIGHT", "STAY", "SUBSCRIPTION", "GENERIC")
ORDER_OUTCOMES = (
    ("complete", 55),
    ("refunded", 5),
    ("pending", 12),
    ("partial", 8),
    ("canceled", 12),
    ("reviewing", 8),
)
US_CARRIERS = ("UPS", "FedEx", "USPS", "FedEx Ground")
WORLD_CARRIERS = ("DHL Express", "UPS", "FedEx")


@dataclass(slots=True)
class Address:
    name: str
    street1: str
    street2: str
    city: str
    state: str
    zip: str
    country: str
    phone: str


@dataclass(slots=True)
class Line:
    id: int
    product: Product
    quantity: int
    price: int  # minor units
    shipped: bool = False


@dataclass(slots=True)
class Shipment:
    """One fulfilment. Only ``status == "success"`` ones shipped anything; ``progress`` is the
    carrier's word for a successful one (label_printed ... delivered)."""

    id: int
    line_ids: list[int]
    carrier: str
    number: str
    url: str
    speed: str
    created: datetime
    eta: datetime
    delivered: bool
    status: str = "success"  # success, pending, open, cancelled, error, failure (Shopify's)
    progress: str = "in_transit"


@dataclass(slots=True)
class Order:
    id: int
    number: int
    created: datetime
    outcome: str  # complete | refunded | pending | partial | canceled | reviewing
    currency: str
    lines: list[Line]
    shipments: list[Shipment]
    speed: str
    shipping: Address
    billing: Address
    token: str
    note: str
    closed: datetime | None = None
    pricing: Pricing | None = None  # set once the order is built (generators.pricing)

    @property
    def status(self) -> str:
        """The Gladly orderStatus this order has by the documented definitions."""
        return {"refunded": "complete", "partial": "pending"}.get(self.outcome, self.outcome)

    @property
    def total(self) -> int:
        """What the customer paid: line items less discounts, plus tax added at checkout."""
        if self.pricing is not None:
            return self.pricing.total
        return sum(line.price * line.quantity for line in self.lines)

    @property
    def shipped(self) -> list[Shipment]:
        """The fulfilments that shipped (not the open, cancelled or failed ones)."""
        return [s for s in self.shipments if s.status == "success"]


@dataclass(slots=True)
class Person:
    index: int
    id: int
    gladly_id: str
    locale: Locale
    first: str
    last: str
    email: str
    phone: str
    address: Address
    created: datetime
    orders: list[Order] = field(default_factory=list)
    others: list[dict[str, Any]] = field(
        default_factory=list
    )  # FLIGHT, STAY, SUBSCRIPTION, GENERIC

    @property
    def name(self) -> str:
        """As a Shopify-backed adapter shows it: first name, then last name."""
        return f"{self.first} {self.last}".strip()

    @property
    def spent(self) -> int:
        """What the orders that were not cancelled cost, less refunds (Shopify's total_spent)."""
        return sum(
            o.total - (o.pricing.refunded if o.pricing else 0)
            for o in self.orders
            if o.outcome != "canceled"
        )


iso = others.iso  # ISO-8601 with the moment's own offset, seconds precision ('Z' for UTC)


@dataclass
class Builder:
    """Builds a dataset's people one at a time; counters keep ids and contacts unique.

    Args:
        reference: the "today" every date is relative to (never the wall clock).
        mode: ``realistic`` or ``edge``.
        types: transaction types to build (ORDER orders; others are Gladly-only).
        min_orders, max_orders: how many of each transaction type per person.
        shop: the fake Shopify shop handle, used in URLs.
        deep: with more than DEEP_INDEX people, the person at DEEP_INDEX has this many orders
            (0: no such person), so their orders span pages on every platform, the person
            after them has none, and the one after that (PHONE_ONLY_INDEX) has a phone and no
            email, as a Shopify customer who signed up by SMS.
    """

    reference: date
    mode: Mode = "realistic"
    types: tuple[str, ...] = ("ORDER",)
    min_orders: int = 1
    max_orders: int = 4
    shop: str = "lookupkit-demo"
    deep: int = 0
    _order_seq: int = 0
    _line_seq: int = 0
    _ship_seq: int = 0
    _emails: set[str] = field(default_factory=set)
    _phones: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode={self.mode!r} must be one of {', '.join(MODES)}")
        if not 0 <= self.min_orders <= self.max_orders:
            raise ValueError(
                f"min_orders={self.min_orders}, max_orders={self.max_orders}: need 0 <= min <= max"
            )
        unknown = set(self.types) - set(TYPES)
        if unknown:
            raise ValueError(
                f"types={sorted(unknown)!r} are not transaction types ({', '.join(TYPES)})"
            )
        self._now = datetime.combine(self.reference, time(12, 0), UTC)
        self._weights = tuple((loc, loc.weight) for loc in LOCALES)

    # -- people ---------------------------------------------------------------------------------

    def person(self, rng: Chooser, index: int) -> Person:
        """One person with their transactions; ``index`` makes the ids."""
        locale = weighted(rng, self._weights)
        pools = locale_pools(locale.code)
        edge = self.mode == "edge" and rng.randint(0, 2) == 0
        first = rng.choice(pools.first_names)
        last = rng.choice(pools.last_names)
        if edge:
            first, last = rng.choice(E.UNICODE_NAMES + E.LONG_NAMES), ""
        email = self._email(rng, f"{first} {last}", pools.usernames)  # drawn for every person:
        if self.deep and index == PHONE_ONLY_INDEX:  # no one else changes
            email = ""
        phone = self._phone(rng, locale.region)
        address = self._address(rng, locale, f"{first} {last}".strip(), phone)
        created = self._now - timedelta(days=rng.randint(30, 2000), seconds=rng.randint(0, 86399))
        person = Person(
            index,
            7_100_000_000_000 + index,
            self._gladly_id(rng),
            locale,
            first,
            last,
            email,
            phone,
            address,
            created.astimezone(self._tz(rng, locale)),
        )
        count = rng.randint(self.min_orders, self.max_orders)
        if self.deep and index in (DEEP_INDEX, DEEP_INDEX + 1):
            count = self.deep if index == DEEP_INDEX else 0  # and the next has never ordered
        if "ORDER" in self.types:
            person.orders = sorted(
                (self.order(rng, person) for _ in range(count)),
                key=lambda o: o.created,
                reverse=True,
            )
        for kind in self.types:  # each type its own count: few people have as many stays as orders
            if kind != "ORDER":
                many = rng.randint(self.min_orders, self.max_orders)  # deep in orders only
                person.others += [self.other(rng, person, kind) for _ in range(many)]
        return person

    def _gladly_id(self, rng: Chooser) -> str:
        raw = rng.randint(0, 2**128 - 1).to_bytes(16, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def _tz(self, rng: Chooser, locale: Locale) -> timezone:
        text = (
            rng.choice(E.EDGE_OFFSETS)
            if self.mode == "edge" and rng.randint(0, 3) == 0
            else locale.offset
        )
        sign = -1 if text[0] == "-" else 1
        hours, minutes = int(text[1:3]), int(text[4:6])
        return timezone(sign * timedelta(hours=hours, minutes=minutes))

    def _email(self, rng: Chooser, name: str, usernames: Sequence[str]) -> str:
        local = ascii_slug(name) or rng.choice(usernames)
        if self.mode == "edge" and rng.randint(0, 2) == 0:
            local = rng.choice(E.EDGE_EMAIL_LOCALS)
        local = local[:48]
        domain = rng.choice(EMAIL_DOMAINS)
        email, n = f"{local}@{domain}", 1
        while email.lower() in self._emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self._emails.add(email.lower())
        return email

    def _phone(self, rng: Chooser, region: str) -> str:
        phone = mobile_number(rng, region)
        while phone in self._phones:
            phone = mobile_number(rng, region)
        self._phones.add(phone)
        return phone

    def _address(self, rng: Chooser, locale: Locale, name: str, phone: str) -> Address:
        pools = locale_pools(locale.code)
        street2 = f"Apt {rng.randint(1, 40)}" if rng.randint(0, 4) == 0 else ""
        street1 = rng.choice(pools.streets)
        if self.mode == "edge" and rng.randint(0, 3) == 0:
            street1 = rng.choice(E.EDGE_TEXT[1:]) or street1
        return Address(
            name,
            street1,
            street2,
            rng.choice(pools.cities),
            rng.choice(pools.states),
            rng.choice(pools.postcodes),
            locale.region,
            phone,
        )

    # -- orders ---------------------------------------------------------------------------------

    def _order_created(self, rng: Chooser, person: Person) -> datetime:
        tz = person.created.tzinfo
        if self.mode == "edge" and rng.randint(0, 4) == 0:
            return datetime.fromisoformat(rng.choice(E.BOUNDARY_TIMESTAMPS[:4]))
        # Half the orders fall in the last 30 days, so Sidekick's recent-order view has data.
        days = rng.randint(0, 29) if rng.randint(0, 1) else rng.randint(30, 540)
        return (self._now - timedelta(days=days, seconds=rng.randint(0, 86399))).astimezone(tz)

    def _lines(self, rng: Chooser, currency: str) -> list[Line]:
        """One to four line items (edge: none to fifty), of catalogue products, priced in
        ``currency``."""
        count = weighted(rng, ((1, 45), (2, 30), (3, 15), (4, 10)))
        if self.mode == "edge":
            count = weighted(rng, ((0, 1), (1, 3), (2, 2), (50, 1)))
        products = catalogue()
        start = rng.randint(0, len(products) - 1)
        lines = []
        for offset in range(count):
            product = products[(start + offset * 7) % len(products)]
            self._line_seq += 1
            price = price_in(product.usd_cents, currency)
            if self.mode == "edge" and rng.randint(0, 3) == 0:
                price = 0
            quantity = weighted(rng, ((1, 70), (2, 20), (3, 10)))
            lines.append(Line(16_000_000_000_000 + self._line_seq, product, quantity, price))
        return lines

    def order(self, rng: Chooser, person: Person) -> Order:
        """An order whose status, shipments, totals and dates agree with each other."""
        self._order_seq += 1
        created = self._order_created(rng, person)
        outcome = weighted(rng, ORDER_OUTCOMES)
        currency = person.locale.currency
        lines = self._lines(rng, currency)
        region = person.locale.region
        carrier = rng.choice(US_CARRIERS if region == "US" else WORLD_CARRIERS)
        speed = rng.choice(CARRIERS[carrier].speeds)
        billing = person.address
        shipping = (
            billing
            if rng.randint(0, 5)
            else self._address(rng, person.locale, billing.name, billing.phone)
        )
        order = Order(
            5_500_000_000_000 + self._order_seq,
            1000 + self._order_seq,
            created,
            outcome,
            currency,
            lines,
            [],
            speed,
            shipping,
            billing,
            self._token(rng),
            rng.choice(("", "", "", "Gift wrap, please.", "Leave at the back door.")),
        )
        self._ship(rng, order, carrier)
        order.shipments[:0] = [
            Shipment(**f) for f in fulfilments.attempts(order, carrier, self._now)
        ]
        order.pricing = price_order(
            order.id,
            [(line.id, line.price * line.quantity) for line in lines],
            person.locale.region,
            order.outcome,
        )
        if order.outcome in (
            "complete",
            "refunded",
            "canceled",
        ) and created < self._now - timedelta(days=60):
            order.closed = created + timedelta(days=10)  # the shop archives finished orders
        return order

    def _token(self, rng: Chooser) -> str:
        return f"{rng.randint(0, 16**32 - 1):032x}"

    def _ship(self, rng: Chooser, order: Order, carrier: str) -> None:
        """Create shipments that agree with the outcome; an order too new to ship stays pending."""
        if not order.lines or order.outcome in ("canceled", "reviewing", "pending"):
            if not order.lines and order.outcome in ("complete", "refunded", "partial"):
                order.outcome = "pending"
            return
        shipped_at = order.created + timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 12))
        if shipped_at > self._now:
            order.outcome = "pending"
            return
        lines = order.lines
        if order.outcome == "partial":
            if len(lines) < 2:
                order.outcome = "pending"
                return
            batches = [lines[: rng.randint(1, len(lines) - 1)]]
        elif len(lines) > 1 and rng.randint(0, 3) == 0:
            cut = rng.randint(1, len(lines) - 1)
            batches = [lines[:cut], lines[cut:]]
        else:
            batches = [lines]
        for batch_index, batch in enumerate(batches):
            self._ship_seq += 1
            created = shipped_at + timedelta(hours=batch_index * rng.randint(2, 30))
            eta = created + timedelta(days=rng.randint(2, 7))
            number = tracking_number(rng, carrier)
            for line in batch:
                line.shipped = True
            order.shipments.append(
                Shipment(
                    4_200_000_000_000 + self._ship_seq,
                    [line.id for line in batch],
                    carrier,
                    number,
                    tracking_url(carrier, number),
                    order.speed,
                    created,
                    eta,
                    eta <= self._now,
                    progress=fulfilments.progress(created, eta, self._now, order.id),
                )
            )

    # -- other transaction types ------------------------------------------------------------------

    def other(self, rng: Chooser, person: Person, kind: str) -> dict[str, Any]:
        """A FLIGHT, STAY, SUBSCRIPTION or GENERIC transaction in Gladly's shape (see ``others``)."""
        if kind == "FLIGHT":
            return others.flight(rng, self._now)
        if kind == "STAY":
            return others.stay(rng, self.reference)
        if kind == "SUBSCRIPTION":
            return others.subscription(rng, self._now, person.locale.currency)
        return others.generic(rng, self._now)
