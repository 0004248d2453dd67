"""Generators: validity against the contract, coherence, independent checks, determinism, CLI."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import phonenumbers
import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.actions import action_form_is_well_formed, check_actions
from contracts.checks import evaluate
from contracts.exchange import Exchange, infer_kind
from contracts.formats import is_absolute_url, is_e164, is_email, is_iso8601
from contracts.spec import load_schema, schema_errors, validate
from generators import strategies as S
from generators.dataset import DatasetOptions, records
from generators.formats import FORMATS
from generators.money import CURRENCIES, format_money
from generators.phones import MOBILE_RANGES, mobile_number
from generators.providers import LookupProvider, catalogue
from generators.tracking import CARRIERS, tracking_number
from mockserver.adapter.mapping import gladly_profile as map_shopify
from tests.helpers import run

REF = date(2026, 11, 28)


def errors_in(profile: dict[str, Any], level: str) -> list[str]:
    body = {"results": [profile]}
    problems = [f"{p}: {m}" for p, m in schema_errors(body, "lookup-response")]
    findings = evaluate(Exchange(body, kind="detailed"), level)  # type: ignore[arg-type]
    return problems + [f"{f.rule} at {f.path}" for f in findings if f.severity == "error"]


# -- independent validators ----------------------------------------------------------------------


def _luhn_style(digits: str, weights: tuple[int, int]) -> int:
    total = 0
    for position, char in enumerate(digits):
        total += int(char) * weights[position % 2]
    return (10 - total % 10) % 10


def valid_tracking(carrier: str, number: str) -> bool:
    """Check digits as the carriers define them, written apart from generators.tracking."""
    if carrier == "UPS":
        if not re.fullmatch(r"1Z[0-9A-Z]{16}", number):
            return False
        table = {c: (ord(c) - 63) % 10 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
        values = [int(c) if c.isdigit() else table[c] for c in number[2:17]]
        odd = sum(values[0::2])
        even = sum(values[1::2]) * 2
        return (10 - (odd + even) % 10) % 10 == int(number[17])
    if carrier == "FedEx":
        weights = [3, 1, 7] * 4
        return len(number) == 12 and sum(
            int(d) * w for d, w in zip(number[:11], weights, strict=False)
        ) % 11 % 10 == int(number[11])
    if carrier == "FedEx Ground":
        return len(number) == 15 and _luhn_style(number[:14], (1, 3)) == int(number[14])
    if carrier == "USPS":
        return len(number) == 22 and _luhn_style(number[:21], (3, 1)) == int(number[21])
    if carrier == "DHL Express":
        return len(number) == 10 and int(number[:9]) % 7 == int(number[9])
    raise AssertionError(carrier)


def test_independent_validators_accept_the_published_examples():
    assert valid_tracking("UPS", "1Z5R89390357567127")
    assert valid_tracking("UPS", "1Z879E930346834440")
    assert valid_tracking("FedEx", "986578788855")
    assert valid_tracking("FedEx", "477179081230")
    assert valid_tracking("FedEx Ground", "041441760228964")
    assert valid_tracking("USPS", "9400111206206406260787")
    assert valid_tracking("DHL Express", "3318810025")
    assert not valid_tracking("UPS", "1Z5R89390357567128")
    assert not valid_tracking("DHL Express", "3318810026")


@pytest.mark.parametrize("carrier", sorted(CARRIERS))
def test_tracking_numbers_have_valid_check_digits(carrier):
    import random

    rng = random.Random(carrier)
    for _ in range(300):
        assert valid_tracking(carrier, tracking_number(rng, carrier))


@pytest.mark.parametrize("region", sorted(MOBILE_RANGES))
def test_mobile_numbers_are_valid_for_their_country(region):
    import random

    rng = random.Random(region)
    for _ in range(300):
        number = mobile_number(rng, region)
        parsed = phonenumbers.parse(number)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.region_code_for_number(parsed) == region, number
        assert phonenumbers.number_type(parsed) in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number


def parse_money(text: str, code: str) -> int:
    """Amount in minor units, read back without generators.money's table."""
    digits = re.sub(r"[^0-9.,]", "", text)
    decimals = 0 if code in ("JPY", "KRW") else 2
    if decimals:
        whole, fraction = digits[:-3], digits[-2:]
        assert digits[-3] in ".,", text
        return int(re.sub(r"[.,]", "", whole) or "0") * 100 + int(fraction)
    return int(re.sub(r"[.,]", "", digits))


