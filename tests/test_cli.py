"""lookupkit check and lookupkit sign, run as users run them: the installed script, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from contracts.errors import SignatureError
from contracts.signing import verify
from tests.helpers import DETAILED, ORDER, PROFILE, run

SECRET_KEY = "kit-test-key-Zq81"


def write(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(value) if not isinstance(value, str) else value, encoding="utf-8")
    return str(path)


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "hint" in result.stderr
    for needle in needles:
        assert needle in result.stderr


def test_check_passes_a_conforming_response(lookupkit, tmp_path):
    response = write(tmp_path, "r.json", {"results": [PROFILE]})
    request = write(tmp_path, "q.json", DETAILED)
    result = run(lookupkit, "check", response, "--request", request, "--profile", "sidekick")
    assert result.returncode == 0, result.stdout
    assert "No findings" in result.stdout
    assert "from the request" in result.stdout


def test_check_fails_with_exit_1_and_exact_json_shape(lookupkit, tmp_path):
    bad = dict(PROFILE, externalCustomerId=42, transactions=[dict(ORDER, orderStatus="Shipped")])
    response = write(tmp_path, "r.json", {"results": [bad]})
    result = run(lookupkit, "check", response, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert set(report) == {"summary", "findings"}
    assert report["summary"] == {"errors": 1, "warnings": 1}
    for finding in report["findings"]:
        assert set(finding) == {"rule", "severity", "message", "path"}
    rules = {(f["rule"], f["severity"], f["path"]) for f in report["findings"]}
    assert rules == {
        ("profile.external-id", "error", "results[0].externalCustomerId"),
        ("order.status-definition", "warning", "results[0].transactions[0].orderStatus"),
    }


def test_check_profile_changes_the_verdict(lookupkit, tmp_path):
    order = dict(
        ORDER,
        fulfillments=[
            {"productIds": ["p1"], "trackingUrl": "https://t.example.com/1", "trackingNumber": "1"}
        ],
    )
    response = write(tmp_path, "r.json", {"results": [dict(PROFILE, transactions=[order])]})
    assert run(lookupkit, "check", response, "--profile", "agent").returncode == 0
    sidekick = run(lookupkit, "check", response, "--profile", "sidekick")
    assert sidekick.returncode == 1
    assert "fulfillment.sidekick-fields" in sidekick.stdout


def test_check_reads_standard_input(lookupkit):
    result = run(
        lookupkit,
        "check",
        "-",
        "--kind",
        "detailed",
        stdin=json.dumps({"results": [PROFILE]}).encode(),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_rejects_a_missing_file(lookupkit, tmp_path):
    assert_one_line_error(run(lookupkit, "check", str(tmp_path / "nope.json")), "does not exist")


def test_check_rejects_invalid_json(lookupkit, tmp_path):
    path = write(tmp_path, "r.json", '{"results": [')
    assert_one_line_error(run(lookupkit, "check", path), "not valid JSON", "line 1")


def test_check_rejects_an_unknown_profile(lookupkit, tmp_path):
    path = write(tmp_path, "r.json", {"results": []})
    assert_one_line_error(run(lookupkit, "check", path, "--profile", "gold"), "'gold'", "--profile")


def test_check_rejects_a_broken_request_file(lookupkit, tmp_path):
    path = write(tmp_path, "r.json", {"results": []})
    bad = write(tmp_path, "q.json", "not json")
    assert_one_line_error(run(lookupkit, "check", path, "--request", bad), "request file")


V1_ARGS = [
    "--time",
    "20190213T214016Z",
    "--url",
    "https://example.organization.com/api/v2/customer/lookup",
    "--header",
    "Gladly-Correlation-Id: vXmSEPjVSWCaCMzvjufxZg",
    "--header",
    "x-b3-traceid: bd799210f8d549609a08ccef8ee7f166",
]


def _headers(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.splitlines())


def test_sign_reproduces_the_documented_signature(lookupkit, tmp_path, signing_vectors):
    v1 = signing_vectors[0]
    body = write(tmp_path, "body.json", v1["body"])
    result = run(lookupkit, "sign", "--key", v1["signingKey"], "--body-file", body, *V1_ARGS)
    assert result.returncode == 0, result.stderr
    headers = _headers(result.stdout)
    assert headers["Gladly-Authorization"].endswith(f"Signature={v1['expectedSignature']}")
    assert "X-B3-Traceid" not in headers  # replaced in place, with the caller's spelling
    assert headers["x-b3-traceid"] == "bd799210f8d549609a08ccef8ee7f166"
    assert headers["User-Agent"] == "Go-http-client/1.1"


def test_sign_takes_the_key_from_the_environment_and_never_prints_it(lookupkit, signing_vectors):
    v1 = signing_vectors[0]
    result = run(
        lookupkit,
        "sign",
        "--body-file",
        "-",
        *V1_ARGS,
        stdin=v1["body"].encode(),
        env={"GLADLY_SIGNING_KEY": v1["signingKey"]},
    )
    assert result.returncode == 0, result.stderr
    assert v1["expectedSignature"] in result.stdout
    assert v1["signingKey"] not in result.stdout + result.stderr


def test_sign_adds_basic_auth_as_gladly_does(lookupkit):
    result = run(
        lookupkit,
        "sign",
        "--key",
        SECRET_KEY,
        "--method",
        "GET",
        "--basic-auth",
        "e:e:e",
        "--url",
        "http://127.0.0.1:9/form",
    )
    headers = _headers(result.stdout)
    assert headers["Authorization"] == "Basic ZTpl"
    assert headers["WWW-Authenticate"] == 'Basic realm="e"'
    assert "Content-Type" not in headers
    assert "authorization;" in headers["Gladly-Authorization"]
    assert SECRET_KEY not in result.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--key", "k", "--body-file", "-", "--header", "no colon here"], "--header"),
        (["--key", "k", "--body-file", "-", "--header", "Bad Name: v"], "--header"),
        (["--key", "k", "--body-file", "-", "--time", "2024-05-01"], "--time"),
        (["--key", "k", "--body-file", "-", "--url", "ftp://x"], "--url"),
        (["--key", "k"], "needs a body"),
        (["--key", "k", "--method", "GET", "--body-file", "-"], "without a body"),
        (["--body-file", "-"], "GLADLY_SIGNING_KEY"),
        (["--key", "k", "--body-file", "/nonexistent/body.json"], "does not exist"),
        (["--key", "k", "--body-file", "-", "--basic-auth", "nopassword"], "--basic-auth"),
    ],
)
def test_sign_rejects_bad_input_with_one_line(lookupkit, args, needle):
    result = run(lookupkit, "sign", *args, stdin=b"{}")
    assert_one_line_error(result, needle)
    assert "k" not in result.stderr.split("error:", 1)[0].replace("lookupkit", "")


class _VerifyingHandler(BaseHTTPRequestHandler):
    """Answers 200 when the request's Gladly signature verifies under SECRET_KEY, else 401."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            verify(SECRET_KEY, "POST", self.path, dict(self.headers.items()), body)
        except SignatureError as exc:
            self.send_response(401)
            self.end_headers()
            self.wfile.write(exc.reason.encode())
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"results": []}')

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def verifying_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _VerifyingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_sign_curl_output_runs_and_verifies(lookupkit, verifying_server):
    body = json.dumps(
        {
            "lookupLevel": "BASIC",
            "query": {"email": "o'neil@example.com <x>"},
            "uniqueMatchRequired": False,
        }
    )
    command = run(
        lookupkit,
        "sign",
        "--key",
        SECRET_KEY,
        "--url",
        f"{verifying_server}/lookup?x=1",
        "--body-file",
        "-",
        "--curl",
        stdin=body.encode(),
    )
    assert command.returncode == 0, command.stderr
    curl = subprocess.run(
        ["bash", "-c", command.stdout.rstrip() + " -w ' %{http_code}'"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert curl.stdout.endswith(" 200"), curl.stdout + curl.stderr
    wrong = run(
        lookupkit,
        "sign",
        "--key",
        "other-key",
        "--url",
        f"{verifying_server}/lookup",
        "--body-file",
        "-",
        "--curl",
        stdin=body.encode(),
    )
    curl = subprocess.run(
        ["bash", "-c", wrong.stdout.rstrip() + " -w ' %{http_code}'"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert curl.stdout == "mismatch 401"


def test_version_and_help(lookupkit):
    assert run(lookupkit, "--version").stdout.startswith("lookupkit, version")
    help_text = run(lookupkit, "--help").stdout
    assert "check" in help_text
    assert "sign" in help_text


def test_unknown_command_is_a_one_line_usage_error(lookupkit):
    assert_one_line_error(run(lookupkit, "frobnicate"), "No such command")


def test_a_bug_in_a_command_is_one_line_not_a_traceback(capsys, monkeypatch):
    import click

    from contracts.cli import run

    @click.command()
    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.delenv("LOOKUPKIT_DEBUG", raising=False)
    with pytest.raises(SystemExit) as info:
        run(broken, [])
    assert info.value.code == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "internal error: RuntimeError: boom" in err
