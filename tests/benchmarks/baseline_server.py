"""A bare aiohttp handler serving a given JSON document: the baseline the fakes are measured against.

The strongest one aiohttp allows: the same bytes, encoded once at start-up, written per request;
no storage, no auth, no mapping, no re-encoding (``web.json_response`` per request would encode
the document each time, a weaker baseline that flatters whatever is compared with it).

Usage: python -m tests.benchmarks.baseline_server DOCUMENT.json  (prints the URL, serves until killed)
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from aiohttp import web


async def main(path: str) -> None:
    raw = json.dumps(json.loads(Path(path).read_text())).encode()  # checked JSON, encoded once

    async def handler(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=raw, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"http://127.0.0.1:{runner.addresses[0][1]}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