def test_money_uses_the_currencys_minor_units_and_symbol():
    assert format_money(123456, "USD") == "$1,234.56"
    assert format_money(123456, "EUR") == "1.234,56 €"
    assert format_money(1234, "JPY") == "¥1,234"
    assert format_money(0, "GBP") == "£0.00"
    for code in CURRENCIES:
        assert parse_money(format_money(987654, code), code) == 987654


def test_faker_provider_exposes_the_pools():
    fake = Faker()
    fake.add_provider(LookupProvider)
    fake.seed_instance(3)
    carrier = fake.carrier()
    assert valid_tracking(carrier, fake.tracking_number(carrier))
    assert is_e164(fake.mobile_e164("GB"))
    assert fake.iata_airport().isupper()
    assert re.fullmatch(r"[A-Z0-9]{6}", fake.pnr_code())
    assert fake.product_name() in {p.title for p in catalogue()}
    with pytest.raises(ValueError, match="region='XX'"):
        fake.mobile_e164("XX")


# -- the contract and coherence ------------------------------------------------------------------


def assert_order_coherent(order: dict[str, Any]) -> None:
    products = order["products"]
    ids = [p["id"] for p in products]
    assert len(ids) == len(set(ids))
    assert order["itemCount"] == sum(int(p["quantity"]) for p in products)
    lines = sum(
        parse_money(p["unitPrice"], order["currencyCode"]) * int(p["quantity"]) for p in products
    )
    paid = parse_money(order["orderTotal"], order["currencyCode"])
    # the lines, less a discount of at most 10 %, plus tax added at checkout (at most 13 %)
    slack = len(products) + 1  # each line's tax is rounded on its own
    assert lines * 0.9 - slack <= paid <= lines * 1.13 + slack, (paid, lines)
    assert format_money(paid, order["currencyCode"]) == order["orderTotal"]
    shipped = {i for f in order["fulfillments"] for i in f["productIds"]}
    assert shipped <= set(ids)
    status = order["orderStatus"]
    if status == "complete":
        assert ids
        assert shipped == set(ids)
    if status == "canceled":
        assert order["fulfillments"] == []
    if shipped and shipped != set(ids):
        assert status == "pending"
    for f in order["fulfillments"]:
        assert valid_tracking(f["carrier"], f["trackingNumber"])
        assert f["trackingNumber"] in f["trackingUrl"]


def assert_other_coherent(txn: dict[str, Any]) -> None:
    kind = txn["type"]
    if kind == "FLIGHT":
        assert txn["origin"] != txn["destination"]
    elif kind == "STAY":
        assert datetime.fromisoformat(txn["checkInTime"]) <= datetime.fromisoformat(
            txn["checkOutTime"]
        )
    elif kind == "SUBSCRIPTION":
        assert ("billingIntervalUnit" in txn) == ("billingIntervalNumber" in txn)
        if "nextBillingAt" in txn:
            assert datetime.fromisoformat(txn["nextBillingAt"]) > datetime.fromisoformat(
                txn["createdAt"]
            )
        if "cancellationDate" in txn:
            assert datetime.fromisoformat(txn["cancellationDate"]) >= datetime.fromisoformat(
                txn["createdAt"]
            )


@given(S.profiles(reference=REF))
def test_realistic_profiles_conform_in_the_sidekick_profile(profile):
    assert errors_in(profile, "sidekick") == []
    assert is_email(profile["emails"][0]["original"])
    assert is_e164(profile["phones"][0]["original"])


