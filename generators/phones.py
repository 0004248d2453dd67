"""Mobile numbers in E.164 that are valid for their country, made from known-valid ranges."""

from __future__ import annotations

from generators.chooser import Chooser

__all__ = ["MOBILE_RANGES", "mobile_number"]


# region -> (prefixes including the country code, total digits after '+'). Each range lies in the
# country's mobile (or fixed-or-mobile) numbering plan.
MOBILE_RANGES: dict[str, tuple[tuple[str, ...], int]] = {
    "US": (
        (
            "1201",
            "1212",
            "1213",
            "1305",
            "1312",
            "1415",
            "1512",
            "1617",
            "1646",
            "1702",
            "1718",
            "1773",
            "1917",
            "1206",
            "1404",
        ),
        11,
    ),
    "CA": (("1416", "1604", "1514", "1403", "1613", "1647", "1778"), 11),
    "GB": (("44740", "44790", "44792"), 12),
    "DE": (("4917",), 12),
    "FR": (("3361",), 11),
    "ES": (("346",), 11),
    "MX": (("5255",), 12),
    "BR": (("55119",), 13),
    "JP": (tuple(f"8190{d}" for d in range(1, 10)), 12),
    "CN": (("8613",), 13),
    "KR": (("82102", "82103", "82104", "82106", "82108", "82109"), 12),
    "SA": (("96650", "96653", "96654", "96655", "96656", "96658", "96659"), 12),
    "IN": (("9198",), 12),
    "AU": (("6140", "6141"), 11),
}


def mobile_number(rng: Chooser, region: str) -> str:
    """A valid mobile number of ``region`` in E.164, e.g. ``+14155550123``."""
    prefixes, length = MOBILE_RANGES[region]
    prefix = rng.choice(prefixes)
    rest = length - len(prefix)
    if region in ("US", "CA"):  # the exchange code may not start with 0 or 1
        return f"+{prefix}{rng.randint(2, 9)}{str(rng.randint(0, 10 ** (rest - 1) - 1)).zfill(rest - 1)}"
    return f"+{prefix}{str(rng.randint(0, 10**rest - 1)).zfill(rest)}"
