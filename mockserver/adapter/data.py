"""The reference adapter over a file instead of an OMS: the profiles ``lookupkit generate
--view gladly`` writes (JSON or NDJSON), served as they are, so every transaction type (ORDER,
FLIGHT, STAY, SUBSCRIPTION, GENERIC) can be seen in the fake Gladly without writing an adapter.

Lookups match as an OMS search would: emails trimmed and case-insensitive, phones on their last
ten digits, names on every word, ids exactly. Nothing is written back.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from mockserver.adapter.oms_client import OmsClient

__all__ = ["DataBackend", "DataError", "load_profiles"]

MAX_BYTES = 512 * 1024 * 1024


class DataError(ValueError):
    """The file is not what ``lookupkit generate --view gladly`` writes; says where."""


def _profile(record: Any, where: str) -> dict[str, Any]:
    profile = record.get("gladly") if isinstance(record, dict) else None
    if not isinstance(profile, dict):
        raise DataError(f"{where}: a customer must be an object with a 'gladly' profile")
    if not isinstance(profile.get("externalCustomerId"), str) or not profile["externalCustomerId"]:
        raise DataError(f"{where}: the profile has no externalCustomerId")
    if not isinstance(profile.get("transactions", []), list):
        raise DataError(f"{where}: transactions must be a list")
    return profile


def load_profiles(path: str | Path) -> list[dict[str, Any]]:
    """The Gladly profiles of a ``generate --view gladly|both`` file (``--format json`` or
    ``ndjson``). Raises DataError naming the line or the customer that is wrong."""
    file = Path(path)
    try:
        if file.stat().st_size > MAX_BYTES:
            raise DataError(f"{file}: larger than {MAX_BYTES // 2**20} MiB")
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read {file}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise DataError(f"{file}: not UTF-8 text") from None
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("customers"), list):
        records = [(r, f"{file}: customers[{i}]") for i, r in enumerate(document["customers"])]
    else:  # NDJSON: one customer per line
        records = []
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    records.append((json.loads(line), f"{file}:{n}"))
                except ValueError:
                    raise DataError(
                        f"{file}:{n}: not JSON (expected generate's json or ndjson)"
                    ) from None
    profiles = [_profile(record, where) for record, where in records if not _is_meta(record)]
    seen: set[str] = set()
    for profile in profiles:
        if profile["externalCustomerId"] in seen:
            raise DataError(f"{file}: externalCustomerId {profile['externalCustomerId']} twice")
        seen.add(profile["externalCustomerId"])
    return profiles


def _is_meta(record: Any) -> bool:
    return isinstance(record, dict) and set(record) == {"meta"}


def _digits(text: Any) -> str:
    return re.sub(r"\D", "", str(text))[-10:]


def _basic(profile: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in profile.items() if k != "transactions"}


class DataBackend:
    """Lookups answered from profiles in memory."""

    platform = "data"

    def __init__(self, profiles: list[dict[str, Any]]) -> None:
        self.profiles = {p["externalCustomerId"]: p for p in profiles}
        self.client = OmsClient("http://127.0.0.1", {})  # no OMS: its session is never used

    def clear(self) -> None:
        """Nothing is remembered beyond the file."""

    def _matches(self, profile: dict[str, Any], attr: str, value: str) -> bool:
        if attr == "externalCustomerId":
            return bool(profile["externalCustomerId"] == value)
        if attr == "email":
            emails = (
                str(e.get("original", ""))
                for e in profile.get("emails") or []
                if isinstance(e, dict)
            )
            return value.strip().lower() in (e.strip().lower() for e in emails)
        if attr == "phone":
            phones = (
                p.get("original", "") for p in profile.get("phones") or [] if isinstance(p, dict)
            )
            wanted = _digits(value)
            return len(wanted) >= 7 and wanted in (_digits(p) for p in phones)
        if attr == "name":
            name = str(profile.get("name") or "").lower()
            return bool(value.split()) and all(w in name for w in value.lower().split())
        return False

    async def find(self, attr: str, value: str, deadline: float) -> list[dict[str, Any]]:
        return [_basic(p) for p in self.profiles.values() if self._matches(p, attr, value)][:50]

    async def detailed(self, customer_id: str, deadline: float) -> dict[str, Any] | None:
        found = self.profiles.get(customer_id)
        return copy.deepcopy(found) if found is not None else None
