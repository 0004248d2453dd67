"""Gladly request signing (the Gladly-Authorization header): sign() for clients, verify() for servers.

The algorithm, per the documented spec and five known-answer vectors:

1. ``T`` is the Gladly-Time value (``YYYYMMDDTHHMMSSZ``), ``D`` its first eight characters.
2. The canonical request is METHOD, path line, query line, one ``name:value`` line per signed
   header (lowercase name, trimmed value), an empty line, the signed names joined by ``;`` and the
   hex SHA-256 of the raw body, all joined by newlines.
3. The string to sign is ``hmac-sha256\\nT\\n<hex sha256 of the canonical request>``.
4. The day key is HMAC-SHA256(signing key, D) as raw bytes; the signature is the hex
   HMAC-SHA256(day key, string to sign).

Sources disagree on how a query string enters the canonical request, so both forms are offered
(QueryForm) and verify() accepts either by default.

Example:
    >>> headers = gladly_headers(time="20190213T214016Z")
    >>> headers["Gladly-Authorization"] = sign("key", "POST", "/", headers, b"{}")
    >>> verify("key", "POST", "/", headers, b"{}")
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode

from contracts.errors import SignatureError

__all__ = [
    "ALGORITHM",
    "AUTH_HEADER",
    "TIME_HEADER",
    "UNSIGNED_HEADERS",
    "QueryForm",
    "SignatureError",
    "basic_auth_headers",
    "canonical_request",
    "format_time",
    "gladly_headers",
    "new_correlation_id",
    "parse_authorization",
    "parse_time",
    "sign",
    "sign_headers",
    "verify",
]

ALGORITHM = "hmac-sha256"
AUTH_HEADER = "Gladly-Authorization"
TIME_HEADER = "Gladly-Time"
TIME_FORMAT = "%Y%m%dT%H%M%SZ"
# Headers the HTTP client adds on its own; Gladly never signs them.
TRANSPORT_HEADERS = frozenset(
    {"user-agent", "accept-encoding", "content-length", "host", "connection"}
)
UNSIGNED_HEADERS = TRANSPORT_HEADERS | {AUTH_HEADER.lower()}
_AUTH_RE = re.compile(
    r"^\s*SigningAlgorithm=(?P<alg>[^,\s]+)\s*,\s*SignedHeaders=(?P<names>[^,\s]+)\s*,"
    r"\s*Signature=(?P<sig>[0-9A-Fa-f]+)\s*$"
)
_TIME_RE = re.compile(r"^\d{8}T\d{6}Z$")


class QueryForm(StrEnum):
    """How a query string enters the canonical request (sources disagree; see SPEC §2)."""

    DOCUMENTED = "documented"
    """Path line is the bare path; query line is the query sorted by key and form-encoded."""
    PATH_WITH_QUERY = "path-with-query"
    """Gladly's 2025 Node sample: path line includes ``?query``; query line is the raw query."""


def _key_bytes(key: str | bytes) -> bytes:
    if isinstance(key, bytes):
        return key
    if not isinstance(key, str):
        raise TypeError(f"signing key must be str or bytes (got {type(key).__name__})")
    return key.encode("utf-8")


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _sorted_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


def canonical_request(
    method: str,
    target: str,
    headers: Mapping[str, str],
    signed_headers: Iterable[str],
    body: bytes,
    *,
    query_form: QueryForm = QueryForm.DOCUMENTED,
) -> str:
    """Build the canonical request text that the signature covers.

    Args:
        method: HTTP method, any case.
        target: the request target, path plus optional ``?query`` (``/`` for a root URL).
        headers: the request headers; names are matched case-insensitively.
        signed_headers: lowercase header names, in the order they are signed.
        body: the exact body bytes (``b""`` for GET).
        query_form: how the query string enters the text.
    """
    path, _, query = target.partition("?")
    path = path or "/"
    if query_form is QueryForm.DOCUMENTED:
        path_line, query_line = path, _sorted_query(query)
    else:
        path_line, query_line = (f"{path}?{query}" if query else path), query
    lower = _lower(headers)
    names = list(signed_headers)
    lines = [method.upper(), path_line, query_line]
    for name in names:
        if name not in lower:
            raise SignatureError("missing-header", f"signed header {name!r} is not on the request")
        lines.append(f"{name}:{lower[name].strip()}")
    lines += ["", ";".join(names), hashlib.sha256(body).hexdigest()]
    return "\n".join(lines)


