"""``lookupkit load`` against the reference adapter: real Locust runs of a few seconds, through
real sockets, standalone and as Locust's master with workers; and the traffic model's numbers."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from contracts.load.model import (
    NEW_PROFILE,
    Rate,
    mean_users_share,
    requests_per_contact,
    users_at,
)
from contracts.verify.report import REPORT_SCHEMA
from tests.helpers import VERIFY_KEY as KEY
from tests.helpers import set_mutant

pytestmark = pytest.mark.slow


def load(lookupkit: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [lookupkit, "load", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": "/usr/bin:/bin"},
    )


def run_load(lookupkit, served, tmp_path: Path, *args: str) -> tuple[Any, dict[str, Any]]:
    report = tmp_path / "load.json"
    result = load(
        lookupkit, served["adapter"], "--signing-key", KEY, "--from-oms", served["oms"],
        "--report", f"json:{report}", *args,
    )  # fmt: skip
    assert report.exists(), result.stdout + result.stderr
    return result, json.loads(report.read_text())


def test_a_standalone_run_sends_gladlys_mix_all_signed_and_reports_percentiles(
    lookupkit, served, tmp_path
):
    junit, html, csv = tmp_path / "load.xml", tmp_path / "locust.html", tmp_path / "stats"
    result, document = run_load(
        lookupkit, served, tmp_path, "--rps", "40", "--duration", "5", "--users", "8",
        "--report", f"junit:{junit}", "--report", f"html:{html}", "--report", f"csv:{csv}",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    jsonschema.validate(document, json.loads(REPORT_SCHEMA.read_text()))
    run = document["load"]
    kinds = run["kinds"]
    # Gladly's mix: every contact a DETAILED lookup; auto-links for new profiles; some agent
    # searches and action forms (the reference adapter offers actions).
    assert {"auto-link", "detailed", "search", "action form"} <= set(kinds), kinds
    contacts = run["contacts"]["sent"]
    assert contacts > 50
    assert run["contacts"]["unlinked"] == 0
    assert (
        abs(kinds["detailed"]["requests"] - contacts) <= 8
    )  # at most one contact per agent cut short
    assert kinds["auto-link"]["requests"] >= contacts * NEW_PROFILE * 0.5
    assert kinds["search"]["requests"] < kinds["detailed"]["requests"] / 2
    assert "action submit" not in kinds  # submits only with --submits
    # Every request was accepted as correctly signed: the adapter refuses any other with 401.
    for kind, statuses in run["statuses"].items():
        assert set(statuses) == {"200"}, (kind, statuses)
    assert sum(k["requests"] for k in kinds.values()) == run["total"]["requests"]
    for stats in kinds.values():
        assert stats["failures"] == 0
        assert 0 < stats["p50Ms"] <= stats["p95Ms"] <= stats["p99Ms"] <= stats["maxMs"] + 100
    assert 0.9 <= run["contacts"]["share"] <= 1.3, run["contacts"]
    assert document["summary"]["errors"] == 0
    assert run["judged"] >= 1  # 1 in 100 answers judged with the whole catalogue
    assert "PASS: the adapter held" in result.stdout
    assert "p95" in result.stdout
    assert "detailed" in result.stdout
    cases = {c.get("name") for c in ET.parse(junit).getroot()}
    assert {"auto-link", "detailed"} <= cases
    assert "<html" in html.read_text()[:2000].lower()
    assert (tmp_path / "stats_stats.csv").read_text().count("detailed") >= 1
    assert KEY not in result.stdout + result.stderr + json.dumps(document)


def test_processes_run_locusts_master_and_workers_and_add_their_counts(lookupkit, served, tmp_path):
    result, document = run_load(
        lookupkit, served, tmp_path, "--rps", "30", "--duration", "4", "--users", "6",
        "--processes", "2", "--submits",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    run = document["load"]
    # the workers' tallies reached the master: its counts agree with Locust's own statistics
    counted = sum(sum(s.values()) for s in run["statuses"].values())
    assert counted == run["total"]["requests"] > 30
    assert run["kinds"]["detailed"]["requests"] >= run["contacts"]["sent"] > 20
    assert run["kinds"].get("action submit", {}).get("requests", 0) >= 1
    assert all(set(s) <= {"200"} for s in run["statuses"].values()), run["statuses"]


def test_a_master_and_a_worker_started_as_the_readme_says_run_together(lookupkit, served, tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    common = [served["adapter"], "--signing-key", KEY, "--from-oms", served["oms"]]
    report = tmp_path / "load.json"
    worker = subprocess.Popen(
        [lookupkit, "load", *common, "--worker", "--master-port", port],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    try:
        master = load(
            lookupkit, *common, "--master", "--master-port", port, "--expect-workers", "1",
            "--rps", "20", "--duration", "3", "--report", f"json:{report}",
        )  # fmt: skip
        worker_out, _ = worker.communicate(timeout=60)
    finally:
        worker.kill()
    assert master.returncode == 0, master.stdout + master.stderr
    assert worker.returncode == 0, worker_out
    run = json.loads(report.read_text())["load"]
    # the requests were the worker's: the master sends none, and its counts came over the wire
    assert sum(sum(s.values()) for s in run["statuses"].values()) == run["total"]["requests"] > 20


def test_a_slow_adapter_gets_a_latency_warning(lookupkit, served, tmp_path):
    import urllib.request

    with urllib.request.urlopen(served["oms"] + "/_mock/customers?limit=4", timeout=10) as r:
        ids = [str(c["id"]) for c in json.loads(r.read())["customers"]]
    known = [arg for i in ids for arg in ("--known", f"externalCustomerId={i}")]
    report = tmp_path / "load.json"
    set_mutant(served, "slow-lookups")
    try:  # one DETAILED lookup a contact (the ids are known): each contact takes 6 s
        result = load(
            lookupkit, served["adapter"], "--signing-key", KEY, *known, "--rps", "2",
            "--users", "4", "--duration", "4", "--report", f"json:{report}",
        )  # fmt: skip
    finally:
        set_mutant(served, None)
    document = json.loads(report.read_text())
    rules = {f["rule"]: f for f in document["findings"]}
    assert rules["envelope.latency-slow"]["severity"] == "warning", document["findings"]
    assert document["summary"]["errors"] == 0
    assert document["load"]["kinds"]["detailed"]["p50Ms"] >= 5900
    assert result.returncode == 0, result.stdout
    assert "WARNING" in result.stdout
    assert "envelope.latency-slow" in result.stdout


def test_an_adapter_that_fails_under_concurrency_fails_the_verdict(lookupkit, served, tmp_path):
    set_mutant(served, "fails-under-load")
    try:
        result, document = run_load(
            lookupkit, served, tmp_path, "--rps", "80", "--users", "20", "--duration", "3",
        )  # fmt: skip
    finally:
        set_mutant(served, None)
    assert result.returncode == 1, result.stdout
    assert "FAIL:" in result.stdout
    statuses = document["load"]["statuses"]
    assert any("503" in s for s in statuses.values()), statuses
    found = {f["rule"] for f in document["findings"] if f["severity"] == "error"}
    assert "envelope.http-status" in found
    failed = sum(k["failures"] for k in document["load"]["kinds"].values())
    assert failed == sum(s.get("503", 0) for s in statuses.values())


def test_a_wrong_signing_key_is_refused_and_says_so(lookupkit, served, tmp_path):
    result = load(
        lookupkit, served["adapter"], "--signing-key", "not-the-key-9q", "--from-oms",
        served["oms"], "--rps", "5", "--duration", "2",
    )  # fmt: skip
    assert result.returncode == 1
    assert "the signature or credentials were refused" in result.stdout
    assert "not-the-key-9q" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--known", "email=a@example.com"], "--duration is required"),
        (["--duration", "5"], "no customers to look up"),
        (["--duration", "5", "--from-oms", "http://127.0.0.1:1"], "cannot read customers"),
        (["--duration", "5", "--known", "a@example.com"], "is not FIELD=VALUE"),
        (["--duration", "99999", "--known", "email=a@example.com"], "--duration"),
        (["--duration", "5", "--known", "email=a@x.com", "--rps", "1", "--contacts-per-hour", "9"],
         "exclude each other"),
        (["--duration", "5", "--known", "email=a@x.com", "--master", "--worker"], "exclude each other"),
        (["--duration", "5", "--known", "email=a@x.com", "--report", "pdf:x"], "--report"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(lookupkit, args, message):
    result = load(lookupkit, "http://127.0.0.1:1/", *args, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_sigterm_ends_the_run_with_its_summary_and_report(lookupkit, served, tmp_path):
    import signal
    import time

    report = tmp_path / "load.json"
    proc = subprocess.Popen(
        [lookupkit, "load", served["adapter"], "--signing-key", KEY, "--from-oms", served["oms"],
         "--rps", "20", "--duration", "120", "--processes", "2", "--report", f"json:{report}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    time.sleep(7)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 1, stdout + stderr
    assert "INCOMPLETE: interrupted before the end" in stdout
    document = json.loads(report.read_text())
    assert document["run"]["stopped"] == "interrupted before the end"
    assert document["run"]["requests"] > 0
    left = subprocess.run(["pgrep", "-f", "contracts/load/locustfile.py"], capture_output=True)
    assert left.stdout == b"", "Locust processes outlived the run"


def test_workers_tallies_add_up_on_the_master():
    from contracts.load.tally import Tally
    from contracts.rules import Finding

    finding = Finding("envelope.http-status", "error", "HTTP 503", "")
    one, two, master = Tally(), Tally(), Tally()
    one.contacts, two.contacts = 3, 4
    one.status("detailed", 200)
    two.status("detailed", 503)
    two.status("detailed", None)
    one.finding(finding, "detailed", {"body": "x" * 10_000})
    two.finding(finding, "detailed", {"body": "y"})
    for worker in (one, two):
        master.merge(worker.as_dict())
        worker.reset()
    assert master.contacts == 7
    assert master.statuses["detailed"] == {"200": 1, "503": 1, "none": 1}
    seen = master.findings["envelope.http-status detailed"]
    assert seen["count"] == 2
    assert seen["example"]["body"].startswith("x")
    assert len(seen["example"]["body"]) <= 4097
    assert one.as_dict()["contacts"] == 0


# -- the traffic model ---------------------------------------------------------------------------


def test_a_rate_in_requests_per_second_becomes_the_contacts_that_send_it():
    rate = Rate.of(contacts_per_hour=None, rps=12.0, submits=False)
    assert rate.contacts_per_second * requests_per_contact(submits=False) == pytest.approx(12.0)
    assert Rate.of(contacts_per_hour=7200, rps=None, submits=True).contacts_per_second == 2.0
    assert requests_per_contact(submits=True) > requests_per_contact(submits=False)
    assert Rate(5.0).default_users() == 50


def test_the_ramps_shape_the_agents_over_the_run():
    assert [users_at("steady", t, 10, 20) for t in (0, 5, 9.9, 10)] == [20, 20, 20, 0]
    assert [users_at("peak", t, 10, 20) for t in (0, 2.5, 5, 9)] == [1, 10, 20, 20]
    assert [users_at("spike", t, 10, 20) for t in (1, 4.5, 5.5, 7)] == [4, 20, 20, 4]
    assert mean_users_share("steady", 10, 20) == 1.0
    assert mean_users_share("peak", 10, 20) == pytest.approx(0.75, abs=0.02)
    assert mean_users_share("spike", 10, 20) == pytest.approx(0.2 * 0.8 + 0.2, abs=0.02)
