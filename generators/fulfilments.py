"""Fulfilments beyond the ones that shipped: voided labels, failed requests and ones still open.

Real orders carry them: a label cancelled and bought again, a fulfilment service that answered with
an error before the retry worked, a warehouse that accepted an order it has not shipped yet.
None of them shipped anything, so a correct adapter shows none of them (and none of their tracking
numbers). They follow from the order (its id, dates and lines), so they draw nothing from the
dataset's random stream.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from generators.tracking import tracking_number, tracking_url

__all__ = ["attempts", "progress"]

FIRST_ID = 4_900_000_000_000  # fulfilment ids of the attempts; the shipped ones count from 4.2e12


def progress(created: datetime, eta: datetime, now: datetime, order_id: int) -> str:
    """The carrier's status of a successful fulfilment at ``now`` (Shopify's shipment_status)."""
    if eta <= now:
        return "delivered"
    if eta.date() == now.date():
        return "out_for_delivery"
    if now - created < timedelta(hours=24):
        return "label_printed"
    return "attempted_delivery" if order_id % 23 == 0 else "in_transit"


def attempts(order: Any, carrier: str, now: datetime) -> list[dict[str, Any]]:
    """The fulfilments of ``order`` (a ``build.Order``) that shipped nothing, as ``Shipment``
    fields, to go before the ones that did."""
    rng = random.Random(order.id)
    base = FIRST_ID + (order.id % 10**9) * 4
    shipped = order.shipped
    found: list[dict[str, Any]] = []
    if shipped and order.id % 8 == 5:  # a label bought, then voided and bought again
        first = shipped[0]
        number = tracking_number(rng, carrier)
        found.append(
            {
                "id": base,
                "line_ids": list(first.line_ids),
                "number": number,
                "url": tracking_url(carrier, number),
                "created": first.created - timedelta(hours=6),
                "eta": first.eta,
                "status": "cancelled",
            }
        )
    if shipped and order.id % 29 == 11:  # the fulfilment service refused the first request
        first = shipped[0]
        found.append(
            {
                "id": base + 1,
                "line_ids": list(first.line_ids),
                "number": "",
                "url": "",
                "created": first.created - timedelta(hours=2),
                "eta": first.eta,
                "status": "error",
            }
        )
    waiting = order.outcome == "pending" and order.lines and now - order.created > timedelta(days=1)
    if waiting and order.id % 5 == 2:  # accepted by the warehouse, not shipped yet
        found.append(
            {
                "id": base + 2,
                "line_ids": [line.id for line in order.lines],
                "number": "",
                "url": "",
                "created": order.created + timedelta(hours=20),
                "eta": order.created + timedelta(days=5),
                "status": "open",
            }
        )
    for fields in found:
        fields.update(carrier=carrier, speed=order.speed, delivered=False, progress="")
    return found
