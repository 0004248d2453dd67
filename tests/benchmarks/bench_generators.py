"""Generation speed against a naive plain-Faker baseline measured in the same run, and streaming memory.

Run with ``make bench``. The machine's speed drifts between runs, so targets are ratios against the
baseline measured here and now, plus the absolute floor the issue names.
"""

from __future__ import annotations

import json
import resource
import subprocess
import time
from datetime import date
from typing import Any

from faker import Faker

from generators.dataset import DatasetOptions, records
from generators.providers import LOCALES, locale_pools

N = 3000
REF = date(2026, 11, 28)


def naive_customer(fake: Faker) -> dict[str, Any]:
    """What a hand-written generator does: a Faker call per field, both views, 3 orders."""
    first, last = fake.first_name(), fake.last_name()
    email, phone = fake.email(), fake.phone_number()
    orders: list[dict[str, Any]] = []
    for _ in range(3):
        created = fake.date_time_between(start_date="-540d", end_date="now").isoformat()
        lines: list[dict[str, Any]] = [
            {
                "id": fake.random_int(10**12, 10**13),
                "title": fake.catch_phrase(),
                "sku": fake.bothify("???-####"),
                "quantity": fake.random_int(1, 3),
                "price": str(fake.pydecimal(left_digits=3, right_digits=2, positive=True)),
            }
            for _ in range(fake.random_int(1, 4))
        ]
        tracking = fake.bothify("1Z###???##########")
        orders.append(
            {
                "id": fake.random_int(10**12, 10**13),
                "name": f"#{fake.random_int(1000, 99999)}",
                "created_at": created,
                "total_price": str(sum(float(line["price"]) * line["quantity"] for line in lines)),
                "line_items": lines,
                "fulfillments": [
                    {
                        "tracking_number": tracking,
                        "tracking_company": "UPS",
                        "tracking_url": f"https://www.ups.com/track?tracknum={tracking}",
                    }
                ],
                "shipping_address": {
                    "address1": fake.street_address(),
                    "city": fake.city(),
                    "zip": fake.postcode(),
                },
            }
        )
    gladly = {
        "externalCustomerId": str(fake.random_int(10**12, 10**13)),
        "name": f"{first} {last}",
        "emails": [{"original": email}],
        "phones": [{"original": phone, "type": "MOBILE"}],
        "transactions": [
            {
                "type": "ORDER",
                "orderNumber": o["name"],
                "createdAt": o["created_at"],
                "orderTotal": "$" + o["total_price"],
                "products": [
                    {"id": str(li["id"]), "name": li["title"], "sku": li["sku"]}
                    for li in o["line_items"]
                ],
            }
            for o in orders
        ],
    }
    return {
        "gladly": gladly,
        "oms": {
            "customer": {"first_name": first, "last_name": last, "email": email},
            "orders": orders,
        },
    }


def rate_naive() -> float:
    fake = Faker()
    fake.seed_instance(1)
    start = time.perf_counter()
    for _ in range(N):
        json.dumps(naive_customer(fake))
    return N / (time.perf_counter() - start)


def rate_kit() -> float:
    options = DatasetOptions(customers=N, seed=1, min_orders=3, max_orders=3, reference=REF)
    start = time.perf_counter()
    for record in records(options):
        json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return N / (time.perf_counter() - start)


def test_generation_rate_against_naive_faker():
    for locale in LOCALES:  # pools are built once per process; not part of the per-customer rate
        locale_pools(locale.code)
    rate_kit()
    naive = max(rate_naive() for _ in range(2))
    ours = max(rate_kit() for _ in range(2))
    print(
        f"\nnaive Faker: {naive:,.0f} customers/s; lookupkit: {ours:,.0f} customers/s ({ours / naive:.2f}x)"
    )
    assert ours >= 2 * naive
    assert ours >= 2000


def test_200k_ndjson_streams_in_bounded_memory(lookupkit):
    start = time.perf_counter()
    with open("/dev/null", "w") as sink:
        subprocess.run(
            [
                lookupkit,
                "generate",
                "--customers",
                "200000",
                "--format",
                "ndjson",
                "--reference-date",
                "2026-11-28",
            ],
            stdout=sink,
            check=True,
            timeout=600,
        )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"\n200,000 customers as NDJSON in {time.perf_counter() - start:.0f} s, peak RSS {peak_mb:.0f} MB"
    )
    assert peak_mb < 200
