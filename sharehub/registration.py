"""Operators' source registrations: from a request to a schedule entry, via review.

`RegistrationRequest` is what an operator fills in (a URL, the kind when detection is not
enough, the districts served, a contact, the preferred interval and quiet windows). It
becomes a schedule entry (`SourceSchedule`, the same model as schedules.yaml, so the same
validation and the same error paths) that waits for staff review in the operator store.
Approved entries join the schedule beside schedules.yaml (`with_registered_sources`).
"""

from __future__ import annotations

import csv
import hashlib
import io
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from index.errors import CatalogError
from index.operator_store import Account, OperatorStore, Registration
from normalizer.gazetteer import load_gazetteer
from normalizer.schema import SourceKind
from sharehub.dry_run import DryRun
from sharehub.schedules import ScheduleConfig, SourceSchedule

__all__ = ["BULK_COLUMNS", "RegistrationInvalid", "RegistrationRequest", "approve", "register",
           "reject", "requests_from_csv", "schedule_entry", "with_registered_sources"]

# The columns of a bulk registration file; only name and url are required.
BULK_COLUMNS = ("name", "url", "kind", "district_codes", "contact_email", "contact_phone",
                "interval", "provider_type")
_MAX_BULK_ROWS = 500


class RegistrationInvalid(Exception):
    """The request cannot become a source; the message names the field and the problem."""


class RegistrationRequest(BaseModel):
    """One source an operator asks the hub to crawl."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=120)
    url: str = Field(pattern=r"^https?://", max_length=2000)
    kind: SourceKind | None = None
    district_codes: list[str] = Field(default_factory=list, max_length=300)
    contact_email: str | None = Field(None, max_length=200)
    contact_phone: str | None = Field(None, max_length=40)
    interval: str | None = Field(None, max_length=20)  # "6h", "1d"
    quiet: list[dict[str, Any]] = Field(default_factory=list, max_length=20)
    provider_type: Literal["public", "company", "nonprofit", "community", "unknown"] = "unknown"
    params: dict[str, Any] = Field(default_factory=dict)


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'request'}: {e['msg']}"
                     for e in exc.errors())


def _source_id(operator: Account, url: str) -> str:
    return f"op{operator.id}-{hashlib.sha256(url.encode()).hexdigest()[:10]}"


def schedule_entry(operator: Account, request: RegistrationRequest,
                   kind: SourceKind | None) -> dict[str, Any]:
    """The schedules.yaml entry a request stands for. Raises RegistrationInvalid."""
    chosen = request.kind or kind
    if chosen is None:
        raise RegistrationInvalid("kind: not detected from the document; choose one")
    gazetteer = load_gazetteer()
    unknown = [code for code in request.district_codes if gazetteer.get(code) is None]
    if unknown:
        raise RegistrationInvalid(f"district_codes: unknown codes {unknown}")
    entry: dict[str, Any] = {
        "id": _source_id(operator, request.url), "name": request.name, "kind": chosen,
        "url": request.url, "operator": operator.organisation,
        "provider_type": request.provider_type, "params": dict(request.params),
    }
    if len(request.district_codes) == 1:
        entry["district_code"] = request.district_codes[0]
    if request.interval:
        entry["interval"] = request.interval
    if request.quiet:
        entry["quiet"] = list(request.quiet)
    try:
        SourceSchedule.model_validate(entry)
    except ValidationError as exc:
        raise RegistrationInvalid(_errors(exc)) from exc
    contact = {k: v for k, v in (("email", request.contact_email),
                                 ("phone", request.contact_phone)) if v}
    return {**entry, "_contact": contact, "_districts": list(request.district_codes)}


def register(store: OperatorStore, operator: Account, request: RegistrationRequest,
             dry: DryRun) -> Registration:
    """Store a pending registration with its dry run. Raises RegistrationInvalid when the
    dry run failed a verdict or the entry is invalid, or the URL is already registered."""
    failed = [v for v in dry.verdicts if not v.ok]
    if failed:
        raise RegistrationInvalid(f"{failed[0].check}: {failed[0].message}")
    if dry.total == 0:
        raise RegistrationInvalid("the dry run found no listings")
    entry = schedule_entry(operator, request, dry.kind)
    try:
        return store.add_registration(operator, entry["id"], entry, dry.summary())
    except CatalogError as exc:
        raise RegistrationInvalid(str(exc)) from exc


def approve(store: OperatorStore, staff: Account, registration_id: int) -> Registration:
    """Approve a pending registration (audited). Raises CatalogError."""
    return store.decide(registration_id, staff, "approved", None)


def reject(store: OperatorStore, staff: Account, registration_id: int,
           reason: str) -> Registration:
    """Reject a pending registration with a reason the operator will read (audited)."""
    if not reason.strip():
        raise RegistrationInvalid("reason: say why, for the operator")
    return store.decide(registration_id, staff, "rejected", reason.strip())


def with_registered_sources(config: ScheduleConfig, store: OperatorStore) -> ScheduleConfig:
    """schedules.yaml's config plus every approved registration (an id already in the file
    keeps the file's entry)."""
    known = {source.id for source in config.sources}
    added = [SourceSchedule.model_validate({k: v for k, v in entry.items()
                                            if not k.startswith("_")})
             for entry in store.approved_definitions() if entry["id"] not in known]
    return config.model_copy(update={"sources": [*config.sources, *added]}) if added else config


def requests_from_csv(text: str) -> tuple[list[RegistrationRequest], list[str]]:
    """Read a CSV of feeds (a header with BULK_COLUMNS; district codes separated by spaces
    or semicolons) into requests. Returns the good requests and one error per bad row
    ("row 3: url: …"); raises RegistrationInvalid when the header lacks name or url, or the
    file has more than 500 rows."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    if "name" not in header or "url" not in header:
        raise RegistrationInvalid(f"the header must name the columns name and url (found "
                                  f"{header}); optional: {', '.join(BULK_COLUMNS[2:])}")
    unknown = [h for h in header if h not in BULK_COLUMNS]
    requests: list[RegistrationRequest] = []
    errors = [f"unknown columns ignored: {', '.join(unknown)}"] if unknown else []
    for number, row in enumerate(reader, start=2):
        if number - 1 > _MAX_BULK_ROWS:
            raise RegistrationInvalid(f"more than {_MAX_BULK_ROWS} rows: split the file")
        cells = {k.strip(): (v or "").strip() for k, v in row.items() if k and k.strip()
                 in BULK_COLUMNS}
        if not any(cells.values()):
            continue
        fields: dict[str, Any] = {k: v for k, v in cells.items() if v}
        if "district_codes" in fields:
            fields["district_codes"] = fields["district_codes"].replace(";", " ").split()
        try:
            requests.append(RegistrationRequest.model_validate(fields))
        except ValidationError as exc:
            errors.append(f"row {number}: {_errors(exc)}")
    return requests, errors
