"""`make demo` keeps working: the OMS, the reference adapter, the Gladly flow, a mutant, and verify."""

from __future__ import annotations

import json
import subprocess
import sys


def test_demo_runs_end_to_end():
    result = subprocess.run(
        [sys.executable, "-m", "mockserver.demo"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary == {
        "conformingErrors": 0,
        "mutantErrors": summary["mutantErrors"],
        "verifyErrors": 0,
    }
    assert summary["mutantErrors"] > 0
    assert "order.total-symbol" in result.stdout
    assert "lookupkit serve all" in result.stdout  # it ends by saying how to open the UI
    assert "serve all --data customers.json" in result.stdout
