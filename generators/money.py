"""Currencies with their symbols, minor units and placement; amounts are kept in minor units."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CURRENCIES", "Currency", "decimal_string", "format_money"]


@dataclass(frozen=True, slots=True)
class Currency:
    """How one currency is written in the locale that usually uses it.

    Attributes:
        code: ISO-4217 code.
        symbol: the symbol shown with amounts.
        decimals: minor units (0 for JPY and KRW).
        pattern: where the symbol goes: ``"{s}{n}"``, ``"{s} {n}"`` or ``"{n} {s}"``.
        decimal_sep, group_sep: separators of the locale.
    """

    code: str
    symbol: str
    decimals: int
    pattern: str = "{s}{n}"
    decimal_sep: str = "."
    group_sep: str = ","


CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        Currency("USD", "$", 2),
        Currency("CAD", "CA$", 2),
        Currency("AUD", "A$", 2),
        Currency("MXN", "MX$", 2),
        Currency("GBP", "£", 2),
        Currency("EUR", "€", 2, "{n} {s}", ",", "."),
        Currency("BRL", "R$", 2, "{s} {n}", ",", "."),
        Currency("JPY", "¥", 0),
        Currency("CNY", "¥", 2),
        Currency("KRW", "₩", 0),
        Currency("INR", "₹", 2),
        Currency("SAR", "SAR", 2, "{s} {n}"),
    )
}


def _grouped(whole: int, sep: str) -> str:
    text = str(whole)
    groups: list[str] = []
    while len(text) > 3:
        groups.insert(0, text[-3:])
        text = text[:-3]
    groups.insert(0, text)
    return sep.join(groups)


def format_money(minor: int, code: str) -> str:
    """Format an amount in minor units as the currency's locale writes it: 123456, EUR -> '1.234,56 €'."""
    currency = CURRENCIES[code]
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**currency.decimals)
    number = _grouped(whole, currency.group_sep)
    if currency.decimals:
        number += currency.decimal_sep + str(fraction).zfill(currency.decimals)
    return sign + currency.pattern.format(s=currency.symbol, n=number)


def decimal_string(minor: int, code: str, places: int | None = None) -> str:
    """An amount as a plain decimal string, as OMS APIs send money: 1230, USD -> '12.30'."""
    decimals = CURRENCIES[code].decimals
    value = f"{minor / 10**decimals:.{decimals}f}" if decimals else str(minor)
    if places is not None and places > decimals:
        value = f"{minor / 10**decimals:.{places}f}"
    return value
