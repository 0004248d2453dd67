"""The Self-Service Threads flow, its outbox and its report, through the fake Gladly's JSON API."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from mockserver.gladly import GladlyConfig, create_app
from mockserver.runner import Running, start, stop
from tests.helpers import all_types_app, all_types_profiles

Call = Callable[..., Any]


@asynccontextmanager
async def gladly(**config: Any) -> AsyncIterator[str]:
    """A fake Gladly in front of an adapter whose customers all have a recent order."""
    running = Running()
    adapter = await start(running, "adapter", all_types_app())
    try:
        yield await start(running, "gladly", create_app(GladlyConfig(adapter + "/", **config)))
    finally:
        await stop(running)


async def call(http: aiohttp.ClientSession, method: str, url: str, body: Any = None) -> Any:
    async with http.request(
        method, url, json={} if body is None and method == "POST" else body
    ) as r:
        return r.status, await r.json()


async def code_for(http: aiohttp.ClientSession, base: str, email: str) -> str:
    status, outbox = await call(http, "GET", f"{base}/api/outbox?to={email}")
    assert status == 200
    return str(outbox["messages"][0]["code"])


async def verified(http: aiohttp.ClientSession, base: str, email: str) -> tuple[str, Any]:
    """A conversation through the Quick Reply, the email and the right code."""
    status, started = await call(
        http, "POST", base + "/api/threads", {"quickReply": "Order Status"}
    )
    assert (status, started["step"]) == (201, "email")
    status, sent = await call(
        http, "POST", f"{base}/api/threads/{started['id']}/email", {"email": email}
    )
    assert (status, sent["step"]) == (200, "code"), sent
    code = await code_for(http, base, email)
    status, shown = await call(
        http, "POST", f"{base}/api/threads/{started['id']}/code", {"code": code}
    )
    assert status == 200, shown
    return started["id"], shown


EMAILS = list(all_types_profiles())


async def test_the_code_step_takes_a_wrong_code_then_the_right_one(http):
    async with gladly() as base:
        _, started = await call(http, "POST", base + "/api/threads")
        thread = f"{base}/api/threads/{started['id']}"
        status, sent = await call(http, "POST", thread + "/email", {"email": EMAILS[0]})
        assert status == 200
        assert sent["sentTo"] == EMAILS[0][0] + "•••@" + EMAILS[0].split("@")[1]
        assert sent["attemptsLeft"] == 3
        code = await code_for(http, base, EMAILS[0])
        assert len(code) == 6
        assert code.isdigit()
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        status, refused = await call(http, "POST", thread + "/code", {"code": wrong})
        assert (status, refused["field"], refused["attemptsLeft"]) == (422, "code", 2)
        assert refused["error"] == "That code is not right: 2 tries left."
        status, typo = await call(http, "POST", thread + "/code", {"code": "12 34"})
        assert (status, typo["field"]) == (400, "code")  # not six digits: not an attempt
        status, shown = await call(http, "POST", thread + "/code", {"code": code})
        assert status == 200, shown
        assert shown["found"] is True
        assert shown["latest"]["orderNumber"] == shown["conversation"]["orderShown"]
        assert shown["conversation"]["step"] == "verified"
        status, again = await call(http, "POST", thread + "/code", {"code": code})
        assert (status, again["error"]) == (409, "This conversation is verified already.")
        status, ended = await call(http, "POST", thread + "/end", {"choice": "done"})
        assert (status, ended["outcome"], ended["charged"]) == (200, "resolved", True)
        status, late = await call(http, "POST", thread + "/end", {"choice": "agent"})
        assert (status, late["field"]) == (409, "id")


async def test_three_wrong_codes_lock_the_code_until_a_new_one_is_sent(http):
    async with gladly() as base:
        _, started = await call(http, "POST", base + "/api/threads")
        thread = f"{base}/api/threads/{started['id']}"
        await call(http, "POST", thread + "/email", {"email": EMAILS[1]})
        first = await code_for(http, base, EMAILS[1])
        wrong = f"{(int(first) + 7) % 10**6:06d}"
        answers = [await call(http, "POST", thread + "/code", {"code": wrong}) for _ in range(3)]
        assert [a[1]["attemptsLeft"] for a in answers] == [2, 1, 0]
        assert answers[2][1]["error"] == "That code is not right: ask for a new code."
        status, locked = await call(http, "POST", thread + "/code", {"code": first})
        assert status == 429
        assert "ask for a new code" in locked["error"]
        status, resent = await call(http, "POST", thread + "/email", {"email": EMAILS[1]})
        assert (status, resent["attemptsLeft"]) == (200, 3)
        second = await code_for(http, base, EMAILS[1])
        if second != first:  # one in a million they match; the old code must not work then
            status, old = await call(http, "POST", thread + "/code", {"code": first})
            assert status == 422, old
        status, shown = await call(http, "POST", thread + "/code", {"code": second})
        assert (status, shown["found"]) == (200, True)


async def test_an_expired_code_is_refused_with_a_clear_message(http):
    async with gladly(code_ttl=0.3) as base:
        _, started = await call(http, "POST", base + "/api/threads")
        thread = f"{base}/api/threads/{started['id']}"
        await call(http, "POST", thread + "/email", {"email": EMAILS[2]})
        code = await code_for(http, base, EMAILS[2])
        await asyncio.sleep(0.5)
        status, expired = await call(http, "POST", thread + "/code", {"code": code})
        assert (status, expired["field"]) == (410, "code")
        assert expired["error"].startswith("That code expired")
        assert "ask for a new one" in expired["error"]


async def test_the_report_counts_by_day_and_charges_only_resolutions(http):
    async with gladly(price_per_resolution=Decimal("0.75")) as base:
        resolved, _ = await verified(http, base, EMAILS[0])
        await call(http, "POST", f"{base}/api/threads/{resolved}/end", {"choice": "done"})
        handed, _ = await verified(http, base, EMAILS[1])
        await call(http, "POST", f"{base}/api/threads/{handed}/end", {"choice": "agent"})
        await call(http, "POST", base + "/api/threads")  # started, never finished
        _, nobody = await call(http, "POST", base + "/api/threads")  # no order: not charged
        await call(
            http, "POST", f"{base}/api/threads/{nobody['id']}/email", {"email": "no@example.com"}
        )
        code = await code_for(http, base, "no@example.com")
        _, none = await call(
            http, "POST", f"{base}/api/threads/{nobody['id']}/code", {"code": code}
        )
        assert none["found"] is False
        _, ended = await call(
            http, "POST", f"{base}/api/threads/{nobody['id']}/end", {"choice": "done"}
        )
        assert (ended["outcome"], ended["charged"]) == ("ended", False)

        status, report = await call(http, "GET", base + "/api/reports/threads")
        assert status == 200
        today = datetime.now(UTC).date().isoformat()
        (day,) = [d for d in report["days"] if d["started"]]
        expected = {
            "day": today, "started": 4, "codesVerified": 3, "ordersShown": 2, "resolutions": 1,
            "handoffs": 1, "resolutionRate": 0.25, "cost": "0.75",
        }  # fmt: skip
        assert day == expected
        assert report["total"] == expected | {"day": "total"}
        assert (report["to"], len(report["days"])) == (today, 30)
        _, priced = await call(http, "GET", base + "/api/reports/threads?price=2.50")
        assert priced["total"]["cost"] == "2.50"
        async with http.get(base + "/api/reports/threads.csv") as response:
            assert response.content_type == "text/csv"
            assert "attachment" in response.headers["Content-Disposition"]
            rows = list(csv.DictReader(io.StringIO(await response.text())))
        assert rows[-1] == {k: str(v) for k, v in (expected | {"day": "total"}).items()}
        assert [r["day"] for r in rows if r["started"] != "0"] == [today, "total"]


async def test_outcomes_survive_a_restart_in_the_fake_gladlys_own_file(http, tmp_path):
    path = str(tmp_path / "gladly.sqlite3")
    async with gladly(db=path) as base:
        thread, _ = await verified(http, base, EMAILS[3])
        await call(http, "POST", f"{base}/api/threads/{thread}/end", {"choice": "done"})
    async with gladly(db=path) as base:
        _, report = await call(http, "GET", base + "/api/reports/threads")
        _, kept = await call(http, "GET", f"{base}/api/threads/{thread}")
    assert (report["total"]["resolutions"], kept["outcome"]) == (1, "resolved")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [({"email": "nope"}, 400, "email"), ({"email": 3}, 400, "email")],
)
async def test_a_bad_email_is_a_clear_400(http, body, status, field):
    async with gladly() as base:
        _, started = await call(http, "POST", base + "/api/threads")
        got, answer = await call(http, "POST", f"{base}/api/threads/{started['id']}/email", body)
        assert (got, answer["field"]) == (status, field)
        got, early = await call(
            http, "POST", f"{base}/api/threads/{started['id']}/code", {"code": "123456"}
        )
        assert (got, early["field"]) == (409, "email")  # no code was sent
