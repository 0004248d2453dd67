"""lookupkit replay: a finding's request, signed afresh, and the adapter's answer now."""

from __future__ import annotations

import json
import subprocess

from tests.helpers import VERIFY_KEY as KEY
from tests.helpers import known, set_mutant, verify


def _replay(lookupkit: str, *args: str, key: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin"} | ({"GLADLY_SIGNING_KEY": key} if key else {})
    return subprocess.run(
        [lookupkit, "replay", *args], capture_output=True, text=True, timeout=60, env=env,
        check=False,
    )  # fmt: skip


def test_replay_resends_a_finding_signed_afresh(lookupkit, served, tmp_path):
    report = tmp_path / "report.json"
    set_mutant(served, "no-sku")
    try:
        args = ["--signing-key", KEY, *known(served), "--max-examples", "3"]
        verify(lookupkit, served["adapter"], *args, "--report", f"json:{report}")
        findings = json.loads(report.read_text())["findings"]
        number = next(
            i for i, f in enumerate(findings, 1) if f["rule"] == "product.required-fields"
        )
        again = _replay(lookupkit, str(report), "--finding", str(number), key=KEY)
        refused = _replay(lookupkit, str(report), "--finding", str(number))
    finally:
        set_mutant(served, None)
    assert again.returncode == 0, again.stderr
    assert "product.required-fields" in again.stdout
    assert "HTTP 200 (was 200)" in again.stdout
    assert '"results"' in again.stdout
    assert KEY not in again.stdout
    assert "HTTP 401 (was 200)" in refused.stdout  # no key: the adapter refuses, as it should


def test_replay_explains_what_it_cannot_do(lookupkit, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = _replay(lookupkit, str(bad))
    assert result.returncode == 2
    assert "is not a lookupkit verify JSON report" in result.stderr
    assert result.stderr.count("\n") == 1
