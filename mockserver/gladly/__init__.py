"""Fake Gladly: signed lookups as Gladly sends them, an agent desktop, Sidekick and a debugger."""

from mockserver.gladly.api import STATE, create_app
from mockserver.gladly.client import GladlyConfig, State
from mockserver.gladly.decisions import Profile, autolink_decision, cards, wismo_view

__all__ = [
    "STATE",
    "GladlyConfig",
    "Profile",
    "State",
    "autolink_decision",
    "cards",
    "create_app",
    "wismo_view",
]
