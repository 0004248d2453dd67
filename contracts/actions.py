"""Checks for Actions: action objects in lookups, the form behind formUrl, and submit answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from contracts import rules as R
from contracts.formats import is_absolute_url
from contracts.rules import Violation, shown
from contracts.spec import schema_errors

__all__ = [
    "action_form_is_well_formed",
    "actions_of",
    "check_actions",
    "submit_answer_is_documented",
    "values_from",
]


def _is_action_url(url: str) -> bool:
    return url.startswith("/") or is_absolute_url(url)


def check_actions(actions: Any, path: str) -> Iterator[Violation]:
    """Action objects (on a profile or a transaction) have a non-empty name and formUrl."""
    if actions is None:
        return
    if not isinstance(actions, list):
        yield Violation(R.ACTION_SHAPE, path, "an array of actions", shown(actions))
        return
    for index, action in enumerate(actions):
        where = f"{path}[{index}]"
        if not isinstance(action, dict):
            yield Violation(R.ACTION_SHAPE, where, "an object with name and formUrl", shown(action))
            continue
        for key in ("name", "formUrl"):
            value = action.get(key)
            if not isinstance(value, str) or not value.strip():
                yield Violation(
                    R.ACTION_SHAPE, f"{where}.{key}", "a non-empty string", shown(value)
                )
        url = action.get("formUrl")
        if isinstance(url, str) and url.strip() and not _is_action_url(url):
            yield Violation(
                R.ACTION_SHAPE,
                f"{where}.formUrl",
                "a path such as '/actions/x' or an absolute URL",
                shown(url),
            )


def action_form_is_well_formed(form: Any) -> Iterator[Violation]:
    """The answer to GET <formUrl>: schema-valid, unique attrs, unique options, sane defaults."""
    for path, message in schema_errors(form, "action-form"):
        yield Violation(R.FORM_SHAPE, path, "a form as documented", message)
    if not isinstance(form, dict):
        return
    url = form.get("actionUrl")
    if isinstance(url, str) and url and not _is_action_url(url):
        yield Violation(
            R.FORM_SHAPE, "actionUrl", "a path such as '/actions/x' or an absolute URL", shown(url)
        )
    sections = form.get("sections")
    inputs: list[tuple[str, dict[str, Any]]] = [
        (f"sections[{i}]", s)
        for i, s in enumerate(sections if isinstance(sections, list) else [])
        if isinstance(s, dict) and s.get("type") == "input"
    ]
    attrs = Counter(str(s["attr"]) for _, s in inputs if isinstance(s.get("attr"), str))
    for attr in sorted(a for a, n in attrs.items() if n > 1):
        yield Violation(
            R.FORM_SHAPE,
            "sections",
            "a unique attr per input",
            f"attr {attr!r} {attrs[attr]} times",
        )
    for path, section in inputs:
        field = section.get("input")
        if not isinstance(field, dict):
            continue
        default = section.get("defaultValue")
        if field.get("type") == "select" and isinstance(field.get("options"), list):
            values = [o.get("value") for o in field["options"] if isinstance(o, dict)]
            for dup in sorted({v for v in values if values.count(v) > 1}, key=str):
                yield Violation(
                    R.FORM_SHAPE,
                    f"{path}.input.options",
                    "unique option values",
                    f"{dup!r} repeated",
                )
            if default is not None and default not in values:
                yield Violation(
                    R.FORM_SHAPE,
                    f"{path}.defaultValue",
                    f"one of the option values {values!r}",
                    shown(default),
                )
        if (
            field.get("type") == "checkbox"
            and default is not None
            and not isinstance(default, bool)
        ):
            yield Violation(R.FORM_SHAPE, f"{path}.defaultValue", "true or false", shown(default))


def submit_answer_is_documented(status: int, body: Any) -> Iterator[Violation]:
    """The answer to POST <actionUrl>: 200 {message, detail}, or 400/406 {errors: [...]}."""
    if status >= 500:
        yield Violation(R.SERVER_ERROR, "", "a status below 500", f"HTTP {status}")
        return
    schema = {
        200: "action-submit-success",
        400: "action-submit-errors",
        406: "action-submit-errors",
    }.get(status)
    if schema is None:
        yield Violation(R.SUBMIT_SHAPE, "", "HTTP 200, 400 or 406", f"HTTP {status}")
        return
    for path, message in schema_errors(body, schema):
        yield Violation(R.SUBMIT_SHAPE, path, f"a {schema} body", message)


def actions_of(response: Any) -> list[dict[str, Any]]:
    """Every action a lookup answer offers: the profiles' and their transactions'."""
    found: list[dict[str, Any]] = []
    for profile in (response.get("results") or []) if isinstance(response, dict) else []:
        if not isinstance(profile, dict):
            continue
        found += [a for a in profile.get("actions") or [] if isinstance(a, dict)]
        for txn in profile.get("transactions") or []:
            if isinstance(txn, dict):
                found += [a for a in txn.get("actions") or [] if isinstance(a, dict)]
    return found


def values_from(form: dict[str, Any]) -> dict[str, Any]:
    """Values an agent would enter: defaults, the first option, a short text, the box ticked."""
    values: dict[str, Any] = {}
    for section in form.get("sections") or []:
        if (
            not isinstance(section, dict)
            or section.get("type") != "input"
            or not isinstance(section.get("attr"), str)
        ):
            continue
        field_ = section.get("input") or {}
        kind, default = field_.get("type"), section.get("defaultValue")
        if kind == "select":
            options = [o.get("value") for o in field_.get("options") or [] if isinstance(o, dict)]
            values[section["attr"]] = (
                default if default in options else (options[0] if options else "")
            )
        elif kind == "checkbox":
            values[section["attr"]] = default if isinstance(default, bool) else True
        else:
            values[section["attr"]] = (
                default if isinstance(default, str) and default else "Checked by lookupkit verify"
            )
    return values
