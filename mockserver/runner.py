"""Start and stop the roles: one AppRunner and TCPSite per role, in the current event loop.

Every connection must send its first request's line and headers within ``HEADER_TIMEOUT``
seconds, or it is closed: a client that half-sends requests cannot hold connections open (aiohttp
itself has no such bound). Idle keep-alive connections close after ``KEEPALIVE_TIMEOUT``.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["DEFAULT_PORT", "HEADER_TIMEOUT", "Running", "start", "stop"]

DEFAULT_PORT = 8700  # the first of serve's ports: OMS, adapter, Gladly
HEADER_TIMEOUT = 10.0
KEEPALIVE_TIMEOUT = 15.0


class _HeaderDeadline(asyncio.Protocol):
    """Wraps aiohttp's protocol: closes the connection when no complete request head arrived
    within the timeout; everything else goes to aiohttp untouched."""

    def __init__(self, inner: Any, timeout: float) -> None:
        self.inner, self.timeout = inner, timeout
        self.head = b""
        self.timer: asyncio.TimerHandle | None = None
        self.transport: asyncio.BaseTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.timer = asyncio.get_running_loop().call_later(self.timeout, transport.close)
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self.timer is not None:
            self.head = (self.head + data)[-8:] if b"\r\n\r\n" not in self.head + data else b""
            if not self.head:
                self.timer.cancel()
                self.timer = None
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return bool(self.inner.eof_received())

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


class _Site(web.TCPSite):
    """A TCPSite whose connections get the header deadline."""

    header_timeout = HEADER_TIMEOUT
    tls: ssl.SSLContext | None = None

    async def start(self) -> None:
        await web.BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        timeout = self.header_timeout

        def factory() -> asyncio.Protocol:
            return _HeaderDeadline(server(), timeout)

        self._server = await asyncio.get_running_loop().create_server(
            factory, self._host, self._port, reuse_address=True, ssl=self.tls
        )


@dataclass
class Running:
    """The roles started so far: name -> base URL, and their runners."""

    urls: dict[str, str] = field(default_factory=dict)
    runners: list[web.AppRunner] = field(default_factory=list)


async def start(
    running: Running,
    role: str,
    app: web.Application,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    header_timeout: float = HEADER_TIMEOUT,
    tls: ssl.SSLContext | None = None,
) -> str:
    """Serve ``app`` on host:port (0 picks a free port), over HTTPS with ``tls``, and return
    its base URL."""
    runner = web.AppRunner(
        app,
        access_log=None,
        handle_signals=False,
        shutdown_timeout=2.0,
        keepalive_timeout=KEEPALIVE_TIMEOUT,
    )
    await runner.setup()
    site = _Site(runner, host, port, reuse_address=True)
    site.header_timeout, site.tls = header_timeout, tls
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    bound = runner.addresses[0][1] if port == 0 else port
    scheme = "https" if tls is not None else "http"
    url = f"{scheme}://{host if ':' not in host else f'[{host}]'}:{bound}"
    running.urls[role] = url
    running.runners.append(runner)
    return url


async def stop(running: Running) -> None:
    """Stop every role, newest first."""
    for runner in reversed(running.runners):
        await runner.cleanup()
    running.runners.clear()
    running.urls.clear()
