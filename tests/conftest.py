"""Shared fixtures and Hypothesis profiles for the kit's own tests."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

DATA = Path(__file__).parent / "data"

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def signing_vectors() -> list[dict[str, Any]]:
    vectors: list[dict[str, Any]] = json.loads((DATA / "signing-vectors.json").read_text())[
        "vectors"
    ]
    return vectors


@pytest.fixture(scope="session")
def lookupkit() -> str:
    """Path of the installed lookupkit console script (the one users run)."""
    script = Path(sys.executable).parent / "lookupkit"
    found = str(script) if script.exists() else shutil.which("lookupkit")
    assert found, "the lookupkit console script is not installed; run `make install`"
    return found
