"""lookupkit verify's generated-case rate against plain ``schemathesis run``, measured in the same run.

Both drive the same OpenAPI document against the same reference adapter (no signing, no cache), with
the same number of examples per generation mode. Rates are cases per second of wall time for the
whole command; ours also runs its scenarios and probes, which only counts against it.
Schemathesis runs only its cheapest check (not_a_server_error), so it runs to completion; ours runs
all of its checks. Target: at least 80% of Schemathesis' rate.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from contracts.spec import load_spec
from tests.helpers import serving

EXAMPLES = 300


def test_verify_keeps_up_with_plain_schemathesis(lookupkit):
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "openapi.json"
        spec.write_text(json.dumps(load_spec()))
        args = [
            "all",
            "--port",
            "0",
            "--db",
            ":memory:",
            "--no-rate-limit",
            "--cache-ttl",
            "0",
            "--customers",
            "30",
        ]
        with serving(lookupkit, *args) as (_, urls, _lines):
            started = time.monotonic()
            theirs = subprocess.run(
                [
                    str(bin_dir / "schemathesis"),
                    "run",
                    str(spec),
                    "--url",
                    urls["adapter"],
                    "--max-examples",
                    str(EXAMPLES),
                    "--phases",
                    "fuzzing",
                    "--include-operation-id",
                    "lookup",
                    "--checks",
                    "not_a_server_error",
                    "--mode",
                    "all",
                ],
                capture_output=True,
                text=True,
                timeout=600,
            )
            their_seconds = time.monotonic() - started
            generated = re.search(r"(\d+) generated", theirs.stdout)
            assert generated, theirs.stdout[-2000:]
            report = Path(tmp) / "ours.json"
            started = time.monotonic()
            ours = subprocess.run(
                [
                    lookupkit,
                    "verify",
                    urls["adapter"] + "/",
                    "--max-examples",
                    str(EXAMPLES),
                    "--report",
                    f"json:{report}",
                    "--time-budget",
                    "600",
                ],
                capture_output=True,
                text=True,
                timeout=600,
            )
            our_seconds = time.monotonic() - started
            assert ours.returncode in (0, 1), ours.stderr
            our_cases = json.loads(report.read_text())["run"]["fuzzedCases"]
    their_rate, our_rate = int(generated.group(1)) / their_seconds, our_cases / our_seconds
    print(
        f"\nschemathesis run: {generated.group(1)} cases in {their_seconds:.1f} s = {their_rate:.0f}/s; "
        f"lookupkit verify: {our_cases} cases (+ scenarios and probes) in {our_seconds:.1f} s = {our_rate:.0f}/s "
        f"({our_rate / their_rate:.0%})"
    )
    assert our_rate >= 0.8 * their_rate
