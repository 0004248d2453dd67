"""The Gladly Lookup Adapter contract as code: spec files, request signing and the rule catalogue.

This package imports no other kit package; generators and mockserver build on it.
"""

from contracts.checks import LOOKUP_CHECKS, evaluate, results_are_stable
from contracts.errors import ContractViolation, SchemaViolation, SignatureError
from contracts.exchange import Exchange, infer_kind
from contracts.rules import CATALOGUE, PROFILES, RULES, Finding, Rule
from contracts.signing import QueryForm, gladly_headers, sign, sign_headers, verify
from contracts.spec import load_examples, load_schema, load_spec, validate

__all__ = [
    "CATALOGUE",
    "LOOKUP_CHECKS",
    "PROFILES",
    "RULES",
    "ContractViolation",
    "Exchange",
    "Finding",
    "QueryForm",
    "Rule",
    "SchemaViolation",
    "SignatureError",
    "evaluate",
    "gladly_headers",
    "infer_kind",
    "load_examples",
    "load_schema",
    "load_spec",
    "results_are_stable",
    "sign",
    "sign_headers",
    "validate",
    "verify",
]
