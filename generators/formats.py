"""Strategies for the spec's format names, for Schemathesis' ``openapi.format`` registry."""

from __future__ import annotations

from hypothesis import strategies as st

from generators.phones import MOBILE_RANGES
from generators.providers import EMAIL_DOMAINS

__all__ = ["FORMATS"]


def _e164() -> st.SearchStrategy[str]:
    def build(region: str, digits: int) -> str:
        prefixes, length = MOBILE_RANGES[region]
        rest = length - len(prefixes[0])
        return f"+{prefixes[0]}{str(digits % 10**rest).zfill(rest)}"

    return st.builds(build, st.sampled_from(sorted(MOBILE_RANGES)), st.integers(0, 10**10))


FORMATS: dict[str, st.SearchStrategy[str]] = {
    "email": st.builds(
        "{}@{}".format,
        st.from_regex(r"\A[a-z][a-z0-9.]{0,15}[a-z0-9]\Z"),
        st.sampled_from(EMAIL_DOMAINS),
    ),
    "e164": _e164(),
    "iso-8601": st.datetimes().map(lambda d: d.isoformat(timespec="seconds")),
    "uri-reference": st.from_regex(r"\Ahttps://[a-z]{3,10}\.example\.com/[a-z0-9/]{0,20}\Z"),
}
