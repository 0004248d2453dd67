"""Carriers, check-digit-valid tracking numbers and the tracking URLs that go with them."""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass

from generators.chooser import Chooser

__all__ = ["CARRIERS", "Carrier", "tracking_number", "tracking_url"]


def _mod10(values: list[int], even_weight: int, odd_weight: int) -> int:
    total = sum(v * (even_weight if i % 2 == 0 else odd_weight) for i, v in enumerate(values))
    return (10 - total % 10) % 10


def _digits(rng: Chooser, count: int) -> str:
    return str(rng.randint(0, 10**count - 1)).zfill(count)


def _ups(rng: Chooser) -> str:
    shipper = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(6))
    body = shipper + rng.choice(("01", "02", "03", "12", "13")) + _digits(rng, 7)
    values = [int(c) if c.isdigit() else (ord(c) - 3) % 10 for c in body]
    return f"1Z{body}{_mod10(values, 1, 2)}"


def _fedex_express(rng: Chooser) -> str:
    serial = _digits(rng, 11)
    weights = (3, 1, 7)
    check = sum(int(d) * weights[i % 3] for i, d in enumerate(serial)) % 11 % 10
    return f"{serial}{check}"


def _fedex_ground(rng: Chooser) -> str:
    serial = "0" + _digits(rng, 13)
    return f"{serial}{_mod10([int(d) for d in serial], 1, 3)}"


def _usps(rng: Chooser) -> str:
    serial = rng.choice(("9400", "9205", "9361", "9405")) + _digits(rng, 17)
    return f"{serial}{_mod10([int(d) for d in serial], 3, 1)}"


def _dhl(rng: Chooser) -> str:
    serial = str(rng.randint(10**8, 10**9 - 1))
    return f"{serial}{int(serial) % 7}"


@dataclass(frozen=True, slots=True)
class Carrier:
    """A carrier as each system names it, with its tracking-number format and URL."""

    name: str  # Shopify tracking_company and Gladly carrier
    slug: str  # BigCommerce tracking_carrier / Magento carrier_code
    speeds: tuple[str, ...]
    url: str
    make: Callable[[Chooser], str]


CARRIERS: dict[str, Carrier] = {
    c.name: c
    for c in (
        Carrier(
            "UPS",
            "ups",
            ("UPS Ground", "UPS 2nd Day Air", "UPS Next Day Air"),
            "https://www.ups.com/track?tracknum={n}",
            _ups,
        ),
        Carrier(
            "FedEx",
            "fedex",
            ("FedEx Ground", "FedEx 2Day", "FedEx Priority Overnight"),
            "https://www.fedex.com/fedextrack/?trknbr={n}",
            _fedex_express,
        ),
        Carrier(
            "FedEx Ground",
            "fedex",
            ("FedEx Home Delivery", "FedEx Ground Economy"),
            "https://www.fedex.com/fedextrack/?trknbr={n}",
            _fedex_ground,
        ),
        Carrier(
            "USPS",
            "usps",
            ("USPS Ground Advantage", "USPS Priority Mail", "USPS Priority Mail Express"),
            "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}",
            _usps,
        ),
        Carrier(
            "DHL Express",
            "dhl",
            ("DHL Express Worldwide", "DHL Express 12:00"),
            "https://www.dhl.com/en/express/tracking.html?AWB={n}&brand=DHL",
            _dhl,
        ),
    )
}


def tracking_number(rng: Chooser, carrier: str) -> str:
    """A tracking number for ``carrier`` whose check digit is valid."""
    return CARRIERS[carrier].make(rng)


def tracking_url(carrier: str, number: str) -> str:
    """The carrier's public tracking page for ``number``."""
    return CARRIERS[carrier].url.format(n=number)
