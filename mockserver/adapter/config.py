"""How the reference adapter is configured: its OMS, Gladly's credentials, its time budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["AdapterConfig"]


@dataclass(frozen=True)
class AdapterConfig:
    """How the adapter reaches its OMS and authenticates Gladly.

    Attributes:
        oms_url: the order system's API base: Shopify's Admin API
            (``https://shop.myshopify.com/admin/api/2025-01``), a BigCommerce store
            (``https://api.bigcommerce.com/stores/{hash}``) or Magento's REST
            (``https://shop.example.com/rest/V1``).
        oms_token: the access token (``X-Shopify-Access-Token``, BigCommerce's
            ``X-Auth-Token``, or Magento's Bearer token).
        platform: ``shopify``, ``bigcommerce`` or ``magento``.
        shopify_api: on Shopify, read through ``rest`` or ``graphql`` (actions write via REST).
        shop: the shop handle, for admin links.
        signing_key: the app's signing key; None accepts unsigned requests.
        basic_auth: (user, password) when the app is configured with Basic credentials.
        search_attributes: the Search Query Attributes configured in Gladly.
        max_age: seconds a Gladly-Time may be away from now.
        budget: seconds one request may take in all (Gladly recommends under 5).
        max_orders: most recent orders sent with a detailed lookup.
        cache_ttl: seconds a detailed answer is reused (0 turns the cache off). Gladly looks a
            customer up on every profile open and contact; the adapter's own actions clear it.
        cache_size: most customers (and product images) kept in memory.
        data: profiles to serve instead of reading the OMS (``adapter.data.load_profiles``).
        ca_file: a CA bundle to trust for the OMS's HTTPS as well as the system's (the kit's
            own CA when the fake OMS serves HTTPS).
    """

    oms_url: str
    oms_token: str
    platform: str = "shopify"
    shopify_api: str = "rest"
    shop: str = "lookupkit-demo"
    signing_key: str | None = None
    basic_auth: tuple[str, str] | None = None
    search_attributes: tuple[str, ...] = ("email", "phone", "name", "externalCustomerId")
    max_age: float = 300.0
    budget: float = 4.5
    max_orders: int = 25
    cache_ttl: float = 5.0
    cache_size: int = 10_000
    data: tuple[dict[str, Any], ...] | None = field(default=None, repr=False)
    ca_file: str | None = None

    def __repr__(self) -> str:  # never print the key or the password
        hidden = {"signing_key", "basic_auth", "oms_token"}
        shown = ", ".join(
            f"{name}={'***' if name in hidden and value else repr(value)}"
            for name, value in self.__dict__.items()
            if name != "data"
        )
        if self.data is not None:
            shown += f", data=<{len(self.data)} profiles>"
        return f"AdapterConfig({shown})"
