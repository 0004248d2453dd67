"""Seeded datasets: the same seed and options give the same people, in any process.

Example:
    >>> opts = DatasetOptions(customers=2, seed=7, reference=date(2026, 1, 1))
    >>> [r["gladly"]["externalCustomerId"] for r in records(opts)]
    ['7100000000000', '7100000000001']
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from generators.build import Builder, Mode, Person
from generators.views import gladly_profile, shopify_records

__all__ = ["VIEWS", "DatasetOptions", "View", "people", "records", "today"]

View = Literal["gladly", "oms", "both"]
VIEWS: tuple[View, ...] = ("gladly", "oms", "both")


def today() -> date:
    """Today's UTC date: the default reference date, taken once, outside the builders."""
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class DatasetOptions:
    """What to generate. Dates are relative to ``reference``, never to the wall clock."""

    customers: int = 10
    seed: int = 0
    mode: Mode = "realistic"
    min_orders: int = 1
    max_orders: int = 4
    types: tuple[str, ...] = ("ORDER",)
    reference: date = field(default_factory=today)
    shop: str = "lookupkit-demo"
    deep: int = 0  # orders of the 38th person (build.DEEP_INDEX); the 39th has none; 0: as all

    def __post_init__(self) -> None:
        if self.customers < 0:
            raise ValueError(f"customers={self.customers} must not be negative")
        if not 0 <= self.deep <= 1000:
            raise ValueError(f"deep={self.deep} must be from 0 to 1000 orders")


def people(options: DatasetOptions) -> Iterator[Person]:
    """Yield the dataset's people one by one (constant memory apart from the uniqueness sets)."""
    builder = Builder(
        options.reference,
        options.mode,
        options.types,
        options.min_orders,
        options.max_orders,
        options.shop,
        deep=options.deep,
    )
    for index in range(options.customers):
        # Seeding with a string hashes it with SHA-512: stable across processes and Python runs.
        yield builder.person(random.Random(f"{options.seed}/{index}"), index)


def records(options: DatasetOptions, view: View = "both") -> Iterator[dict[str, Any]]:
    """One record per person: ``{"gladly": profile}``, ``{"oms": {...}}`` or both."""
    for person in people(options):
        record: dict[str, Any] = {}
        if view in ("gladly", "both"):
            record["gladly"] = gladly_profile(person, options.shop)
        if view in ("oms", "both"):
            record["oms"] = shopify_records(person, options.shop)
        yield record
