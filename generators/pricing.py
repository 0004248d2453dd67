"""An order's money as shops keep it: discount codes, tax by country, and refunds.

Everything here follows from the order itself (its id, lines, outcome and country), so adding it
draws nothing from the dataset's random stream: the same seed gives the same people and orders
as before, now with coherent taxes, discounts and refunds. Amounts are in minor units.

- Tax: the country's standard rate. Where prices include tax (the EU, the UK, Japan, ...) the total
  is the price; elsewhere (US, Canada) tax is added on top.
- Discounts: one order in seven used the WELCOME10 code (10 % off the line items).
- Refunds: a "refunded" order is refunded in full; one complete order in six with two or more
  lines had its last line refunded (Shopify's ``partially_refunded``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

__all__ = ["TAXES", "Pricing", "Tax", "price"]


@dataclass(frozen=True, slots=True)
class Tax:
    title: str
    rate: Decimal
    included: bool  # prices include it (VAT) or it is added at checkout (US sales tax)


TAXES = {
    "US": Tax("State Tax", Decimal("0.0725"), False),
    "CA": Tax("HST", Decimal("0.13"), False),
    "GB": Tax("VAT", Decimal("0.20"), True),
    "DE": Tax("MwSt", Decimal("0.19"), True),
    "FR": Tax("TVA", Decimal("0.20"), True),
    "ES": Tax("IVA", Decimal("0.21"), True),
    "MX": Tax("IVA", Decimal("0.16"), True),
    "BR": Tax("ICMS", Decimal("0.17"), True),
    "AU": Tax("GST", Decimal("0.10"), True),
    "IN": Tax("IGST", Decimal("0.18"), True),
    "JP": Tax("消費税", Decimal("0.10"), True),
    "CN": Tax("VAT", Decimal("0.13"), True),
    "KR": Tax("VAT", Decimal("0.10"), True),
    "SA": Tax("VAT", Decimal("0.15"), True),
}
NO_TAX = Tax("Tax", Decimal(0), True)
DISCOUNT_CODE, DISCOUNT_RATE = "WELCOME10", Decimal("0.10")


@dataclass(slots=True)
class Pricing:
    """What one order cost and what came back, in minor units; per line as shops keep it."""

    lines: int  # the line items at their prices
    discount_code: str = ""
    tax_title: str = "Tax"
    tax_rate: Decimal = Decimal(0)
    taxes_included: bool = True
    line_discounts: dict[int, int] = field(default_factory=dict)
    line_taxes: dict[int, int] = field(default_factory=dict)
    refunded: int = 0
    refunded_lines: list[int] = field(default_factory=list)  # line ids refunded in full

    @property
    def discount(self) -> int:
        return sum(self.line_discounts.values())

    @property
    def tax(self) -> int:
        return sum(self.line_taxes.values())

    @property
    def subtotal(self) -> int:
        """After discounts, before tax added at checkout (Shopify's subtotal_price)."""
        return self.lines - self.discount

    @property
    def total(self) -> int:
        return self.subtotal + (0 if self.taxes_included else self.tax)

    @property
    def current(self) -> int:
        """The total less what was refunded (Shopify's current_total_price)."""
        return self.total - self.refunded

    def line_total(self, line_id: int, amount: int) -> int:
        """What the customer paid for one line: its amount less its discount, plus added tax."""
        net = amount - self.line_discounts.get(line_id, 0)
        return net + (0 if self.taxes_included else self.line_taxes.get(line_id, 0))


def _round(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def tax_of(amount: int, tax: Tax) -> int:
    """The tax in ``amount``: its share when prices include it, else what is added on top."""
    if tax.included:
        return _round(Decimal(amount) * tax.rate / (1 + tax.rate))
    return _round(Decimal(amount) * tax.rate)


def price(
    order_id: int,
    lines: list[tuple[int, int]],
    country: str,
    outcome: str,
) -> Pricing:
    """The pricing of an order with ``lines`` as (line id, amount) pairs, in ``country``."""
    tax = TAXES.get(country, NO_TAX)
    pricing = Pricing(
        sum(amount for _, amount in lines),
        tax_title=tax.title,
        tax_rate=tax.rate,
        taxes_included=tax.included,
    )
    discounted = bool(lines) and order_id % 7 == 3
    if discounted:
        pricing.discount_code = DISCOUNT_CODE
    for line, amount in lines:
        off = _round(Decimal(amount) * DISCOUNT_RATE) if discounted else 0
        pricing.line_discounts[line] = off
        pricing.line_taxes[line] = tax_of(amount - off, tax)
    if outcome == "refunded":
        pricing.refunded = pricing.total
        pricing.refunded_lines = [line for line, _ in lines]
    elif outcome == "complete" and len(lines) >= 2 and order_id % 6 == 1:
        line, amount = lines[-1]
        pricing.refunded = pricing.line_total(line, amount)
        pricing.refunded_lines = [line]
    return pricing
