"""The order systems the reference adapter reads, behind one interface: find customers by one
attribute (BASIC profiles), and read one customer with their orders (a DETAILED profile).

Shopify is the full example (images, and the order actions); BigCommerce and Magento answer
lookups only, so their orders carry no actions.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from mockserver.adapter.bigcommerce import BigCommerce
from mockserver.adapter.config import AdapterConfig
from mockserver.adapter.data import DataBackend
from mockserver.adapter.forms import order_actions
from mockserver.adapter.magento import Magento
from mockserver.adapter.mapping import gladly_profile
from mockserver.adapter.oms_client import OmsClient, is_id
from mockserver.adapter.shopify_client import Shopify
from mockserver.adapter.shopify_graphql import ShopifyGraphQLBackend

__all__ = ["PLATFORMS", "Backend", "ShopifyBackend", "backend_for"]

PLATFORMS = ("shopify", "bigcommerce", "magento")
BIGCOMMERCE_ORDERS = 10  # each order costs two more calls there (products, shipments)


class Backend(Protocol):
    platform: str

    @property
    def client(self) -> OmsClient:
        """The HTTP client (its session is opened and closed by the app)."""

    def clear(self) -> None:
        """Forget what is remembered (after the shop's data was replaced)."""

    async def find(self, attr: str, value: str, deadline: float) -> list[dict[str, Any]]:
        """BASIC profiles of the customers whose ``attr`` (email, phone, name,
        externalCustomerId) is ``value``, already stripped of search syntax."""

    async def detailed(self, customer_id: str, deadline: float) -> dict[str, Any] | None:
        """The DETAILED profile of one customer, or None when there is no such customer."""


class ShopifyBackend:
    """Shopify Admin REST: customers/search with field queries, orders with ``status=any``."""

    platform = "shopify"

    def __init__(self, config: AdapterConfig) -> None:
        self.client = Shopify(config.oms_url, config.oms_token, cache_size=config.cache_size)
        self.shop, self.max_orders = config.shop, config.max_orders

    def clear(self) -> None:
        self.client.images.clear()

    async def find(self, attr: str, value: str, deadline: float) -> list[dict[str, Any]]:
        shopify = self.client
        if attr == "externalCustomerId":
            customer = await shopify.customer(value, deadline)
            found = [customer] if customer else []
        elif attr == "name":  # Shopify's free text matches emails and more: keep the names
            words = value.split()
            query = f'first_name:"{words[0]}" last_name:"{words[-1]}"' if words[1:] else words[0]
            wanted = value.lower()
            found = [
                c
                for c in await shopify.search(query, deadline)
                if wanted in f"{c.get('first_name') or ''} {c.get('last_name') or ''}".lower()
            ]
        elif attr in ("email", "phone"):
            found = await shopify.search(f'{attr}:"{value}"', deadline)
        else:
            found = []
        return [gladly_profile(c, None, {}, self.shop) for c in found]

    async def detailed(self, customer_id: str, deadline: float) -> dict[str, Any] | None:
        if not is_id(customer_id):
            return None
        customer, orders = await asyncio.gather(  # the id is known: both calls at once
            self.client.customer(customer_id, deadline),
            self.client.orders(int(customer_id), self.max_orders, deadline),
        )
        if customer is None:
            return None
        product_ids = {
            line["product_id"] for o in orders for line in o["line_items"] if line.get("product_id")
        }
        images = await self.client.image_urls(product_ids, deadline)
        profile = gladly_profile(customer, orders, images, self.shop)
        by_number = {o["name"]: o for o in orders}
        for txn in profile["transactions"]:
            txn["actions"] = order_actions(by_number[txn["orderNumber"]])
        return profile


def backend_for(config: AdapterConfig) -> Backend:
    if config.data is not None:
        return DataBackend(list(config.data))
    if config.platform == "bigcommerce":
        orders = min(config.max_orders, BIGCOMMERCE_ORDERS)
        return BigCommerce(config.oms_url, config.oms_token, max_orders=orders)
    if config.platform == "magento":
        return Magento(config.oms_url, config.oms_token, max_orders=config.max_orders)
    if config.shopify_api == "graphql":
        return ShopifyGraphQLBackend(config)
    return ShopifyBackend(config)