@given(S.profiles(mode="edge", reference=REF))
def test_edge_profiles_conform_in_the_core_profile(profile):
    assert errors_in(profile, "core") == []


@pytest.mark.parametrize("mode", ["realistic", "edge"])
def test_every_transaction_type_validates_and_is_coherent(mode):
    level = "sidekick" if mode == "realistic" else "core"

    @settings(max_examples=25)
    @given(st.data())
    def check(data):
        for kind, strategy in S.TRANSACTION_STRATEGIES.items():
            txn = data.draw(strategy(mode=mode, reference=REF), label=kind)
            validate(txn, "transaction")
            assert txn["type"] == kind
            assert errors_in({"externalCustomerId": "1", "transactions": [txn]}, level) == []
            if kind == "ORDER":
                assert_order_coherent(txn)
            else:
                assert_other_coherent(txn)

    check()


def test_transaction_strategies_cover_the_schemas_types():
    assert (
        list(S.TRANSACTION_STRATEGIES) == load_schema("transaction")["properties"]["type"]["enum"]
    )


@given(S.products(), S.fulfillments(), S.addresses())
def test_parts_validate_against_their_schemas(product, fulfillment, address):
    validate(product, "product")
    validate(fulfillment, "fulfillment")
    validate(address, "address")


@given(S.actions(), S.action_forms())
def test_actions_and_forms_are_well_formed(actions, form):
    assert list(check_actions([actions], "actions")) == []
    assert list(action_form_is_well_formed(form)) == []


@given(
    st.sampled_from(["auto-link", "basic-search", "detailed"]).flatmap(
        lambda kind: st.tuples(
            st.just(kind), S.lookup_requests(kind=kind, search_attributes=("email", "phone"))
        )
    )
)
def test_lookup_requests_validate_and_have_their_kind(pair):
    kind, request = pair
    validate(request, "lookup-request")
    assert infer_kind(request) == kind


@given(S.malformed_requests())
def test_malformed_requests_are_never_valid_lookups(raw):
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than a parser goes
        return
    assert schema_errors(value, "lookup-request")


@given(S.responses(max_results=2))
def test_responses_validate(response):
    validate(response, "lookup-response")


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: S.orders(mode="weird"), "mode='weird'"),  # type: ignore[arg-type]
        (lambda: S.people(min_orders=3, max_orders=1), "min_orders=3"),
        (lambda: S.transactions(types=["BOOKING"]), "types=['BOOKING']"),
        (lambda: S.lookup_requests(kind="sometimes"), "kind='sometimes'"),
        (lambda: S.responses(max_results=-1), "max_results=-1"),
    ],
)
def test_strategy_arguments_are_checked_by_name(call, needle):
    with pytest.raises(ValueError, match=re.escape(needle)):
        call()


def test_formats_produce_values_of_their_format():
    checks = {
        "email": is_email,
        "e164": is_e164,
        "iso-8601": is_iso8601,
        "uri-reference": is_absolute_url,
    }
    assert set(FORMATS) == set(checks)

    @given(st.data())
    def check(data):
        for name, strategy in FORMATS.items():
            assert checks[name](data.draw(strategy, label=name))

    check()


# -- datasets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["realistic", "edge"])
def test_dataset_oms_view_maps_back_onto_the_gladly_view(mode):
    options = DatasetOptions(customers=150, seed=11, mode=mode, reference=REF)
    level = "sidekick" if mode == "realistic" else "core"
    emails, phones = set(), set()
    for record in records(options):
        oms, gladly = record["oms"], record["gladly"]
        images = {p["id"]: p["image"]["src"] for p in oms["products"]}
        assert map_shopify(oms["customer"], oms["orders"], images, options.shop) == gladly
        assert errors_in(gladly, level) == []
        for order in gladly["transactions"]:
            assert_order_coherent(order)
        for order in oms["orders"]:
            for fulfillment in order["fulfillments"]:
                assert datetime.fromisoformat(fulfillment["created_at"]) >= datetime.fromisoformat(
                    order["created_at"]
                )
        emails.add(gladly["emails"][0]["original"].lower())
        phones.add(gladly["phones"][0]["original"])
    assert len(emails) == len(phones) == 150


