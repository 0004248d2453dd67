"""The ceiling of ``lookupkit load`` itself: signed requests per second it can send on this machine,
against a static bare aiohttp target, with ``wrk`` against the same target in the same run as the
strongest baseline (unsigned, one pre-built request, C).

The target answers every request with the same DETAILED profile and checks nothing, so the numbers
are the load generator's own cost (signing, JSON, the rule checks of every answer, Locust) plus
the target's; they tell a user when to add ``--processes`` or worker machines. The two processes
share this machine's two cores with the target.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from contracts.gladly import gladly_request
from tests.benchmarks.harness import lookupkit_bin, process, saved, wrk

__all__ = ["lookupkit_bin"]  # the fixture

SECONDS = 15
ANSWER = {
    "results": [
        {
            "externalCustomerId": "1001",
            "name": "Ana Static",
            "emails": [{"original": "ana.static@example.com"}],
            "transactions": [],
        }
    ]
}


def ceiling(lookupkit: str, url: str, *extra: str) -> float:
    """Signed requests/s ``lookupkit load`` sent when asked for far more than it can."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "load.json"
        result = subprocess.run(
            [lookupkit, "load", url, "--signing-key", "bench-key", "--known",
             "externalCustomerId=1001", "--rps", "100000", "--users", "64", "--duration",
             str(SECONDS), "--report", f"json:{report}", *extra],
            capture_output=True, text=True, timeout=SECONDS + 120,
        )  # fmt: skip
        assert report.exists(), result.stdout + result.stderr
        load = json.loads(report.read_text())["load"]
    assert load["total"]["failures"] == 0, load["errors"]
    rps: float = load["requestsPerSecond"]
    return rps


def test_the_load_generators_own_ceiling(lookupkit_bin):
    raw, headers = gladly_request(
        "POST",
        "http://127.0.0.1/",
        {"lookupLevel": "DETAILED", "query": {"externalCustomerId": "1001"}},
        key="bench-key",
    )
    document = saved(json.dumps(ANSWER).encode())
    with process(
        sys.executable, "-m", "tests.benchmarks.baseline_server", document, ready="http"
    ) as (_, out):
        url = out[-1] + "/"
        baseline = wrk(url, SECONDS, method="POST", body=raw, headers=headers)
        one = ceiling(lookupkit_bin, url)
        two = ceiling(lookupkit_bin, url, "--processes", "2")
    print(
        f"\nlookupkit load ceiling on this machine (static target, one DETAILED lookup a contact):"
        f"\n  1 process:   {one:,.0f} signed req/s ({one / baseline.rps:.0%} of wrk)"
        f"\n  2 processes: {two:,.0f} signed req/s ({two / baseline.rps:.0%} of wrk)"
        f"\n  wrk (64 connections, one unsigned pre-built request): {baseline.rps:,.0f} req/s"
    )
    assert one > 100  # a floor, not a target: a broken generator sends next to nothing
