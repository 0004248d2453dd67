"""Secrets out of every output: each configured secret is masked in every form it travels in.

A signing key, a password or a token can reach a report, a log line or an export as sent, but
also URL-encoded (an adapter echoing a query), JSON- or HTML-escaped, or base64-encoded (an
adapter echoing ``Authorization: Basic``, or embedding the key in a token), at any alignment
inside a longer base64 text. ``Redactor`` masks all of these, whatever the secret's length.
"""

from __future__ import annotations

import base64
import functools
import html
import json
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

__all__ = ["REDACTED", "Redactor", "encodings", "redactor", "secret_header"]

REDACTED = "***"
_SECRET_WORDS = ("token", "secret", "key", "password", "auth", "cookie", "session")


def secret_header(name: str) -> bool:
    """Whether a header's value is a credential, judged by its name (Gladly's own
    ``Gladly-Authorization`` is a signature over one request, shown so it can be checked)."""
    lowered = name.lower()
    return lowered != "gladly-authorization" and any(w in lowered for w in _SECRET_WORDS)


def _base64_forms(raw: bytes) -> set[str]:
    """The base64 text of ``raw`` alone, and the part of it that any base64 text containing
    ``raw`` at any offset must contain (the groups not shared with neighbouring bytes)."""
    forms: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(raw).decode()
        forms |= {whole, whole.rstrip("=")}
        for offset in (1, 2):  # raw starting at byte 1 or 2 of a 3-byte group
            shifted = encode(b"\0" * offset + raw).decode().rstrip("=")
            full = (offset + len(raw)) // 3 * 4  # chars of complete groups
            middle = shifted[4:full]
            if len(middle) >= 8:
                forms.add(middle)
        if len(raw) >= 6:
            forms.add(whole[: len(raw) // 3 * 4])  # raw at offset 0, followed by other bytes
    return forms


def encodings(secret: str) -> set[str]:
    """Every form of ``secret`` that is masked: as is, URL-encoded, JSON- and HTML-escaped,
    and base64 (standard and URL-safe, padded or not, alone or inside longer base64)."""
    if not secret:
        return set()
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret),
        html.escape(secret, quote=False),
    }
    return {f for f in forms if f} | _base64_forms(secret.encode())


def _pattern(form: str) -> str:
    """A form as a regex; percent-escapes match either case of hex digits (%2f and %2F)."""
    parts = re.split(r"(%[0-9A-F]{2})", form)
    return "".join(
        f"%[{p[1]}{p[1].lower()}][{p[2]}{p[2].lower()}]" if i % 2 else re.escape(p)
        for i, p in enumerate(parts)
    )


class Redactor:
    """Masks the given secrets, in all their ``encodings``, in text and headers."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms = sorted({f for s in secrets for f in encodings(s)}, key=len, reverse=True)
        self._regex = re.compile("|".join(_pattern(f) for f in forms)) if forms else None

    def text(self, value: str) -> str:
        return self._regex.sub(REDACTED, value) if self._regex else value

    def found(self, value: str) -> bool:
        """Whether any form of a secret is in ``value``."""
        return bool(self._regex and self._regex.search(value))

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Headers to show: credentials masked (the scheme of ``Authorization`` kept), values
        of secret-looking custom headers masked, every other value redacted as text."""
        out = {}
        for name, value in headers.items():
            lowered = name.lower()
            if lowered in ("authorization", "proxy-authorization"):
                scheme = value.split(" ", 1)[0] if " " in value else ""
                out[name] = f"{scheme} {REDACTED}".strip()
            elif secret_header(name):
                out[name] = REDACTED
            else:
                out[name] = self.text(value)
        return out


@functools.lru_cache(maxsize=32)
def redactor(secrets: tuple[str, ...]) -> Redactor:
    """The Redactor of a set of secrets, built once (its pattern is not free to compile)."""
    return Redactor(secrets)
