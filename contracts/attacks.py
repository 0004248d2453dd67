"""What an attacker or a careless client sends, built from a genuine Gladly request, and how to
judge the answers: near-miss signatures, replays, oracles, injection values, hostile form values.

Everything here is pure: the verifier and the kit's own tests send the requests with their own
clients and judge the answers with the same functions.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.gladly import gladly_request, target_of
from contracts.signing import (
    ALGORITHM,
    AUTH_HEADER,
    TIME_HEADER,
    UNSIGNED_HEADERS,
    QueryForm,
    canonical_request,
    sign,
)

__all__ = [
    "INJECTION_VALUES",
    "NearMiss",
    "hostile_values",
    "near_misses",
    "oracle_values",
    "unicode_variants",
]

ABSENT_HEADER = "x-lookupkit-absent"
INJECTION_VALUES = (
    '"',
    "' OR '1'='1",
    '" OR ""="',
    "%",
    "_",
    "*",
    ".*",
    "^.*$",
    "[a-z]*",
    "?",
    "\\",
    "*@*",
    "%@%",
    "a" * 4096,
)


@dataclass(frozen=True)
class NearMiss:
    """A request that is almost what Gladly would sign: it must be refused with 401 or 403."""

    what: str
    headers: dict[str, str]
    body: bytes
    repeated: tuple[tuple[str, str], ...] = ()
    must_refuse: bool = True  # False: either answer is fine (only a 5xx is judged)


def _with_signature(headers: Mapping[str, str], value: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() != AUTH_HEADER.lower()} | {
        AUTH_HEADER: value
    }


def near_misses(
    key: str,
    method: str,
    url: str,
    body: Any = None,
    *,
    basic_auth: tuple[str, str, str] | None = None,
    custom: Mapping[str, str] | None = None,
    query_form: QueryForm = QueryForm.DOCUMENTED,
    window: float = 300.0,
) -> list[NearMiss]:
    """Variations of one genuine signed request, each wrong in exactly one way."""
    raw, headers = gladly_request(
        method, url, body, key=key, basic_auth=basic_auth, custom=custom, query_form=query_form
    )
    auth = headers[AUTH_HEADER]
    prefix, _, signature = auth.rpartition("Signature=")
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    target, unsigned = target_of(url), {k: v for k, v in headers.items() if k != AUTH_HEADER}
    names = sorted(n.lower() for n in unsigned if n.lower() not in UNSIGNED_HEADERS)
    without_time = sign(
        key, method, target, unsigned, raw, query_form=query_form,
        signed_headers=[n for n in names if n != TIME_HEADER.lower()],
    )  # fmt: skip
    absent = sign(
        key, method, target, unsigned | {ABSENT_HEADER: ""}, raw, query_form=query_form,
        signed_headers=sorted([*names, ABSENT_HEADER]),
    )  # fmt: skip
    raw_future, future_headers = gladly_request(
        method, url, body, key=key, basic_auth=basic_auth, custom=custom,
        query_form=query_form, time=datetime.now(UTC) + timedelta(seconds=window + 3600),
    )  # fmt: skip
    wrong = sign(key + "-not", method, target, unsigned, raw, query_form=query_form)
    return [
        NearMiss("an empty Signature=", _with_signature(headers, prefix + "Signature="), raw),
        NearMiss("a truncated signature", _with_signature(headers, auth[:-32]), raw),
        NearMiss("a signature with one hex digit changed", _with_signature(headers, prefix + "Signature=" + flipped), raw),
        NearMiss("a signature with extra characters", _with_signature(headers, auth + "00"), raw),
        NearMiss(
            "another SigningAlgorithm",
            _with_signature(headers, auth.replace(ALGORITHM, "hmac-sha512", 1)),
            raw,
        ),
        NearMiss("SignedHeaders without gladly-time", _with_signature(headers, without_time), raw),
        NearMiss("a SignedHeaders entry whose header is absent", _with_signature(headers, absent), raw),
        NearMiss(
            "two Gladly-Authorization headers (a wrong one first)",
            _with_signature(headers, wrong),
            raw,
            repeated=((AUTH_HEADER, auth),),
        ),
        NearMiss("a Gladly-Time an hour in the future", future_headers, raw_future),
        NearMiss(
            "an upper-case hex signature",
            _with_signature(headers, prefix + "Signature=" + signature.upper()),
            raw,
            must_refuse=False,
        ),
    ]  # fmt: skip


def oracle_values(
    key: str, method: str, target: str, headers: Mapping[str, str], body: bytes
) -> tuple[str, ...]:
    """What a refusal must never show: the key, and for the request as sent the canonical
    request, its hash, the day key and the signature it should have had (either query form)."""
    lower = {k.lower(): v for k, v in headers.items()}
    stamp = lower.get(TIME_HEADER.lower(), "")
    names = sorted(n for n in lower if n not in UNSIGNED_HEADERS)
    values = [key]
    for form in QueryForm:
        canonical = canonical_request(method, target, lower, names, body, query_form=form)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        values += [canonical, digest]
        if len(stamp) >= 8:
            day = hmac.new(key.encode(), stamp[:8].encode(), hashlib.sha256)
            to_sign = f"{ALGORITHM}\n{stamp}\n{digest}"
            signature = hmac.new(day.digest(), to_sign.encode(), hashlib.sha256).hexdigest()
            values += [day.hexdigest(), signature]
    return tuple(dict.fromkeys(v for v in values if len(v) >= 8))


# -- searches -------------------------------------------------------------------------------------


def unicode_variants(email: str) -> list[str]:
    """The same address as a careless client might type it: full-width '@', combining accents."""
    local, _, domain = email.partition("@")
    return [f"{local}\uff20{domain}", unicodedata.normalize("NFD", f"{local}é@{domain}")]


# -- action forms ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """Form values an agent's browser could never send, and why they are wrong."""

    what: str
    values: dict[str, Any] = field(default_factory=dict)


def hostile_values(form: Mapping[str, Any], good: Mapping[str, Any]) -> list[Hostile]:
    """Values the form cannot produce: a missing required field, an unknown option, wrong
    JSON types, 10 kB of text, unusual Unicode."""
    inputs = [
        s for s in form.get("sections") or []
        if isinstance(s, dict) and s.get("type") == "input" and isinstance(s.get("attr"), str)
    ]  # fmt: skip
    out: list[Hostile] = []
    required = [s for s in inputs if not (s.get("input") or {}).get("optional")]
    if required:
        attr = required[0]["attr"]
        out.append(Hostile(f"no value for {attr!r}", {k: v for k, v in good.items() if k != attr}))
    for section in inputs:
        attr, kind = section["attr"], (section.get("input") or {}).get("type")
        if kind == "select":
            out.append(
                Hostile(
                    f"{attr!r} outside its options",
                    dict(good, **{attr: "lookupkit-no-such-option"}),
                )
            )
        if kind in ("text", None):
            out.append(Hostile(f"10 kB of text in {attr!r}", dict(good, **{attr: "x" * 10_240})))
            out.append(
                Hostile(
                    f"unusual Unicode in {attr!r}",
                    dict(good, **{attr: "Zoë \u202e\u0000 😀 \ud7ff"}),
                )
            )
    if inputs:
        attr = inputs[0]["attr"]
        out.append(Hostile(f"a number for {attr!r}", dict(good, **{attr: 12345})))
        out.append(Hostile(f"a list for {attr!r}", dict(good, **{attr: ["a", "b"]})))
        out.append(Hostile(f"an object for {attr!r}", dict(good, **{attr: {"nested": True}})))
    return out
