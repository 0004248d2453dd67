"""Option defaults from a file: ``lookupkit.toml`` (``[verify]``) or ``pyproject.toml``
(``[tool.lookupkit.verify]``) in the current folder. The command line beats the environment
(``LOOKUPKIT_*``), which beats the file. Secrets never come from a file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["SECRET_OPTIONS", "SettingsError", "load_defaults"]

SECRET_OPTIONS = frozenset({"signing_key", "basic_auth"})


class SettingsError(ValueError):
    """A settings file that cannot be used; the message names the file and the key."""


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path.name} cannot be read: {exc}") from None


def _tables(folder: Path) -> tuple[str, dict[str, Any]]:
    own = folder / "lookupkit.toml"
    if own.is_file():
        return own.name, _read(own)
    project = folder / "pyproject.toml"
    if project.is_file():
        tool = _read(project).get("tool", {})
        found = tool.get("lookupkit", {}) if isinstance(tool, dict) else {}
        return "pyproject.toml [tool.lookupkit]", found if isinstance(found, dict) else {}
    return "", {}


def load_defaults(
    folder: Path, commands: Mapping[str, set[str]]
) -> tuple[str, dict[str, dict[str, Any]]]:
    """(where they came from, {command: {option: value}}) for the commands named in ``commands``
    (each with the option names it has); unknown tables or keys are errors, not ignored."""
    where, tables = _tables(folder)
    defaults: dict[str, dict[str, Any]] = {}
    for command, values in tables.items():
        if command not in commands or not isinstance(values, dict):
            known = ", ".join(f"[{c}]" for c in sorted(commands))
            raise SettingsError(f"{where}: [{command}] is not a command with options ({known})")
        options: dict[str, Any] = {}
        for key, value in values.items():
            name = key.replace("-", "_")
            if name in SECRET_OPTIONS:
                raise SettingsError(
                    f"{where}: [{command}] {key} is a secret; pass it in the environment "
                    "(GLADLY_SIGNING_KEY) or on the command line, never in a file"
                )
            if name not in commands[command]:
                raise SettingsError(f"{where}: [{command}] has no option {key!r}")
            options[name] = value
        defaults[command] = options
    return where, defaults
