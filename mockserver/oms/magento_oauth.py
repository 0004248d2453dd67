"""Magento integrations sign each request with OAuth 1.0a (RFC 5849): HMAC-SHA256 or HMAC-SHA1
over the method, the URL without its query, and every query and ``oauth_*`` parameter.

The fake's integration: consumer key and access token ``lookupkit``, both secrets the OMS token
(``--oms-token``). A signature that does not match, a time more than ten minutes away, or a nonce
used twice is refused with 401, as Magento refuses them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from aiohttp import web

__all__ = ["ACCESS_TOKEN", "CONSUMER_KEY", "OAuthCheck", "is_oauth"]

CONSUMER_KEY = ACCESS_TOKEN = "lookupkit"
METHODS = {"HMAC-SHA256": hashlib.sha256, "HMAC-SHA1": hashlib.sha1}
MAX_SKEW = 600.0
_PARAM = re.compile(r'(\w+)="([^"]*)"')


def is_oauth(authorization: str) -> bool:
    return authorization[:6].lower() == "oauth "


def _pct(text: str) -> str:
    return quote(text, safe="~-._")


def base_string(method: str, url: str, params: list[tuple[str, str]]) -> str:
    """RFC 5849 §3.4.1: METHOD&url&params, each part percent-encoded."""
    pairs = sorted((_pct(k), _pct(v)) for k, v in params)
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join((method.upper(), _pct(url), _pct(normalized)))


def signature(method: str, base: str, consumer_secret: str, token_secret: str) -> str:
    key = f"{_pct(consumer_secret)}&{_pct(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), METHODS[method]).digest()).decode()


@dataclass
class OAuthCheck:
    """Verifies requests signed for the fake's integration; remembers recent nonces."""

    secret: str
    seen: OrderedDict[str, float] = field(default_factory=OrderedDict)

    def refusal(self, request: web.Request) -> str:
        """Why the request's OAuth signature is not accepted, or "" when it is."""
        oauth = {k: unquote(v) for k, v in _PARAM.findall(request.headers.get("Authorization", ""))}
        if (
            oauth.get("oauth_consumer_key") != CONSUMER_KEY
            or oauth.get("oauth_token") != ACCESS_TOKEN
        ):
            return "The consumer key or the access token is not this integration's."
        method = oauth.get("oauth_signature_method", "")
        if method not in METHODS:
            return f"The signature method {method!r} is not supported (use HMAC-SHA256)."
        try:
            moment = float(oauth.get("oauth_timestamp", ""))
        except ValueError:
            return "The oauth_timestamp is missing or not a number."
        if abs(time.time() - moment) > MAX_SKEW:
            return "The oauth_timestamp is more than ten minutes away from now."
        nonce = oauth.get("oauth_nonce", "")
        if not nonce or nonce in self.seen:
            return (
                "The nonce is already being used by the consumer." if nonce else "No oauth_nonce."
            )
        params = [(k, v) for k, v in request.query.items()]
        params += [(k, v) for k, v in oauth.items() if k != "oauth_signature" and k != "realm"]
        url = f"{request.url.scheme}://{request.host.lower()}{request.path}"
        expected = signature(
            method, base_string(request.method, url, params), self.secret, self.secret
        )
        if not hmac.compare_digest(expected.encode(), oauth.get("oauth_signature", "").encode()):
            return "The signature is invalid. Verify and try again."
        self.seen[nonce] = moment
        while len(self.seen) > 10_000:
            self.seen.popitem(last=False)
        return ""
