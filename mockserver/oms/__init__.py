"""The fake OMS: Shopify, BigCommerce and Magento subsets over one SQLite store."""

from mockserver.oms.app import DEFAULT_TOKEN, create_app
from mockserver.oms.store import STORE, OrderQuery, Store

__all__ = ["DEFAULT_TOKEN", "STORE", "OrderQuery", "Store", "create_app"]
