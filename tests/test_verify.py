"""lookupkit verify against the reference adapter, its mutants, and purpose-built hostile servers."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from contracts.verify.engine import VerifyOptions, run
from contracts.verify.report import REPORT_SCHEMA
from tests.helpers import VERIFY_KEY as KEY
from tests.helpers import known, serving, set_mutant, verify


def test_conforming_reference_adapter_passes_sidekick_quickly(lookupkit, served, tmp_path):
    report = tmp_path / "report.json"
    result, elapsed = verify(
        lookupkit,
        served["adapter"],
        "--signing-key",
        KEY,
        *known(served),
        "--profile",
        "sidekick",
        "--report",
        f"json:{report}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads(report.read_text())
    assert document["summary"]["errors"] == 0
    assert document["summary"]["warnings"] == 0
    assert document["run"]["fuzzedCases"] >= 150
    assert document["run"]["queryForm"] == "documented"
    assert document["run"]["skipped"] == []
    assert elapsed < 60
    assert any(s["name"].startswith("action") and s["passed"] for s in document["run"]["scenarios"])
    names = {s["name"] for s in document["run"]["scenarios"]}
    assert {
        "documented example 'autoLink'",
        "documented example 'detailed'",
        "coverage: negative lookups",
        "fuzzing: positive lookups",
        "fuzzing: negative lookups",
    } <= names
    for needle in (
        "security: rejects a truncated signature",
        "security: rejects two Gladly-Authorization headers",
        "security: rejects a signature seen before",
        "to the form of action 'Add a note'",
        "to the submit of action 'Add a note'",
        "security: rejects a query changed after signing to the form of action",
        "injection: basic search on email with '*'",
        "injection: auto-link by phone",
        "auto-link by its MOBILE phone",
        "with spaces",
        "detailed lookup of an unknown id shaped like",
        "auto-link with the emails of two customers",
        "a submit with a list for",
        "a form URL for nothing that exists",
    ):
        assert any(needle in name for name in names), needle


def test_same_seed_gives_the_same_requests(served):
    def requests_of(seed: int) -> list[tuple[str, str, bytes]]:
        options = VerifyOptions(
            served["adapter"],
            signing_key=KEY,
            known=[("email", served["emails"][0])],
            max_examples=15,
            seed=seed,
        )
        return [(r.method, r.url, r.body) for r in run(options).requests]

    first, second, other = requests_of(5), requests_of(5), requests_of(6)
    assert first == second
    assert first != other


def test_reports_validate_and_never_contain_secrets(lookupkit, served, tmp_path):
    password, token = "basic-pass-93kq", "header-token-x81z"
    paths = {kind: tmp_path / f"report.{kind}" for kind in ("json", "junit", "html")}
    result, _ = verify(
        lookupkit,
        served["adapter"],
        "--signing-key",
        KEY,
        "--basic-auth",
        f"gladly:{password}",
        "--header",
        f"X-Api-Token: {token}",
        *known(served),
        "--max-examples",
        "10",
        *[arg for kind, path in paths.items() for arg in ("--report", f"{kind}:{path}")],
    )
    assert (
        result.returncode == 1
    )  # the adapter does not check Basic credentials: security.basic-auth
    document = json.loads(paths["json"].read_text())
    jsonschema.validate(document, json.loads(REPORT_SCHEMA.read_text()))
    assert "security.basic-auth" in {f["rule"] for f in document["findings"]}
    assert all(
        f["reproduce"].startswith("export GLADLY_SIGNING_KEY=...; ")
        for f in document["findings"]
        if f.get("reproduce")
    )
    suite = ET.parse(paths["junit"]).getroot()
    names = {case.get("name") for case in suite.iter("testcase")}
    assert {"security.basic-auth", "profile.external-id"} <= names
    assert suite.get("failures") == str(len(suite.findall(".//failure")))
    page = paths["html"].read_text()
    assert page.startswith("<!doctype html>")
    assert "Missing or wrong Basic credentials are rejected" in page
    assert page.count("<script") == 1  # the copy buttons, allowed by hash (test_html_report)
    assert "Content-Security-Policy" in page
    for text in [result.stdout, result.stderr] + [p.read_text() for p in paths.values()]:
        for secret in (KEY, password, token):
            assert secret not in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ftp://example.test/"], "URL"),
        (["http://127.0.0.1:9/", "--known", "email"], "--known"),
        (["http://127.0.0.1:9/", "--report", "pdf:/tmp/x"], "--report"),
        (["http://127.0.0.1:9/", "--report", "json:/nonexistent/dir/r.json"], "--report"),
        (["http://127.0.0.1:9/", "--profile", "gold"], "--profile"),
        (["http://127.0.0.1:9/", "--header", "broken"], "--header"),
    ],
)
def test_verify_usage_errors_exit_2_with_one_line(lookupkit, args, needle):
    result, _ = verify(lookupkit, *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert needle in result.stderr


def test_pytest_plugin_runs_the_suite(served, tmp_path):
    import sys

    set_mutant(served, "no-carrier")
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                "-q",
                "-o",
                "addopts=",
                "--rootdir",
                str(tmp_path),
                str(tmp_path),
                "--lookup-url",
                served["adapter"],
                "--lookup-signing-key",
                KEY,
                "--lookup-known",
                f"email={served['emails'][0]}",
                "--lookup-profile",
                "sidekick",
                "--lookup-max-examples",
                "5",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
    finally:
        set_mutant(served, None)
    assert result.returncode == 1
    assert "FAILED ::lookup-contract[fulfillment.sidekick-fields]" in result.stdout
    assert re.search(r"1 failed, \d+ passed", result.stdout)
    assert KEY not in result.stdout


def test_schemathesis_schema_check_runs_on_fuzzed_answers(served):
    set_mutant(served, "null-results")
    try:
        report = run(VerifyOptions(served["adapter"], signing_key=KEY, max_examples=5, seed=2))
    finally:
        set_mutant(served, None)
    schema = [o for o in report.observations if o.finding.rule == "envelope.response-schema"]
    assert schema
    assert {o.scenario.split(":")[0] for o in schema} <= {"coverage", "fuzzing"}
    assert "null" in schema[0].finding.message


def test_catalogue_runs_as_a_schemathesis_check(served, tmp_path, lookupkit):
    import os
    import sys

    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(__import__("contracts.spec", fromlist=["load_spec"]).load_spec()))
    args = [
        "all",
        "--port",
        "0",
        "--db",
        ":memory:",
        "--no-rate-limit",
        "--customers",
        "5",
        "--mutant",
        "null-results",  # every answer breaks: blind fuzzing finds no real customer to look up
    ]
    with serving(lookupkit, *args) as (_, urls, _lines):
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                "run",
                str(spec),
                "--url",
                urls["adapter"],
                "--include-operation-id",
                "lookup",
                "--max-examples",
                "10",
                "--checks",
                "lookup_adapter_contract",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
            env=os.environ
            | {
                "SCHEMATHESIS_HOOKS": "contracts.schemathesis_checks",
                "LOOKUPKIT_PROFILE": "sidekick",
            },
        )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "lookup_adapter_contract" in result.stdout
    assert "[envelope.results-array]" in result.stdout


def test_a_stop_request_ends_the_run_even_when_no_signal_reaches_it(served):
    """A signal's KeyboardInterrupt can be dropped (raised inside a gc callback Hypothesis
    registers); the stop flag the CLI's handler also sets must end the run by itself."""
    import threading
    import time

    stop = threading.Event()
    threading.Timer(3.0, stop.set).start()
    started = time.monotonic()
    options = VerifyOptions(served["adapter"], signing_key=KEY, max_examples=5000, seed=3)
    report = run(options, stop=stop)
    assert report.stopped == "interrupted before the end"
    assert time.monotonic() - started < 15
