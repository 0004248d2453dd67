"""Gladly's traffic, as ``lookupkit load`` models it: what one contact sends, how many contacts
arrive, and how the number of simulated agents ramps over a run.

A *contact* is one customer conversation reaching an agent (or the Sidekick bot). Gladly then
sends, in order (SPEC §3 and §6):

1. an **auto-link** BASIC lookup when the profile is not linked yet: always for a customer this
   run has not linked, and for ``NEW_PROFILE`` of the others (a new profile of a known person);
2. a **DETAILED** lookup of the linked customer (the profile opens);
3. with chance ``AGENT_SEARCH``, a **basic search** by the agent ("Link to external customer");
4. with chance ``ACTION``, when the profile offers actions, the agent opens one: a signed **GET
   of the form**; with ``--submits``, the **submit** and the DETAILED lookup Gladly sends after it.

Pure functions and data only: the Locust side (``locustfile``) and the CLI both use them.
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "ACTION",
    "AGENT_SEARCH",
    "KINDS",
    "NEW_PROFILE",
    "RAMPS",
    "Customer",
    "Rate",
    "chance",
    "gladly_profile_id",
    "mean_users_share",
    "requests_per_contact",
    "users_at",
]

NEW_PROFILE = 0.3
AGENT_SEARCH = 0.1
ACTION = 0.2

# The request kinds, as the reports name them (Locust's "name" column).
KINDS = ("auto-link", "detailed", "search", "action form", "action submit")

Ramp = Literal["steady", "peak", "spike"]
RAMPS: tuple[Ramp, ...] = ("steady", "peak", "spike")


@dataclass(frozen=True)
class Customer:
    """Who a contact is about: what Gladly's profile knows of the customer."""

    email: str = ""
    phone: str = ""
    name: str = ""
    external_id: str = ""  # known up front (--known externalCustomerId=...) or learned by linking
    extra: tuple[tuple[str, str], ...] = ()  # other search attributes (--known orderNumber=...)

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "phone": self.phone,
            "name": self.name,
            "external_id": self.external_id,
            "extra": [list(pair) for pair in self.extra],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Customer:
        return cls(
            email=data.get("email") or "",
            phone=data.get("phone") or "",
            name=data.get("name") or "",
            external_id=data.get("external_id") or "",
            extra=tuple((str(k), str(v)) for k, v in data.get("extra") or []),
        )

    def search_value(self, attribute: str) -> str:
        """The value this customer has for a Search Query Attribute ('' when none)."""
        singular = attribute.rstrip("s")
        if singular == "email":
            return self.email
        if singular == "phone":
            return self.phone
        if attribute == "name":
            return self.name
        return dict(self.extra).get(attribute, "")


def gladly_profile_id(customer: Customer) -> str:
    """A stable Gladly customer id (22 characters of base64url) for the customer's profile."""
    digest = hashlib.sha256(f"{customer.email}|{customer.phone}|{customer.name}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def requests_per_contact(*, submits: bool) -> float:
    """The mean requests one contact sends, counting an action on every opened profile's offer
    (an adapter whose profiles offer no action sends fewer)."""
    first_contacts = NEW_PROFILE  # a long run links every customer once; then NEW_PROFILE
    action = ACTION * (1 + (2 if submits else 0))
    return first_contacts + 1 + AGENT_SEARCH + action


@dataclass(frozen=True)
class Rate:
    """How many contacts arrive: per hour as asked, or derived from requests per second."""

    contacts_per_second: float

    @classmethod
    def of(cls, *, contacts_per_hour: float | None, rps: float | None, submits: bool) -> Rate:
        if rps is not None:
            return cls(rps / requests_per_contact(submits=submits))
        return cls((contacts_per_hour if contacts_per_hour is not None else 3600.0) / 3600.0)

    def default_users(self) -> int:
        """Enough simulated agents that each starts a contact every 10 s at most: room for slow
        answers before the rate asked falls short."""
        return max(1, min(2000, math.ceil(self.contacts_per_second * 10)))


def users_at(ramp: Ramp, elapsed: float, duration: float, users: int) -> int:
    """How many simulated agents are active ``elapsed`` seconds into a run.

    steady: all of them from the start; peak: a linear climb over the first half, then all;
    spike: a fifth of them, all of them for the middle fifth of the run, then a fifth again.
    """
    if elapsed >= duration:
        return 0
    share = elapsed / duration
    if ramp == "peak":
        return max(1, math.ceil(users * min(1.0, share * 2)))
    if ramp == "spike":
        low = max(1, math.ceil(users / 5))
        return users if 0.4 <= share < 0.6 else low
    return users


def mean_users_share(ramp: Ramp, duration: float, users: int, steps: int = 1000) -> float:
    """The mean of ``users_at`` over the run as a share of ``users``: what the rate asked is
    scaled by (a ramp asks for less than its peak)."""
    total = sum(users_at(ramp, duration * (i + 0.5) / steps, duration, users) for i in range(steps))
    return total / (steps * users)


def chance(rng: random.Random, share: float) -> bool:
    return rng.random() < share
