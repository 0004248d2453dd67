"""Customer searches as SQL: the terms Shopify's ``customers/search.json`` and the admin API
take, each answered through an index (``schema.py``), values never spliced into SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contracts.formats import phone_digits
from mockserver.oms.queries import fts_like, trigram_safe

__all__ = ["ID_TERMS", "customer_search"]

FTS_COLUMNS = {"email_lc": "email", "first_lc": "first", "last_lc": "last"}  # customers_fts
ID_TERMS = {  # numeric customer bounds (Shopify's since_id, created_at_min/max, page cursors)
    "id_gt": "id > ?",
    "id_lt": "id < ?",
    "created_min": "created_ts >= ?",
    "created_max": "created_ts <= ?",
}


def customer_search(terms: Sequence[tuple[str, str]], limit: int) -> tuple[str, list[Any]] | None:
    """The SQL and parameters of a customer search (``Store.search_customers``), or None when
    a term cannot match anyone (a phone of fewer than 4 digits)."""
    clauses: list[str] = []
    params: list[Any] = []
    for name, value in terms:
        text = value.strip().lower()
        if name in ID_TERMS:
            clauses.append(ID_TERMS[name])
            params.append(int(value))
            continue
        if name == "phone":
            digits = phone_digits(text)
            if len(digits) < 4:
                return None
            suffix = digits[-10:][::-1]  # ':' sorts right after '9': the range is the prefix
            clauses.append("(phone_digits = ? OR (phone_rev >= ? AND phone_rev < ?))")
            params += [digits, suffix, suffix + ":"]
            continue
        columns = {
            "email": ["email_lc"],
            "first_name": ["first_lc"],
            "last_name": ["last_lc"],
            "any": ["email_lc", "first_lc", "last_lc"],
        }[name]
        pattern = _like(text).replace("*", "%")
        if name == "any":
            pattern = f"%{pattern}%"
        wanted = (f"%{text}%" if name == "any" else text).replace("*", "%")
        if "%" in pattern and not any(c in text for c in "%_\\") and trigram_safe(wanted):
            ors = [fts_like(FTS_COLUMNS[c], "id") for c in columns]  # the trigram index
            clauses.append("(" + " OR ".join(ors) + ")")
            params += [wanted] * len(columns)
            continue
        op = "LIKE ? ESCAPE '\\'" if "%" in pattern else "= ?"
        clauses.append("(" + " OR ".join(f"{c} {op}" for c in columns) + ")")
        params += [pattern if "%" in pattern else text] * len(columns)
    sql = f"SELECT doc FROM customers WHERE {' AND '.join(clauses) or '1'} ORDER BY id LIMIT ?"
    return sql, [*params, limit]


def _like(text: str) -> str:
    """Escape LIKE's own wildcards so a searched value means itself."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
