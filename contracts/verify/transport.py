"""The verifier's HTTP client: every request bounded in time and size, nothing followed or retried.

Hostile adapters must not hang or flood the suite: each answer must arrive within the request
timeout (checked while the body streams in, so a slow drip is cut off too), bodies are read up to a
cap, redirects are reported rather than followed, and transport failures become a Received with an
``error`` instead of an exception.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import requests
import urllib3

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
        self.pool = urllib3.PoolManager(retries=False)  # for repeated header lines
        self.sent = 0

    def close(self) -> None:
        self.session.close()
        self.pool.clear()

    def send(self, request: Sent) -> Received:
        self.sent += 1
        if request.repeated:
            return self._send_repeated(request)
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
        except requests.exceptions.Timeout:
            return Received(
                None,
                elapsed=time.monotonic() - started,
                error=f"no answer within {self.timeout:g} s",
            )
        except requests.exceptions.RequestException as exc:
            return Received(
                None, elapsed=time.monotonic() - started, error=f"connection failed: {_short(exc)}"
            )
        received = self._received(response.status_code, response.headers, response.raw, started)
        response.close()
        return received

    def _received(self, status: int, headers: Any, raw: Any, started: float) -> Received:
        """The answer, its body read within the size cap and the request's deadline."""
        body, error = self._read_body(raw, started + self.timeout)
        elapsed = time.monotonic() - started
        return Received(status, dict(headers.items()), body, elapsed, error, error is not None)

    def _read_body(self, raw: Any, deadline: float) -> tuple[bytes, str | None]:
        """The body, or as much as arrived within the size and time bounds, and why it stopped."""
        chunks: list[bytes] = []
        size, error = 0, None
        try:
            while True:
                # read1 returns as soon as any bytes arrive, so a slow drip cannot outlast the deadline
                chunk = raw.read1(65536, decode_content=True)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > self.max_body:
                    error = f"body larger than {self.max_body // (1024 * 1024)} MiB (read stopped)"
                    break
                if time.monotonic() > deadline:
                    error = f"body still arriving after {self.timeout:g} s (read stopped)"
                    break
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            error = f"connection broke mid-body: {_short(exc)}"
        finally:
            raw.close()
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
            return Received(
                None, elapsed=time.monotonic() - started, error=f"connection failed: {_short(exc)}"
            )
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


def _short(exc: Exception) -> str:
    text = str(exc)
    for needle, plain in _KNOWN:
        if needle in text:
            return plain
    return (text.split("(Caused by", 1)[-1].strip(" ()'\"") or type(exc).__name__)[:160]
