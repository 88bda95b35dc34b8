"""Reading the operator pages' forms: sizes capped, fields trimmed, uploads stored safely.

A form is read once into a `FormData`-like mapping (urlencoded or multipart, both capped);
`SourceFormValues` is the registration form (sticky: a refused form comes back filled in)
and becomes the field dict of a registration request. An upload is stored under the
uploads folder with a random name (never the visitor's file name), keeping only a known
extension, so nothing a visitor sends chooses a path.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

__all__ = ["FormTooLarge", "SourceFormValues", "UPLOAD_EXTENSIONS", "read_form",
           "read_form_with_upload", "read_upload", "source_form_values", "store_upload"]

UPLOAD_EXTENSIONS = (".csv", ".xlsx", ".json", ".jsonl")
_FORM_OVERHEAD = 64 * 1024  # the text fields around an upload
_TEXT_LIMIT = 2000
_QUIET_LINE = re.compile(r"^(?:(?P<days>[a-z,]+)\s+)?(?P<hours>\d\d:\d\d-\d\d:\d\d)$")


class FormTooLarge(Exception):
    """The request body is over the cap (the page answers 413)."""


async def read_form(request: Request, max_bytes: int) -> FormData:
    """The request's form (urlencoded or multipart), refusing a body over `max_bytes`
    plus room for the text fields. Raises FormTooLarge."""
    cap = max_bytes + _FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise FormTooLarge(f"{declared} bytes is over the {cap}-byte limit")
    return await request.form(max_files=1, max_fields=60, max_part_size=cap)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip()[:_TEXT_LIMIT] if isinstance(value, str) else ""


async def read_upload(form: FormData, name: str, max_bytes: int) -> tuple[str, bytes] | None:
    """The uploaded file `name` as (its extension, its bytes); None when no file was
    chosen. Raises FormTooLarge over `max_bytes`, ValueError for an unknown extension."""
    upload = form.get(name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    suffix = PurePath(upload.filename).suffix.lower()
    if suffix not in UPLOAD_EXTENSIONS:
        raise ValueError(suffix or "no extension")
    body = await upload.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise FormTooLarge(f"the file is over the {max_bytes}-byte limit")
    return suffix, body


async def read_form_with_upload(request: Request, max_bytes: int,
                                name: str = "file") -> tuple[FormData, tuple[str, bytes] | None]:
    """The form and its file `name` (see read_upload), the form's temporary files closed
    whatever happens. Raises FormTooLarge, or ValueError for an unknown extension."""
    form = await read_form(request, max_bytes)
    try:
        return form, await read_upload(form, name, max_bytes)
    finally:
        await form.close()


def store_upload(uploads_dir: Path, suffix: str, body: bytes) -> Path:
    """Write an upload under `uploads_dir` with a random name; returns its path."""
    uploads_dir.mkdir(parents=True, exist_ok=True)
    path = uploads_dir / f"{secrets.token_hex(16)}{suffix}"
    path.write_bytes(body)
    return path


@dataclass(frozen=True, slots=True)
class SourceFormValues:
    """The registration form as sent (and as shown again when refused)."""

    name: str = ""
    url: str = ""
    kind: str = ""
    district_codes: tuple[str, ...] = ()
    contact_email: str = ""
    contact_phone: str = ""
    interval: str = ""
    quiet: str = ""  # one window a line: "[days] HH:MM-HH:MM"
    provider_type: str = "unknown"
    problems: list[str] = field(default_factory=list)

    def quiet_windows(self) -> list[dict[str, Any]]:
        """The quiet lines as schedule entries; a line that cannot be read is a problem."""
        windows: list[dict[str, Any]] = []
        for line in (raw.strip().lower() for raw in self.quiet.splitlines()):
            if not line:
                continue
            match = _QUIET_LINE.match(line)
            if match is None:
                self.problems.append(f"quiet: cannot read {line!r}")
                continue
            days = match["days"] or "daily"
            windows.append({"days": days if days in ("daily", "weekdays", "weekends")
                            else days.split(","), "hours": match["hours"]})
        return windows

    def request_fields(self) -> dict[str, Any]:
        """The registration request's fields (blank ones left out)."""
        fields: dict[str, Any] = {"name": self.name, "url": self.url,
                                  "district_codes": list(self.district_codes),
                                  "provider_type": self.provider_type or "unknown"}
        optional = {"kind": self.kind, "contact_email": self.contact_email,
                    "contact_phone": self.contact_phone, "interval": self.interval}
        fields.update({k: v for k, v in optional.items() if v})
        if quiet := self.quiet_windows():
            fields["quiet"] = quiet
        return fields

    def first_district(self) -> str | None:
        return self.district_codes[0] if self.district_codes else None


def source_form_values(form: FormData) -> SourceFormValues:
    """The registration form's fields, trimmed; districts are the chosen codes."""
    districts = tuple(dict.fromkeys(
        v.strip() for v in form.getlist("district_codes") if isinstance(v, str) and v.strip()))
    return SourceFormValues(
        name=_text(form, "name"), url=_text(form, "url"), kind=_text(form, "kind"),
        district_codes=districts[:300], contact_email=_text(form, "contact_email"),
        contact_phone=_text(form, "contact_phone"), interval=_text(form, "interval"),
        quiet=_text(form, "quiet"), provider_type=_text(form, "provider_type") or "unknown")
