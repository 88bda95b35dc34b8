"""View-models of the operator pages: sign-up and login, the registration form with its
dry run, the operator's sources and the bulk result table. Each has `to_json()` for its
twin under /api/v1/operators (tokens and form secrets are never in the JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from hub_site.cards import CardContext, ListingCard, listing_card
from hub_site.i18n import Translator
from hub_site.operator_forms import SourceFormValues
from hub_site.operator_services import DryRunResult
from hub_site.places import DistrictChoice, seoul_districts
from index.operator_store import Account, Registration
from normalizer.schema import SourceKind

__all__ = ["BulkRow", "BulkView", "DryRunView", "KindChoice", "OperatorHome", "RegistrationRow",
           "SourceFormView", "account_json", "dry_run_view", "registration_row",
           "source_form_view"]

_KINDS: tuple[SourceKind, ...] = ("csv", "xlsx", "rss", "json_feed", "listing_jsonl",
                                  "json_api", "xml_api", "gongyunuri", "seoul_openapi",
                                  "html", "schema_org")
_PROVIDER_TYPES = ("public", "company", "nonprofit", "community", "unknown")


def account_json(account: Account) -> dict[str, Any]:
    return {"id": account.id, "role": account.role, "name": account.name,
            "organisation": account.organisation, "email": account.email}


@dataclass(frozen=True, slots=True)
class RegistrationRow:
    id: int
    source_id: str
    name: str
    url: str
    status: str
    status_label: str
    reason: str | None
    created_at: str
    page_url: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "source_id": self.source_id, "name": self.name,
                "url": self.url, "status": self.status, "reason": self.reason,
                "created_at": self.created_at, "url_page": self.page_url}


def registration_row(registration: Registration, t: Translator, page_url: str) -> RegistrationRow:
    definition = registration.definition
    return RegistrationRow(
        registration.id, registration.source_id, str(definition.get("name", "")),
        str(definition.get("url", "")), registration.status,
        t(f"op_status_{registration.status}"), registration.reason,
        registration.created_at.strftime("%Y-%m-%d %H:%M"), page_url)


@dataclass(frozen=True, slots=True)
class OperatorHome:
    """/operators: sign-up and login when signed out; the operator's sources when in."""

    account: Account | None
    csrf: str
    registrations: list[RegistrationRow] = field(default_factory=list)
    new_token: str | None = None  # shown once, right after sign-up
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"account": account_json(self.account) if self.account else None,
                "registrations": [r.to_json() for r in self.registrations]}


@dataclass(frozen=True, slots=True)
class KindChoice:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class DryRunView:
    """A dry run as the operator reads it: verdicts, citizens' cards, quality, fixes."""

    result: DryRunResult
    cards: list[ListingCard]
    verdict_labels: dict[str, str]
    is_upload: bool

    def to_json(self) -> dict[str, Any]:
        data = self.result.to_json()
        data["is_upload"] = self.is_upload
        data["cards"] = [card.to_json() for card in self.cards]
        if self.is_upload:
            data["target"] = "upload"  # the server's file path is nobody's business
        return data


def dry_run_view(result: DryRunResult, ctx: CardContext, *, is_upload: bool,
                 source_name: str | None = None) -> DryRunView:
    """The dry run with its listings as cards; they name the source as the operator
    called it (the preview's own id means nothing to anyone)."""
    if source_name:
        names = {**ctx.source_names, **{li.source_id: source_name for li in result.listings}}
        ctx = replace(ctx, source_names=names)
    labels = {check: ctx.t(f"op_check_{check}") for check in ("address", "robots", "size",
                                                                "parse")}
    return DryRunView(result, [listing_card(li, ctx) for li in result.listings], labels,
                      is_upload)


@dataclass(frozen=True, slots=True)
class SourceFormView:
    """The registration form (filled in again after a preview) and the dry run, if any."""

    account: Account
    csrf: str
    values: SourceFormValues
    kinds: list[KindChoice]
    provider_types: list[KindChoice]
    districts: list[DistrictChoice]
    dry_run: DryRunView | None = None
    problem: str | None = None
    max_upload_mb: int = 15

    @property
    def can_submit(self) -> bool:
        """Submit for review needs a passing dry run of a URL (an upload is a preview)."""
        return (self.dry_run is not None and self.dry_run.result.ok
                and not self.dry_run.is_upload)

    def to_json(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run.to_json() if self.dry_run else None,
                "problem": self.problem, "can_submit": self.can_submit}


def source_form_view(account: Account, csrf: str, values: SourceFormValues, t: Translator, *,
                     dry: DryRunView | None = None, problem: str | None = None,
                     max_upload_bytes: int = 15 * 1024 * 1024) -> SourceFormView:
    kinds = [KindChoice("", t("op_kind_detect"), not values.kind)]
    kinds += [KindChoice(k, k, values.kind == k) for k in _KINDS]
    providers = [KindChoice(p, t(f"provider_{p}"), values.provider_type == p)
                 for p in _PROVIDER_TYPES]
    return SourceFormView(account, csrf, values, kinds, providers,
                          seoul_districts(t.lang, values.district_codes), dry, problem,
                          max(1, max_upload_bytes // (1024 * 1024)))


@dataclass(frozen=True, slots=True)
class BulkRow:
    row: int
    name: str
    url: str
    registered: bool
    registration_id: int | None
    message: str
    verdicts: list[tuple[str, bool, str]]  # (check, ok, message)

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "name": self.name, "url": self.url,
                "registered": self.registered, "registration_id": self.registration_id,
                "message": self.message,
                "verdicts": [{"check": c, "ok": ok, "message": m} for c, ok, m in self.verdicts]}


@dataclass(frozen=True, slots=True)
class BulkView:
    account: Account
    csrf: str
    rows: list[BulkRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    problem: str | None = None
    done: bool = False

    @property
    def registered(self) -> int:
        return sum(1 for row in self.rows if row.registered)

    def to_json(self) -> dict[str, Any]:
        return {"rows": [row.to_json() for row in self.rows], "file_errors": self.file_errors,
                "registered": self.registered, "problem": self.problem}
