"""Amounts as a shop writes them, with the currency's symbol: '1234.5' EUR -> '1.234,50 €'."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["money"]

# code: (symbol, minor units, placement, decimal separator, group separator)
CURRENCIES: dict[str, tuple[str, int, str, str, str]] = {
    "USD": ("$", 2, "{s}{n}", ".", ","),
    "CAD": ("CA$", 2, "{s}{n}", ".", ","),
    "AUD": ("A$", 2, "{s}{n}", ".", ","),
    "MXN": ("MX$", 2, "{s}{n}", ".", ","),
    "GBP": ("£", 2, "{s}{n}", ".", ","),
    "EUR": ("€", 2, "{n} {s}", ",", "."),
    "BRL": ("R$", 2, "{s} {n}", ",", "."),
    "JPY": ("¥", 0, "{s}{n}", ".", ","),
    "CNY": ("¥", 2, "{s}{n}", ".", ","),
    "KRW": ("₩", 0, "{s}{n}", ".", ","),
    "INR": ("₹", 2, "{s}{n}", ".", ","),
    "SAR": ("SAR", 2, "{s} {n}", ".", ","),
}


def money(amount: str, currency: str) -> str:
    """A decimal amount from the OMS, rounded to the currency's minor unit, with its symbol.

    A currency the table does not know is written as its code: ``'CHF 12.50'``.
    """
    symbol, decimals, placement, point, group = CURRENCIES.get(
        currency, (currency, 2, "{s} {n}", ".", "")
    )
    value = Decimal(amount or "0").quantize(Decimal(1).scaleb(-decimals))
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):.{decimals}f}".partition(".")
    number = f"{int(whole):,}".replace(",", group) + (point + fraction if fraction else "")
    return sign + placement.format(s=symbol, n=number)
