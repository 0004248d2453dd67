"""What a ``lookupkit load`` run measured, from Locust's statistics and the kit's tally: one JSON
document the master writes when the run ends and the CLI turns into a verdict.

Locust keeps response times rounded (to 10 ms under 1 s, to 100 ms above), so the shares over
5 s and 15 s are exact to that resolution.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from contracts.load.tally import Tally

__all__ = ["PERCENTILES", "SLOW_MS", "TIMEOUT_MS", "summary"]

SLOW_MS = 5000  # Gladly's recommended limit
TIMEOUT_MS = 15000  # Gladly gives up
PERCENTILES = {"p50": 0.5, "p95": 0.95, "p99": 0.99}


def _kind(entry: Any) -> dict[str, Any]:
    times: dict[int, int] = entry.response_times
    measured = entry.num_requests > 0
    out: dict[str, Any] = {
        "method": entry.method,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "meanMs": round(entry.avg_response_time, 1) if measured else None,
        "maxMs": round(entry.max_response_time, 1) if measured else None,
        "over5s": sum(count for ms, count in times.items() if ms > SLOW_MS),
        "over15s": sum(count for ms, count in times.items() if ms >= TIMEOUT_MS),
    }
    for name, share in PERCENTILES.items():
        out[name + "Ms"] = entry.get_response_time_percentile(share) if measured else None
    return out


def summary(stats: Any, tally: Tally, *, redact: Callable[[str], str]) -> dict[str, Any]:
    """The run's measurements: per request kind, Locust's errors, and the tally."""
    total = stats.total
    start = total.start_time
    end = total.last_request_timestamp or time.time()
    return {
        "kinds": {name: _kind(entry) for (name, _method), entry in sorted(stats.entries.items())},
        "total": _kind(total),
        "elapsedSeconds": max(0.0, end - start) if total.num_requests else 0.0,
        "errors": [
            {
                "kind": error.name,
                "method": error.method,
                "error": redact(str(error.error))[:500],
                "count": error.occurrences,
            }
            for error in stats.errors.values()
        ],
        "tally": tally.as_dict(),
    }
