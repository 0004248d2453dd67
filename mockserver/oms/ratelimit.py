"""Rate limiters the fake APIs share their real counterparts' arithmetic with."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

__all__ = ["FixedWindow", "LeakyBucket"]


@dataclass
class LeakyBucket:
    """Shopify REST: a bucket of ``size`` requests that leaks ``rate`` requests a second."""

    size: int = 40
    rate: float = 2.0
    _levels: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, key: str, now: float | None = None) -> tuple[bool, int, float]:
        """Try to add one request: (allowed, level after, seconds until a slot frees)."""
        now = time.monotonic() if now is None else now
        level, last = self._levels.get(key, (0.0, now))
        level = max(0.0, level - (now - last) * self.rate)
        if level + 1 > self.size:
            self._levels[key] = (level, now)
            return False, int(level + 0.999), (level + 1 - self.size) / self.rate
        self._levels[key] = (level + 1, now)
        return True, int(level + 1 + 0.999), 0.0


@dataclass
class FixedWindow:
    """BigCommerce: ``quota`` requests per ``window`` seconds, refilled at the window's end."""

    quota: int = 150
    window: float = 30.0
    _state: dict[str, tuple[float, int]] = field(default_factory=dict)

    def take(self, key: str, now: float | None = None) -> tuple[bool, int, float]:
        """Try to use one request: (allowed, requests left, seconds until the window resets)."""
        now = time.monotonic() if now is None else now
        start, used = self._state.get(key, (now, 0))
        if now - start >= self.window:
            start, used = now, 0
        reset = self.window - (now - start)
        if used >= self.quota:
            self._state[key] = (start, used)
            return False, 0, reset
        self._state[key] = (start, used + 1)
        return True, self.quota - used - 1, reset
