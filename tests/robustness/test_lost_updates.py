"""No lost update: 20 writers add notes through the served adapter for 10 s, with a kill -9 of
the server in the middle and a restart on the same database file; every note the adapter
acknowledged is in the shop afterwards. A second serve on a database in use refuses to start."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import urllib.request
from pathlib import Path

import aiohttp

from contracts.gladly import gladly_request
from mockserver.oms.store import Store
from tests.helpers import SHOPIFY, run, serving

KEY = "lost-update-test-key-4d1e"
TOKEN = "shpat_lost_update_test"
WRITERS = 20
SECONDS = 10.0


def _args(db: Path) -> list[str]:
    return ["all", "--port", "0", "--db", str(db), "--signing-key", KEY, "--oms-token", TOKEN,
            "--customers", "4", "--no-rate-limit", "--cache-ttl", "0"]  # fmt: skip


def _an_order(oms: str) -> int:
    request = urllib.request.Request(
        f"{oms}{SHOPIFY}/orders.json?status=any&limit=1", headers={"X-Shopify-Access-Token": TOKEN}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(json.loads(response.read())["orders"][0]["id"])


async def _writer(
    n: int, target: dict[str, str], order: int, until: float, acknowledged: list[str]
) -> int:
    sent = 0
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < until:
            note, sent = f"writer {n:02d} note {sent:04d}", sent + 1
            url = f"{target['adapter']}/actions/add-note?order={order}"
            raw, headers = gladly_request("POST", url, {"note": note}, key=KEY)
            try:
                async with http.post(url, data=raw, headers=headers) as response:
                    if response.status == 200:
                        acknowledged.append(note)
            except aiohttp.ClientError:
                await asyncio.sleep(0.05)  # the server is down: try again until it is back
    return sent


def test_every_acknowledged_note_survives_concurrency_and_kill_9(lookupkit, tmp_path):
    db = tmp_path / "oms.sqlite3"
    acknowledged: list[str] = []
    with serving(lookupkit, *_args(db)) as (proc, urls, _):
        order, target = _an_order(urls["oms"]), dict(urls)

        async def scenario() -> list[int]:
            until = time.monotonic() + SECONDS
            writers = [
                asyncio.create_task(_writer(n, target, order, until, acknowledged))
                for n in range(WRITERS)
            ]
            await asyncio.sleep(SECONDS / 2)
            proc.kill()  # kill -9 mid-run: nothing is flushed or closed
            await asyncio.to_thread(proc.wait, 10)
            with serving(lookupkit, *_args(db)) as (_, again, _lines):
                target.update(again)
                return await asyncio.gather(*writers)

        sent = asyncio.run(scenario())
    store = Store(str(db))
    try:
        kept = store.order(order)["note"] or ""  # type: ignore[index]
    finally:
        store.close()
    assert len(acknowledged) > 100, (len(acknowledged), sum(sent))
    lost = [note for note in acknowledged if note not in kept.split("\n")]
    assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged notes lost: {lost[:5]}"


def test_a_second_serve_on_the_same_database_refuses_to_start(lookupkit, tmp_path):
    db = tmp_path / "oms.sqlite3"
    with serving(lookupkit, *_args(db)) as (proc, _, _lines):
        second = run(lookupkit, "serve", *_args(db))
        assert second.returncode == 2
        assert f"is using {db}" in second.stderr
        assert "Traceback" not in second.stderr
        assert len(second.stderr.strip().splitlines()) == 1
        proc.kill()
        proc.wait(10)
    started = subprocess.Popen(
        [lookupkit, "serve", *_args(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert started.stdout is not None
        first_line = started.stdout.readline()
        assert first_line.startswith("Fake OMS"), first_line  # the lock died with the process
    finally:
        started.terminate()
        started.wait(15)
        if started.stdout is not None:
            started.stdout.close()
