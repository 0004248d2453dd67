"""The composite GitHub Action's script, run here as the action runs it: inputs in INPUT_*
variables, the key in GLADLY_SIGNING_KEY only, three reports, verify's exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tests.helpers import VERIFY_KEY as KEY

ACTION = Path(__file__).resolve().parent.parent / ".github" / "actions" / "verify"


def _action(tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "LOOKUPKIT_SKIP_INSTALL": "1",  # the kit is installed here already
        "INPUT_REPORTS": str(tmp_path / "reports"),
        "LOOKUPKIT_MAX_EXAMPLES": "0",  # the action's plumbing is under test, not fuzzing
    } | inputs
    return subprocess.run(
        ["bash", str(ACTION / "run.sh")],
        capture_output=True, text=True, timeout=180, cwd=tmp_path, env=env, check=False,
    )  # fmt: skip


def test_the_action_declares_what_its_script_reads():
    action = yaml.safe_load((ACTION / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    env = action["runs"]["steps"][0]["env"]
    assert {"INPUT_URL", "GLADLY_SIGNING_KEY", "INPUT_KNOWN", "INPUT_FAIL_ON"} <= set(env)
    assert set(action["inputs"]) >= {"url", "signing-key", "known", "profile", "fail-on"}


def test_the_action_verifies_and_keeps_three_reports(served, tmp_path):
    known = f"email={served['emails'][0]}\n  email={served['emails'][2]}  \n"
    result = _action(
        tmp_path,
        INPUT_URL=served["adapter"],
        GLADLY_SIGNING_KEY=KEY,
        INPUT_KNOWN=known,
        INPUT_PROFILE="sidekick",
        INPUT_NO_SUBMIT="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    reports = tmp_path / "reports"
    document = json.loads((reports / "verify.json").read_text())
    assert document["run"]["profile"] == "sidekick"
    assert document["run"]["skipped"]  # --no-submit
    assert (reports / "verify.xml").read_text().startswith("<?xml")
    assert (reports / "verify.html").read_text().startswith("<!doctype html>")
    assert KEY not in result.stdout + result.stderr


def test_the_action_fails_an_incomplete_run_by_default(served, tmp_path):
    result = _action(tmp_path, INPUT_URL=served["adapter"], GLADLY_SIGNING_KEY=KEY)
    assert result.returncode == 1
    assert "INCOMPLETE" in result.stdout
