"""Shared fixtures and Hypothesis profiles for the kit's own tests."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, settings

from mockserver import roles
from mockserver.adapter import AdapterConfig
from mockserver.oms.store import Store
from mockserver.runner import Running, start, stop
from tests.helpers import (
    ADMIN_TOKEN,
    CHROMIUM,
    KEY,
    REF,
    SHOPIFY,
    SHOTS,
    TOKEN,
    VERIFY_KEY,
    serving,
)

DATA = Path(__file__).parent / "data"

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def signing_vectors() -> list[dict[str, Any]]:
    vectors: list[dict[str, Any]] = json.loads((DATA / "signing-vectors.json").read_text())[
        "vectors"
    ]
    return vectors


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium, driven by Playwright; screenshots go to artifacts/screenshots."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        "Debian's chromium is not installed: .ci/run installs it (apt-get install chromium)"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def lookupkit() -> str:
    """Path of the installed lookupkit console script (the one users run)."""
    script = Path(sys.executable).parent / "lookupkit"
    found = str(script) if script.exists() else shutil.which("lookupkit")
    assert found, "the lookupkit console script is not installed; run `make install`"
    return found


@pytest.fixture
def store() -> Iterator[Store]:
    """A seeded in-memory store; a test fails if a fake saw anything unexpected."""
    store = Store(admin_token=ADMIN_TOKEN)
    store.seed(7, customers=30, reference=REF)
    store.settings["rateLimit"] = False
    yield store
    unexpected = [(u.method, u.path, u.note) for u in store.unexpected]
    store.close()
    assert unexpected == [], f"the fakes saw unexpected requests: {unexpected}"


@dataclass
class Servers:
    oms: str
    adapter: str
    store: Store

    @property
    def shopify(self) -> str:
        return self.oms + SHOPIFY


@pytest.fixture
async def servers(store: Store) -> AsyncIterator[Servers]:
    """The fake OMS and the reference adapter (signing key KEY) on ephemeral loopback ports."""
    running = Running()
    oms_url = await start(running, "oms", roles.oms_app(store, token=TOKEN))
    config = AdapterConfig(oms_url + SHOPIFY, TOKEN, signing_key=KEY)
    adapter_url = await start(running, "adapter", roles.adapter_app(store, config))
    yield Servers(oms_url, adapter_url, store)
    await stop(running)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(scope="module")
def served(lookupkit: str) -> Iterator[dict[str, Any]]:
    args = [
        "all",
        "--port",
        "0",
        "--db",
        ":memory:",
        "--signing-key",
        VERIFY_KEY,
        "--no-rate-limit",
        "--customers",
        "30",
        "--reference-date",
        "2026-11-28",
        "--cache-ttl",
        "0",
        "--admin-token",
        ADMIN_TOKEN,
    ]
    with serving(lookupkit, *args) as (_, urls, lines):
        emails = [line.split()[0] for line in lines if "externalCustomerId" in line]
        phones = [line.split()[1] for line in lines if "externalCustomerId" in line]
        yield {
            "adapter": urls["adapter"] + "/",
            "admin": urls["adapter"],
            "oms": urls["oms"],
            "emails": emails,
            "phones": phones,
        }
