"""verify fits the ecosystem: options from a file and from LOOKUPKIT_* variables (command line >
environment > file), rule selection, and JUnit warnings that are not silent passes."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.helpers import VERIFY_KEY as KEY
from tests.helpers import known


def _signed(served: dict[str, str], *more: str) -> list[str]:
    """The adapter, the key and no generated lookups: these tests check settings, not fuzzing."""
    return [served["adapter"], "--signing-key", KEY, *more, "--max-examples", "0"]


def _verify(lookupkit: str, cwd: Path, *args: str, env: dict[str, str] | None = None):
    return subprocess.run(
        [lookupkit, "verify", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin"} | (env or {}),
        check=False,
    )


def test_command_line_beats_environment_beats_file(lookupkit, served, tmp_path):
    email = served["emails"][0]
    (tmp_path / "lookupkit.toml").write_text(
        f'[verify]\nprofile = "sidekick"\nmax-examples = 0\nknown = ["email={email}"]\n'
    )
    report = tmp_path / "r.json"
    base = [served["adapter"], "--signing-key", KEY, "--report", f"json:{report}"]
    _verify(lookupkit, tmp_path, *base)
    assert json.loads(report.read_text())["run"]["profile"] == "sidekick"  # the file
    _verify(lookupkit, tmp_path, *base, env={"LOOKUPKIT_PROFILE": "core"})
    assert json.loads(report.read_text())["run"]["profile"] == "core"  # the environment
    _verify(lookupkit, tmp_path, *base, "--profile", "agent", env={"LOOKUPKIT_PROFILE": "core"})
    document = json.loads(report.read_text())
    assert document["run"]["profile"] == "agent"  # the command line
    assert not document["run"]["incomplete"]  # the file's known customer was used


def test_pyproject_tool_table_and_bad_files_are_clear(lookupkit, served, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.lookupkit.verify]\nprofile = "gold"\n')
    result = _verify(lookupkit, tmp_path, served["adapter"])
    assert result.returncode == 2
    assert "'gold'" in result.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.lookupkit.verify]\nsigning-key = "sk-Zq81"\n')
    result = _verify(lookupkit, tmp_path, served["adapter"])
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "never in a file" in result.stderr
    assert "sk-Zq81" not in result.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.lookupkit.verify]\nmax-exampels = 3\n")
    result = _verify(lookupkit, tmp_path, served["adapter"])
    assert (result.returncode, "'max-exampels'" in result.stderr) == (2, True)


def test_help_shows_the_environment_variables(lookupkit, tmp_path):
    result = _verify(lookupkit, tmp_path, "--help")
    assert "LOOKUPKIT_PROFILE" in result.stdout
    assert "LOOKUPKIT_MAX_EXAMPLES" in result.stdout
    assert "GLADLY_SIGNING_KEY" in result.stdout


def test_known_customers_from_one_variable_one_per_line(lookupkit, served, tmp_path):
    report = tmp_path / "r.json"
    env = {"LOOKUPKIT_KNOWN": f"email={served['emails'][0]}\nemail={served['emails'][2]}"}
    args = _signed(served)
    _verify(lookupkit, tmp_path, *args, "--report", f"json:{report}", env=env)
    names = {s["name"] for s in json.loads(report.read_text())["run"]["scenarios"]}
    assert f"auto-link by email {served['emails'][2]}" in names


def test_rule_selection(lookupkit, served, tmp_path):
    from tests.helpers import set_mutant

    set_mutant(served, "no-sku")
    try:
        report = tmp_path / "r.json"
        args = _signed(served, *known(served))
        skipped = _verify(lookupkit, tmp_path, *args, "--skip-rule", "product.",
                          "--report", f"json:{report}")  # fmt: skip
        rules = {f["rule"] for f in json.loads(report.read_text())["findings"]}
        assert skipped.returncode == 0
        assert not any(r.startswith("product.") for r in rules)
        only = _verify(lookupkit, tmp_path, *args, "--rule", "product.required-fields",
                       "--profile", "sidekick", "--report", f"json:{report}")  # fmt: skip
        rules = {f["rule"] for f in json.loads(report.read_text())["findings"]}
        assert only.returncode == 1
        assert rules == {"product.required-fields"}
    finally:
        set_mutant(served, None)
    bad = _verify(lookupkit, tmp_path, served["adapter"], "--rule", "nosuch.rule")
    assert bad.returncode == 2
    assert "no rule matches 'nosuch.rule'" in bad.stderr


def test_junit_shows_warnings_instead_of_passing_silently(lookupkit, served, tmp_path):
    from tests.helpers import set_mutant

    set_mutant(served, "case-sensitive-email")  # a warning in the agent profile
    try:
        junit = tmp_path / "r.xml"
        args = _signed(served, *known(served))
        _verify(lookupkit, tmp_path, *args, "--report", f"junit:{junit}")
    finally:
        set_mutant(served, None)
    case = next(
        c for c in ET.parse(junit).getroot().iter("testcase")
        if c.get("name") == "auto-link.email-case-insensitive"
    )  # fmt: skip
    assert case.find("failure") is None
    prop = case.find("properties/property")
    assert prop is not None
    assert prop.get("name") == "warnings"
    assert int(prop.get("value") or 0) >= 1
    assert "WARNING" in (case.findtext("system-out") or "")


def test_colour_follows_the_flag_and_no_color(lookupkit, served, tmp_path):
    args = _signed(served)  # incomplete: no --known
    always = _verify(lookupkit, tmp_path, *args, "--color", "always", env={"NO_COLOR": "1"})
    assert "\x1b[" in always.stdout  # the flag beats NO_COLOR
    auto = _verify(lookupkit, tmp_path, *args, env={"NO_COLOR": "1"})
    never = _verify(lookupkit, tmp_path, *args, "--color", "never")
    assert "\x1b[" not in auto.stdout + never.stdout
    assert "INCOMPLETE" in never.stdout
