"""A small Shopify Admin REST client: JSON in and out, one deadline per call, 429s retried."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import aiohttp

__all__ = ["OmsError", "Shopify", "is_id"]

log = logging.getLogger("lookupkit.adapter")


class OmsError(Exception):
    """The OMS did not answer usefully (status, timeout or garbage)."""

    def __init__(self, detail: str, status: int = 502) -> None:
        super().__init__(detail)
        self.status = status


def is_id(text: str) -> bool:
    """Shopify ids are 64-bit integers: anything else cannot exist, so the OMS is not asked."""
    return text.isascii() and text.isdigit() and len(text) <= 19 and int(text) < 2**63


class Shopify:
    """The calls the adapter makes, with product images remembered (at most ``cache_size``)."""

    def __init__(self, base: str, token: str, *, cache_size: int = 10_000) -> None:
        self.base, self.token, self.cache_size = base.rstrip("/"), token, cache_size
        self.session: aiohttp.ClientSession | None = None  # opened when the app starts
        self.images: OrderedDict[int, str] = OrderedDict()

    async def call(self, method: str, path: str, deadline: float, **options: Any) -> Any:
        """One API call (``options`` as ``fetch`` takes them); a 404 is None, a 422
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
        sent = {"X-Shopify-Access-Token": self.token, "Accept": "application/json"}
        sent |= headers or {}
        for attempt in range(4):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OmsError("the order system did not answer in time", 504)
            try:
                async with self.session.request(
                    method,
                    self.base + path,
                    params=params,
                    json=body,
                    headers=sent,
                    timeout=aiohttp.ClientTimeout(total=remaining),
                ) as response:
                    if response.status == 429:
                        wait = float(response.headers.get("Retry-After", "1") or 1)
                        log.info(
                            "event=oms-throttled path=%s attempt=%d wait=%.1f", path, attempt, wait
                        )
                        if time.monotonic() + wait >= deadline:
                            raise OmsError("the order system is rate limiting us", 503)
                        await asyncio.sleep(wait)
                        continue
                    if response.status == 404:
                        return None, response.headers
                    if response.status == 412:
                        return {"_conflict": True}, response.headers
                    if response.status == 422:
                        refused = (await response.json(content_type=None)).get("errors")
                        return {"_refused": refused}, response.headers
                    if response.status >= 300:
                        raise OmsError(f"the order system answered HTTP {response.status}")
                    return await response.json(content_type=None), response.headers
            except TimeoutError:
                raise OmsError("the order system did not answer in time", 504) from None
            except (aiohttp.ClientError, ValueError) as exc:
                raise OmsError(
                    f"the order system's answer was unusable ({type(exc).__name__})"
                ) from None
        raise OmsError("the order system kept rate limiting us", 503)

    async def search(self, query: str, deadline: float) -> list[dict[str, Any]]:
        params = {"query": query, "limit": "10"}
        found = await self.call("GET", "/customers/search.json", deadline, params=params)
        return list((found or {}).get("customers", []))

    async def customer(self, customer_id: str, deadline: float) -> dict[str, Any] | None:
        if not is_id(customer_id):
            return None
        found = await self.call("GET", f"/customers/{customer_id}.json", deadline)
        return found["customer"] if found else None

    async def orders(self, customer_id: int, limit: int, deadline: float) -> list[dict[str, Any]]:
        # status=any: Shopify hides cancelled and archived orders by default.
        params = {"status": "any", "limit": str(limit)}
        path = f"/customers/{customer_id}/orders.json"
        found = await self.call("GET", path, deadline, params=params)
        return list((found or {}).get("orders", []))

    async def order(self, order_id: str, deadline: float) -> dict[str, Any] | None:
        return (await self.order_and_etag(order_id, deadline))[0]

    async def order_and_etag(
        self, order_id: str, deadline: float
    ) -> tuple[dict[str, Any] | None, str | None]:
        """The order and its ETag, when the shop gives one (to update it only if unchanged)."""
        if not is_id(order_id):
            return None, None
        found, headers = await self.fetch("GET", f"/orders/{order_id}.json", deadline)
        return (found["order"] if found else None), headers.get("ETag")

    async def image_urls(self, product_ids: set[int], deadline: float) -> dict[int, str]:
        """Product images, fetched once per product and remembered (they rarely change)."""

        async def fetch(pid: int) -> None:
            params = {"fields": "id,image"}
            found = await self.call("GET", f"/products/{pid}.json", deadline, params=params)
            image = ((found or {}).get("product") or {}).get("image") or {}
            if image.get("src"):
                self.images[pid] = image["src"]
                if len(self.images) > self.cache_size:
                    self.images.popitem(last=False)

        await asyncio.gather(*(fetch(pid) for pid in product_ids if pid not in self.images))
        return {pid: self.images[pid] for pid in product_ids if pid in self.images}
