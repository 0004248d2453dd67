"""Fake OMS and reference adapter throughput against a bare aiohttp handler, measured in the same run.

Each server runs in its own process; ``wrk`` (Debian's package; ``make bench`` installs it) drives it
with 64 connections for a bounded time over loopback. Targets: the OMS at >= 50% and the adapter at
>= 25% of the baseline's requests/s, p99 under 50 ms, no errors, steady memory over 60 s.
"""

from __future__ import annotations

import re
import sys

from contracts.gladly import gladly_request
from tests.benchmarks.harness import (
    Result,
    fetch,
    lookupkit_bin,
    process,
    rss_mb,
    saved,
    typical,
    wrk,
)

__all__ = ["lookupkit_bin"]  # the fixture

KEY = "bench-signing-key"
TOKEN = "shpat_bench"
SHORT, LONG = 10, 60


def serve(lookupkit_bin: str, *extra: str) -> tuple[list[str], str]:
    return [
        lookupkit_bin,
        "serve",
        "all",
        "--port",
        "0",
        "--db",
        ":memory:",
        "--no-rate-limit",
        "--customers",
        "50",
        "--signing-key",
        KEY,
        "--oms-token",
        TOKEN,
        *extra,
    ], "Press Ctrl-C"


def report(name: str, ours: Result, base: Result) -> None:
    print(
        f"\n{name}: {ours.rps:,.0f} req/s ({ours.rps / base.rps:.0%} of baseline {base.rps:,.0f}), "
        f"p99 {ours.p99_ms:.1f} ms (baseline {base.p99_ms:.1f} ms), errors {ours.errors}"
    )


def test_oms_and_adapter_throughput_against_a_bare_handler(lookupkit_bin):
    command, ready = serve(lookupkit_bin)
    with process(*command, ready=ready) as (proc, lines):
        oms = re.search(r"Fake OMS\s+(\S+)", "\n".join(lines)).group(1)  # type: ignore[union-attr]
        adapter = re.search(r"Adapter\s+(\S+?)/?\s", "\n".join(lines) + " ").group(1)  # type: ignore[union-attr]
        customer = typical(lines)
        oms_url = f"{oms}/admin/api/2025-01/customers/{customer}/orders.json?status=any"
        oms_headers = {"X-Shopify-Access-Token": TOKEN}
        lookup = {
            "lookupLevel": "DETAILED",
            "query": {"externalCustomerId": customer},
            "uniqueMatchRequired": True,
        }
        raw, headers = gladly_request("POST", adapter + "/", lookup, key=KEY)
        oms_doc, adapter_doc = (
            fetch(oms_url, headers=oms_headers),
            fetch(adapter + "/", raw, headers),
        )
        oms_size, adapter_size = len(oms_doc), len(adapter_doc)
        ours_oms = wrk(oms_url, SHORT, headers=oms_headers)
        start_mb = rss_mb(proc.pid)
        ours_adapter = wrk(adapter + "/", LONG, method="POST", body=raw, headers=headers)
        end_mb = rss_mb(proc.pid)
    with process(
        sys.executable, "-m", "tests.benchmarks.baseline_server", saved(oms_doc), ready="http"
    ) as (_, out):
        base_oms = wrk(out[-1] + "/", SHORT)
    with process(
        sys.executable, "-m", "tests.benchmarks.baseline_server", saved(adapter_doc), ready="http"
    ) as (_, out):
        base_adapter = wrk(out[-1] + "/", SHORT, method="POST", body=raw, headers=headers)
    with process(*serve(lookupkit_bin, "--cache-ttl", "0")[0], ready=ready) as (_, lines):
        adapter = re.search(r"Adapter\s+(\S+?)/?\s", "\n".join(lines) + " ").group(1)  # type: ignore[union-attr]
        raw, headers = gladly_request("POST", adapter + "/", lookup, key=KEY)
        uncached = wrk(adapter + "/", SHORT, method="POST", body=raw, headers=headers)
    report(f"fake OMS ({oms_size:,} B orders page)", ours_oms, base_oms)
    report("reference adapter without its cache (reported, not a target)", uncached, base_adapter)
    report(f"reference adapter ({adapter_size:,} B detailed lookup)", ours_adapter, base_adapter)
    print(f"adapter+OMS process memory over {LONG} s: {start_mb:.0f} MB -> {end_mb:.0f} MB")
    assert ours_oms.errors == ours_adapter.errors == 0
    print(
        "targets:", ours_oms.rps >= 0.5 * base_oms.rps, ours_adapter.rps >= 0.25 * base_adapter.rps
    )
    assert ours_oms.rps >= 0.5 * base_oms.rps
    assert ours_adapter.rps >= 0.25 * base_adapter.rps
    assert ours_oms.p99_ms < 50
    assert ours_adapter.p99_ms < 50
    assert end_mb <= start_mb * 1.2 + 10
