"""The fake OMS: Shopify, BigCommerce and Magento over one store, on one port.

Each platform lives under its own prefix (``/admin/api``, ``/stores/{hash}``, ``/rest``) and
accepts the same access token (``DEFAULT_TOKEN`` unless configured).
"""

from __future__ import annotations

from aiohttp import web

from mockserver import bigcommerce, magento, shopify
from mockserver.admin import create_role_app
from mockserver.store import Store

__all__ = ["DEFAULT_TOKEN", "create_app"]

DEFAULT_TOKEN = "shpat_lookupkit_dev_token"


def create_app(store: Store, *, token: str = DEFAULT_TOKEN) -> web.Application:
    """The OMS role: all three platforms plus ``/_mock``.

    Example:
        >>> app = create_app(Store(), token="secret")
    """
    app = create_role_app(store, "oms", client_max_size=1024**2)
    app.add_subapp(shopify.PREFIX, shopify.create_app(store, token=token))
    app.add_subapp(bigcommerce.PREFIX, bigcommerce.create_app(store, token=token))
    app.add_subapp(magento.PREFIX, magento.create_app(store, token=token))
    return app
