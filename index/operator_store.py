"""Operator and staff accounts, source registrations and the staff audit log.

Its own SQLite file beside the catalog (`operators.sqlite`): the public site opens the
catalog read-only, while the operator and staff pages write here. Access tokens are random
(256 bits) and stored only as their SHA-256 hash: a leaked database reveals no token, and
a random token needs no slow password hash. A registration is what an operator asked for
(a `Source` definition and the dry run it got); staff approve or reject it, and every
staff decision goes to the audit log in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from index.errors import CatalogError

__all__ = ["Account", "AuditEntry", "OperatorStore", "Registration", "RegistrationStatus",
           "Role", "hash_token"]

Role = Literal["operator", "staff"]
RegistrationStatus = Literal["pending", "approved", "rejected"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    role TEXT NOT NULL CHECK (role IN ('operator', 'staff')),
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operator_id INTEGER NOT NULL REFERENCES accounts(id),
    source_id TEXT NOT NULL UNIQUE,
    definition TEXT NOT NULL,       -- the schedule entry asked for, as JSON
    dry_run TEXT,                   -- the dry run's summary shown at registration, as JSON
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected')),
    reason TEXT,
    created_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by INTEGER REFERENCES accounts(id)
);
CREATE INDEX IF NOT EXISTS registrations_by_operator ON registrations (operator_id, id);
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES accounts(id),
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT
);
"""


