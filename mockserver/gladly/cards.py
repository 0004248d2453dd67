"""Transaction cards as Gladly draws them, from a card configuration (or today's defaults).

Gladly shows one card per transaction type by default, labelled with the count ("8 Orders").
Professional Services can add cards: several of one type split by a transaction attribute
(one ORDER card per store or brand), a custom label (which replaces the count), and the extra
attributes each card displays. A card with no data is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["LABELS", "TYPES", "CardSpec", "build_cards", "moment", "unshown"]

LABELS = {
    "ORDER": ("Order", "Orders"),
    "FLIGHT": ("Reservation", "Reservations"),
    "STAY": ("Stay", "Stays"),
    "SUBSCRIPTION": ("Subscription", "Subscriptions"),
    "GENERIC": ("Transaction", "Transactions"),
}
TYPES = tuple(LABELS)


@dataclass(frozen=True)
class CardSpec:
    """One card: its type, an optional ``(attribute, value)`` filter, an optional custom label,
    and the extra attributes it displays (``None``: the type's default, which is none, except a
    GENERIC box, which shows every attribute it is sent)."""

    type: str
    label: str | None = None
    filter: tuple[str, str] | None = None
    attributes: tuple[str, ...] | None = None

    def takes(self, transaction: dict[str, Any]) -> bool:
        if transaction.get("type") != self.type:
            return False
        if self.filter is None:
            return True
        attribute, wanted = self.filter
        return attribute in transaction and _text(transaction[attribute]) == wanted

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.label is not None:
            out["label"] = self.label
        if self.filter is not None:
            out["filter"] = {self.filter[0]: self.filter[1]}
        if self.attributes is not None:
            out["attributes"] = list(self.attributes)
        return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def moment(value: Any) -> datetime | None:
    """An ISO-8601 time as an aware datetime (UTC when it names no offset), or None."""
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _effective(specs: Sequence[CardSpec]) -> list[CardSpec]:
    """The configured cards in their order, then a default card for each type they leave out."""
    mentioned = {s.type for s in specs}
    return [*specs, *(CardSpec(t) for t in TYPES if t not in mentioned)]


def _arrange(card: dict[str, Any], now: datetime) -> None:
    """STAY splits into current & future and previous; SUBSCRIPTION puts cancelled first and
    says the billing frequency."""
    items = card["items"]
    if card["type"] == "STAY":
        future = [t for t in items if (moment(t.get("checkOutTime")) or now) >= now]
        card["groups"] = [
            {"label": "Current & Future", "items": future},
            {"label": "Previous", "items": [t for t in items if t not in future]},
        ]
    if card["type"] == "SUBSCRIPTION":
        cancelled = sorted(
            (t for t in items if str(t.get("status")) == "Cancelled"),
            key=lambda t: str(t.get("cancellationDate") or ""),
            reverse=True,
        )
        card["items"] = cancelled + [t for t in items if t not in cancelled]
        for t in card["items"]:
            unit, number = t.get("billingIntervalUnit"), t.get("billingIntervalNumber")
            if unit and number:
                t["billingFrequency"] = f"Every {number} {unit}{'' if str(number) == '1' else 's'}"


def build_cards(
    transactions: list[Any], specs: Sequence[CardSpec] = (), now: datetime | None = None
) -> list[dict[str, Any]]:
    """The cards for one customer's transactions. Each transaction goes to the first card that
    takes it; one that no card takes is not shown (see ``unshown``)."""
    now = now or datetime.now(UTC)
    pool = [t for t in transactions if isinstance(t, dict)]
    taken: set[int] = set()
    out = []
    for index, spec in enumerate(_effective(specs)):
        items = [t for n, t in enumerate(pool) if n not in taken and spec.takes(t)]
        taken |= {n for n, t in enumerate(pool) if n not in taken and spec.takes(t)}
        if not items:
            continue  # cards are hidden when there is no data
        one, many = LABELS[spec.type]
        card: dict[str, Any] = {
            "id": f"card-{index + 1}",
            "type": spec.type,
            "label": spec.label or f"{len(items)} {one if len(items) == 1 else many}",
            "customLabel": spec.label is not None,
            "count": len(items),
            "attributes": list(spec.attributes) if spec.attributes is not None else None,
            "items": items,
        }
        if spec.type != "GENERIC" and card["attributes"] is None:
            card["attributes"] = []
        _arrange(card, now)
        out.append(card)
    return out


def unshown(transactions: list[Any], specs: Sequence[CardSpec] = ()) -> int:
    """How many of the transactions no card shows (a filter no value matches, an unknown type)."""
    cards = _effective(specs)
    return sum(
        1 for t in transactions if not (isinstance(t, dict) and any(c.takes(t) for c in cards))
    )
