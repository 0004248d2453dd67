"""The fake Gladly's Threads flow, report, card file and debugger tool in Chromium, at a desktop's
1280x800 and a phone's 390x844. The stack is ``serve all --data FILE --cards FILE``: customers
of every type whose orders carry a ``brand``, shown on two ORDER cards. Screenshots go to
artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.helpers import ADMIN_TOKEN, SHOTS, admin_post, open_gladly, serving

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
CARDS = """\
[[card]]
type = "ORDER"
label = "Acme store"
filter = { brand = "Acme" }
attributes = ["brand"]

[[card]]
type = "ORDER"
filter = { brand = "Zenith" }
"""


@pytest.fixture(scope="module")
def stack(lookupkit: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("threads-stack")
    data, cards = folder / "customers.json", folder / "cards.toml"
    today = datetime.now(UTC).date().isoformat()  # Sidekick shows orders of the last 30 days
    generated = subprocess.run(
        [lookupkit, "generate", "--customers", "4", "--seed", "7", "--view", "gladly",
         "--types", "ORDER,FLIGHT,STAY,SUBSCRIPTION,GENERIC", "--reference-date", today,
         "--out", str(data)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    document = json.loads(data.read_text())
    for record in document["customers"]:  # an adapter for two stores tags each order
        orders = [t for t in record["gladly"]["transactions"] if t["type"] == "ORDER"]
        for n, order in enumerate(orders):
            order["brand"] = ("Acme", "Zenith")[n % 2]
    data.write_text(json.dumps(document))
    cards.write_text(CARDS)
    args = ["all", "--port", "0", "--db", ":memory:", "--data", str(data), "--cards", str(cards),
            "--admin-token", ADMIN_TOKEN]  # fmt: skip
    with serving(lookupkit, *args) as (_, urls, _lines):
        people = [r["gladly"] for r in document["customers"]]
        assert people[0]["name"] == "加奈 吉田"  # seed 7: non-ASCII, and four orders (two brands)
        yield {"gladly": urls["gladly"], "people": people}


@pytest.fixture(params=list(SIZES))
def page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.size = request.param  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert errors == [], errors


def shot(page: Page, name: str) -> None:
    """A screenshot to the artifacts; the page must fit its width (no sideways scrolling)."""
    page.screenshot(path=str(SHOTS / f"{name}-{page.size}.png"))  # type: ignore[attr-defined]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: the page is {width} px wide"  # type: ignore[index]


def email_of(person: dict[str, Any]) -> str:
    return str(person["emails"][0]["original"])


def open_thread(page: Page, base: str, email: str) -> str:
    """Sidekick through the Quick Reply and the email, to the code step; the code sent."""
    open_gladly(page, base)
    page.click("[data-test=open-sidekick]")
    page.click("[data-test=quick-reply]")
    page.fill("[data-test=wismo-email]", email)
    page.click("[data-test=wismo-send]")
    expect(page.locator("[data-test=wismo-code-sent]").last).to_contain_text("6-digit code")
    expect(page.locator("[data-test=outbox-message]").first).to_contain_text(email)
    code = page.locator("[data-test=outbox-code]").first
    expect(code).to_have_text(re.compile(r"^\d{6}$"))
    return code.inner_text()


def test_the_threads_code_step_with_a_wrong_then_the_right_code(page, stack):
    person = stack["people"][0]
    code = open_thread(page, stack["gladly"], email_of(person))
    sidekick = page.locator("[data-test=sidekick]")
    if page.size == "phone":
        box = sidekick.bounding_box()  # a full-screen overlay, not a panel 3,000 px down
        assert box == {"x": 0, "y": 0, "width": 390, "height": 844}, box
    expect(page.locator("[data-test=wismo-code]")).to_be_in_viewport()
    page.fill("[data-test=wismo-code]", f"{(int(code) + 1) % 10**6:06d}")
    page.click("[data-test=wismo-send]")
    expect(page.locator("[data-test=wismo-code-error]").last).to_have_text(
        "That code is not right: 2 tries left."
    )
    shot(page, "threads-wrong-code")
    page.fill("[data-test=wismo-code]", code)
    page.click("[data-test=wismo-send]")
    order = page.locator("[data-test=wismo-order]")
    expect(order).to_contain_text("Order #")
    expect(order).to_contain_text("Status:")
    expect(order).to_be_in_viewport()
    shot(page, "threads-order")
    page.click("[data-test=wismo-resolved]")
    expect(page.locator("[data-test=wismo-resolved]").last).to_have_text("Glad I could help!")
    expect(page.locator("[data-test=quick-reply]")).to_be_visible()  # onboarding again


def report_total(page: Page, key: str) -> int:
    return int(page.locator(f"[data-test=report-{key}] b").inner_text())


def test_the_report_counts_a_resolution_and_a_hand_off(page, stack):
    open_gladly(page, stack["gladly"])
    page.click("[data-test=open-reports]")
    expect(page.locator("[data-test=report-started] b")).to_have_text(re.compile(r"^\d+$"))
    before = {k: report_total(page, k) for k in ("started", "resolutions", "handoffs")}
    for person, end in zip(stack["people"][1:3], ("wismo-resolved", "wismo-agent"), strict=True):
        code = open_thread(page, stack["gladly"], email_of(person))
        page.fill("[data-test=wismo-code]", code)
        page.click("[data-test=wismo-send]")
        expect(page.locator("[data-test=wismo-order]").last).to_be_visible()
        page.locator(f"[data-test={end}]").last.click()
        expect(page.locator("[data-test=quick-reply]")).to_be_visible()
    open_gladly(page, stack["gladly"])
    page.click("[data-test=open-reports]")
    expect(page.locator("[data-test=report-started] b")).to_have_text(str(before["started"] + 2))
    assert report_total(page, "resolutions") == before["resolutions"] + 1
    assert report_total(page, "handoffs") == before["handoffs"] + 1
    cost = page.locator("[data-test=report-cost] b").inner_text()
    assert cost == f"{report_total(page, 'resolutions'):.2f} USD"  # 1.00 per resolution
    expect(page.locator("[data-test=report-day]").first).to_contain_text(
        datetime.now(UTC).date().isoformat()
    )
    assert page.locator("[data-test=report-csv]").get_attribute("href") == (
        "/api/reports/threads.csv"
    )
    expect(page.locator("[data-test=reports]")).to_be_in_viewport()
    shot(page, "threads-report")


def unclipped(page: Page, selector: str) -> list[str]:
    """The texts under ``selector`` that their box cuts off."""
    clipped: list[str] = page.eval_on_selector_all(
        selector,
        "nodes => nodes.filter(n => n.scrollWidth > n.clientWidth + 1).map(n => n.textContent)",
    )
    return clipped


def test_a_card_file_draws_two_order_cards_with_a_custom_label(page, stack):
    person = stack["people"][0]
    open_gladly(page, stack["gladly"])
    page.click("[data-test=new-profile]")
    page.fill("[data-test=profile-form] input[name=name]", person["name"])
    page.fill("[data-test=profile-form] input[name=emails]", email_of(person))
    page.click("[data-test=profile-form] button[type=submit]")
    page.click("[data-test=autolink]")
    order_cards = page.locator("[data-test=card-ORDER]")
    expect(order_cards).to_have_count(2)
    labels = order_cards.locator("[data-test=card-label]")
    expect(labels.nth(0)).to_have_text("Acme store")  # a custom label: no count
    expect(labels.nth(1)).to_have_text(re.compile(r"^\d+ Orders?$"))
    first = order_cards.nth(0).locator("[data-test=order]").first
    first.locator(".txn-row").click()
    expect(first).to_contain_text("brand")  # the configured extra attribute
    expect(order_cards.nth(1).locator("[data-test=order]").first).not_to_contain_text("brand")
    for kind in ("FLIGHT", "STAY", "SUBSCRIPTION", "GENERIC"):  # default cards for the rest
        expect(page.locator(f"[data-test=card-{kind}]")).to_be_visible()
    rows = ".txn-row .main, .tcard > h2, .generic dd"
    assert unclipped(page, rows) == []
    shot(page, "cards-two-stores")
    page.click("[data-test=open-cards]")
    expect(page.locator("[data-test=cards-text]")).to_have_value(re.compile('label = "Acme store"'))
    page.fill("[data-test=cards-text]", '[[card]]\ntype = "ORDER"\nlabel = ""\n')
    page.click("[data-test=cards-apply]")
    expect(page.locator("[data-test=cards-error]")).to_have_text(re.compile(r"^line 3: label must"))
    shot(page, "cards-editor-error")
    expect(labels.nth(0)).to_have_text("Acme store")  # a refused file changes nothing


def test_the_debugger_tool_runs_both_workflows_with_readable_json(page, stack):
    person = stack["people"][0]  # 加奈 吉田: the adapter's JSON escapes it as \u52a0\u5948
    admin_post(stack["gladly"], "/reset", {})  # no profiles: the tool creates one
    open_gladly(page, stack["gladly"])
    page.click("[data-test=open-debugger]")
    page.click("[data-test=open-tool]")
    page.fill("[data-test=tool-email]", email_of(person))
    page.click("[data-test=tool-run]")
    outcome = page.locator("[data-test=tool-outcome]")
    expect(outcome).to_contain_text("Created profile")
    expect(outcome).to_contain_text("Autolinking + Detailed: Linked")
    steps = page.locator("[data-test=tool-step]")
    expect(steps).to_have_count(2)  # BASIC auto-link, then DETAILED
    expect(steps.nth(0)).to_contain_text("BASIC · auto-link")
    expect(steps.nth(1)).to_contain_text("DETAILED · detailed")
    response = steps.nth(1).locator("[data-test=tool-response]").inner_text()
    assert '\n  "results": [' in response  # indented
    assert "\\u" not in response  # non-ASCII as itself
    assert person["name"] in response
    expect(steps.nth(0).locator("[data-test=tool-timing]")).to_have_text(re.compile(r" ms$"))
    shot(page, "debugger-tool")
    page.select_option("[data-test=tool-workflow]", "search")
    page.click("[data-test=tool-run]")
    expect(outcome).to_contain_text("Found profile")  # the same email finds it now
    expect(outcome).to_contain_text("Basic + Detailed: The basic search found one customer")
    expect(steps.nth(0)).to_contain_text("BASIC · basic-search")
    page.click("[data-test=open-log]")
    expect(page.locator("[data-test=exchange]").first).to_be_visible()
    log = page.locator("[data-test=log-response]").inner_text()
    assert "\\u" not in log
