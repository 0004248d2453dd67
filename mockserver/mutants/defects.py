"""The mutants' changes to answers: lookups (request, answer) and actions (method, values, status,
answer), each returning a new (status, body) or None to keep what the adapter said."""

from __future__ import annotations

from typing import Any

__all__ = [
    "case_sensitive_emails",
    "crash_on_odd_values",
    "elsewhere",
    "first_email_only",
    "first_match_only",
    "form_for_anything",
    "ignores_phones",
    "oldest_page",
    "partial_as_complete",
    "shop_currency",
    "unknown_id_404",
    "wall_clock_as_utc",
    "wildcards_match_everyone",
]

Answer = tuple[int, Any] | None  # a new (status, body), or None to keep the adapter's
SOMEONE_ELSE = {
    "externalCustomerId": "1",
    "name": "Someone Else",
    "emails": [{"original": "someone.else@example.net"}],
}


def _values(query: Any) -> list[str]:
    values = query.values() if isinstance(query, dict) else []
    out: list[str] = []
    for value in values:
        out += [v for v in value if isinstance(v, str)] if isinstance(value, list) else [str(value)]
    return out


def _auto_link(request: dict[str, Any]) -> bool:
    query = request.get("query") or {}
    return request.get("lookupLevel") == "BASIC" and (
        isinstance(query.get("emails"), list) or isinstance(query.get("phones"), list)
    )


def wildcards_match_everyone(request: dict[str, Any], answer: dict[str, Any]) -> Answer:
    if request.get("lookupLevel") == "BASIC" and any(
        "*" in v or "%" in v for v in _values(request.get("query"))
    ):
        return 200, {"results": [*answer["results"], SOMEONE_ELSE]}
    return None


def ignores_phones(request: dict[str, Any], answer: dict[str, Any]) -> Answer:
    query = request.get("query") or {}
    if _auto_link(request) and not query.get("emails"):
        return 200, {"results": []}
    return None


def first_email_only(request: dict[str, Any], answer: dict[str, Any]) -> Answer:
    """Searches the first of the profile's emails only: customers the others match are lost."""
    emails = (request.get("query") or {}).get("emails")
    if not _auto_link(request) or not isinstance(emails, list) or len(emails) < 2:
        return None
    first = str(emails[0]).strip().lower()
    kept = [
        r
        for r in answer["results"]
        if any(str(e.get("original", "")).strip().lower() == first for e in r.get("emails") or [])
    ]
    return 200, {"results": kept}


def case_sensitive_emails(request: dict[str, Any], answer: dict[str, Any]) -> Answer:
    emails = (request.get("query") or {}).get("emails")
    if _auto_link(request) and any(
        isinstance(e, str) and e != e.strip().lower() for e in emails or []
    ):
        return 200, {"results": []}
    return None


def first_match_only(request: dict[str, Any], answer: dict[str, Any]) -> Answer:
    if _auto_link(request) and len(answer["results"]) > 1:
        return 200, {"results": answer["results"][:1]}
    return None


def unknown_id_404(request: dict[str, Any], answer: dict[str, Any]) -> Answer:
    if request.get("lookupLevel") == "DETAILED" and answer["results"] == []:
        return 404, {"errors": [{"code": "not-found", "detail": "No such customer"}]}
    return None


def crash_on_odd_values(method: str, values: Any, status: int, body: Any) -> Answer:
    odd = [
        v
        for v in (values.values() if isinstance(values, dict) else [])
        if isinstance(v, list | dict) or (isinstance(v, str) and len(v) > 5000)
    ]
    return (500, "Internal Server Error") if method == "POST" and odd else None


def form_for_anything(method: str, values: Any, status: int, body: Any) -> Answer:
    if method == "GET" and status in (400, 404):
        form = {
            "title": "Add a note",
            "submitButton": "Add note",
            "closeButton": "Close",
            "actionUrl": "/actions/add-note?order=0",
            "sections": [{"type": "text", "text": "Write a note."}],
        }
        return 200, form
    return None


def elsewhere(url: Any) -> str:
    """The same action path on an origin that is not the adapter's (nothing listens there)."""
    path = str(url).split("://", 1)[-1].partition("/")[2] if "://" in str(url) else str(url)
    return "http://127.0.0.1:9/" + path.lstrip("/")


# -- changes to one profile or order of a detailed answer (verify --oms catches them) ------


def oldest_page(profile: dict[str, Any]) -> None:
    """Orders from the first page of an oldest-first listing: the newest are missing."""
    txns = profile.get("transactions") or []
    orders = sorted((t for t in txns if t.get("type") == "ORDER"), key=lambda t: t["createdAt"])
    if len(orders) > 2:
        keep = {id(t) for t in orders[:2]}
        profile["transactions"] = [t for t in txns if t.get("type") != "ORDER" or id(t) in keep]


def wall_clock_as_utc(order: dict[str, Any]) -> None:
    """Local wall-clock time written as if it were UTC (the shop's offset dropped)."""
    created = str(order.get("createdAt", ""))
    if len(created) > 19 and not created.endswith(("Z", "+00:00")):
        order["createdAt"] = created[:19] + "Z"


def partial_as_complete(order: dict[str, Any]) -> None:
    """A partly shipped order called complete."""
    if order.get("orderStatus") == "pending" and order.get("fulfillments"):
        order["orderStatus"] = "complete"


def shop_currency(order: dict[str, Any]) -> None:
    """The total written in US dollars whatever the order's currency."""
    if order.get("currencyCode") not in (None, "USD"):
        amount = "".join(c for c in str(order.get("orderTotal", "")) if c.isdigit() or c in ".,")
        order["orderTotal"], order["currencyCode"] = f"${amount}", "USD"
