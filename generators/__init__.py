"""Realistic and edge-case customers and transactions (Faker pools, Hypothesis strategies)."""

__all__: list[str] = []
