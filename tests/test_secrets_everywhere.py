"""No secret in any output: a kit served with a signing key, Basic credentials and an OMS token,
verified with all three reports, replayed, and driven through the fake Gladly's debugger; every
byte any command printed or wrote is searched for the key, the password and the token, and for
their base64 and URL encodings. Once with long secrets and a well-behaved adapter, once with
short ones and an adapter that echoes the Basic header it was sent in every answer.

(``lookupkit sign`` is left out on purpose: printing the headers it was asked to build, Basic
credentials included, is its job; its output is meant for ``| sh``.)"""

from __future__ import annotations

import base64
import json
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import serving

LONG = ("secret-signing-key-Zq81xK", "secret-basic-pw-Q7w2", "shpat_secret_oms_token_93kd")
SHORT = ("k3Y-9x", "pw7", "tk4")


def _encodings(secret: str) -> set[str]:
    both = f"lookupkit:{secret}"
    return {
        secret,
        urllib.parse.quote(secret),
        base64.b64encode(secret.encode()).decode(),
        base64.b64encode(both.encode()).decode(),
    }


def _run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    result = subprocess.run(
        list(args), capture_output=True, text=True, timeout=180, input=stdin,
        env={"PATH": "/usr/bin:/bin"} | (env or {}), check=False,
    )  # fmt: skip
    return result.stdout + result.stderr


@pytest.mark.parametrize(("secrets", "mutant"), [(LONG, None), (SHORT, "echo-credentials")])
def test_no_command_or_report_shows_a_secret(lookupkit, tmp_path, secrets, mutant):
    KEY, PASSWORD, TOKEN = secrets
    args = ["all", "--port", "0", "--db", ":memory:", "--signing-key", KEY,
            "--basic-auth", f"lookupkit:{PASSWORD}", "--oms-token", TOKEN, "--customers", "8",
            "--no-rate-limit", "--cache-ttl", "0"]  # fmt: skip
    args += ["--mutant", mutant] if mutant else []
    outputs: list[str] = []
    with serving(lookupkit, *args) as (_, urls, lines):
        outputs.append("\n".join(lines))
        outputs.append(_debugger_export(urls["gladly"], email=_email(lines)))
        adapter = urls["adapter"] + "/"
        email = _email(lines)
        reports = {kind: tmp_path / f"r.{kind}" for kind in ("json", "junit", "html")}
        outputs.append(
            _run(
                lookupkit,
                "verify",
                adapter,
                "--basic-auth",
                f"lookupkit:{PASSWORD}",
                "--known",
                f"email={email}",
                "--max-examples",
                "5",
                "-v",
                "--header",
                f"X-Api-Token: {TOKEN}",
                *[a for k, p in reports.items() for a in ("--report", f"{k}:{p}")],
                env={"GLADLY_SIGNING_KEY": KEY},
            )
        )
        outputs += [path.read_text() for path in reports.values()]
        findings = json.loads(reports["json"].read_text())["findings"]
        assert findings, "the run should have findings to replay"
        leaks = [f for f in findings if f["rule"] == "security.error-leak"]
        assert bool(leaks) is bool(mutant), leaks[:1]
        outputs.append(
            _run(
                lookupkit,
                "replay",
                str(reports["json"]),
                "--basic-auth",
                f"lookupkit:{PASSWORD}",
                env={"GLADLY_SIGNING_KEY": KEY},
            )
        )
    text = "\n".join(outputs)
    for secret in (KEY, PASSWORD, TOKEN):
        for encoded in _encodings(secret):
            assert encoded not in text, f"an encoding of a secret is in the output: {encoded[:6]}…"
    assert Path(reports["html"]).read_text().startswith("<!doctype html>")


def _email(lines: list[str]) -> str:
    return next(line.split()[0] for line in lines if "externalCustomerId" in line)


def _debugger_export(gladly: str, *, email: str) -> str:
    """A profile auto-linked through the fake Gladly, then its debugger's export."""
    profile = _post(gladly + "/api/profiles", {"name": "Secret Test", "emails": [email]})
    _post(f"{gladly}/api/profiles/{profile['id']}/autolink", {})
    page = _post(f"{gladly}/api/profiles/{profile['id']}/refresh", {})
    with urllib.request.urlopen(gladly + "/api/debugger/export", timeout=30) as response:
        export = str(response.read().decode())
    assert '"responseBody"' in export
    return export + json.dumps(page)


def _post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())
