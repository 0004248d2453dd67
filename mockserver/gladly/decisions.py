"""Gladly's decisions, as plain functions: auto-link, the cards, and Sidekick's WISMO view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.formats import phone_digits
from mockserver.gladly.cards import LABELS, CardSpec, build_cards, moment, unshown

__all__ = ["LABELS", "Profile", "autolink_decision", "cards", "wismo_view"]

WISMO_FIELDS = ("orderNumber", "createdAt", "orderStatus", "orderTotal")


@dataclass
class Profile:
    id: str
    name: str
    emails: list[str]
    phones: list[str]
    custom_attributes: dict[str, str]
    linked: str | None = None
    detailed: dict[str, Any] | None = None

    def as_dict(self, specs: Sequence[CardSpec] = ()) -> dict[str, Any]:
        view: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "emails": self.emails,
            "phones": self.phones,
            "customAttributes": self.custom_attributes,
            "linkedTo": self.linked,
        }
        if self.detailed is not None:
            view["external"] = {
                k: v for k, v in self.detailed.items() if k not in ("transactions",)
            }
            transactions = self.detailed.get("transactions") or []
            view["cards"] = build_cards(transactions, specs)
            view["unshownTransactions"] = unshown(transactions, specs)
        return view


cards = build_cards  # the cards of one customer (mockserver.gladly.cards)


def autolink_decision(profile: Profile, results: Any) -> tuple[str | None, str]:
    """(the externalCustomerId to link or None, why): Gladly links one result sharing an email or MOBILE phone."""
    if not isinstance(results, list) or not results:
        return None, "The adapter returned no customer, so there is nothing to link."
    if len(results) > 1:
        return (
            None,
            f"The adapter returned {len(results)} customers; Gladly links only when exactly one comes back.",
        )
    result = results[0] if isinstance(results[0], dict) else {}
    mine = {e.strip().lower() for e in profile.emails}
    theirs = {
        str(e.get("original", "")).strip().lower()
        for e in result.get("emails") or []
        if isinstance(e, dict)
    }
    phones = {phone_digits(p) for p in profile.phones}
    mobiles = {
        phone_digits(str(p.get("original", "")))
        for p in result.get("phones") or []
        if isinstance(p, dict) and str(p.get("type", "")).upper() == "MOBILE"
    }
    if mine & theirs:
        return str(
            result.get("externalCustomerId")
        ), "Linked: the result shares an email with this profile."
    if phones & mobiles:
        return str(
            result.get("externalCustomerId")
        ), "Linked: the result shares a MOBILE phone with this profile."
    return (
        None,
        "One customer came back, but none of its emails or MOBILE phones equals this profile's.",
    )


def wismo_view(profile: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """What Sidekick shows for "Where is my order?": the latest order of the last 30 days, or why not."""
    now = now or datetime.now(UTC)
    orders = [
        t
        for t in profile.get("transactions") or []
        if isinstance(t, dict) and t.get("type") == "ORDER"
    ]
    recent = [
        o
        for o in orders
        if (when := moment(o.get("createdAt")))
        and now - timedelta(days=30) <= when <= now + timedelta(days=1)
    ]
    recent.sort(key=lambda o: moment(o.get("createdAt")) or now, reverse=True)
    missing: list[str] = []
    if not orders:
        missing.append("orders (the adapter sent no ORDER transactions)")
    elif not recent:
        missing.append("an order from the last 30 days (createdAt, ISO-8601)")
    shown = recent[:3]
    latest = shown[0] if shown else None
    if latest is not None:
        missing += [f for f in WISMO_FIELDS if not latest.get(f)]
        fulfillments = [f for f in latest.get("fulfillments") or [] if isinstance(f, dict)]
        if not fulfillments and latest.get("orderStatus") in ("complete",):
            missing.append("fulfillments (a complete order with no shipment to track)")
        for index, f in enumerate(fulfillments[:3]):
            missing += [
                f"fulfillments[{index}].{k}"
                for k in ("trackingNumber", "trackingUrl", "carrier")
                if not f.get(k)
            ]
    products = (latest or {}).get("products") or []
    image = products[0].get("imageUrl") if products and isinstance(products[0], dict) else None
    return {
        "orders": shown,
        "latest": latest,
        "fulfillments": ((latest or {}).get("fulfillments") or [])[:3],
        "image": image if isinstance(image, str) and image.startswith("https://") else None,
        "orderLink": (latest or {}).get("customerOrderUrl"),
        "missing": missing,
        "enough": latest is not None and not missing,
    }