def _signature(key: bytes, gladly_time: str, canonical: str) -> str:
    day_key = hmac.new(key, gladly_time[:8].encode("ascii"), hashlib.sha256).digest()
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    to_sign = f"{ALGORITHM}\n{gladly_time}\n{digest}"
    return hmac.new(day_key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def sign(
    key: str | bytes,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes = b"",
    *,
    query_form: QueryForm = QueryForm.DOCUMENTED,
    signed_headers: Iterable[str] | None = None,
) -> str:
    """Return the Gladly-Authorization header value for a request.

    By default every header on the request is signed except transport headers (User-Agent,
    Accept-Encoding, Content-Length, Host) and Gladly-Authorization itself, as Gladly does.
    The headers must include Gladly-Time.
    """
    lower = _lower(headers)
    gladly_time = lower.get(TIME_HEADER.lower(), "").strip()
    if not _TIME_RE.match(gladly_time):
        raise ValueError(
            f"headers need a Gladly-Time of the form YYYYMMDDTHHMMSSZ (got {gladly_time!r})"
        )
    if signed_headers is None:
        names = sorted(name for name in lower if name not in UNSIGNED_HEADERS)
    else:
        names = [name.lower() for name in signed_headers]
    canonical = canonical_request(method, target, headers, names, body, query_form=query_form)
    signature = _signature(_key_bytes(key), gladly_time, canonical)
    return f"SigningAlgorithm={ALGORITHM}, SignedHeaders={';'.join(names)}, Signature={signature}"


def parse_authorization(value: str) -> tuple[str, list[str], str]:
    """Split a Gladly-Authorization value into (algorithm, signed header names, signature)."""
    match = _AUTH_RE.match(value)
    if not match:
        raise SignatureError(
            "malformed",
            "Gladly-Authorization must look like 'SigningAlgorithm=hmac-sha256, "
            "SignedHeaders=a;b, Signature=<64 hex>'",
        )
    names = [name.strip().lower() for name in match["names"].split(";") if name.strip()]
    return match["alg"].lower(), names, match["sig"].lower()


def parse_time(value: str) -> datetime:
    """Parse a Gladly-Time value (``YYYYMMDDTHHMMSSZ``) as an aware UTC datetime."""
    if not _TIME_RE.match(value.strip()):
        raise ValueError(f"Gladly-Time must be YYYYMMDDTHHMMSSZ (got {value!r})")
    return datetime.strptime(value.strip(), TIME_FORMAT).replace(tzinfo=UTC)


def format_time(moment: datetime | None = None) -> str:
    """Format a moment (default: now) as Gladly-Time, in UTC."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("format_time needs an aware datetime (got a naive one)")
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def verify(
    key: str | bytes,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    query_forms: Iterable[QueryForm] = (QueryForm.DOCUMENTED, QueryForm.PATH_WITH_QUERY),
    max_age: float | None = None,
    now: datetime | None = None,
) -> None:
    """Check a request's Gladly-Authorization; raise SignatureError when it does not verify.

    The signed header list is read from the header itself. Gladly-Time must be among the signed
    headers. With ``max_age`` (seconds), a Gladly-Time further than that from ``now`` (either
    way, to allow for clock skew) is rejected as stale.
    """
    lower = _lower(headers)
    value = lower.get(AUTH_HEADER.lower())
    if value is None:
        raise SignatureError("missing", "the request has no Gladly-Authorization header")
    # A multidict (aiohttp, http.client) lists a repeated header once per line: which one to
    # trust is ambiguous, so a repeated signature or signed header is refused.
    seen = Counter(name.lower() for name, _ in headers.items())
    if seen[AUTH_HEADER.lower()] > 1:
        raise SignatureError("duplicate", "the request has more than one Gladly-Authorization")
    algorithm, names, signature = parse_authorization(value)
    if algorithm != ALGORITHM:
        raise SignatureError("algorithm", f"unsupported SigningAlgorithm {algorithm!r}")
    if TIME_HEADER.lower() not in names:
        raise SignatureError("unsigned-time", "Gladly-Time is not among the SignedHeaders")
    repeated = [name for name in names if seen[name] > 1]
    if repeated:
        raise SignatureError("duplicate", f"signed header {repeated[0]!r} appears more than once")
    gladly_time = lower.get(TIME_HEADER.lower(), "").strip()
    try:
        moment = parse_time(gladly_time)
    except ValueError as exc:
        raise SignatureError("time", str(exc)) from None
    # The forms differ only in how a query string is signed: without one, one is computed, and
    # the next form only when the one before did not match.
    forms = list(dict.fromkeys(query_forms))[: None if "?" in target else 1]
    expected = (
        _signature(
            _key_bytes(key),
            gladly_time,
            canonical_request(method, target, headers, names, body, query_form=form),
        )
        for form in forms
    )
    if not any(hmac.compare_digest(signature, candidate) for candidate in expected):
        raise SignatureError("mismatch", "the signature does not match the request")
    if max_age is not None:
        age = ((now or datetime.now(UTC)) - moment).total_seconds()
        if abs(age) > max_age:
            raise SignatureError(
                "stale",
                f"Gladly-Time {gladly_time} is {age:+.0f} s from now; the window is ±{max_age:g} s",
            )


def new_correlation_id() -> tuple[str, str]:
    """A fresh (Gladly-Correlation-Id, X-B3-Traceid) pair from 16 random bytes, as Gladly makes."""
    raw = os.urandom(16)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii"), raw.hex()


def basic_auth_headers(user: str, password: str, realm: str = "") -> dict[str, str]:
    """The two headers Gladly sends when Basic credentials are configured."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}", "WWW-Authenticate": f'Basic realm="{realm}"'}


