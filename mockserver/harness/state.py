"""What the harness keeps for every role: the request journal, surprises, faults and settings.

The fake OMS's ``Store`` extends this with its data, so one object holds all mutable state of a
running kit, and ``reset()`` puts every piece of it back as it was at start-up.
"""

from __future__ import annotations

import random
import secrets
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["Fault", "HarnessState", "RecordedRequest", "SettingCheck"]

SettingCheck = Callable[[Any], str | None]  # the value -> None, or what is wrong with it


@dataclass(slots=True)
class RecordedRequest:
    """One request a fake served, for the journal and for surprises."""

    role: str
    method: str
    path: str
    query: str
    status: int
    elapsed_ms: float
    at: str
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "elapsedMs": round(self.elapsed_ms, 2),
            "at": self.at,
            "note": self.note,
        }


@dataclass(slots=True)
class Fault:
    """An injected fault: what to do, to which requests, how many times or how often."""

    id: int
    role: str
    route: str
    kind: str
    method: str = "*"
    status: int = 503
    delay_ms: int = 0
    times: int | None = None
    probability: float | None = None
    retry_after: int = 1  # seconds an injected 429 asks the client to wait

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "role": self.role,
            "route": self.route,
            "kind": self.kind,
            "method": self.method,
            "status": self.status,
            "delayMs": self.delay_ms,
            "times": self.times,
            "probability": self.probability,
            "retryAfter": self.retry_after,
        }


class HarnessState:
    """Journal, surprises, faults, settings, and the roles' own state through ``on_reset`` hooks.

    Args:
        settings: the settings at start-up; ``reset()`` returns to them.
        admin: whether the roles mount ``/_mock`` at all.
        admin_token: what every ``/_mock`` write must carry in ``Lookupkit-Admin-Token``
            (default: a new random one, so no web page can guess it).
    """

    JOURNAL_SIZE = 10_000
    UNEXPECTED_SIZE = 1_000

    def __init__(
        self,
        settings: Mapping[str, Any] | None = None,
        *,
        admin: bool = True,
        admin_token: str | None = None,
    ) -> None:
        self.admin = admin
        self.admin_token = admin_token or secrets.token_urlsafe(18)
        self.initial_settings: dict[str, Any] = dict(settings or {})
        self.setting_checks: dict[str, SettingCheck] = {}
        self.on_reset: list[Callable[[], None]] = []
        self._reset_harness()

    def _reset_harness(self) -> None:
        self.requests: deque[RecordedRequest] = deque(maxlen=self.JOURNAL_SIZE)
        self.unexpected: deque[RecordedRequest] = deque(maxlen=self.UNEXPECTED_SIZE)
        self.faults: dict[int, Fault] = {}
        self.settings: dict[str, Any] = dict(self.initial_settings)
        self.chance = random.Random(0)  # probabilistic faults repeat from a reset
        self._fault_seq = 0

    def clear_data(self) -> None:
        """Forget the data behind the fakes (the OMS store overrides this)."""

    def reset(self) -> None:
        """Everything back to start-up: data, journal, surprises, faults, settings, role state."""
        self.clear_data()
        self._reset_harness()
        for hook in self.on_reset:
            hook()

    def add_fault(self, **spec: Any) -> Fault:
        self._fault_seq += 1
        fault = Fault(self._fault_seq, **spec)
        self.faults[fault.id] = fault
        return fault

    def seed(self, seed: int, *, customers: int = 20, reference: date | None = None) -> int:
        raise NotImplementedError("this kit has no data to seed")

    def known_customers(self, limit: int = 5) -> list[dict[str, Any]]:
        return []

    def truth(self, contact: str) -> dict[str, Any] | None:
        """The OMS record of the customer with this email or phone (the OMS store overrides
        this)."""
        return None

    def change_for_truth(self, contact: str, kind: str) -> dict[str, Any] | None:
        """Change the customer's orders as the OMS would: ``cancel`` the newest cancellable one,
        ``fulfil`` the newest unshipped one, or place a ``new-order`` (the OMS store overrides
        this); the changed order's record, or None when nothing could change."""
        return None
