"""Authenticate Gladly: Basic credentials if configured, then the signature over the raw body.

Refusals answer 401 with what was wrong (never the expected signature) and are logged, without
the key or the credentials, so the adapter's owner can see why Gladly was turned away.
"""

from __future__ import annotations

import hmac
import logging
from base64 import b64decode

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from contracts.signing import SignatureError, verify
from mockserver.adapter.config import AdapterConfig
from mockserver.adapter.jsonio import answer

__all__ = ["authentication", "basic_auth_ok", "problem"]

log = logging.getLogger("lookupkit.adapter")


def problem(status: int, detail: str, *, code: str, attr: str | None = None) -> web.Response:
    """A 4xx/5xx answer in the shape Gladly shows for action errors: ``{"errors": [...]}``."""
    item = {"code": code, "detail": detail} | ({"attr": attr} if attr else {})
    return answer({"errors": [item]}, status=status)


def basic_auth_ok(header: str, expected: tuple[str, str]) -> bool:
    """Whether an ``Authorization: Basic ...`` header carries the expected user and password."""
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = b64decode(header[6:], validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return hmac.compare_digest(user.encode(), expected[0].encode()) & hmac.compare_digest(
        password.encode(), expected[1].encode()
    )


def _refused(request: web.Request, reason: str) -> None:
    log.warning(
        "event=refused reason=%s method=%s path=%s correlation=%s",
        reason,
        request.method,
        request.path,
        request.headers.get("Gladly-Correlation-Id", "-")[:64],
    )


def authentication(config: AdapterConfig) -> Middleware:
    """Middleware that lets through only requests Gladly signed (and Basic-authenticated).

    Example:
        >>> app = web.Application(middlewares=[authentication(config)])
    """

    @web.middleware
    async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return problem(413, "The body is larger than 1 MiB", code="too-large")
        if config.basic_auth and not basic_auth_ok(
            request.headers.get("Authorization", ""), config.basic_auth
        ):
            _refused(request, "basic-auth")
            response = problem(401, "Missing or wrong Basic credentials", code="unauthorized")
            response.headers["WWW-Authenticate"] = 'Basic realm="lookup-adapter"'
            return response
        if config.signing_key:
            try:
                verify(
                    config.signing_key,
                    request.method,
                    request.raw_path,
                    request.headers,
                    body,
                    max_age=config.max_age,
                )
            except SignatureError as exc:
                _refused(request, exc.reason)
                return problem(401, str(exc), code=exc.reason, attr="Gladly-Authorization")
        return await handler(request)

    return authenticate
