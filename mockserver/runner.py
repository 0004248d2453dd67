"""Start and stop the roles: one AppRunner and TCPSite per role, in the current event loop."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

__all__ = ["DEFAULT_PORT", "Running", "start", "stop"]

DEFAULT_PORT = 8700  # the first of serve's ports: OMS, adapter, Gladly


@dataclass
class Running:
    """The roles started so far: name -> base URL, and their runners."""

    urls: dict[str, str] = field(default_factory=dict)
    runners: list[web.AppRunner] = field(default_factory=list)


async def start(
    running: Running, role: str, app: web.Application, *, host: str = "127.0.0.1", port: int = 0
) -> str:
    """Serve ``app`` on host:port (0 picks a free port) and return its base URL."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True)
    try:
        await site.start()
    except OSError:
        await runner.cleanup()
        raise
    bound = runner.addresses[0][1] if port == 0 else port
    url = f"http://{host if ':' not in host else f'[{host}]'}:{bound}"
    running.urls[role] = url
    running.runners.append(runner)
    return url


async def stop(running: Running) -> None:
    """Stop every role, newest first."""
    for runner in reversed(running.runners):
        await runner.cleanup()
    running.runners.clear()
    running.urls.clear()
