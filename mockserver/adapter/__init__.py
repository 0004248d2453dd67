"""The reference Lookup Adapter: Gladly in front, a Shopify Admin API behind.

It is the example to copy: it imports only ``contracts.signing``, aiohttp and the standard library.
"""

from mockserver.adapter.app import ADAPTER, create_app, parse_lookup
from mockserver.adapter.auth import authentication, problem
from mockserver.adapter.config import AdapterConfig
from mockserver.adapter.service import LookupService, Problem
from mockserver.adapter.shopify_client import OmsError, Shopify

__all__ = [
    "ADAPTER",
    "AdapterConfig",
    "LookupService",
    "OmsError",
    "Problem",
    "Shopify",
    "authentication",
    "create_app",
    "parse_lookup",
    "problem",
]
