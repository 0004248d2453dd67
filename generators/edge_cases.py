"""Hostile but legal values, as data. Strategies and the edge mode mix them in."""

from __future__ import annotations

__all__ = [
    "BOUNDARY_TIMESTAMPS",
    "EDGE_EMAIL_LOCALS",
    "EDGE_OFFSETS",
    "EDGE_TEXT",
    "LONG_NAMES",
    "UNICODE_NAMES",
]

UNICODE_NAMES = (
    "Zoë Ångström-Ñúñez",
    "Siobhán O'Connor",
    "محمد عبد الله",  # Arabic, right to left
    "דוד כהן",  # Hebrew, right to left
    "王小明",
    "山田 太郎",
    "김민준",
    "Nguyễn Thị Minh Khai",
    "Łukasz Żółć",
    "Ærøskøbing Þórsdóttir",
    "Ana\u200bMaría",  # zero-width space
    "Jo\u0301se\u0301 Marti\u0301nez",  # combining accents
    "Renée 🌸 Dubois",
    "👩🏽‍💻 Dev Persona",
    "X Æ A-12",
    "Mary-Kate Olsen-Smith",
    "Ngāi Tahu",
)
LONG_NAMES = (
    "Wolfeschlegelsteinhausenbergerdorff " * 4 + "Sr.",
    "A" * 255,
    " ".join(["Maria"] * 40),
)
EDGE_TEXT = (
    "",
    " ",
    "\u202eRTL override\u202c",
    "<script>alert(1)</script>",
    "'; DROP TABLE orders; --",
    "line one\nline two",
    "tab\tseparated",
    "emoji 📦🚚✅",
    "\u00a0non-breaking\u00a0space",
    'quote " and backslash \\',
    "null \\u0000 text",
    "x" * 2000,
)
EDGE_EMAIL_LOCALS = (
    "a",
    "first.last+orders",
    "UPPER.Case",
    "o'neil",
    "x" * 64,
    "user_name-1",
    "élodie",
)
# Offsets at the edges of what exists, and odd ones.
EDGE_OFFSETS = ("+14:00", "-12:00", "+05:45", "+09:30", "-03:30", "+00:00")
# (iso timestamp) values at calendar and epoch boundaries
BOUNDARY_TIMESTAMPS = (
    "1970-01-01T00:00:00Z",
    "1999-12-31T23:59:59-12:00",
    "2000-02-29T12:00:00+14:00",
    "2024-02-29T23:59:59+05:45",
    "2038-01-19T03:14:07Z",
    "2099-12-31T23:59:59Z",
)
