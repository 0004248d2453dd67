"""The fake OMS: Shopify, BigCommerce and Magento over one store, on one port.

Each platform lives under its own prefix (``/admin/api``, ``/stores/{hash}``, ``/rest``) and
accepts the same access token (``DEFAULT_TOKEN`` unless configured).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from mockserver.oms import bigcommerce, magento, shopify
from mockserver.oms.store import Store

__all__ = ["DEFAULT_TOKEN", "MAX_BODY", "create_app"]

DEFAULT_TOKEN = "shpat_lookupkit_dev_token"
MAX_BODY = 1024**2


def public_origin(public_url: str | None) -> Middleware:
    """Every URL the fake builds (Link headers, resource URLs) names the host clients reach:
    ``public_url`` when given, else a proxy's ``X-Forwarded-Proto`` and ``X-Forwarded-Host``."""
    fixed = urlsplit(public_url) if public_url else None

    @web.middleware
    async def origin(request: web.Request, handler: Handler) -> web.StreamResponse:
        if fixed is not None:
            return await handler(request.clone(scheme=fixed.scheme, host=fixed.netloc))
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        host = request.headers.get("X-Forwarded-Host", "").split(",")[0].strip()
        if proto in ("http", "https") or host:
            return await handler(
                request.clone(scheme=proto or request.scheme, host=host or request.host)
            )
        return await handler(request)

    return origin


def create_app(
    store: Store, *, token: str = DEFAULT_TOKEN, public_url: str | None = None
) -> web.Application:
    """All three platforms over ``store`` (``mockserver.roles.oms_app`` adds the harness).

    Example:
        >>> app = create_app(Store(), token="secret")
    """
    app = web.Application(client_max_size=MAX_BODY, middlewares=[public_origin(public_url)])
    app.add_subapp(shopify.PREFIX, shopify.create_app(store, token=token))
    app.add_subapp(bigcommerce.PREFIX, bigcommerce.create_app(store, token=token))
    app.add_subapp(magento.PREFIX, magento.create_app(store, token=token))
    return app
