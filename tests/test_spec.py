"""The spec as data: schemas, OpenAPI document and documented examples."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from jsonschema import Draft202012Validator

from contracts.checks import evaluate
from contracts.errors import SchemaViolation
from contracts.exchange import Exchange
from contracts.spec import (
    OPENAPI_PATH,
    load_examples,
    load_schema,
    load_spec,
    schema_names,
    validate,
)
from contracts.transactions import RESERVED_FIELDS, TRANSACTION_TYPES

EXAMPLES = load_examples()


def test_every_schema_is_valid_json_schema():
    assert len(schema_names()) >= 20
    for name in schema_names():
        Draft202012Validator.check_schema(load_schema(name))


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def test_every_schema_is_reachable_from_the_openapi_document():
    spec = load_spec()
    schemas = spec["components"]["schemas"]
    seen: set[str] = set()
    prefix = "#/components/schemas/"
    todo = {r.removeprefix(prefix) for r in _refs(spec["paths"]) if r.startswith(prefix)}
    while todo:
        name = todo.pop()
        seen.add(name)
        todo |= {r.split("/")[3] for r in _refs(schemas[name]) if r.startswith(prefix)} - seen
    assert seen == set(schema_names())


def test_bundled_spec_has_no_file_references():
    assert all(ref.startswith("#/") for ref in _refs(load_spec()))
    assert "schemas/" in OPENAPI_PATH.read_text()


def test_schemathesis_loads_the_spec():
    schema = schemathesis.openapi.from_dict(load_spec())
    labels = sorted(result.ok().label for result in schema.get_all_operations())  # type: ignore[union-attr]
    assert labels == ["GET /{actionPath}", "POST /", "POST /{actionPath}"]


def test_transaction_types_agree_between_schema_and_rules():
    assert load_schema("transaction")["properties"]["type"]["enum"] == list(TRANSACTION_TYPES)
    assert sorted(RESERVED_FIELDS) == sorted(TRANSACTION_TYPES)


def test_reserved_fields_are_declared_in_the_schemas():
    for kind, fields in RESERVED_FIELDS.items():
        declared = set(load_schema(kind.lower())["properties"])
        assert set(fields) <= declared | {"type"}, kind


def _as_response(example: dict[str, Any]) -> dict[str, Any]:
    value: dict[str, Any] = example["value"]
    if example["schema"] == "transaction":
        return {"results": [{"externalCustomerId": "1", "transactions": [value]}]}
    return value


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_documented_example_validates_against_its_schema(name):
    example = EXAMPLES[name]
    validate(example["value"], example["schema"])


@pytest.mark.parametrize(
    "name", [n for n, e in EXAMPLES.items() if e["schema"] in ("transaction", "lookup-response")]
)
def test_documented_example_conforms_in_its_profile(name):
    example = EXAMPLES[name]
    findings = evaluate(Exchange(_as_response(example), kind="detailed"), example["profile"])
    assert [f.rule for f in findings if f.severity == "error"] == []
    assert sorted(f.rule for f in findings if f.severity == "warning") == sorted(
        example["expectedWarnings"]
    )


def test_documented_order_needs_more_for_sidekick():
    findings = evaluate(Exchange(_as_response(EXAMPLES["order"]), kind="detailed"), "sidekick")
    assert "fulfillment.sidekick-fields" in {f.rule for f in findings if f.severity == "error"}


def test_documented_requests_validate_as_lookup_requests():
    kinds = {
        n: Exchange({"results": []}, request=EXAMPLES[n]["value"]).kind
        for n in ("auto-link-request", "basic-search-request", "detailed-request")
    }
    assert kinds == {
        "auto-link-request": "auto-link",
        "basic-search-request": "basic-search",
        "detailed-request": "detailed",
    }


def test_validate_names_the_path_of_what_is_wrong():
    with pytest.raises(SchemaViolation) as info:
        validate({"results": [{"externalCustomerId": 12345}]}, "lookup-response")
    assert info.value.path == "results[0].externalCustomerId"
    assert "12345 is not of type 'string'" in str(info.value)


@pytest.mark.parametrize(
    ("instance", "schema"),
    [
        ({"type": "ORDER", "itemCount": "5"}, "transaction"),
        ({"type": "ORDER", "products": [{"id": "1", "extra": {"nested": True}}]}, "transaction"),
        ({"type": "FLIGHT", "legs": [1, 2]}, "transaction"),
        ({"type": "BOOKING"}, "transaction"),
        ({"lookupLevel": "DETAILED", "query": {}, "uniqueMatchRequired": True}, "lookup-request"),
        (
            {"lookupLevel": "BASIC", "query": {"email": "a@b.c"}, "uniqueMatchRequired": True},
            "lookup-request",
        ),
        (
            {"results": [{"externalCustomerId": "1", "customAttributes": {"a": {"b": "c"}}}]},
            "lookup-response",
        ),
        (
            {
                "title": "x",
                "actionUrl": "/a",
                "sections": [{"type": "input", "attr": "s", "input": {"type": "select"}}],
            },
            "action-form",
        ),
        ({"errors": []}, "action-submit-errors"),
    ],
)
def test_schemas_are_strict_where_gladly_breaks(instance, schema):
    with pytest.raises(SchemaViolation):
        validate(instance, schema)


@pytest.mark.parametrize(
    ("instance", "schema"),
    [
        ({"type": "GENERIC", "anything": {"goes": ["here"]}}, "transaction"),
        ({"type": "ORDER", "loyaltyTier": "gold"}, "transaction"),
        (
            {
                "lookupLevel": "BASIC",
                "query": {"email": "a@b.c", "loyaltyNumber": "7"},
                "uniqueMatchRequired": False,
            },
            "lookup-request",
        ),
        (
            {
                "lookupLevel": "DETAILED",
                "query": {
                    "externalCustomerId": "1",
                    "favoriteFood": "Pie",
                    "customAttributes": {"x": "y"},
                },
                "uniqueMatchRequired": True,
            },
            "lookup-request",
        ),
        ({"results": [], "debug": "extra top-level keys are ignored"}, "lookup-response"),
    ],
)
def test_schemas_are_lenient_where_gladly_is(instance, schema):
    validate(instance, schema)


def test_load_schema_names_known_schemas_on_a_typo():
    with pytest.raises(ValueError, match=r"known schemas: .*order"):
        load_schema("ordr")


def test_examples_are_plain_json_files():
    for example in EXAMPLES.values():
        assert set(example) == {"title", "source", "schema", "profile", "expectedWarnings", "value"}
        json.dumps(example["value"])
