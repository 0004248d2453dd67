"""No secret in any output: a kit served with a signing key, Basic credentials and an OMS token,
verified with all three reports, replayed and signed; every byte any command printed or wrote is
searched for the key, the password and the token, and for their base64 and URL encodings.

(``lookupkit sign`` is left out on purpose: printing the headers it was asked to build, Basic
credentials included, is its job; its output is meant for ``| sh``.)"""

from __future__ import annotations

import base64
import json
import subprocess
import urllib.parse
from pathlib import Path

from tests.helpers import serving

KEY = "secret-signing-key-Zq81xK"
PASSWORD = "secret-basic-pw-Q7w2"
TOKEN = "shpat_secret_oms_token_93kd"


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


def test_no_command_or_report_shows_a_secret(lookupkit, tmp_path):
    args = ["all", "--port", "0", "--db", ":memory:", "--signing-key", KEY,
            "--basic-auth", f"lookupkit:{PASSWORD}", "--oms-token", TOKEN, "--customers", "8",
            "--no-rate-limit", "--cache-ttl", "0"]  # fmt: skip
    outputs: list[str] = []
    with serving(lookupkit, *args) as (_, urls, lines):
        outputs.append("\n".join(lines))
        adapter = urls["adapter"] + "/"
        email = next(line.split()[0] for line in lines if "externalCustomerId" in line)
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
