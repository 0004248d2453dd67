"""A small Shopify Admin REST client: the calls the reference adapter makes."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any

from mockserver.adapter.oms_client import OmsClient, OmsError, is_id

__all__ = ["OmsError", "Shopify", "is_id"]


class Shopify(OmsClient):
    """The calls the adapter makes, with product images remembered (at most ``cache_size``)."""

    def __init__(self, base: str, token: str, *, cache_size: int = 10_000) -> None:
        super().__init__(base, {"X-Shopify-Access-Token": token})
        self.cache_size = cache_size
        self.images: OrderedDict[int, str] = OrderedDict()

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
