"""Exceptions of the contracts package: one base, ContractViolation, and a signing error."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from contracts.rules import Finding


class ContractViolation(AssertionError):
    """An adapter's traffic, or a document, breaks the Lookup Adapter contract.

    A subclass of AssertionError, so pytest and Schemathesis both report it as a failed check.

    Attributes:
        findings: the rule findings behind it (empty for a plain schema mismatch).
    """

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        self.findings = tuple(findings)
        super().__init__(message)

    @classmethod
    def from_findings(cls, findings: Sequence[Finding]) -> ContractViolation:
        """Build one exception whose message lists every finding with its rule id."""
        return cls("\n\n".join(f"[{f.rule}] {f.message}" for f in findings), findings)


class SchemaViolation(ContractViolation):
    """An instance does not validate against one of the spec's JSON Schemas.

    Attributes:
        schema: the schema's short name ("order", "lookup-response", ...).
        path: JSON path of the first error, e.g. "results[0].externalCustomerId".
        errors: every error as (path, message) pairs.
    """

    def __init__(self, schema: str, errors: Sequence[tuple[str, str]]) -> None:
        self.schema = schema
        self.errors = tuple(errors)
        self.path = errors[0][0] if errors else ""
        lines = [f"Does not match the {schema!r} schema", ""]
        lines += [f"At: {path or '(root)'}: {message}" for path, message in self.errors]
        super().__init__("\n".join(lines))


class SignatureError(ValueError):
    """A request's Gladly-Authorization signature does not verify.

    The message names what is wrong; it never contains the signing key.

    Attributes:
        reason: a stable code: "missing", "malformed", "algorithm", "unsigned-time", "duplicate",
            "missing-header", "time", "stale", "mismatch".
    """

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)
