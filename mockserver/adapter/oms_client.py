"""The adapter's HTTP client for an order system: JSON in and out, one deadline per call, rate
limits retried while the deadline allows. Each platform's client (Shopify, BigCommerce,
Magento) adds its own calls and credentials on top."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

import aiohttp

from mockserver.adapter.jsonio import dumps, loads

__all__ = ["OmsClient", "OmsError", "is_id"]

log = logging.getLogger("lookupkit.adapter")
RETRY_AFTER = ("Retry-After", "X-Retry-After")  # Shopify and Magento; BigCommerce


class OmsError(Exception):
    """The OMS did not answer usefully (status, timeout or garbage)."""

    def __init__(self, detail: str, status: int = 502) -> None:
        super().__init__(detail)
        self.status = status


def is_id(text: str) -> bool:
    """Platform ids are 64-bit integers: anything else cannot exist, so the OMS is not asked."""
    return text.isascii() and text.isdigit() and len(text) <= 19 and int(text) < 2**63


def _wait(headers: Mapping[str, str]) -> float:
    for name in RETRY_AFTER:
        try:
            return max(0.0, float(headers.get(name) or "x"))
        except ValueError:
            continue
    return 1.0


class OmsClient:
    """Calls to one OMS base URL with the platform's credential headers."""

    def __init__(self, base: str, credentials: Mapping[str, str]) -> None:
        self.base, self.credentials = base.rstrip("/"), dict(credentials)
        self.session: aiohttp.ClientSession | None = None  # opened when the app starts

    async def call(self, method: str, path: str, deadline: float, **options: Any) -> Any:
        """One API call (``options`` as ``fetch`` takes them); a 404 or a 204 is None, a 422
        ``{"_refused": errors}``, a 412 (``If-Match`` failed) ``{"_conflict": True}``. Raises
        OmsError on anything else that is not 2xx."""
        return (await self.fetch(method, path, deadline, **options))[0]

    async def fetch(
        self,
        method: str,
        path: str,
        deadline: float,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[Any, Mapping[str, str]]:
        """``call``, and the answer's headers."""
        if self.session is None:
            raise RuntimeError(
                "the adapter's HTTP client is not started: run the app through an AppRunner"
            )
        sent = {"Accept": "application/json", **self.credentials, **(headers or {})}
        data = None
        if body is not None:
            data, sent = dumps(body), {"Content-Type": "application/json", **sent}
        for attempt in range(4):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OmsError("the order system did not answer in time", 504)
            try:
                async with self.session.request(
                    method,
                    self.base + path,
                    params=params,
                    data=data,
                    headers=sent,
                    timeout=aiohttp.ClientTimeout(total=remaining),
                ) as response:
                    if response.status == 429:
                        wait = _wait(response.headers)
                        log.info(
                            "event=oms-throttled path=%s attempt=%d wait=%.1f", path, attempt, wait
                        )
                        if time.monotonic() + wait >= deadline:
                            raise OmsError("the order system is rate limiting us", 503)
                        await asyncio.sleep(wait)
                        continue
                    return await _answer(response)
            except TimeoutError:
                raise OmsError("the order system did not answer in time", 504) from None
            except (aiohttp.ClientError, ValueError) as exc:
                raise OmsError(
                    f"the order system's answer was unusable ({type(exc).__name__})"
                ) from None
        raise OmsError("the order system kept rate limiting us", 503)


async def _answer(response: aiohttp.ClientResponse) -> tuple[Any, Mapping[str, str]]:
    if response.status in (204, 404):
        return None, response.headers
    if response.status == 412:
        return {"_conflict": True}, response.headers
    if response.status == 422:
        found = await _json(response)
        refused = found.get("errors") if isinstance(found, dict) else found
        return {"_refused": refused}, response.headers
    if response.status >= 300:
        raise OmsError(f"the order system answered HTTP {response.status}")
    return await _json(response), response.headers


async def _json(response: aiohttp.ClientResponse) -> Any:
    """The answer's JSON (None for an empty body, as aiohttp's own ``json()``), with orjson."""
    raw = await response.read()
    return loads(raw) if raw.strip() else None
