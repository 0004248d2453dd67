"""Predicates for the value formats the contract names (email, E.164, ISO-8601, URLs, money)."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit

__all__ = [
    "CURRENCY_SYMBOLS",
    "contact_field",
    "currency_symbol_of",
    "is_absolute_url",
    "is_e164",
    "is_email",
    "is_https_url",
    "is_integer_string",
    "is_iso8601",
    "phone_digits",
]


def contact_field(contact: str) -> str:
    """``email`` when ``contact`` is an email, else ``phone``: how the fake OMS's truth API and
    ``verify --oms`` name a customer (one who signed up by SMS has only a phone)."""
    return "email" if "@" in contact else "phone"


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_E164_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")
# Extended ISO-8601: a date, or a date and time with optional seconds, fraction and offset.
_ISO_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_AMOUNT_CHARS = re.compile(r"[0-9.,'\s\u00a0\u202f+-]")

# ISO-4217 code -> symbols a formatted amount in that currency may carry (the code itself is
# always accepted). Currencies missing here are not judged.
CURRENCY_SYMBOLS: dict[str, tuple[str, ...]] = {
    "USD": ("$", "US$"),
    "EUR": ("€",),
    "GBP": ("£",),
    "JPY": ("¥", "￥", "円"),
    "CNY": ("¥", "￥", "CN¥", "元"),
    "CAD": ("$", "CA$", "C$"),
    "AUD": ("$", "A$", "AU$"),
    "NZD": ("$", "NZ$"),
    "HKD": ("$", "HK$"),
    "SGD": ("$", "S$", "SG$"),
    "TWD": ("$", "NT$"),
    "MXN": ("$", "MX$", "Mex$"),
    "ARS": ("$",),
    "CLP": ("$",),
    "COP": ("$",),
    "BRL": ("R$",),
    "INR": ("₹", "Rs", "Rs."),
    "KRW": ("₩",),
    "CHF": ("CHF", "Fr.", "fr."),
    "SEK": ("kr",),
    "NOK": ("kr",),
    "DKK": ("kr", "kr."),
    "ISK": ("kr",),
    "PLN": ("zł",),
    "CZK": ("Kč",),
    "HUF": ("Ft",),
    "RUB": ("₽",),
    "UAH": ("₴",),
    "TRY": ("₺", "TL"),
    "ILS": ("₪",),
    "ZAR": ("R",),
    "NGN": ("₦",),
    "THB": ("฿",),
    "PHP": ("₱",),
    "IDR": ("Rp",),
    "MYR": ("RM",),
    "VND": ("₫",),
    "AED": ("د.إ.\u200f", "د.إ"),
    "SAR": ("ر.س.\u200f", "ر.س", "﷼"),
    "EGP": ("E£", "ج.م.\u200f"),
}


def is_email(value: str) -> bool:
    """A pragmatic addr-spec check: one @, no spaces, a dotted domain, at most 254 characters."""
    return len(value) <= 254 and bool(_EMAIL_RE.match(value.strip()))


def is_e164(value: str) -> bool:
    """``+`` then 7 to 15 digits, the first not 0."""
    return bool(_E164_RE.match(value))


def phone_digits(value: str) -> str:
    """The digits of a phone number, for comparing numbers written differently."""
    return "".join(ch for ch in value if ch.isdigit())


def is_iso8601(value: str) -> bool:
    """ISO-8601 extended date or date-time, with or without an offset, on a real calendar day."""
    if not _ISO_RE.match(value):
        return False
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value.replace(",", "."))
    except ValueError:
        return False
    return True


def is_absolute_url(value: str) -> bool:
    """An http(s) URL with a host and no whitespace."""
    if any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_https_url(value: str) -> bool:
    """An absolute URL whose scheme is https."""
    return is_absolute_url(value) and value.lower().startswith("https://")


def is_integer_string(value: str) -> bool:
    """A string holding a whole number, e.g. ``"4"`` (not ``"4.0"`` or ``"four"``)."""
    return bool(_INT_RE.match(value.strip())) and value == value.strip()


def currency_symbol_of(amount: str) -> str:
    """The non-numeric part of a formatted amount: ``"$50"`` -> ``"$"``, ``"12,00 €"`` -> ``"€"``."""
    return _AMOUNT_CHARS.sub("", amount)
