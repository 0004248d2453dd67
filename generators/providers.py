"""Realistic pools: names, addresses, products, carriers, airports, hotels and plans.

Pools are built once per process from Faker locales seeded with a fixed seed, so they are the
same in every process; a dataset's seed only decides what is drawn from them. ``LookupProvider``
exposes the pools to Faker users (``fake.add_provider(LookupProvider)``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from faker import Faker
from faker.providers import BaseProvider

from generators.money import CURRENCIES
from generators.phones import MOBILE_RANGES, mobile_number
from generators.tracking import CARRIERS, tracking_number, tracking_url

__all__ = [
    "AIRLINES",
    "AIRPORTS",
    "LOCALES",
    "PLANS",
    "Locale",
    "LocalePools",
    "LookupProvider",
    "Product",
    "catalogue",
    "locale_pools",
]

POOL_SEED = 20240229
POOL_SIZE = 200


@dataclass(frozen=True, slots=True)
class Locale:
    """A market: its Faker locale, country, currency, shop UTC offset and share of customers."""

    code: str
    region: str
    currency: str
    offset: str
    weight: int


LOCALES: tuple[Locale, ...] = (
    Locale("en_US", "US", "USD", "-05:00", 40),
    Locale("en_CA", "CA", "CAD", "-05:00", 6),
    Locale("en_GB", "GB", "GBP", "+00:00", 8),
    Locale("de_DE", "DE", "EUR", "+01:00", 6),
    Locale("fr_FR", "FR", "EUR", "+01:00", 5),
    Locale("es_ES", "ES", "EUR", "+01:00", 4),
    Locale("es_MX", "MX", "MXN", "-06:00", 5),
    Locale("pt_BR", "BR", "BRL", "-03:00", 5),
    Locale("en_AU", "AU", "AUD", "+10:00", 4),
    Locale("en_IN", "IN", "INR", "+05:30", 4),
    Locale("ja_JP", "JP", "JPY", "+09:00", 4),
    Locale("zh_CN", "CN", "CNY", "+08:00", 3),
    Locale("ko_KR", "KR", "KRW", "+09:00", 3),
    Locale("ar_SA", "SA", "SAR", "+03:00", 3),
)
# Regions for countries whose Faker locale has no state-like field.
REGIONS = {
    "GB": ("England", "Scotland", "Wales", "Northern Ireland"),
    "DE": ("Bayern", "Berlin", "Hamburg", "Hessen", "Nordrhein-Westfalen", "Sachsen"),
    "FR": ("Île-de-France", "Occitanie", "Bretagne", "Normandie", "Provence-Alpes-Côte d'Azur"),
    "ES": ("Madrid", "Cataluña", "Andalucía", "Galicia", "País Vasco"),
    "IN": ("Maharashtra", "Karnataka", "Tamil Nadu", "Delhi", "Gujarat"),
    "CA": ("ON", "BC", "QC", "AB", "NS"),
    "KR": ("서울특별시", "부산광역시", "경기도", "인천광역시"),
    "SA": ("الرياض", "مكة المكرمة", "المنطقة الشرقية"),
    "CN": ("北京市", "上海市", "广东省", "浙江省"),
}
EXTRA_LAST_NAMES = (
    "O'Brien",
    "D'Angelo",
    "Müller-Lüdenscheidt",
    "Nguyễn",
    "Sánchez-Gómez",
    "Ó Briain",
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example", "inbox.test")


@dataclass(frozen=True, slots=True)
class LocalePools:
    """Names and address parts of one locale."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    states: tuple[str, ...]
    postcodes: tuple[str, ...]
    usernames: tuple[str, ...]


def _state(fake: Faker, region: str) -> str | None:
    if region in REGIONS:
        return None
    for method in ("state_abbr", "province_abbr", "prefecture", "administrative_unit", "state"):
        if hasattr(fake, method):
            return str(getattr(fake, method)())
    return None


