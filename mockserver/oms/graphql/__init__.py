"""The fake Shopify GraphQL Admin API (a subset, over the same store as REST)."""
