"""``--cards FILE``: the card configuration as TOML or JSON, checked with errors that name the line.

TOML::

    [[card]]
    type = "ORDER"
    label = "Acme store"          # optional: replaces the count
    filter = { brand = "Acme" }   # optional: one attribute, one value
    attributes = ["giftWrap"]     # optional: the extra attributes shown

JSON: ``{"cards": [{"type": "ORDER", "label": "Acme store", "filter": {"brand": "Acme"}}]}``.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from mockserver.gladly.cards import TYPES, CardSpec

__all__ = ["CardsError", "load_cards", "parse_cards", "to_toml"]

SETTINGS = ("type", "label", "filter", "attributes")
MAX_CARDS = 50
MAX_BYTES = 256 * 1024
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


class CardsError(ValueError):
    """A card configuration that cannot be used: ``line`` is where (1-based), when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


def load_cards(path: str) -> tuple[CardSpec, ...]:
    """The cards of a ``.toml`` or ``.json`` file (any other name: JSON if it starts with ``{``)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise CardsError(f"cannot read {path}: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise CardsError(f"{path} is over {MAX_BYTES // 1024} KiB; a card file is a few lines")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CardsError(f"{path} is not UTF-8 text") from None
    suffix = Path(path).suffix.lower()
    kind = "json" if suffix == ".json" else "toml" if suffix == ".toml" else _sniff(text)
    return parse_cards(text, kind)


def _sniff(text: str) -> str:
    return "json" if text.lstrip()[:1] in ("{", "[") else "toml"


def parse_cards(text: str, kind: str = "toml") -> tuple[CardSpec, ...]:
    """Checked cards from ``text`` (``kind``: toml or json); empty text: no cards (defaults)."""
    if not text.strip():
        return ()
    if kind == "json":
        try:
            document: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CardsError(f"not valid JSON: {exc.msg}", exc.lineno) from None
        starts = _json_card_lines(text)
    elif kind == "toml":
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
            message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
            line = int(found[1]) if found else None
            raise CardsError(f"not valid TOML: {message}", line) from None
        starts = [n for n, line in enumerate(text.splitlines(), 1) if _TOML_CARD.match(line)]
    else:
        raise CardsError(f"unknown format {kind!r}: use toml or json")
    entries = _entries(document, text)
    if len(entries) > MAX_CARDS:
        raise CardsError(f"{len(entries)} cards: at most {MAX_CARDS}")
    return tuple(
        _card(entry, text, starts[n] if n < len(starts) else None)
        for n, entry in enumerate(entries)
    )


_TOML_CARD = re.compile(r"^\s*\[\[\s*cards?\s*\]\]")


def _entries(document: Any, text: str) -> list[Any]:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise CardsError("the file must hold a list of cards ([[card]] tables, or a JSON list)")
    unknown = [k for k in document if k not in ("card", "cards")]
    if unknown:
        raise CardsError(
            f"unknown top-level key {unknown[0]!r}: cards go in [[card]] tables "
            '(or {"cards": [...]} in JSON)',
            _line_of(text, unknown[0], 1),
        )
    entries = document.get("card", document.get("cards", []))
    if not isinstance(entries, list):
        raise CardsError("'cards' must be a list of tables", _line_of(text, "cards", 1))
    return entries


def _card(entry: Any, text: str, start: int | None) -> CardSpec:
    def fail(message: str, key: str | None = None) -> CardsError:
        line = _line_of(text, key, start) if key and start else start
        return CardsError(message, line)

    if not isinstance(entry, dict):
        raise fail("a card must be a table of settings")
    for key in entry:
        if key not in SETTINGS:
            raise fail(f"unknown card setting {key!r} (a card has: {', '.join(SETTINGS)})", key)
    kind = entry.get("type")
    if kind not in TYPES:
        raise fail(f"type must be one of {', '.join(TYPES)}, not {kind!r}", "type")
    label = entry.get("label")
    if label is not None and (not isinstance(label, str) or not label.strip() or len(label) > 80):
        raise fail("label must be a non-empty string of at most 80 characters", "label")
    return CardSpec(
        kind,
        label.strip() if isinstance(label, str) else None,
        _filter(entry.get("filter"), fail),
        _attributes(entry.get("attributes"), fail),
    )


def _filter(value: Any, fail: Any) -> tuple[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) != 1:
        raise fail(
            'filter must name one attribute and its value, e.g. { brand = "Acme" }', "filter"
        )
    ((attribute, wanted),) = value.items()
    if not NAME.match(attribute):
        raise fail(f"filter attribute {attribute[:40]!r} is not an attribute name", "filter")
    if not isinstance(wanted, str | int | float | bool):
        raise fail(f"filter value for {attribute!r} must be a string, number or boolean", "filter")
    if isinstance(wanted, bool):
        return attribute, "true" if wanted else "false"
    return attribute, str(wanted)


def _attributes(value: Any, fail: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail("attributes must be a list of attribute names", "attributes")
    for name in value:
        if not NAME.match(name):
            raise fail(f"{name[:40]!r} is not an attribute name", "attributes")
    if len(set(value)) != len(value):
        raise fail("attributes lists a name twice", "attributes")
    return tuple(value)


def _line_of(text: str, key: str | None, start: int) -> int:
    """The first line at or after ``start`` that sets ``key`` (TOML ``key =``, JSON ``"key":``)."""
    if key is None:
        return start
    name = re.escape(key)
    pattern = re.compile(rf'^\s*{name}\s*=|^\s*\[{{1,2}}\s*{name}\s*[\].]|"{name}"\s*:')
    for number, line in enumerate(text.splitlines()[start - 1 :], start):
        if pattern.search(line):
            return number
    return start


def _json_card_lines(text: str) -> list[int]:
    """The line of each card object's ``{`` in a JSON list of cards (top level or in "cards")."""
    lines, depth, line, in_string, escaped = [], 0, 1, False, False
    wrapped = text.lstrip()[:1] == "{"
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
            if char == "{" and depth == (3 if wrapped else 2):
                lines.append(line)
        elif char in "}]":
            depth -= 1
    return lines


def to_toml(specs: tuple[CardSpec, ...]) -> str:
    """The cards as the TOML a ``--cards`` file holds (JSON strings are TOML basic strings)."""
    blocks = []
    for spec in specs:
        lines = ["[[card]]", f"type = {json.dumps(spec.type)}"]
        if spec.label is not None:
            lines.append(f"label = {json.dumps(spec.label, ensure_ascii=False)}")
        if spec.filter is not None:
            name, value = spec.filter
            lines.append(
                f"filter = {{ {json.dumps(name)} = {json.dumps(value, ensure_ascii=False)} }}"
            )
        if spec.attributes is not None:
            lines.append(f"attributes = {json.dumps(list(spec.attributes))}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")
