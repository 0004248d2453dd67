"""lookupkit verify against purpose-built hostile servers: whatever an adapter does on the wire,
a run ends within its time budget, with bounded memory, a finding or a clear reason, and its
reports written."""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from contracts.verify.engine import Unreachable, VerifyOptions, run
from tests.helpers import VERIFY_KEY as KEY
from tests.helpers import verify

pytestmark = pytest.mark.timing  # budgets within 10 %: run alone, not beside other tests

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Any]


@pytest.fixture
def raw_server() -> Iterator[Callable[[Behaviour], str]]:
    """A plain TCP server on loopback whose answers a test writes byte by byte."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    servers: list[asyncio.Server] = []

    def start(behaviour: Behaviour) -> str:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                if not getattr(behaviour, "eager", False):
                    await reader.readuntil(b"\r\n\r\n")
                await behaviour(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
                pass
            finally:
                writer.close()

        server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(handle, "127.0.0.1", 0), loop
        ).result(10)
        servers.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"

    yield start

    async def shutdown() -> None:
        for server in servers:
            server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


def respond(
    status: str, body: bytes, headers: str = "Content-Type: application/json\r\n"
) -> Behaviour:
    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(
            f"HTTP/1.1 {status}\r\n{headers}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()

    return behaviour


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(30)


async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
    )
    for _ in range(300):
        writer.write(b" ")
        await writer.drain()
        await asyncio.sleep(0.1)


async def huge(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    size = 100 * 1024 * 1024
    writer.write(
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n".encode()
    )
    chunk = b"x" * (1024 * 1024)
    for _ in range(100):
        writer.write(chunk)
        await writer.drain()


async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.transport.abort()


def fast(url: str, **extra: Any) -> VerifyOptions:
    return VerifyOptions(
        url, signing_key=KEY, max_examples=3, request_timeout=1.0, time_budget=20.0, **extra
    )


@pytest.mark.parametrize(
    ("behaviour", "rule"),
    [
        (drip, "envelope.latency-timeout"),
        (huge, "envelope.complete-answer"),
        (respond("200 OK", b'{"results": [\xff\xfe]}'), "envelope.json-object"),
        (respond("302 Found", b"", "Location: /\r\n"), "envelope.http-status"),
        (
            respond(
                "500 Internal Server Error",
                b'Traceback (most recent call last):\n  File "app.py", line 3',
            ),
            "security.error-leak",
        ),
        (respond("200 OK", b'{"results": []}'), "security.rejects-unsigned"),
        (respond("200 OK", b'{"results": []}'), "robustness.rejects-invalid"),
    ],
)
def test_hostile_adapters_become_findings_in_bounded_time(raw_server, behaviour, rule):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    report = run(fast(raw_server(behaviour)))
    assert time.monotonic() - started < 40
    assert rule in {o.finding.rule for o in report.observations if o.finding.severity == "error"}
    assert (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    ) / 1024 < 100  # MB: the 100 MB body is capped


@pytest.mark.parametrize("behaviour", [silent, reset])
def test_adapters_that_never_answer_are_unreachable(raw_server, behaviour):
    started = time.monotonic()
    with pytest.raises(Unreachable):
        run(fast(raw_server(behaviour)))
    assert time.monotonic() - started < 10


def test_cli_exit_2_for_silent_and_tls_mismatch(lookupkit, raw_server):
    url = raw_server(silent)
    result, elapsed = verify(lookupkit, url, "--request-timeout", "1")
    assert result.returncode == 2
    assert "did not answer" in result.stderr
    assert elapsed < 15
    eager = respond("200 OK", b'{"results": []}')
    eager.eager = True  # type: ignore[attr-defined]  # answers before reading: a TLS client hello gets plain HTTP
    result, _ = verify(
        lookupkit, raw_server(eager).replace("http://", "https://"), "--request-timeout", "2"
    )
    assert result.returncode == 2
    assert "TLS error" in result.stderr


async def closes(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


async def header_drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}":
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(0.2)


async def endless_chunked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    writer.write(b"Transfer-Encoding: chunked\r\n\r\n")
    frame = b"10000\r\n" + b"[" * 0x10000 + b"\r\n"
    while True:
        writer.write(frame)
        await writer.drain()


@functools.cache
def _bomb() -> bytes:
    return gzip.compress(b" " * (512 * 1024 * 1024), compresslevel=9)  # 512 MiB in about 0.5 MB


async def gzip_bomb(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    body = _bomb()
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    await writer.drain()


async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"\x00\xff\xfe SSH-2.0-OpenSSH_9.6 \x7f\r\n" * 64)
    await writer.drain()


BUDGET = 6.0
MEASURED = """
import json, re, sys, time
from mockserver.cli import main
started = time.monotonic()
try:
    main(sys.argv[2:])
except SystemExit as exc:
    code = exc.code
with open(sys.argv[1], "w") as out:
    # VmHWM is this program's peak (ru_maxrss would count the parent's memory at fork)
    peak = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1]) / 1024
    json.dump({"code": code, "seconds": time.monotonic() - started, "peak_mb": peak}, out)
"""


@pytest.mark.parametrize(
    ("behaviour", "outcome"),
    [
        (silent, "did not answer"),
        (closes, "did not answer"),
        (reset, "did not answer"),
        (header_drip, "no answer within"),
        (garbage, "did not answer"),
        (drip, "envelope.latency-timeout"),
        (huge, "envelope.complete-answer"),
        (endless_chunked, "envelope.complete-answer"),
        (gzip_bomb, "envelope.complete-answer"),
        (respond("302 Found", b"", "Location: /\r\n"), "envelope.http-status"),
        (respond("200 OK", b"[" * 200_000), "envelope.json-object"),
        (respond("200 OK", b'{"results": [\xff\xfe]}'), "envelope.json-object"),
    ],
    ids=lambda p: getattr(p, "__name__", None) or (p if isinstance(p, str) else None),
)
def test_verify_ends_within_its_budget_whatever_the_adapter_does(
    raw_server, tmp_path, behaviour, outcome
):
    """The run (after start-up) ends within the budget + 10 %, stays under 200 MB, and writes
    its report: a finding of the named rule, or the reason the adapter could not be checked."""
    measured, report = tmp_path / "measured.json", tmp_path / "report.json"
    if behaviour is gzip_bomb:
        _bomb()  # compressed before the clock starts
    url = raw_server(behaviour)
    args = ["verify", url, "--signing-key", KEY, "--request-timeout", "1"]
    args += ["--time-budget", str(BUDGET), "--report", f"json:{report}"]
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, str(measured), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    wall = time.monotonic() - started
    assert measured.exists(), result.stderr[-3000:]
    assert report.exists(), result.stdout[-1000:] + result.stderr[-3000:]
    got = json.loads(measured.read_text())
    assert got["seconds"] <= BUDGET * 1.1 + 1.5, got  # + start-up: imports before the run
    assert wall < BUDGET * 1.1 + 10
    assert got["peak_mb"] < 200, got
    document = json.loads(report.read_text())
    assert document["run"]["durationSeconds"] <= BUDGET * 1.1, document["run"]
    if outcome.startswith(("did not", "no answer")):
        assert got["code"] == 2, result.stderr
        assert outcome in result.stderr
        assert outcome in document["run"]["stopped"]
    else:
        assert got["code"] == 1, result.stdout + result.stderr
        rules = {f["rule"] for f in document["findings"] if f["severity"] == "error"}
        assert outcome in rules, rules
    assert KEY not in result.stdout + result.stderr + report.read_text()
