"""Fault injection: latency, an error status, a malformed or truncated body, a reset connection."""

from __future__ import annotations

import asyncio
import fnmatch
from typing import Any

from aiohttp import web

from mockserver.harness.state import HarnessState

__all__ = ["FAULT_KINDS", "apply_fault", "fault_spec"]

FAULT_KINDS = ("latency", "status", "malformed", "truncated", "reset")
_NUMBERS = {  # JSON name: (attribute, integer only, low, high, default)
    "status": ("status", True, 100, 599, 503),
    "delayMs": ("delay_ms", True, 0, 60_000, 0),
    "times": ("times", True, 1, 1_000_000, None),
    "probability": ("probability", False, 0.0, 1.0, None),
    "retryAfter": ("retry_after", True, 0, 3600, 1),
}
# An injected 429 carries each platform's retry hint, as a real one does, so a client's own
# retry (the SDKs') can be tested: Shopify's and Magento's Retry-After, BigCommerce's headers.
RETRY_HINTS = ("Retry-After", "X-Retry-After")


def fault_spec(body: dict[str, Any], role: str) -> tuple[dict[str, Any], str, str]:
    """A POSTed fault as ``add_fault`` arguments, or ({}, message, field) naming what is wrong."""
    kind = body.get("kind", "status")
    if kind not in FAULT_KINDS:
        return {}, f"kind must be one of {', '.join(FAULT_KINDS)} (got {kind!r})", "kind"
    spec: dict[str, Any] = {
        "role": body.get("role", role),
        "route": body.get("route", "*"),
        "method": str(body.get("method", "*")).upper(),
        "kind": kind,
    }
    if not isinstance(spec["route"], str) or not isinstance(spec["role"], str):
        message = (
            "role and route must be strings (route is a glob such as /admin/api/*/orders.json)"
        )
        return {}, message, "route"
    for key, (attribute, integral, low, high, default) in _NUMBERS.items():
        value = body.get(key, default)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (integral and not isinstance(value, int))
            or not low <= value <= high
        ):
            return {}, f"{key} must be a number from {low} to {high} (got {value!r})", key
        spec[attribute] = value
    return spec, "", ""


async def apply_fault(
    request: web.Request, state: HarnessState, role: str
) -> web.StreamResponse | None:
    """The answer of the first fault that matches ``request``, or None to serve it normally."""
    for fault in list(state.faults.values()):
        if fault.role not in (role, "*") or not fnmatch.fnmatchcase(request.path, fault.route):
            continue
        if fault.method not in ("*", request.method):
            continue
        if fault.probability is not None and state.chance.random() >= fault.probability:
            continue
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                state.faults.pop(fault.id, None)
        if fault.kind == "latency":
            await asyncio.sleep(fault.delay_ms / 1000)
            return None
        if fault.kind == "status":
            refusal = web.json_response(
                {"errors": f"injected fault: HTTP {fault.status}"}, status=fault.status
            )
            if fault.status == 429:
                wait = str(fault.retry_after)
                refusal.headers.update(dict.fromkeys(RETRY_HINTS, wait))
                refusal.headers["X-Rate-Limit-Time-Reset-Ms"] = str(fault.retry_after * 1000)
            return refusal
        if fault.kind == "malformed":
            return web.Response(
                text='{"injected": "malformed", "items": [1, 2', content_type="application/json"
            )
        transport = request.transport
        if fault.kind == "truncated":
            response = web.StreamResponse(
                headers={"Content-Type": "application/json", "Content-Length": "4096"}
            )
            await response.prepare(request)
            await response.write(b'{"injected": "truncated", "items": [')
        if transport is not None:
            transport.abort() if fault.kind == "reset" else transport.close()
        raise asyncio.CancelledError  # the connection is gone: nothing more to send
    return None
