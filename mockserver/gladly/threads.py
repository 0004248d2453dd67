"""Self-Service Threads' "Where is my order?" conversations, kept in the fake Gladly's own SQLite.

A conversation starts at the *Order Status* Quick Reply, takes an email, sends a six-digit code
to the dev outbox, takes the code (it expires; three wrong tries lock it until a new code is
asked for), shows the latest order, and ends with *That's all* or *Talk to an agent*. Only an
end without an agent after the order was shown is a charged resolution, as Gladly bills it.
"""

from __future__ import annotations

import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mockserver.harness import ApiError

__all__ = ["MAX_ATTEMPTS", "MAX_CODES", "Conversation", "Threads", "day_range", "masked"]

MAX_ATTEMPTS = 3  # wrong codes before the code is locked
MAX_CODES = 5  # codes one conversation may ask for
MAX_OUTBOX = 200  # messages the outbox keeps

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, started_at TEXT NOT NULL, day TEXT NOT NULL, quick_reply TEXT NOT NULL,
  email TEXT, code TEXT, code_expires REAL, attempts INTEGER NOT NULL DEFAULT 0,
  codes_sent INTEGER NOT NULL DEFAULT 0, verified_at TEXT, order_shown TEXT,
  outcome TEXT, ended_at TEXT);
