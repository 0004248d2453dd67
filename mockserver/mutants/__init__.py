"""Mutant modes of the reference adapter: each breaks exactly one rule of the catalogue.

They prove that the checks catch what they claim to: ``lookupkit serve adapter --mutant NAME``
(or ``POST /_mock/settings {"mutant": NAME}``) and the contract suite must name the rule.
They wrap the adapter through its public API only (``switch.py``).
"""

from mockserver.mutants.catalogue import MUTANTS, Mutant
from mockserver.mutants.switch import check_mutant, create_app

__all__ = ["MUTANTS", "Mutant", "check_mutant", "create_app"]
