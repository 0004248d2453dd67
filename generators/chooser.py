"""The drawing interface every builder uses: ``random.Random`` fits it, and so does ``Draws``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

__all__ = ["Chooser", "weighted"]

T = TypeVar("T")


class Chooser(Protocol):
    """The three ways builders draw."""

    def choice(self, seq: Sequence[T]) -> T: ...
    def randint(self, a: int, b: int) -> int: ...
    def random(self) -> float: ...


def weighted(rng: Chooser, options: Sequence[tuple[T, int]]) -> T:
    """Pick by integer weight with one randint, so Hypothesis shrinks toward the first option."""
    roll = rng.randint(1, sum(w for _, w in options))
    for value, w in options:
        roll -= w
        if roll <= 0:
            return value
    return options[-1][0]
