"""The staff pages' view-models (besides health and coverage): sign-in, quarantined runs,
pending registrations and the audit log. Each page renders one and its JSON twin returns
the same one's to_json()."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hub_site.dates import format_datetime
from index.catalog_staff import QuarantinedRun
from index.operator_store import Account, AuditEntry, Registration

__all__ = ["AuditView", "QuarantineView", "RegistrationsView", "StaffLogin", "StaffPage"]


@dataclass(frozen=True, slots=True)
class StaffPage:
    """What every signed-in staff page shares: who, the form token, the section shown
    (for the navigation) and a message after an action."""

    account: Account
    csrf_token: str
    section: str
    notice: str | None = None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class StaffLogin:
    csrf_token: str
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"signed_in": False}


@dataclass(frozen=True, slots=True)
class QuarantineView:
    staff: StaffPage
    runs: list[QuarantinedRun]
    source_names: dict[str, str] = field(default_factory=dict)

    def name_of(self, source_id: str) -> str:
        return self.source_names.get(source_id, source_id)

    @staticmethod
    def shown(run: QuarantinedRun) -> str:
        return format_datetime(run.run.finished_at) or "—"

    def to_json(self) -> dict[str, Any]:
        return {"runs": [run.to_json() for run in self.runs]}


@dataclass(frozen=True, slots=True)
class RegistrationsView:
    staff: StaffPage
    pending: list[Registration]
    operators: dict[int, Account]

    def operator_name(self, registration: Registration) -> str:
        account = self.operators.get(registration.operator_id)
        return f"{account.name} ({account.organisation})" if account else "—"

    @staticmethod
    def summary(registration: Registration) -> dict[str, Any]:
        """The dry run's key figures (what the operator saw when registering)."""
        dry = registration.dry_run or {}
        return {"kind": dry.get("kind"), "total": dry.get("total"),
                "invalid": dry.get("invalid"), "quality": dry.get("quality_average"),
                "verdicts": [v for v in dry.get("verdicts", []) if isinstance(v, dict)],
                "fixes": [str(f) for f in dry.get("fixes", [])],
                "url": str(registration.definition.get("url", ""))}

    @staticmethod
    def shown(registration: Registration) -> str:
        return format_datetime(registration.created_at) or "—"

    def to_json(self) -> dict[str, Any]:
        return {"pending": [{**r.to_json(), "operator": self.operator_name(r)}
                            for r in self.pending]}


@dataclass(frozen=True, slots=True)
class AuditView:
    staff: StaffPage
    entries: list[AuditEntry]

    @staticmethod
    def shown(entry: AuditEntry) -> str:
        return format_datetime(entry.at) or "—"

    def to_json(self) -> dict[str, Any]:
        return {"entries": [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                             "target": e.target, "detail": e.detail} for e in self.entries]}
