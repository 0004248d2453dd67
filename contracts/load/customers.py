"""The customers a ``lookupkit load`` run looks up: named with ``--known``, or drawn from the
kit's fake OMS (``--from-oms``), so thousands of distinct customers are looked up."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlsplit

from contracts.cli import InputError
from contracts.load.model import Customer

__all__ = ["customers_from"]

FETCH_TIMEOUT = 10.0


def _known(field: str, value: str) -> Customer:
    if field == "email":
        return Customer(email=value)
    if field == "phone":
        return Customer(phone=value)
    if field == "externalCustomerId":
        return Customer(external_id=value)
    if field == "name":
        return Customer(name=value)
    return Customer(extra=((field, value),))


def from_oms(url: str, count: int) -> list[Customer]:
    """Customers from a ``lookupkit serve oms`` (its admin route ``/_mock/customers``; no
    credential is sent)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"--from-oms {url!r} is not an http(s) URL", "e.g. http://127.0.0.1:8700")
    address = f"{parts.scheme}://{parts.netloc}/_mock/customers?limit={count}"
    hint = "start it with 'lookupkit serve oms' (or 'serve all') and pass its URL"
    try:
        with urllib.request.urlopen(address, timeout=FETCH_TIMEOUT) as answer:
            document = json.loads(answer.read(64 * 1024 * 1024))
    except urllib.error.HTTPError as exc:
        raise InputError(
            f"the fake OMS at {url} answered HTTP {exc.code} for customers", hint
        ) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read customers from the fake OMS at {url}: {exc}", hint) from None
    rows = document.get("customers") if isinstance(document, dict) else None
    if not isinstance(rows, list):
        raise InputError(f"{address} did not answer a customers list", hint)
    return [
        Customer(
            email=str(row.get("email") or ""),
            phone=str(row.get("phone") or ""),
            name=str(row.get("name") or ""),
        )
        for row in rows
        if isinstance(row, dict) and (row.get("email") or row.get("phone"))
    ]


def customers_from(known: Sequence[tuple[str, str]], oms: str | None, count: int) -> list[Customer]:
    """Every ``--known`` customer, then those of the fake OMS; exit 2 when there are none."""
    customers = [_known(field, value) for field, value in known]
    if oms:
        customers += from_oms(oms, count)
    if not customers:
        raise InputError(
            "no customers to look up",
            "pass --known email=... (repeatable) or --from-oms URL of a 'lookupkit serve oms'",
        )
    return customers
