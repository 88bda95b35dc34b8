"""What the operator pages and their JSON twins both do: find an operator's own
registration, preview a source, submit it for review, register a CSV of feeds, ask for a
re-crawl. Pages and API differ only in how they read the request and show the result."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from starlette.exceptions import HTTPException

from hub_site.operator_forms import SourceFormValues, store_upload
from hub_site.operator_services import DryRunResult, OperatorServices, RegistrationRefused
from hub_site.operator_views import BulkRow
from index.operator_store import Account, Registration

__all__ = ["Preview", "bulk_register", "owned_registration", "preview_source",
           "request_recrawl", "require_operator", "submit_source"]

log = logging.getLogger(__name__)


def require_operator(account: Account | None) -> Account:
    """The signed-in operator. Raises 401 without an account, 403 for a staff account
    (staff review registrations on their own pages; they own no sources)."""
    if account is None:
        raise HTTPException(401, "sign in with your operator token",
                            headers={"WWW-Authenticate": "Bearer"})
    if account.role != "operator":
        raise HTTPException(403, "operator pages are for operator accounts")
    return account


def owned_registration(services: OperatorServices, account: Account,
                       registration_id: int) -> Registration:
    """The operator's own registration. Raises 404 for one that is unknown or another
    operator's: whether it exists is not theirs to learn."""
    registration = services.store.registration(registration_id)
    if registration is None or registration.operator_id != account.id:
        raise HTTPException(404, "no such registration")
    return registration


@dataclass(frozen=True, slots=True)
class Preview:
    result: DryRunResult
    is_upload: bool


def preview_source(services: OperatorServices, values: SourceFormValues,
                   upload: tuple[str, bytes] | None) -> Preview:
    """Dry-run the uploaded file (stored under the uploads folder) or else the URL.
    Raises RegistrationRefused when there is neither."""
    district = values.first_district()
    kind = values.kind or None
    if upload is not None:
        path: Path = store_upload(services.uploads_dir, *upload)
        log.info("operators: previewing an upload as %s", path.name)
        return Preview(services.dry_run(str(path), kind, district), is_upload=True)
    if not values.url:
        raise RegistrationRefused("give the address (URL) of your feed or file, or upload a "
                                  "file")
    return Preview(services.dry_run(values.url, kind, district), is_upload=False)


def submit_source(services: OperatorServices, account: Account,
                  values: SourceFormValues) -> tuple[Registration, DryRunResult]:
    """Dry-run the URL again (what was previewed may have changed, and nothing the client
    sends is trusted) and store the registration for review. Raises RegistrationRefused."""
    if not values.url:
        raise RegistrationRefused("url: to be crawled on schedule, a source needs an "
                                  "address (URL); an uploaded file can only be previewed")
    fields = values.request_fields()
    if values.problems:
        raise RegistrationRefused("; ".join(values.problems))
    result = services.dry_run(values.url, values.kind or None, values.first_district())
    registration = services.register(account, fields, result)
    log.info("operators: %s registered %s", account.id, registration.source_id)
    return registration, result


def bulk_register(services: OperatorServices, account: Account,
                  text: str) -> tuple[list[BulkRow], list[str]]:
    """Dry-run and register each row of a CSV of feeds, one after another (so a platform
    is never hit by many at once). Returns one row of results per request and the file's
    own errors. Raises RegistrationRefused when the file cannot be read at all."""
    requests, errors = services.read_bulk_csv(text)
    rows: list[BulkRow] = []
    for number, fields in enumerate(requests, start=1):
        url = str(fields.get("url", ""))
        codes = fields.get("district_codes") or []
        result = services.dry_run(url, fields.get("kind"), codes[0] if codes else None)
        verdicts = [(v.check, v.ok, v.message) for v in result.verdicts]
        try:
            registration = services.register(account, fields, result)
        except RegistrationRefused as exc:
            rows.append(BulkRow(number, str(fields.get("name", "")), url, False, None,
                                str(exc), verdicts))
            continue
        rows.append(BulkRow(number, str(fields.get("name", "")), url, True, registration.id,
                            f"{result.total} listings; waiting for review", verdicts))
    return rows, errors


def request_recrawl(services: OperatorServices, registration: Registration,
                    now: datetime) -> timedelta | None:
    """Ask for a run of an approved source now. Returns None when asked, or how long to
    wait when the last request was too recent. Raises 409 for a source not approved."""
    if registration.status != "approved":
        raise HTTPException(409, "only an approved source can be crawled")
    wait = services.recrawl_limiter.wait_needed(registration.source_id, now)
    if wait is None:
        services.request_recrawl(registration.source_id)
        log.info("operators: re-crawl of %s requested", registration.source_id)
    return wait
