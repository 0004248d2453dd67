"""The documented spec as data: load the OpenAPI document and validate against its JSON Schemas.

Example:
    >>> from contracts.spec import validate
    >>> validate({"results": []}, "lookup-response")
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from contracts.errors import SchemaViolation

SPEC_DIR = Path(__file__).parent / "spec"
SCHEMA_DIR = SPEC_DIR / "schemas"
EXAMPLE_DIR = SPEC_DIR / "examples"
OPENAPI_PATH = SPEC_DIR / "lookup-adapter.openapi.yaml"

__all__ = [
    "OPENAPI_PATH",
    "load_examples",
    "load_schema",
    "load_spec",
    "schema_errors",
    "schema_names",
    "validate",
]


def schema_names() -> tuple[str, ...]:
    """Short names of every schema shipped in contracts/spec/schemas."""
    return tuple(sorted(p.stem for p in SCHEMA_DIR.glob("*.json")))


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    return {
        name: json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
        for name in schema_names()
    }


def load_schema(name: str) -> dict[str, Any]:
    """Return a copy of one schema by short name, e.g. ``load_schema("order")``."""
    try:
        return copy.deepcopy(_schemas()[name])
    except KeyError:
        raise ValueError(
            f"unknown schema {name!r}; known schemas: {', '.join(schema_names())}"
        ) from None


@cache
def _validator(name: str) -> Draft202012Validator:
    schemas = _schemas()
    if name not in schemas:
        load_schema(name)  # raises the ValueError that names the known schemas
    registry: Registry[Any] = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc)) for doc in schemas.values()
    )
    return Draft202012Validator(schemas[name], registry=registry)


def json_path(parts: Any) -> str:
    """Render a jsonschema path deque as ``results[0].emails[1].original``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def schema_errors(instance: Any, name: str) -> list[tuple[str, str]]:
    """Every way ``instance`` breaks schema ``name``, as (JSON path, message) pairs."""
    errors = sorted(_validator(name).iter_errors(instance), key=lambda e: list(map(str, e.path)))
    return [(json_path(e.absolute_path), e.message) for e in errors]


def validate(instance: Any, name: str) -> None:
    """Raise SchemaViolation unless ``instance`` validates against schema ``name``."""
    errors = schema_errors(instance, name)
    if errors:
        raise SchemaViolation(name, errors)


def _bundle_refs(node: Any) -> Any:
    """Rewrite refs to sibling schema files as refs into components/schemas."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                target, _, fragment = value.partition("#")
                name = Path(target).stem
                out[key] = f"#/components/schemas/{name}{fragment}"
            elif key not in ("$id", "$schema"):
                out[key] = _bundle_refs(value)
        return out
    if isinstance(node, list):
        return [_bundle_refs(item) for item in node]
    return node


@cache
def _bundled_spec() -> dict[str, Any]:
    document = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in _schemas().items():
        components[name] = _bundle_refs(schema)
    bundled: dict[str, Any] = _bundle_refs(document)
    return bundled


def load_spec() -> dict[str, Any]:
    """The OpenAPI document as one self-contained dict (file refs bundled into components)."""
    return copy.deepcopy(_bundled_spec())


def load_examples() -> dict[str, dict[str, Any]]:
    """Every documented example, keyed by file stem, with its metadata.

    Each has ``title``, ``source``, ``schema``, ``profile``, ``expectedWarnings`` and ``value``.
    """
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(EXAMPLE_DIR.glob("*.json"))
    }