@cache
def locale_pools(code: str) -> LocalePools:
    """The pools of one locale, made from Faker seeded with a fixed seed."""
    locale = next(loc for loc in LOCALES if loc.code == code)
    fake = Faker(code)
    fake.seed_instance(POOL_SEED)
    ascii_fake = Faker("en_US")
    ascii_fake.seed_instance(POOL_SEED)
    states = tuple(s for s in (_state(fake, locale.region) for _ in range(POOL_SIZE)) if s)
    last = tuple(dict.fromkeys(fake.last_name() for _ in range(POOL_SIZE)))
    if locale.region in ("US", "GB", "FR", "ES", "DE"):
        last += EXTRA_LAST_NAMES
    return LocalePools(
        first_names=tuple(dict.fromkeys(fake.first_name() for _ in range(POOL_SIZE))),
        last_names=last,
        streets=tuple(fake.street_address().replace("\n", ", ").strip() for _ in range(POOL_SIZE)),
        cities=tuple(dict.fromkeys(fake.city() for _ in range(POOL_SIZE))),
        states=states or REGIONS[locale.region],
        postcodes=tuple(fake.postcode() for _ in range(POOL_SIZE)),
        usernames=tuple(dict.fromkeys(ascii_fake.user_name() for _ in range(POOL_SIZE))),
    )


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and dots from a name ('Ana Díaz' -> 'ana.diaz'); '' when none."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = ["".join(ch for ch in w if ch.isalnum()) for w in plain.lower().split()]
    return ".".join(w for w in words if w)


@dataclass(frozen=True, slots=True)
class Product:
    """A catalogue product with one variant."""

    id: int
    variant_id: int
    title: str
    variant: str
    sku: str
    usd_cents: int
    image: str
    vendor: str


_ADJECTIVES = (
    "Classic",
    "Everyday",
    "Merino",
    "Organic",
    "Trail",
    "Heritage",
    "Featherweight",
    "Waxed",
    "Recycled",
    "Linen",
    "Quilted",
    "Alpine",
    "Coastal",
    "Studio",
    "Weekend",
)
_NOUNS = (
    ("Socks", 1400),
    ("Scarf", 4200),
    ("Beanie", 2800),
    ("Tote Bag", 3600),
    ("Rain Jacket", 14800),
    ("Hoodie", 6800),
    ("Water Bottle", 2400),
    ("Backpack", 9800),
    ("Gloves", 3200),
    ("T-Shirt", 2600),
    ("Sneakers", 11800),
    ("Sunglasses", 8800),
    ("Notebook", 1600),
    ("Mug", 1800),
    ("Blanket", 7900),
)
_VARIANTS = ("S", "M", "L", "XL", "Black", "Navy", "Olive", "Sand", "One Size")
_VENDORS = ("Northwind Outfitters", "Lumen & Loom", "Harbor Goods")
EXCHANGE_RATES = {
    "USD": 1.0,
    "CAD": 1.36,
    "AUD": 1.52,
    "MXN": 17.1,
    "GBP": 0.79,
    "EUR": 0.92,
    "BRL": 4.95,
    "JPY": 150.0,
    "CNY": 7.2,
    "KRW": 1350.0,
    "INR": 83.0,
    "SAR": 3.75,
}


@cache
def catalogue() -> tuple[Product, ...]:
    """The fake store's catalogue: every adjective/noun pair, one variant each."""
    products = []
    for index, (adjective, (noun, cents)) in enumerate((a, n) for a in _ADJECTIVES for n in _NOUNS):
        title = f"{adjective} {noun}"
        handle = title.lower().replace(" ", "-")
        variant = _VARIANTS[index % len(_VARIANTS)]
        sku = f"{adjective[:3].upper()}-{noun.split()[0][:4].upper()}-{variant[:2].upper()}-{100 + index}"
        image = f"https://cdn.shopify.com/s/files/1/0612/3456/7890/products/{handle}.jpg"
        products.append(
            Product(
                8_100_000_000_000 + index,
                44_000_000_000_000 + index,
                title,
                variant,
                sku,
                cents + (index % 7) * 100 - 1,
                image,
                _VENDORS[index % 3],
            )
        )
    return tuple(products)


