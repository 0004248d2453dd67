"""A verdict people can act on: no false green, one diagnosis for a refused key, a seed always,
reproduce commands that work as printed, reports on stdout, and no secret in any repr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contracts.verify.fuzzing import Pace
from contracts.verify.options import VerifyOptions
from contracts.verify.verifier import Verifier
from tests.helpers import VERIFY_KEY as KEY
from tests.helpers import known, set_mutant, verify


def test_options_never_show_their_secrets():
    options = VerifyOptions(
        "http://127.0.0.1:1/",
        signing_key="sk-Zq81-very-secret",
        basic_auth=("ana", "pw-Zq81-secret"),
        headers={"X-Api-Token": "tok-Zq81-secret", "X-Tenant": "acme"},
    )
    text = repr(options) + str(options)
    for secret in ("sk-Zq81-very-secret", "pw-Zq81-secret", "tok-Zq81-secret"):
        assert secret not in text
    assert "X-Tenant': 'acme'" in text
    assert "url='http://127.0.0.1:1/'" in text


def test_a_signed_adapter_without_the_key_gets_one_diagnosis(lookupkit, served, tmp_path):
    report = tmp_path / "report.json"
    result, elapsed = verify(
        lookupkit, served["adapter"], *known(served), "--report", f"json:{report}"
    )
    assert result.returncode == 1
    assert "pass --signing-key" in result.stdout
    document = json.loads(report.read_text())
    assert "pass --signing-key" in document["run"]["stopped"]
    assert document["run"]["incomplete"]
    assert len(document["findings"]) <= 3
    assert elapsed < 20


def test_a_run_without_known_customers_is_incomplete_not_green(lookupkit, served, tmp_path):
    report = tmp_path / "report.json"
    args = ["--signing-key", KEY, "--max-examples", "0", "--report", f"json:{report}"]
    result, _ = verify(lookupkit, served["adapter"], *args)
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("INCOMPLETE: no detailed lookup")
    assert [line for line in lines if line.startswith("INCOMPLETE: 0 error(s)")]
    assert result.returncode == 0  # --fail-on error, the default
    document = json.loads(report.read_text())
    assert "pass --known" in document["run"]["incomplete"]
    assert isinstance(document["run"]["seed"], int)
    strict, _ = verify(lookupkit, served["adapter"], *args, "--fail-on", "incomplete")
    assert strict.returncode == 1


def test_the_seed_is_always_chosen_printed_and_stored(lookupkit, served, tmp_path):
    report = tmp_path / "report.json"
    args = ["--signing-key", KEY, *known(served), "--max-examples", "0", "-q"]
    result, _ = verify(lookupkit, served["adapter"], *args, "--report", f"json:{report}")
    seed = json.loads(report.read_text())["run"]["seed"]
    assert isinstance(seed, int)
    assert result.stdout.strip().count("\n") == 0  # -q: the verdict line only
    assert f"--seed {seed} repeats it" in result.stdout


def test_no_generated_lookups_is_said_not_a_crash(lookupkit, served):
    result, _ = verify(
        lookupkit, served["adapter"], "--signing-key", KEY, *known(served),
        "--max-examples", "0", "--time-budget", "60",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "internal error" not in result.stdout + result.stderr
    assert "Not done: generated lookups (the coverage phase and fuzzing): --max-examples 0" in (
        result.stdout
    )


def test_a_json_report_can_go_to_stdout(lookupkit, served):
    args = ["--signing-key", KEY, *known(served), "--max-examples", "0", "--report", "json:-"]
    result, _ = verify(lookupkit, served["adapter"], *args)
    document = json.loads(result.stdout)
    assert document["summary"] == {"errors": 0, "warnings": 0}
    assert "error(s)" in result.stderr
    assert not Path("-").exists()


def test_reproduce_commands_work_as_printed(lookupkit, served, tmp_path):
    set_mutant(served, "no-sku")
    try:
        report = tmp_path / "report.json"
        args = ["--signing-key", KEY, *known(served), "--max-examples", "5"]
        verify(lookupkit, served["adapter"], *args, "--report", f"json:{report}")
        findings = json.loads(report.read_text())["findings"]
        command = next(f["reproduce"] for f in findings if f["rule"] == "product.required-fields")
        assert command.startswith("export GLADLY_SIGNING_KEY=...; ")
        assert KEY not in command
        filled = command.replace("GLADLY_SIGNING_KEY=...", f"GLADLY_SIGNING_KEY={KEY}", 1)
        bin_dir = str(Path(sys.executable).parent)
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")}
        answer = subprocess.run(
            ["sh", "-c", filled], capture_output=True, text=True, timeout=60, env=env, check=False
        )
    finally:
        set_mutant(served, None)
    assert answer.returncode == 0, answer.stderr
    body = json.loads(answer.stdout)
    assert body["results"][0]["transactions"][0]["products"][0].get("sku") is None


def test_the_pytest_plugin_never_prints_the_key_when_fuzzing_fails(served, tmp_path):
    set_mutant(served, "crash-on-bad-json")  # fuzzed negative lookups get 500s
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=",
             "--rootdir", str(tmp_path), str(tmp_path), "--lookup-url", served["adapter"],
             "--lookup-signing-key", KEY, "--lookup-known", f"email={served['emails'][0]}",
             "--lookup-max-examples", "10", "--lookup-seed", "3", "-q"],
            capture_output=True, text=True, timeout=180, cwd=tmp_path, check=False,
        )  # fmt: skip
    finally:
        set_mutant(served, None)
    assert result.returncode == 1
    assert "robustness.no-server-error" in result.stdout
    assert KEY not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout
    assert "site-packages" not in result.stdout  # no internal frames, just the findings
    assert "Hint:" in result.stdout


def test_one_bug_with_many_symptoms_is_one_root_cause(lookupkit, served):
    set_mutant(served, "reserialized-signature")
    try:
        args = ["--signing-key", KEY, *known(served), "--max-examples", "20", "--seed", "1"]
        result, _ = verify(lookupkit, served["adapter"], *args)
    finally:
        set_mutant(served, None)
    assert result.returncode == 1
    heads = [line for line in result.stdout.splitlines() if line[:1].isdigit() and ". " in line]
    assert len(heads) == 1, result.stdout
    assert "re-serialises the body" in heads[0]
    assert "security.accepts-gladly-variants" in result.stdout
    assert "fix: verify the signature over the raw body bytes" in result.stdout
    assert "reproduce: export GLADLY_SIGNING_KEY=...;" in result.stdout


def test_causes_come_in_the_order_to_fix_them():
    from contracts.rules import RULES, Finding, Severity
    from contracts.verify.causes import root_causes
    from contracts.verify.options import Observation, Report

    def seen(rule: str, severity: Severity) -> Observation:
        return Observation(Finding(rule, severity, f"{rule}\n\nReceived: x", ""), "a scenario")

    report = Report(VerifyOptions("http://127.0.0.1:1/"))
    report.observations = [
        seen("fulfillment.sidekick-fields", "error"),  # an error only for Sidekick
        seen("envelope.latency-slow", "warning"),
        seen("detailed.echoes-id", "error"),  # an error for Gladly itself
        seen("detailed.echoes-id", "error"),
    ]
    order = [c.rules[0] for c in root_causes(report)]
    assert order == ["detailed.echoes-id", "fulfillment.sidekick-fields", "envelope.latency-slow"]
    assert RULES["fulfillment.sidekick-fields"].levels == "--E"


def test_sigterm_prints_the_summary_and_writes_the_partial_report(lookupkit, served, tmp_path):
    import signal
    import time

    report = tmp_path / "report.json"
    proc = subprocess.Popen(
        [lookupkit, "verify", served["adapter"], "--signing-key", KEY, *known(served),
         "--max-examples", "5000", "--report", f"json:{report}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    time.sleep(6)
    proc.send_signal(signal.SIGTERM)
    stdout, _ = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert "Stopped early: interrupted before the end." in stdout
    assert "INCOMPLETE:" in stdout
    document = json.loads(report.read_text())
    assert document["run"]["stopped"] == "interrupted before the end"
    assert document["run"]["requests"] > 50


@pytest.mark.timing
def test_the_time_budget_holds_within_ten_percent(lookupkit, served, tmp_path):
    report = tmp_path / "report.json"
    args = ["--signing-key", KEY, *known(served), "--max-examples", "5000"]
    result, _ = verify(lookupkit, served["adapter"], *args, "--time-budget", "8",
                       "--report", f"json:{report}")  # fmt: skip
    document = json.loads(report.read_text())
    assert document["run"]["durationSeconds"] <= 8 * 1.1, document["run"]
    assert "time budget of 8 s used up" in document["run"]["stopped"]
    assert result.returncode in (0, 1)


def test_a_case_is_generated_only_while_the_budget_has_room_for_it():
    """Generating a case cannot be interrupted, so the run stops before one that would end past
    the deadline, and the budget then counts as spent (the report says the budget ended it)."""
    verifier = Verifier(VerifyOptions("http://127.0.0.1:1/", time_budget=60), lambda _: None)
    pace = Pace(verifier)
    for took in (0.9, 0.2):  # the first case (with the start-up), then an ordinary one
        pace.judged()
        pace.mark -= took
        pace.generated()
    assert pace.first == pytest.approx(0.9, abs=0.05)
    assert pace.expected == pytest.approx(0.2, abs=0.05)
    assert pace.room()
    assert not verifier.budget_spent
    verifier.deadline = time.monotonic() + 0.3  # less than two ordinary cases left
    assert not pace.room()
    assert verifier.budget_spent
    assert verifier.out_of_time()


def test_a_terminal_gets_a_progress_bar_of_the_budget(lookupkit, served):
    """On a terminal (a pseudo-terminal here) the budget is a bar redrawn in place."""
    import pty
    import re
    import select
    import time

    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [lookupkit, "verify", served["adapter"], "--signing-key", KEY, "--max-examples", "3",
         "--time-budget", "30", "--color", "never"],
        stdout=subprocess.DEVNULL, stderr=secondary, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    os.close(secondary)
    seen, deadline = b"", time.monotonic() + 90
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    proc.wait(30)
    os.close(primary)
    text = seen.decode("utf-8", "replace")
    assert re.search(r"\r\x1b\[K  \[#*-*\] \d+ s of 30 s  ", text), text[-500:]
    assert "security probes" in text  # the phases, as lines above the bar
