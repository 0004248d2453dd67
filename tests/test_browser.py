"""The fake Gladly in a real headless Chromium (Debian's package, driven by Playwright).

Flows against the reference adapter: auto-link, search and link, an action, the debugger catching
a mutant; and every card type against an adapter that sends all five. Screenshots
go to artifacts/screenshots/.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from mockserver.gladly import GladlyConfig, create_app
from mockserver.runner import Running, start, stop
from tests.helpers import (
    ADMIN_TOKEN,
    SHOTS,
    admin_post,
    all_types_app,
    all_types_profiles,
    open_gladly,
    serving,
    verify,
)

KEY = "browser-test-signing-key"


@pytest.fixture(scope="module")
def stack(lookupkit: str) -> Iterator[dict[str, Any]]:
    args = [
        "all",
        "--port",
        "0",
        "--db",
        ":memory:",
        "--signing-key",
        KEY,
        "--no-rate-limit",
        "--customers",
        "20",
        "--cache-ttl",
        "0",
        "--search-attribute",
        "email",
        "--search-attribute",
        "name",
        "--admin-token",
        ADMIN_TOKEN,
    ]
    with serving(lookupkit, *args) as (_, _urls, lines):
        text = "\n".join(lines)
        urls = {
            name: re.search(rf"{label}\s+(http://\S+?)/?\s", text + " ").group(1)  # type: ignore[union-attr]
            for name, label in (("gladly", "Fake Gladly"), ("adapter", "Adapter"))
        }
        customers = [line.split() for line in lines if "externalCustomerId" in line]
        yield urls | {"customers": [{"email": c[0], "id": c[3]} for c in customers]}


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == [], errors


def create_profile(page: Page, base: str, name: str, email: str = "") -> None:
    open_gladly(page, base)
    page.click("[data-test=new-profile]")
    page.fill("[data-test=profile-form] input[name=name]", name)
    if email:
        page.fill("[data-test=profile-form] input[name=emails]", email)
    page.click("[data-test=profile-form] button[type=submit]")
    expect(page.locator("#p-name")).to_have_text(name)


def test_autolink_shows_the_decision_and_the_order_card(page, stack):
    customer = stack["customers"][0]
    create_profile(page, stack["gladly"], "Auto Link", customer["email"])
    page.click("[data-test=autolink]")
    expect(page.locator("[data-test=autolink-decision]")).to_contain_text(
        "Linked: the result shares an email"
    )
    label = page.locator("[data-test=card-ORDER] [data-test=card-label]")
    expect(label).to_have_text(re.compile(r"^\d+ Orders?$"))
    first = page.locator("[data-test=order]").first
    expect(first.locator(".txn-body")).to_be_hidden()  # collapsed until clicked
    first.locator(".txn-row").click()
    expect(first.locator("[data-test=product]").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "agent-orders.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "agent-orders-phone.png"), full_page=True)


def test_search_and_link(page, stack):
    customer = stack["customers"][1]
    create_profile(page, stack["gladly"], "Search Link")
    page.click("[data-test=open-link]")
    page.fill("[data-test=search-email]", customer["email"])
    page.click("[data-test=search]")
    table = page.locator("[data-test=search-results]")
    expect(table.locator("th").first).to_have_text("name")
    expect(table.locator("tbody tr")).to_have_count(1)
    table.locator("[data-test=link-result]").click()
    expect(page.locator("#p-link")).to_have_text(f"Linked to external customer {customer['id']}")
    expect(page.locator("[data-test=card-ORDER]")).to_be_visible()


def test_action_round_trip_with_field_errors(page, stack):
    create_profile(page, stack["gladly"], "Action Taker", stack["customers"][2]["email"])
    page.click("[data-test=autolink]")
    first = page.locator("[data-test=order]").first
    first.locator(".txn-row").click()
    first.locator("[data-test=order-action]", has_text="Add a note").click()
    dialog = page.locator("[data-test=action-dialog]")
    expect(dialog.locator("h2")).to_contain_text("Add a note")
    dialog.locator("[data-test=action-submit]").click()
    expect(dialog.locator("[data-attr=note] .field-error")).to_have_text("Write the note to add")
    dialog.locator("input[name=note]").fill("Left a voicemail")
    dialog.locator("[data-test=action-submit]").click()
    expect(dialog.locator("[data-test=action-result]")).to_contain_text("Note added")
    page.screenshot(path=str(SHOTS / "action-done.png"))
    expect(dialog).to_be_hidden(timeout=5000)
    refreshed = page.locator("[data-test=order]").first
    refreshed.locator(".txn-row").click()
    expect(refreshed).to_contain_text("Left a voicemail")


def test_debugger_shows_a_finding_when_the_adapter_runs_a_mutant(page, stack):
    create_profile(page, stack["gladly"], "Mutant Watcher", stack["customers"][3]["email"])
    page.click("[data-test=autolink]")
    expect(page.locator("[data-test=card-ORDER]")).to_be_visible()
    admin_post(stack["adapter"], "/settings", {"mutant": "no-symbol-total"})
    try:
        page.click("[data-test=refresh]")
        page.click("[data-test=open-debugger]")
        finding = page.locator("[data-test=finding]").first
        expect(finding).to_contain_text("order.total-symbol")
        expect(page.locator("[data-test=reproduce]")).to_contain_text("lookupkit sign")
        expect(page.locator("[data-test=debugger]")).not_to_contain_text(KEY)
        page.screenshot(path=str(SHOTS / "debugger-finding.png"))
    finally:
        admin_post(stack["adapter"], "/settings", {"mutant": None})


@pytest.fixture(scope="module")
def all_types() -> Iterator[str]:
    """A fake Gladly in front of an adapter that sends all five transaction types."""
    loop = asyncio.new_event_loop()
    ready: dict[str, str] = {}
    done = threading.Event()

    running = Running()

    async def up() -> None:
        adapter = await start(running, "adapter", all_types_app()) + "/"
        ready["gladly"] = await start(running, "gladly", create_app(GladlyConfig(adapter)))
        done.set()

    thread = threading.Thread(
        target=lambda: (loop.run_until_complete(up()), loop.run_forever()), daemon=True
    )
    thread.start()
    assert done.wait(30)
    yield ready["gladly"]
    asyncio.run_coroutine_threadsafe(stop(running), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def test_every_card_type_with_its_labels_and_grouping(page, all_types):
    email = next(iter(all_types_profiles()))
    create_profile(page, all_types, "All Types", email)
    page.click("[data-test=autolink]")
    for kind, word in (
        ("ORDER", "Order"),
        ("FLIGHT", "Reservation"),
        ("STAY", "Stay"),
        ("SUBSCRIPTION", "Subscription"),
        ("GENERIC", "Transaction"),
    ):
        expect(page.locator(f"[data-test=card-{kind}] [data-test=card-label]")).to_have_text(
            re.compile(rf"^\d+ {word}s?$")
        )
    stays = page.locator("[data-test=card-STAY] [data-test=group-label]")
    expect(stays.first).to_have_text(re.compile("Current & Future|Previous"))
    expect(page.locator("[data-test=card-GENERIC] [data-test=generic]").first).to_be_visible()
    subscription = page.locator("[data-test=card-SUBSCRIPTION] [data-test=subscription]").first
    subscription.locator(".txn-row").click()
    expect(subscription).to_contain_text("Billing frequency")
    page.screenshot(path=str(SHOTS / "all-cards.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "all-cards-phone.png"), full_page=True)


def test_adapter_down_is_explained_in_the_page(page, browser):
    loop = asyncio.new_event_loop()
    box: dict[str, str] = {}
    ready = threading.Event()
    running = Running()

    async def up() -> None:
        box["url"] = await start(running, "gladly", create_app(GladlyConfig("http://127.0.0.1:9/")))
        ready.set()

    thread = threading.Thread(
        target=lambda: (loop.run_until_complete(up()), loop.run_forever()), daemon=True
    )
    thread.start()
    assert ready.wait(30)
    try:
        create_profile(page, box["url"], "Nobody Home", "ana@example.com")
        page.click("[data-test=autolink]")
        expect(page.locator("#banner")).to_contain_text("could not be reached")
        expect(page.locator("#p-name")).to_have_text("Nobody Home")
        page.screenshot(path=str(SHOTS / "adapter-down.png"))
    finally:
        asyncio.run_coroutine_threadsafe(stop(running), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def test_html_reports_read_well_clean_and_with_over_100_findings(
    browser, stack, lookupkit, tmp_path
):
    """The conforming adapter and a mutant with 200 findings, in Chromium at 1280 px: summary
    with working links, "5 of N shown", collapsible examples, a copy button that copies, no
    request leaving the file, no script but the page's own. Screenshots go to artifacts."""
    email = stack["customers"][0]["email"]
    try:
        for name, mutant in (("conforming", None), ("wrong-status", "wrong-status")):
            admin_post(stack["adapter"], "/settings", {"mutant": mutant})
            html_path, json_path = tmp_path / f"{name}.html", tmp_path / f"{name}.json"
            result, _ = verify(
                lookupkit, stack["adapter"] + "/", "--signing-key", KEY, "--known",
                f"email={email}", "--max-examples", "30", "--report", f"html:{html_path}",
                "--report", f"json:{json_path}",
            )  # fmt: skip
            document = json.loads(json_path.read_text())
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            problems: list[str] = []

            def note(message: Any, problems: list[str] = problems) -> None:
                if message.type == "error":
                    problems.append(message.text)

            def outside(request: Any, problems: list[str] = problems) -> None:
                if not request.url.startswith("file:"):
                    problems.append(request.url)

            page.on("console", note)
            page.on("request", outside)
            page.goto(html_path.as_uri())
            page.screenshot(path=str(SHOTS / f"report-{name}.png"), full_page=True)
            header = page.locator("header .verdict").inner_text()
            assert f"seed {document['run']['seed']}" in header
            if mutant is None:
                assert result.returncode == 0, result.stdout
                assert "0 error(s), 0 warning(s)" in header
                assert page.locator(".sev.error, .sev.warning").count() == 0
                expect(page.locator("#run")).to_be_visible()
            else:
                counts = document["run"]["ruleCounts"]
                assert sum(counts.values()) > 100, counts
                page.click("#summary ~ table a[href='#cause-1']")
                assert page.evaluate("location.hash") == "#cause-1"
                section = page.locator("section[id='rule-envelope.http-status']")
                expect(section).to_contain_text(f"5 of {counts['envelope.http-status']} shown")
                assert section.locator("details").count() == 5
                assert section.locator("details[open]").count() == 1
                button = page.locator("button[data-copy]").first
                button.click()
                expect(button).to_have_text("Copied")
            assert page.locator("script").count() == 1
            assert problems == []
            page.close()
    finally:
        admin_post(stack["adapter"], "/settings", {"mutant": None})