CREATE INDEX IF NOT EXISTS conversations_day ON conversations(day);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, conversation TEXT NOT NULL,
  recipient TEXT NOT NULL, subject TEXT NOT NULL, code TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Conversation:
    id: str
    started_at: str
    quick_reply: str
    email: str | None
    attempts: int
    codes_sent: int
    code_expires: float | None
    verified_at: str | None
    order_shown: str | None
    outcome: str | None
    ended_at: str | None

    @property
    def step(self) -> str:
        """Where the conversation is: email, code, verified or ended."""
        if self.outcome:
            return "ended"
        if self.verified_at:
            return "verified"
        return "code" if self.email else "email"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "startedAt": self.started_at,
            "quickReply": self.quick_reply,
            "step": self.step,
            "email": self.email,
            "attemptsLeft": max(0, MAX_ATTEMPTS - self.attempts) if self.email else None,
            "codeExpiresAt": _iso(self.code_expires) if self.code_expires else None,
            "verified": self.verified_at is not None,
            "orderShown": self.order_shown,
            "outcome": self.outcome,
            "charged": self.outcome == "resolved",
        }


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def masked(email: str) -> str:
    """``a•••@example.com``: what the bot says it sent the code to."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


class Threads:
    """The conversations and the outbox, in one SQLite file (``:memory:`` keeps nothing)."""

    def __init__(self, path: str = ":memory:", *, code_ttl: float = 600.0) -> None:
        self.path, self.code_ttl = path, code_ttl
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        if path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def clear(self) -> None:
        self.db.executescript("DELETE FROM conversations; DELETE FROM outbox;")

    def get(self, conversation_id: str) -> Conversation:
        row = self.db.execute(
            "SELECT id, started_at, quick_reply, email, attempts, codes_sent, code_expires, "
            "verified_at, order_shown, outcome, ended_at FROM conversations WHERE id = ?",
            (conversation_id,),
        ).fetchone()
        if row is None:
            raise ApiError(404, f"No conversation with id {conversation_id[:40]!r}.", "id")
        return Conversation(**dict(row))

    def start(self, quick_reply: str, now: datetime | None = None) -> Conversation:
        now = now or datetime.now(UTC)
        conversation_id = secrets.token_hex(8)
        self.db.execute(
            "INSERT INTO conversations (id, started_at, day, quick_reply) VALUES (?, ?, ?, ?)",
            (
                conversation_id,
                now.isoformat(timespec="seconds"),
                now.date().isoformat(),
                quick_reply,
            ),
        )
        return self.get(conversation_id)

    def _open(self, conversation_id: str) -> Conversation:
        conversation = self.get(conversation_id)
        if conversation.outcome:
            raise ApiError(409, f"This conversation has ended ({conversation.outcome}).", "id")
        return conversation

    def send_code(self, conversation_id: str, email: str) -> Conversation:
        """A new six-digit code for ``email``, "sent" to the outbox; earlier codes stop working."""
        conversation = self._open(conversation_id)
        if conversation.verified_at:
            raise ApiError(409, "This conversation is verified already.", "id")
        if conversation.codes_sent >= MAX_CODES:
            raise ApiError(
                429, f"{MAX_CODES} codes were sent in this conversation; start a new one.", "email"
            )
        code = f"{secrets.randbelow(10**6):06d}"
        now = datetime.now(UTC)
        self.db.execute(
            "UPDATE conversations SET email = ?, code = ?, code_expires = ?, attempts = 0, "
            "codes_sent = codes_sent + 1 WHERE id = ?",
            (email, code, now.timestamp() + self.code_ttl, conversation_id),
        )
        self.db.execute(
            "INSERT INTO outbox (at, conversation, recipient, subject, code) VALUES (?, ?, ?, ?, ?)",
            (now.isoformat(timespec="seconds"), conversation_id, email, "Your code", code),
        )
        self.db.execute(
            "DELETE FROM outbox WHERE id <= (SELECT MAX(id) FROM outbox) - ?", (MAX_OUTBOX,)
        )
        return self.get(conversation_id)

    def check_code(self, conversation_id: str, code: str) -> Conversation:
        """Verify ``code``, or an ApiError that says what went wrong and what to do next."""
        conversation = self._open(conversation_id)
        if conversation.verified_at:
            raise ApiError(409, "This conversation is verified already.", "code")
        row = self.db.execute(
            "SELECT code, code_expires, attempts FROM conversations WHERE id = ?",
            (conversation_id,),
        ).fetchone()
        if not row["code"]:
            raise ApiError(409, "No code was sent yet: give an email first.", "email")
        if row["attempts"] >= MAX_ATTEMPTS:
            raise ApiError(
                429,
                f"{MAX_ATTEMPTS} wrong codes: ask for a new code (give the email again).",
                "code",
            )
        if datetime.now(UTC).timestamp() > row["code_expires"]:
            minutes = self.code_ttl / 60
            raise ApiError(
                410,
                f"That code expired (codes last {minutes:g} minutes): ask for a new one.",
                "code",
            )
        if not hmac.compare_digest(code.strip().encode(), row["code"].encode()):
            attempts = row["attempts"] + 1
            self.db.execute(
                "UPDATE conversations SET attempts = ? WHERE id = ?", (attempts, conversation_id)
            )
            left = MAX_ATTEMPTS - attempts
            hint = (
                f"{left} {'try' if left == 1 else 'tries'} left" if left else "ask for a new code"
            )
            raise ApiError(422, f"That code is not right: {hint}.", "code", attemptsLeft=left)
        self.db.execute(
            "UPDATE conversations SET verified_at = ?, code = NULL WHERE id = ?",
            (datetime.now(UTC).isoformat(timespec="seconds"), conversation_id),
        )
        return self.get(conversation_id)

    def shown(self, conversation_id: str, order_number: str) -> None:
        self.db.execute(
            "UPDATE conversations SET order_shown = ? WHERE id = ?", (order_number, conversation_id)
        )

    def end(self, conversation_id: str, choice: str) -> Conversation:
        """*That's all* (``done``) or *Talk to an agent* (``agent``). A resolution is charged
        only when the order was shown and no agent was asked for."""
        conversation = self._open(conversation_id)
        if choice == "agent":
            outcome = "agent"
        else:
            outcome = "resolved" if conversation.order_shown else "ended"
        self.db.execute(
            "UPDATE conversations SET outcome = ?, ended_at = ? WHERE id = ?",
            (outcome, datetime.now(UTC).isoformat(timespec="seconds"), conversation_id),
        )
        return self.get(conversation_id)

    def outbox(self, recipient: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        sql = "SELECT id, at, conversation, recipient, subject, code FROM outbox"
        args: tuple[Any, ...] = ()
        if recipient:
            sql, args = sql + " WHERE recipient = ? COLLATE NOCASE", (recipient,)
        rows = self.db.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
        return [
            {
                "id": r["id"],
                "at": r["at"],
                "conversation": r["conversation"],
                "to": r["recipient"],
                "subject": r["subject"],
                "text": f"Your Sidekick verification code is {r['code']}.",
                "code": r["code"],
            }
            for r in rows
        ]

    def days(self, first: str, last: str) -> list[dict[str, Any]]:
        """Per UTC day from ``first`` to ``last`` (YYYY-MM-DD, inclusive): the report's counts."""
        rows = self.db.execute(
            "SELECT day, COUNT(*) AS started, COUNT(verified_at) AS verified, "
            "COUNT(order_shown) AS shown, SUM(outcome = 'resolved') AS resolved, "
            "SUM(outcome = 'agent') AS agent FROM conversations WHERE day BETWEEN ? AND ? "
            "GROUP BY day ORDER BY day",
            (first, last),
        ).fetchall()
        return [dict(r) for r in rows]


def day_range(first: date, last: date) -> list[str]:
    """Every day from ``first`` to ``last``, as YYYY-MM-DD."""
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
