"""The fake OMS: Shopify, BigCommerce and Magento over one store, on one port.

Each platform lives under its own prefix (``/admin/api``, ``/stores/{hash}``, ``/rest``) and
accepts the same access token (``DEFAULT_TOKEN`` unless configured).
"""

from __future__ import annotations

from aiohttp import web

from mockserver.oms import bigcommerce, magento, shopify
from mockserver.oms.store import Store

__all__ = ["DEFAULT_TOKEN", "MAX_BODY", "create_app"]

DEFAULT_TOKEN = "shpat_lookupkit_dev_token"
MAX_BODY = 1024**2


def create_app(store: Store, *, token: str = DEFAULT_TOKEN) -> web.Application:
    """All three platforms over ``store`` (``mockserver.roles.oms_app`` adds the harness).

    Example:
        >>> app = create_app(Store(), token="secret")
    """
    app = web.Application(client_max_size=MAX_BODY)
    app.add_subapp(shopify.PREFIX, shopify.create_app(store, token=token))
    app.add_subapp(bigcommerce.PREFIX, bigcommerce.create_app(store, token=token))
    app.add_subapp(magento.PREFIX, magento.create_app(store, token=token))
    return app