def hash_token(token: str) -> str:
    """The stored form of an access token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    role: Role
    name: str
    organisation: str
    email: str


@dataclass(frozen=True, slots=True)
class Registration:
    """A source an operator asked the hub to crawl, and what became of the request."""

    id: int
    operator_id: int
    source_id: str
    definition: dict[str, Any]
    dry_run: dict[str, Any] | None
    status: RegistrationStatus
    reason: str | None
    created_at: datetime
    decided_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "source_id": self.source_id, "definition": self.definition,
                "dry_run": self.dry_run, "status": self.status, "reason": self.reason,
                "created_at": self.created_at.isoformat(),
                "decided_at": self.decided_at.isoformat() if self.decided_at else None}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    target: str
    detail: str | None


def _registration(row: sqlite3.Row) -> Registration:
    return Registration(
        id=row["id"], operator_id=row["operator_id"], source_id=row["source_id"],
        definition=json.loads(row["definition"]),
        dry_run=json.loads(row["dry_run"]) if row["dry_run"] else None,
        status=row["status"], reason=row["reason"],
        created_at=datetime.fromisoformat(row["created_at"]),
        decided_at=datetime.fromisoformat(row["decided_at"]) if row["decided_at"] else None)


class OperatorStore:
    """Accounts, registrations and the audit log in one SQLite file (thread-safe)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise CatalogError(f"cannot open the operator store {path}: {exc}") from exc
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- accounts ---------------------------------------------------------------------

    def create_account(self, role: Role, name: str, organisation: str,
                       email: str) -> tuple[Account, str]:
        """A new account and its access token (shown once; only its hash is kept)."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO accounts (role, name, organisation, email, token_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (role, name, organisation, email, hash_token(token), _now()))
        account = Account(int(cursor.lastrowid or 0), role, name, organisation, email)
        return account, token

    def authenticate(self, token: str | None) -> Account | None:
        """The account a token belongs to, or None (unknown, empty or malformed)."""
        if not token or len(token) > 200:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT id, role, name, organisation, email FROM accounts WHERE token_hash = ?",
                (hash_token(token),)).fetchone()
        return Account(row["id"], row["role"], row["name"], row["organisation"],
                       row["email"]) if row else None

    def accounts_named(self, name: str, role: Role) -> list[Account]:
        """Accounts of one role with this name, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT id, role, name, organisation, email FROM accounts "
                                    "WHERE name = ? AND role = ? ORDER BY id",
                                    (name, role)).fetchall()
        return [Account(r["id"], r["role"], r["name"], r["organisation"], r["email"])
                for r in rows]

    def account(self, account_id: int) -> Account | None:
        with self._lock:
            row = self._db.execute("SELECT id, role, name, organisation, email FROM accounts "
                                   "WHERE id = ?", (account_id,)).fetchone()
        return Account(row["id"], row["role"], row["name"], row["organisation"],
                       row["email"]) if row else None

    # --- registrations ----------------------------------------------------------------

    def add_registration(self, operator: Account, source_id: str, definition: dict[str, Any],
                         dry_run: dict[str, Any] | None) -> Registration:
        """Record a pending registration. Raises CatalogError when the source id is taken."""
        try:
            with self._lock:
                cursor = self._db.execute(
                    "INSERT INTO registrations (operator_id, source_id, definition, dry_run, "
                    "created_at) VALUES (?, ?, ?, ?, ?)",
                    (operator.id, source_id, json.dumps(definition, ensure_ascii=False),
                     json.dumps(dry_run, ensure_ascii=False) if dry_run is not None else None,
                     _now()))
        except sqlite3.IntegrityError as exc:
            raise CatalogError(f"a source with the id {source_id!r} is already "
                               "registered") from exc
        found = self.registration(int(cursor.lastrowid or 0))
        assert found is not None
        return found

    def registration(self, registration_id: int) -> Registration | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM registrations WHERE id = ?",
                                   (registration_id,)).fetchone()
        return _registration(row) if row else None

    def registration_for_source(self, source_id: str) -> Registration | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM registrations WHERE source_id = ?",
                                   (source_id,)).fetchone()
        return _registration(row) if row else None

    def registrations(self, *, operator_id: int | None = None,
                      status: RegistrationStatus | None = None) -> list[Registration]:
        """Registrations, newest first, optionally one operator's or in one state."""
        clauses: list[str] = []
        args: list[object] = []
        if operator_id is not None:
            clauses.append("operator_id = ?")
            args.append(operator_id)
        if status is not None:
            clauses.append("status = ?")
            args.append(status)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM registrations {where} ORDER BY id DESC",
                                    args).fetchall()
        return [_registration(row) for row in rows]

    def decide(self, registration_id: int, staff: Account, status: RegistrationStatus,
               reason: str | None) -> Registration:
        """Approve or reject a pending registration, with an audit entry in the same
        transaction. Raises CatalogError when it is unknown or already decided."""
        if staff.role != "staff":
            raise CatalogError("only staff decide registrations")
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT status, source_id FROM registrations "
                                       "WHERE id = ?", (registration_id,)).fetchone()
                if row is None:
                    raise CatalogError(f"no registration {registration_id}")
                if row["status"] != "pending":
                    raise CatalogError(f"registration {registration_id} is already "
                                       f"{row['status']}")
                now = _now()
                self._db.execute("UPDATE registrations SET status = ?, reason = ?, "
                                 "decided_at = ?, decided_by = ? WHERE id = ?",
                                 (status, reason, now, staff.id, registration_id))
                self._db.execute("INSERT INTO audit_log (at, actor_id, action, target, detail)"
                                 " VALUES (?, ?, ?, ?, ?)",
                                 (now, staff.id, status, row["source_id"], reason))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        found = self.registration(registration_id)
        assert found is not None
        return found

    def approvals_signature(self) -> tuple[int, str | None]:
        """Changes when a registration is approved (or an approval is undone): what the
        scheduler polls to take new sources in without a restart."""
        with self._lock:
            row = self._db.execute("SELECT count(*), max(decided_at) FROM registrations "
                                   "WHERE status = 'approved'").fetchone()
        return int(row[0]), row[1]

    def approved_definitions(self) -> list[dict[str, Any]]:
        """The schedule entries of every approved registration, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT definition FROM registrations "
                                    "WHERE status = 'approved' ORDER BY id").fetchall()
        return [json.loads(row["definition"]) for row in rows]

    # --- audit ------------------------------------------------------------------------

    def audit(self, actor: Account, action: str, target: str, detail: str | None = None) -> None:
        with self._lock:
            self._db.execute("INSERT INTO audit_log (at, actor_id, action, target, detail) "
                             "VALUES (?, ?, ?, ?, ?)", (_now(), actor.id, action, target, detail))

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        """Staff actions, newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT a.at, c.name, a.action, a.target, a.detail FROM audit_log a "
                "JOIN accounts c ON c.id = a.actor_id ORDER BY a.id DESC LIMIT ?",
                (limit,)).fetchall()
        return [AuditEntry(datetime.fromisoformat(r["at"]), r["name"], r["action"],
                           r["target"], r["detail"]) for r in rows]