def gladly_headers(
    *,
    body: bool = True,
    time: datetime | str | None = None,
    basic_auth: tuple[str, str, str] | None = None,
    custom: Mapping[str, str] | None = None,
    correlation_id: tuple[str, str] | None = None,
) -> dict[str, str]:
    """The headers Gladly sets on a request, in Go's canonical casing, before signing.

    Args:
        body: whether the request has a JSON body (adds Content-Type).
        time: Gladly-Time as a datetime or the formatted string; default now.
        basic_auth: (user, password, realm) when Basic credentials are configured.
        custom: admin-configured extra headers, sent (and signed) on every request.
        correlation_id: (Gladly-Correlation-Id, X-B3-Traceid); default a fresh pair.
    """
    correlation, trace = correlation_id or new_correlation_id()
    stamp = time if isinstance(time, str) else format_time(time)
    headers = {"Accept": "application/json"}
    if body:
        headers["Content-Type"] = "application/json"
    headers |= {"Gladly-Correlation-Id": correlation, "X-B3-Traceid": trace, TIME_HEADER: stamp}
    if basic_auth is not None:
        headers |= basic_auth_headers(*basic_auth)
    if custom:
        headers |= dict(custom)
    headers |= {"User-Agent": "Go-http-client/1.1", "Accept-Encoding": "gzip"}
    return headers


def sign_headers(
    key: str | bytes,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes = b"",
    *,
    query_form: QueryForm = QueryForm.DOCUMENTED,
) -> dict[str, str]:
    """Return a copy of ``headers`` with Gladly-Authorization set for this request."""
    signed = {name: value for name, value in headers.items() if name.lower() != AUTH_HEADER.lower()}
    signed[AUTH_HEADER] = sign(key, method, target, signed, body, query_form=query_form)
    return signed
