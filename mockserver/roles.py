"""The one place each role's application is assembled: the role's own app plus the harness.

Every role mounts the same harness (``/_mock``, the request journal, faults) over one shared
``Store``, so a test can arrange, break and inspect the whole kit through any role's port.
"""

from __future__ import annotations

from aiohttp import web

from mockserver import adapter, gladly, mutants, oms
from mockserver.harness import mount
from mockserver.oms import DEFAULT_TOKEN, Store

__all__ = ["adapter_app", "gladly_app", "oms_app"]


def oms_app(
    store: Store, *, token: str = DEFAULT_TOKEN, public_url: str | None = None
) -> web.Application:
    """The fake OMS role: Shopify, BigCommerce and Magento over ``store``."""
    return mount(oms.create_app(store, token=token, public_url=public_url), store, "oms")


def adapter_app(store: Store, config: adapter.AdapterConfig) -> web.Application:
    """The adapter role: the reference adapter behind the mutant switch."""
    app = mutants.create_app(store, config)
    store.on_reset.append(app[adapter.ADAPTER].clear)
    return mount(app, store, "adapter")


def gladly_app(store: Store, config: gladly.GladlyConfig) -> web.Application:
    """The fake Gladly role: its UI and JSON API."""
    app = gladly.create_app(config)
    store.on_reset.append(app[gladly.STATE].reset)
    return mount(app, store, "gladly")
