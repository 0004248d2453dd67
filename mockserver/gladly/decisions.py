"""Gladly's decisions, as plain functions: auto-link, the cards, and Sidekick's WISMO view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.formats import phone_digits

__all__ = ["LABELS", "Profile", "autolink_decision", "cards", "wismo_view"]

LABELS = {
    "ORDER": ("Order", "Orders"),
    "FLIGHT": ("Reservation", "Reservations"),
    "STAY": ("Stay", "Stays"),
    "SUBSCRIPTION": ("Subscription", "Subscriptions"),
    "GENERIC": ("Transaction", "Transactions"),
}
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

    def as_dict(self) -> dict[str, Any]:
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
            view["cards"] = cards(self.detailed.get("transactions") or [])
        return view


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


def _when(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cards(transactions: list[Any], now: datetime | None = None) -> list[dict[str, Any]]:
    """Transactions as Gladly's cards: one per type with data, labelled with the count, grouped as documented."""
    now = now or datetime.now(UTC)
    out = []
    for kind, (one, many) in LABELS.items():
        items = [t for t in transactions if isinstance(t, dict) and t.get("type") == kind]
        if not items:
            continue  # cards are hidden when there is no data
        card: dict[str, Any] = {
            "type": kind,
            "label": f"{len(items)} {one if len(items) == 1 else many}",
            "count": len(items),
            "items": items,
        }
        if kind == "STAY":
            future = [t for t in items if (_when(t.get("checkOutTime")) or now) >= now]
            card["groups"] = [
                {"label": "Current & Future", "items": future},
                {"label": "Previous", "items": [t for t in items if t not in future]},
            ]
        if kind == "SUBSCRIPTION":
            cancelled = sorted(
                (t for t in items if str(t.get("status")) == "Cancelled"),
                key=lambda t: str(t.get("cancellationDate") or ""),
                reverse=True,
            )
            card["items"] = cancelled + [t for t in items if t not in cancelled]
            for t in card["items"]:
                unit, number = t.get("billingIntervalUnit"), t.get("billingIntervalNumber")
                if unit and number:
                    t["billingFrequency"] = (
                        f"Every {number} {unit}{'' if str(number) == '1' else 's'}"
                    )
        out.append(card)
    return out


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
        if (when := _when(o.get("createdAt")))
        and now - timedelta(days=30) <= when <= now + timedelta(days=1)
    ]
    recent.sort(key=lambda o: _when(o.get("createdAt")) or now, reverse=True)
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
