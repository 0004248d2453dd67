"""Card configuration: the --cards file (TOML or JSON), the cards it draws, and its API."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from mockserver.gladly import GladlyConfig, create_app
from mockserver.gladly.cardfile import CardsError, load_cards, parse_cards, to_toml
from mockserver.gladly.cards import CardSpec, build_cards, unshown
from mockserver.runner import Running, start, stop
from tests.helpers import all_types_app, all_types_profiles

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)

TWO_STORES = """
# one ORDER card per brand
[[card]]
type = "ORDER"
label = "Acme store"
filter = { brand = "Acme" }
attributes = ["giftWrap"]

[[card]]
type = "ORDER"
filter = { brand = "Zenith" }
"""


def orders() -> list[dict[str, Any]]:
    def order(number: str, brand: str, **extra: Any) -> dict[str, Any]:
        return {"type": "ORDER", "orderNumber": number, "brand": brand, "status": "x"} | extra

    return [
        order("1", "Acme", giftWrap="yes"),
        order("2", "Zenith"),
        order("3", "Acme"),
        order("4", "Other"),
        {"type": "FLIGHT", "flightNumber": "LK1", "gate": "B4"},
    ]


def test_a_card_file_splits_orders_by_brand_with_a_custom_label():
    specs = parse_cards(TWO_STORES)
    assert specs == (
        CardSpec("ORDER", "Acme store", ("brand", "Acme"), ("giftWrap",)),
        CardSpec("ORDER", None, ("brand", "Zenith"), None),
    )
    drawn = build_cards(orders(), specs, NOW)
    assert [(c["type"], c["label"], c["customLabel"]) for c in drawn] == [
        ("ORDER", "Acme store", True),  # a custom label replaces the count
        ("ORDER", "1 Order", False),
        ("FLIGHT", "1 Reservation", False),  # a type the file leaves out keeps its default card
    ]
    assert [o["orderNumber"] for o in drawn[0]["items"]] == ["1", "3"]
    assert drawn[0]["attributes"] == ["giftWrap"]
    assert drawn[1]["attributes"] == []  # extras show only where configured
    assert drawn[2]["attributes"] == []
    assert unshown(orders(), specs) == 1  # the "Other" brand's order has no card


def test_without_a_file_each_type_has_one_card_and_generic_boxes_show_what_they_are_sent():
    drawn = build_cards([*orders(), {"type": "GENERIC", "name": "RES 1"}], (), NOW)
    assert [(c["type"], c["label"]) for c in drawn] == [
        ("ORDER", "4 Orders"),
        ("FLIGHT", "1 Reservation"),
        ("GENERIC", "1 Transaction"),
    ]
    assert drawn[0]["attributes"] == []
    assert drawn[2]["attributes"] is None  # everything the box is sent


def test_json_cards_and_the_toml_round_trip():
    text = (
        '{"cards": [\n  {"type": "STAY", "label": "Hôtels"},\n'
        '  {"type": "ORDER", "filter": {"vip": true}}\n]}'
    )
    specs = parse_cards(text, "json")
    assert specs == (CardSpec("STAY", "Hôtels"), CardSpec("ORDER", None, ("vip", "true")))
    assert parse_cards(to_toml(specs)) == specs
    assert parse_cards(to_toml(parse_cards(TWO_STORES))) == parse_cards(TWO_STORES)
    assert parse_cards("  \n") == ()


@pytest.mark.parametrize(
    ("text", "kind", "line", "needle"),
    [
        ('[[card]]\ntype = "ORDER"\nlable = "Acme"\n', "toml", 3, "unknown card setting 'lable'"),
        (
            '[[card]]\ntype = "ORDER"\n\n[[card]]\ntype = "RENTAL"\n',
            "toml",
            5,
            "type must be one of",
        ),
        ('[[card]]\ntype = "ORDER"\nfilter = { a = "1", b = "2" }\n', "toml", 3, "one attribute"),
        ('[[card]]\ntype = "ORDER"\nattributes = "giftWrap"\n', "toml", 3, "list of attribute"),
        ('[[card]]\ntype = "ORDER"\nlabel = ""\n', "toml", 3, "label must be"),
        ('[[card]]\ntype = "ORDER\n', "toml", 2, "not valid TOML"),
        ('[[card]]\ntype = "ORDER"\n[colours]\nx = 1\n', "toml", 3, "unknown top-level key"),
        (
            '{"cards": [\n {"type": "ORDER"},\n {"type": "ORDER",\n  "size": 3}\n]}',
            "json",
            4,
            "'size'",
        ),
        ('{"cards": [\n {"type": "ORDER",}\n]}', "json", 2, "not valid JSON"),
    ],
)
def test_a_bad_card_file_names_the_line(text, kind, line, needle):
    with pytest.raises(CardsError) as caught:
        parse_cards(text, kind)
    assert caught.value.line == line, str(caught.value)
    assert str(caught.value).startswith(f"line {line}: ")
    assert needle in str(caught.value)


def test_load_cards_reads_by_suffix_and_says_what_is_wrong(tmp_path):
    (tmp_path / "cards.toml").write_text(TWO_STORES)
    assert len(load_cards(str(tmp_path / "cards.toml"))) == 2
    (tmp_path / "cards.json").write_text('[{"type": "FLIGHT"}]')
    assert load_cards(str(tmp_path / "cards.json")) == (CardSpec("FLIGHT"),)
    with pytest.raises(CardsError, match="cannot read"):
        load_cards(str(tmp_path / "missing.toml"))
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe")
    with pytest.raises(CardsError, match="not UTF-8"):
        load_cards(str(tmp_path / "binary.toml"))


def test_serve_with_a_malformed_card_file_is_one_line_naming_the_line(lookupkit, tmp_path):
    broken = tmp_path / "cards.toml"
    broken.write_text('[[card]]\ntype = "ORDER"\nfiltre = { brand = "Acme" }\n')
    result = subprocess.run(
        [lookupkit, "serve", "gladly", "--adapter", "http://127.0.0.1:9/", "--port", "0",
         "--gladly-db", ":memory:", "--cards", str(broken)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert f"{broken}: line 3: unknown card setting 'filtre'" in result.stderr
    assert "[[card]]" in result.stderr  # the hint
    assert "Traceback" not in result.stderr


async def test_cards_set_through_the_api_change_the_profile_view(http: aiohttp.ClientSession):
    running = Running()
    adapter = await start(running, "adapter", all_types_app())
    base = await start(running, "gladly", create_app(GladlyConfig(adapter + "/")))
    try:
        email = next(iter(all_types_profiles()))
        async with http.post(base + "/api/profiles", json={"name": "C", "emails": [email]}) as r:
            profile = await r.json()
        async with http.post(f"{base}/api/profiles/{profile['id']}/autolink", json={}) as r:
            before = (await r.json())["profile"]["cards"]
        assert [c["type"] for c in before] == ["ORDER", "FLIGHT", "STAY", "SUBSCRIPTION", "GENERIC"]
        text = '[[card]]\ntype = "STAY"\nlabel = "Our hotels"\n\n[[card]]\ntype = "GENERIC"\nattributes = ["name"]\n'
        async with http.post(base + "/api/cards", json={"text": text}) as r:
            assert r.status == 200
            view = await r.json()
        assert view["configured"] is True
        assert view["defaults"] == ["ORDER", "FLIGHT", "SUBSCRIPTION"]
        async with http.get(f"{base}/api/profiles/{profile['id']}") as r:
            after = (await r.json())["cards"]
        assert [(c["type"], c["label"]) for c in after][:2] == [
            ("STAY", "Our hotels"),
            ("GENERIC", after[1]["label"]),
        ]
        assert after[1]["attributes"] == ["name"]
        async with http.post(
            base + "/api/cards", json={"text": '[[card]]\ntype = "ORDER"\nlabel = 5\n'}
        ) as r:
            bad = await r.json()
        assert (r.status, bad["field"], bad["line"]) == (400, "text", 3)
        assert bad["error"].startswith("line 3: label must be")
        async with http.post(base + "/api/cards", json={"reset": True}) as r:
            assert (await r.json())["configured"] is False
    finally:
        await stop(running)
