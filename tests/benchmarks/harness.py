"""What the benchmarks share: a server process waited for, wrk's numbers, documents on disk."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["Result", "fetch", "lookupkit_bin", "process", "rss_mb", "saved", "typical", "wrk"]


@dataclass
class Result:
    rps: float
    p99_ms: float
    errors: int


@contextmanager
def process(*command: str, ready: str) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if ready in line:
            break
    try:
        yield proc, lines
    finally:
        proc.terminate()
        proc.wait(15)
        proc.stdout.close()


def typical(lines: list[str]) -> str:
    """The externalCustomerId of a typical customer in ``serve``'s list of customers to try:
    one with four orders or fewer (a seeded store's first has 60, across pages, to test
    pagination; its 450 KB orders page is not the lookup to measure)."""
    for line in lines:
        found = re.search(r"externalCustomerId (\d+)\s+\((\d+) orders\)", line)
        if found and int(found.group(2)) <= 4:
            return found.group(1)
    raise AssertionError(f"no customer with four orders or fewer in {lines}")


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]


def wrk(
    url: str,
    seconds: int,
    *,
    method: str = "GET",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> Result:
    lua = f"wrk.method = {json.dumps(method)}\nwrk.body = {json.dumps(body.decode())}\n"
    for name, value in (headers or {}).items():
        lua += f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c64",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "--latency",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    Path(script.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    assert p99, out
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return Result(rps, float(p99.group(1)) * scale, errors)


def fetch(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> bytes:
    with urllib.request.urlopen(
        urllib.request.Request(url, data=data, headers=headers or {}), timeout=10
    ) as r:
        assert r.status == 200
        body: bytes = r.read()
        return body


def saved(document: bytes) -> str:
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as handle:
        handle.write(document)
    return handle.name


@pytest.fixture(scope="module")
def lookupkit_bin() -> str:
    if shutil.which("wrk") is None:
        pytest.fail(
            "wrk is not installed: run `make bench`, which installs it (apt-get install wrk)"
        )
    return str(Path(sys.executable).parent / "lookupkit")
