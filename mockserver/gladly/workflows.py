"""Gladly's lookup workflows, shared by the agent desktop's routes and the debugger tool."""

from __future__ import annotations

import re
from typing import Any

from mockserver.gladly import client
from mockserver.gladly.client import State, lookup
from mockserver.gladly.decisions import Profile, autolink_decision
from mockserver.harness import ApiError

__all__ = ["autolink", "autolink_query", "basic_search", "detailed", "search_rows", "split"]


def autolink_query(profile: Profile) -> dict[str, Any]:
    """What Gladly sends to auto-link a profile: its id, name, emails, phones and attributes."""
    query: dict[str, Any] = {"id": profile.id, "name": profile.name}
    if profile.emails:
        query["emails"] = profile.emails
    if profile.phones:
        query["phones"] = profile.phones
    return query | profile.custom_attributes


async def autolink(state: State, profile: Profile) -> tuple[dict[str, Any], str | None, str]:
    """(the BASIC exchange, the id linked or None, why); a link is followed by the detailed lookup."""
    record = await lookup(state, "auto-link", "BASIC", autolink_query(profile))
    linked, reason = autolink_decision(profile, client.results(record))
    if linked:
        await detailed(state, profile, linked)
    return record, linked, reason


async def detailed(state: State, profile: Profile, external_id: str) -> dict[str, Any]:
    """The detailed lookup that links ``profile`` to ``external_id`` and fills its cards."""
    query: dict[str, Any] = {
        "externalCustomerId": external_id,
        "id": profile.id,
        "name": profile.name,
        "emails": profile.emails,
        "phones": profile.phones,
    } | profile.custom_attributes
    record = await lookup(state, "detailed", "DETAILED", query)
    results = client.results(record)
    if len(results) != 1 or not isinstance(results[0], dict):
        raise ApiError(
            502,
            f"The detailed lookup returned {len(results)} results; Gladly needs exactly one to link.",
            where="adapter",
            exchange=record["id"],
        )
    profile.linked, profile.detailed = external_id, results[0]
    return record


async def basic_search(state: State, query: dict[str, str]) -> tuple[dict[str, Any], list[Any]]:
    """A basic search with the app's search attributes: the exchange and its results."""
    record = await lookup(state, "basic-search", "BASIC", query)
    return record, client.results(record)


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(
            str(v.get("original", v)) if isinstance(v, dict) else str(v) for v in value
        )
    return str(value)


def search_rows(state: State, results: list[Any]) -> list[dict[str, Any]]:
    """The results as the search table's rows, one column per configured result attribute."""
    rows = []
    for result in results:
        if not isinstance(result, dict):
            continue
        attributes = result.get("customAttributes") or {}
        row = {
            column: _cell(result.get(column, attributes.get(column, "")))
            for column in state.config.result_columns
        }
        rows.append(
            {"externalCustomerId": str(result.get("externalCustomerId", "")), "columns": row}
        )
    return rows


def split(value: Any, key: str) -> list[str]:
    """A list of strings from a list, or from one string split at commas and spaces."""
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(400, f"{key} must be a list of strings.", key)
    return [v.strip() for v in value if v.strip()]
