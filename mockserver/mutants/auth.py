"""The auth mutants: each checks Gladly's signature in a way real adapters get wrong."""

from __future__ import annotations

import json
import re
from base64 import b64decode
from dataclasses import replace
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from contracts.signing import AUTH_HEADER, QueryForm, SignatureError, sign, verify
from mockserver import adapter

__all__ = ["AUTH_MODES", "authenticate"]

AUTH_MODES = (
    "skip",
    "reserialize",
    "lenient",
    "replay",
    "oracle",
    "unguarded-actions",
    "path-query-only",
    "basic-password-only",
)
_PARTS = re.compile(r"SignedHeaders=([^,\s]*)\s*,\s*Signature=([0-9A-Fa-f]*)")


def _password_only(request: web.Request, password: str) -> bool:
    """Compares the Basic password and forgets the user: any user name gets in."""
    header = request.headers.get("Authorization", "")
    try:
        _, _, given = (
            b64decode(header.removeprefix("Basic "), validate=True).decode().partition(":")
        )
    except (ValueError, UnicodeDecodeError):
        return False
    return header.startswith("Basic ") and given == password


def _others(request: web.Request) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k.lower() != AUTH_HEADER.lower()}


def _expected(key: str, request: web.Request, body: bytes, names: list[str] | None = None) -> str:
    signed = sign(
        key, request.method, request.raw_path, _others(request), body, signed_headers=names
    )
    return signed.rpartition("Signature=")[2]


def _lenient(key: str, request: web.Request, body: bytes) -> None:
    """Compares only as much of the signature as was sent, over the headers that are there."""
    parts = _PARTS.search(request.headers.get(AUTH_HEADER, ""))
    if parts is None:
        raise SignatureError("malformed", "no signature")
    present = {k.lower() for k in request.headers}
    names = [n for n in parts[1].lower().split(";") if n in present]
    if not _expected(key, request, body, names).startswith(parts[2].lower()):
        raise SignatureError("mismatch", "the signature does not match")


def _check(how: str, key: str, request: web.Request, body: bytes, max_age: float) -> None:
    if how == "lenient":
        _lenient(key, request, body)
        return
    forms: tuple[QueryForm, ...] = (QueryForm.DOCUMENTED, QueryForm.PATH_WITH_QUERY)
    if how == "reserialize":
        body = json.dumps(json.loads(body), separators=(",", ":")).encode() if body else body
    if how == "path-query-only":
        forms = (QueryForm.PATH_WITH_QUERY,)
    verify(
        key,
        request.method,
        request.raw_path,
        request.headers,
        body,
        query_forms=forms,
        max_age=max_age,
    )


async def authenticate(
    request: web.Request, handler: Handler, guard: Any, config: adapter.AdapterConfig,
    how: str, seen: set[str],
) -> web.StreamResponse:  # fmt: skip
    """Authenticate as the ``how`` mutant does, then run ``handler``."""
    key = config.signing_key
    if how == "skip" or not key:
        return await handler(request)
    if how == "basic-password-only":
        if config.basic_auth and not _password_only(request, config.basic_auth[1]):
            return adapter.problem(401, "Missing or wrong Basic credentials", code="unauthorized")
        signature_only = adapter.authentication(replace(config, basic_auth=None))
        return await signature_only(request, handler)
    if how == "unguarded-actions":
        guarded = not request.path.startswith("/actions/")
        return await (guard(request, handler) if guarded else handler(request))
    if how in ("oracle", "replay"):
        parts = _PARTS.search(request.headers.get(AUTH_HEADER, ""))
        signature = parts[2].lower() if parts else ""
        if how == "replay" and signature and signature in seen:
            return await handler(request)
        response: web.StreamResponse = await guard(request, handler)
        if how == "replay" and signature and response.status < 400:
            seen.add(signature)
        if how == "oracle" and response.status == 401 and isinstance(response, web.Response):
            return _with_expected(response, key, request, await request.read())
        return response
    try:
        _check(how, key, request, await request.read(), config.max_age)
    except Exception as exc:  # any failure to verify, as the buggy adapter would answer
        return adapter.problem(
            401, f"signature check failed ({type(exc).__name__})", code="mismatch"
        )
    return await handler(request)


def _with_expected(
    response: web.Response, key: str, request: web.Request, body: bytes
) -> web.Response:
    try:
        expected = _expected(key, request, body)
    except ValueError:  # no Gladly-Time to sign with
        return response
    detail = json.loads(response.body)  # type: ignore[arg-type]
    detail["expectedSignature"] = expected
    return web.json_response(detail, status=401)
