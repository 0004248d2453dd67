"""Fulfilments beyond the ones that shipped: voided labels, failures, and ones pending or open.

Real orders carry them: a label cancelled and bought again, a fulfilment service that answered with
an error before the retry worked, a carrier that could not take the parcel (failure), a request a
warehouse has not accepted yet (pending) or accepted and not shipped (open).
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


def _attempt(fid: int, lines: list[int], status: str, created: datetime, eta: datetime,
             number: str = "", url: str = "") -> dict[str, Any]:  # fmt: skip
    return {"id": fid, "line_ids": lines, "number": number, "url": url, "created": created,
            "eta": eta, "status": status}  # fmt: skip


def attempts(order: Any, carrier: str, now: datetime) -> list[dict[str, Any]]:
    """The fulfilments of ``order`` (a ``build.Order``) that shipped nothing, as ``Shipment``
    fields, to go before the ones that did."""
    rng = random.Random(order.id)
    base = FIRST_ID + (order.id % 10**9) * 4  # four ids per order: 0 to 3
    found: list[dict[str, Any]] = []
    if order.shipped:
        first = order.shipped[0]
        lines, before = list(first.line_ids), first.created
        for offset, status, hours, tracked, wanted in (
            (0, "cancelled", 6, True, order.id % 8 == 5),  # a label voided, then bought again
            (1, "error", 2, False, order.id % 29 == 11),  # the service refused the first request
            (3, "failure", 4, True, order.id % 31 == 7),  # the carrier could not take it
        ):
            if wanted:
                number = tracking_number(rng, carrier) if tracked else ""
                url = tracking_url(carrier, number) if tracked else ""
                created = before - timedelta(hours=hours)
                found.append(
                    _attempt(base + offset, lines, status, created, first.eta, number, url)
                )
    waiting = order.outcome == "pending" and order.lines and now - order.created > timedelta(days=1)
    for status, hours, remainder in (("pending", 2, 4), ("open", 20, 2)):
        if waiting and order.id % 5 == remainder:  # sent to the warehouse / accepted, not shipped
            lines = [line.id for line in order.lines]
            created, eta = order.created + timedelta(hours=hours), order.created + timedelta(days=5)
            found.append(_attempt(base + 2, lines, status, created, eta))
    for fields in found:
        fields.update(carrier=carrier, speed=order.speed, delivered=False, progress="")
    return found
