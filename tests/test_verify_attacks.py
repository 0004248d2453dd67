"""lookupkit verify against every mutant of the reference adapter, read-only runs, and the
query-string signing forms: each defect is named under its own rule, at its catalogue severity."""

from __future__ import annotations

import base64
import json
import urllib.request
from datetime import UTC, datetime

import pytest

from contracts.rules import RULES
from contracts.verify.engine import VerifyOptions, run
from mockserver.mutants import MUTANTS
from tests.helpers import VERIFY_KEY as KEY
from tests.helpers import known, serving, set_mutant, verify


@pytest.mark.parametrize("name", sorted(n for n, m in MUTANTS.items() if not m.needs))
def test_every_mutant_fails_verify_under_its_rule(lookupkit, served, tmp_path, name):
    set_mutant(served, name)
    try:
        report = tmp_path / "report.json"
        result, _ = verify(
            lookupkit,
            served["adapter"],
            "--signing-key",
            KEY,
            *known(served),
            "--profile",
            "sidekick",
            "--max-examples",
            "0",  # the scenarios and probes catch every mutant; fuzzing is test_verify's
            "--seed",
            "1",
            "--report",
            f"json:{report}",
        )
    finally:
        set_mutant(served, None)
    severity = RULES[MUTANTS[name].rule].severity("sidekick")
    assert result.returncode == (1 if severity == "error" else 0), result.stdout
    found = {(f["rule"], f["severity"]) for f in json.loads(report.read_text())["findings"]}
    assert (MUTANTS[name].rule, severity) in found
    assert MUTANTS[name].rule in result.stdout


def test_no_submit_sends_no_action_submit(lookupkit, served, tmp_path):
    started = datetime.now(UTC).isoformat()
    report = tmp_path / "report.json"
    result, _ = verify(
        lookupkit,
        served["adapter"],
        "--signing-key",
        KEY,
        *known(served),
        "--no-submit",
        "--max-examples",
        "5",
        "--report",
        f"json:{report}",
    )
    assert result.returncode == 0, result.stdout
    assert "Not done: action submits" in result.stdout
    document = json.loads(report.read_text())
    assert document["run"]["skipped"] == [
        "action submits, and the probes of submit URLs (--no-submit)"
    ]
    with urllib.request.urlopen(served["admin"] + "/_mock/requests", timeout=10) as response:
        journal = json.loads(response.read())["requests"]
    mine = [r for r in journal if r["at"] >= started and r["role"] == "adapter"]
    assert any(r["method"] == "GET" and r["path"].startswith("/actions/") for r in mine)
    assert not [r for r in mine if r["method"] == "POST" and r["path"].startswith("/actions/")]


def test_query_form_auto_finds_the_form_the_adapter_takes(lookupkit, served, tmp_path):
    set_mutant(served, "undocumented-query-form")
    try:
        report = tmp_path / "report.json"
        result, _ = verify(
            lookupkit,
            served["adapter"],
            "--signing-key",
            KEY,
            *known(served),
            "--max-examples",
            "5",
            "--report",
            f"json:{report}",
        )
        fixed = tmp_path / "fixed.json"
        documented, _ = verify(
            lookupkit,
            served["adapter"],
            "--signing-key",
            KEY,
            *known(served),
            "--max-examples",
            "5",
            "--query-form",
            "documented",
            "--report",
            f"json:{fixed}",
        )
    finally:
        set_mutant(served, None)
    auto = json.loads(report.read_text())
    assert auto["run"]["queryForm"] == "path-with-query"
    assert result.returncode == 0, result.stdout
    assert any(s["name"] == "action 'Add a note'" and s["passed"] for s in auto["run"]["scenarios"])
    strict = json.loads(fixed.read_text())
    assert documented.returncode == 1
    assert strict["run"]["queryForm"] == "documented"
    assert not any(
        s["name"] == "action 'Add a note'" and s["passed"] for s in strict["run"]["scenarios"]
    )


def test_credentials_never_go_to_another_origin(served):
    set_mutant(served, "foreign-action-url")
    try:
        options = VerifyOptions(
            served["adapter"],
            signing_key=KEY,
            known=[("email", served["emails"][0])],
            max_examples=5,
            seed=1,
        )
        report = run(options)
    finally:
        set_mutant(served, None)
    assert "actions.foreign-origin" in {o.finding.rule for o in report.observations}
    assert report.requests
    assert not [s.url for s in report.requests if ":9/" in s.url]
    assert all(s.url.startswith(served["adapter"]) for s in report.requests)


@pytest.mark.parametrize("mutant", sorted(n for n, m in MUTANTS.items() if m.needs == "basic"))
def test_verify_catches_the_mutants_that_need_basic_credentials(lookupkit, tmp_path, mutant):
    args = ["all", "--port", "0", "--db", ":memory:", "--signing-key", KEY, "--customers", "5",
            "--basic-auth", "gladly:pw-4x8q", "--mutant", mutant,
            "--no-rate-limit"]  # fmt: skip
    with serving(lookupkit, *args) as (_, urls, lines):
        email = next(line.split()[0] for line in lines if "externalCustomerId" in line)
        report = tmp_path / "report.json"
        result, _ = verify(lookupkit, urls["adapter"] + "/", "--signing-key", KEY,
                           "--basic-auth", "gladly:pw-4x8q", "--known", f"email={email}",
                           "--max-examples", "3", "--report", f"json:{report}")  # fmt: skip
    assert result.returncode == 1, result.stdout
    findings = json.loads(report.read_text())["findings"]
    caught = [f for f in findings if f["rule"] == MUTANTS[mutant].rule]
    assert caught, sorted({f["rule"] for f in findings})
    if mutant == "basic-password-only":
        assert any("a wrong user and the right password" in f["scenario"] for f in caught)
    assert "pw-4x8q" not in result.stdout + report.read_text()
    assert base64.b64encode(b"gladly:pw-4x8q").decode() not in report.read_text()
