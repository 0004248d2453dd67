"""The verifier's HTTP client: every request bounded in time and size, nothing followed or retried.

Hostile adapters must not hang or flood the suite: each answer must arrive within the request
timeout, a wall-clock bound on connect, status line, headers and body together (a watchdog shuts
the socket at the deadline, so a server dripping one byte a second anywhere is cut off), bodies
are read up to a cap, redirects are reported rather than followed, and transport failures become
a Received with an ``error`` instead of an exception.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from contracts.exchange import NOT_JSON

__all__ = ["MAX_BODY", "Received", "Sent", "Transport"]

MAX_BODY = 5 * 1024 * 1024


@dataclass(slots=True)
class Sent:
    """A request exactly as it goes on the wire."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""
    repeated: tuple[tuple[str, str], ...] = ()  # header lines sent again after ``headers``


@dataclass(slots=True)
class Received:
    """What came back; ``status`` is None when nothing usable did (then ``error`` says why)."""

    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed: float = 0.0
    error: str | None = None
    truncated: bool = False

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def json(self) -> Any:
        if self.truncated or self.status is None:
            return NOT_JSON
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return NOT_JSON


_CURRENT = threading.local()  # the Deadline of the request this thread is sending


class Deadline:
    """A wall-clock bound on one request: at the moment, the request's socket is shut, so
    whatever read is waiting (status line, a header, the body) ends at once."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._connection: HTTPConnection | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        _CURRENT.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()
        _CURRENT.deadline = None

    def watch(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connection = connection
            if self.fired:
                _shut(connection)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._connection is not None:
                _shut(self._connection)


def _shut(connection: HTTPConnection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


def _watched(connection: HTTPConnection) -> None:
    deadline = getattr(_CURRENT, "deadline", None)
    if deadline is not None:
        deadline.watch(connection)


class _WatchedHTTP(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _watched(self)  # again, now that there is a socket to shut

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watched(self)
        super().request(*args, **kwargs)


class _WatchedHTTPS(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _watched(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watched(self)
        super().request(*args, **kwargs)


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTP


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPS


def _watch_pools(manager: urllib3.PoolManager) -> urllib3.PoolManager:
    manager.pool_classes_by_scheme = {"http": _WatchedPool, "https": _WatchedHTTPSPool}
    return manager


class Transport:
    """Sends requests with a total deadline per request and a cap on the body read."""

    def __init__(self, *, timeout: float = 15.0, max_body: int = MAX_BODY) -> None:
        self.timeout = timeout
        self.max_body = max_body
        self.session = requests.Session()
        self.session.trust_env = (
            False  # no proxies or netrc from the environment: talk to the URL given
        )
        self.session.headers.clear()
        adapter = HTTPAdapter(max_retries=0)
        _watch_pools(adapter.poolmanager)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.pool = _watch_pools(urllib3.PoolManager(retries=False))  # for repeated header lines
        self.sent = 0
        self._deadline: Deadline | None = None

    def close(self) -> None:
        self.session.close()
        self.pool.clear()

    def send(self, request: Sent) -> Received:
        """Send and read the answer, all of it within ``timeout`` seconds of wall-clock time."""
        self.sent += 1
        with Deadline(self.timeout) as self._deadline:
            if request.repeated:
                return self._send_repeated(request)
            return self._send(request)

    def _late(self) -> bool:
        return self._deadline is not None and self._deadline.fired

    def _send(self, request: Sent) -> Received:
        started = time.monotonic()
        try:
            response = self.session.request(
                request.method,
                request.url,
                data=request.body or None,
                headers=request.headers,
                timeout=(min(5.0, self.timeout), self.timeout),
                allow_redirects=False,
                stream=True,
            )
        except requests.exceptions.SSLError as exc:
            return Received(
                None, elapsed=time.monotonic() - started, error=f"TLS error: {_short(exc)}"
            )
        except requests.exceptions.RequestException as exc:
            if not self._late() and not isinstance(exc, requests.exceptions.Timeout):
                return Received(
                    None,
                    elapsed=time.monotonic() - started,
                    error=f"connection failed: {_short(exc)}",
                )
            return Received(
                None,
                elapsed=time.monotonic() - started,
                error=f"no answer within {self.timeout:g} s",
            )
        received = self._received(response.status_code, response.headers, response.raw, started)
        response.close()
        return received

    def _received(self, status: int, headers: Any, raw: Any, started: float) -> Received:
        """The answer, its body read within the size cap and the request's deadline."""
        body, error = self._read_body(raw, headers.get("Content-Encoding"), started + self.timeout)
        elapsed = time.monotonic() - started
        return Received(status, dict(headers.items()), body, elapsed, error, error is not None)

    def _read_body(
        self, raw: Any, encoding: str | None, deadline: float
    ) -> tuple[bytes, str | None]:
        """The body, or as much as arrived within the size and time bounds, and why it stopped.

        A compressed body is inflated here, never past the cap (a gzip bomb stays a few MiB)."""
        inflate = _inflater(encoding)
        chunks: list[bytes] = []
        size, error, late = 0, None, False
        try:
            while True:
                # read1 returns as soon as any bytes arrive, so a slow drip cannot outlast the deadline
                chunk = raw.read1(65536, decode_content=False)
                if not chunk:
                    break
                if inflate is not None:
                    chunk = inflate.decompress(chunk, self.max_body + 1 - size)
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_body:
                    error = f"body larger than {self.max_body // (1024 * 1024)} MiB (read stopped)"
                    break
                if time.monotonic() > deadline:
                    late = True
                    break
        except zlib.error:
            error = f"the body is not valid {encoding} (Content-Encoding)"
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            if not self._late():  # else the watchdog shut the socket: the body was too slow
                error = f"connection broke mid-body: {_short(exc)}"
        finally:
            raw.close()
        if error is None and (late or self._late()):
            error = f"body still arriving after {self.timeout:g} s (read stopped)"
        return b"".join(chunks), error

    def _send_repeated(self, request: Sent) -> Received:
        """The same bounds, through urllib3, which can send one header name on several lines."""
        headers = urllib3.HTTPHeaderDict(request.headers)
        for name, value in request.repeated:
            headers.add(name, value)
        started = time.monotonic()
        try:
            raw = self.pool.request(
                request.method,
                request.url,
                body=request.body or None,
                headers=headers,
                timeout=urllib3.Timeout(connect=min(5.0, self.timeout), read=self.timeout),
                redirect=False,
                preload_content=False,
            )
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            late = self._late() or isinstance(exc, urllib3.exceptions.TimeoutError)
            error = (
                f"no answer within {self.timeout:g} s"
                if late
                else f"connection failed: {_short(exc)}"
            )
            return Received(None, elapsed=time.monotonic() - started, error=error)
        return self._received(raw.status, raw.headers, raw, started)


_KNOWN = (
    ("Connection refused", "connection refused"),
    ("Name or service not known", "unknown host"),
    ("RemoteDisconnected", "the connection closed without an answer"),
    ("reset by peer", "connection reset"),
    ("CERTIFICATE_VERIFY_FAILED", "certificate not trusted"),
    ("WRONG_VERSION_NUMBER", "the server does not speak TLS"),
    ("Exceeded 30 redirects", "redirect loop"),
)


def _inflater(encoding: str | None) -> Any:
    """A zlib decompressor for gzip or deflate bodies; None for others (kept as sent)."""
    name = (encoding or "").strip().lower()
    if name in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib-wrapped, as HTTP defines it
    return None


def _short(exc: Exception) -> str:
    text = str(exc)
    for needle, plain in _KNOWN:
        if needle in text:
            return plain
    return (text.split("(Caused by", 1)[-1].strip(" ()'\"") or type(exc).__name__)[:160]