def price_in(usd_cents: int, currency: str) -> int:
    """A catalogue price in another currency's minor units, rounded as shops round (x.99 / whole)."""
    decimals = CURRENCIES[currency].decimals
    value = usd_cents / 100 * EXCHANGE_RATES[currency]
    if decimals == 0:
        return max(1, int(round(value, -1 if value < 10_000 else -2)))
    return max(1, round(value)) * 100 - 1


# (IATA code, city, IANA time zone)
AIRPORTS = (
    ("SEA", "Seattle", "America/Los_Angeles"),
    ("SFO", "San Francisco", "America/Los_Angeles"),
    ("LAX", "Los Angeles", "America/Los_Angeles"),
    ("JFK", "New York", "America/New_York"),
    ("ORD", "Chicago", "America/Chicago"),
    ("ATL", "Atlanta", "America/New_York"),
    ("DFW", "Dallas", "America/Chicago"),
    ("DEN", "Denver", "America/Denver"),
    ("YYZ", "Toronto", "America/Toronto"),
    ("MEX", "Mexico City", "America/Mexico_City"),
    ("GRU", "São Paulo", "America/Sao_Paulo"),
    ("LHR", "London", "Europe/London"),
    ("CDG", "Paris", "Europe/Paris"),
    ("FRA", "Frankfurt", "Europe/Berlin"),
    ("MAD", "Madrid", "Europe/Madrid"),
    ("DXB", "Dubai", "Asia/Dubai"),
    ("DEL", "Delhi", "Asia/Kolkata"),
    ("NRT", "Tokyo", "Asia/Tokyo"),
    ("ICN", "Seoul", "Asia/Seoul"),
    ("PEK", "Beijing", "Asia/Shanghai"),
    ("SYD", "Sydney", "Australia/Sydney"),
    ("HNL", "Honolulu", "Pacific/Honolulu"),
)
AIRLINES = (
    ("AS", "Alaska Airlines"),
    ("UA", "United"),
    ("DL", "Delta"),
    ("AA", "American"),
    ("AC", "Air Canada"),
    ("BA", "British Airways"),
    ("LH", "Lufthansa"),
    ("AF", "Air France"),
    ("NH", "ANA"),
    ("QF", "Qantas"),
    ("EK", "Emirates"),
)
# (plan name, USD cents, interval unit, interval number)
PLANS = (
    ("Sock of the Month", 1400, "month", "1"),
    ("Coffee Club", 2200, "week", "2"),
    ("Quarterly Outfit Box", 8900, "quarter", "1"),
    ("Annual Membership", 9900, "year", "1"),
    ("Daily Vitamins", 300, "day", "30"),
)


class LookupProvider(BaseProvider):
    """Faker provider over the kit's pools: ``fake.add_provider(LookupProvider)``."""

    def carrier(self) -> str:
        return str(self.random_element(tuple(CARRIERS)))

    def tracking_number(self, carrier: str | None = None) -> str:
        return tracking_number(self.generator.random, carrier or self.carrier())

    def tracking_url(self, carrier: str, number: str) -> str:
        return tracking_url(carrier, number)

    def mobile_e164(self, region: str = "US") -> str:
        if region not in MOBILE_RANGES:
            raise ValueError(f"region={region!r} is not one of {', '.join(MOBILE_RANGES)}")
        return mobile_number(self.generator.random, region)

    def product_name(self) -> str:
        return self.random_element(catalogue()).title

    def sku(self) -> str:
        return self.random_element(catalogue()).sku

    def iata_airport(self) -> str:
        return str(self.random_element(AIRPORTS)[0])

    def flight_number(self) -> str:
        return f"{self.random_element(AIRLINES)[0]}{self.random_int(10, 2999)}"

    def pnr_code(self) -> str:
        return "".join(self.random_elements("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", length=6))

    def subscription_plan(self) -> str:
        return str(self.random_element(PLANS)[0])
