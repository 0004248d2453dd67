"""The install is locked and the lock matches pyproject.toml: every dependency is pinned, every pin
satisfies its range, and the venv the tests run in was installed from the lock."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / ".ci" / "constraints.txt"


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, pinned = line.partition("==")
            assert pinned, f"{line!r} in {LOCK.name} is not pinned with =="
            pins[canonicalize_name(name)] = Version(pinned)
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(r) for r in listed]


def test_every_dependency_is_pinned_within_its_range():
    pins = _pins()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {LOCK.name}: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{requirement.name}=={pins[name]} is outside {requirement.specifier}: run make lock"
        )


def test_the_test_environment_was_installed_from_the_lock():
    mismatched = []
    for name, pinned in _pins().items():
        try:
            installed = Version(version(name))
        except PackageNotFoundError:
            mismatched.append(f"{name} (not installed)")
            continue
        if installed != pinned:
            mismatched.append(f"{name} {installed} != {pinned}")
    assert mismatched == [], "the venv differs from the lock (make clean install): " + ", ".join(
        mismatched
    )


def test_the_license_is_an_spdx_expression():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]
    # hatchling reads SPDX strings, and its editable installs do not warn
    assert build["requires"] == ["hatchling>=1.27"]