def test_dataset_mixes_statuses_and_recent_orders():
    options = DatasetOptions(customers=300, seed=2, reference=REF)
    statuses, recent = set(), 0
    for record in records(options, "gladly"):
        for order in record["gladly"]["transactions"]:
            statuses.add(order["orderStatus"])
            recent += (REF - datetime.fromisoformat(order["createdAt"]).date()).days <= 30
    assert statuses == {"pending", "reviewing", "complete", "canceled"}
    assert recent > 100


def test_dataset_dates_are_relative_to_the_reference_date():
    for reference in (date(2020, 2, 29), date(2031, 7, 1)):
        for record in records(DatasetOptions(customers=30, seed=1, reference=reference), "gladly"):
            for order in record["gladly"]["transactions"]:
                created = datetime.fromisoformat(order["createdAt"]).date()
                assert (reference - created).days in range(-1, 542)


def test_generate_is_byte_identical_across_processes(lookupkit, tmp_path):
    args = [
        "generate",
        "--customers",
        "40",
        "--seed",
        "9",
        "--types",
        "ORDER,SUBSCRIPTION,FLIGHT,STAY,GENERIC",
        "--reference-date",
        "2026-11-28",
        "--mode",
        "edge",
    ]
    first = run(lookupkit, *args, "--out", str(tmp_path / "a.json"))
    second = run(lookupkit, *args, "--out", str(tmp_path / "b.json"))
    assert first.returncode == second.returncode == 0, first.stderr
    a, b = (tmp_path / "a.json").read_bytes(), (tmp_path / "b.json").read_bytes()
    assert a == b
    other = run(lookupkit, *args[:-4], "--seed", "10", "--reference-date", "2026-11-28")
    assert other.stdout.encode() != a
    document = json.loads(a)
    assert document["meta"]["seed"] == 9
    assert len(document["customers"]) == 40


def test_generate_ndjson_streams_one_record_per_line(lookupkit):
    result = run(
        lookupkit,
        "generate",
        "--customers",
        "25",
        "--format",
        "ndjson",
        "--view",
        "gladly",
        "--orders",
        "3:3",
        "--reference-date",
        "2026-11-28",
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 25
    for line in lines:
        record = json.loads(line)
        assert set(record) == {"gladly"}
        assert len(record["gladly"]["transactions"]) == 3


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--customers", "-1"], "--customers"),
        (["--orders", "5:2"], "--orders"),
        (["--orders", "many"], "--orders"),
        (["--types", "ORDER,BOOKING"], "BOOKING"),
        (["--out", "/nonexistent/dir/data.json"], "--out"),
        (["--reference-date", "28/11/2026"], "--reference-date"),
        (["--mode", "chaos"], "--mode"),
    ],
)
def test_generate_rejects_bad_options_with_one_line(lookupkit, args, needle):
    result = run(lookupkit, "generate", *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert needle in result.stderr
    assert result.stdout == ""


def test_generate_writes_nothing_when_interrupted_by_bad_input(lookupkit, tmp_path):
    target = tmp_path / "keep.json"
    target.write_text("previous data")
    result = run(lookupkit, "generate", "--out", str(target), "--orders", "9:1")
    assert result.returncode == 2
    assert target.read_text() == "previous data"
    assert list(tmp_path.iterdir()) == [target]


def test_generate_json_and_ndjson_agree(lookupkit):
    common = ["generate", "--customers", "5", "--seed", "4", "--reference-date", "2026-11-28"]
    whole = json.loads(run(lookupkit, *common).stdout)["customers"]
    streamed = [
        json.loads(line)
        for line in run(lookupkit, *common, "--format", "ndjson").stdout.splitlines()
    ]
    assert whole == streamed
    assert Decimal(whole[0]["oms"]["orders"][0]["total_price"]) >= 0
