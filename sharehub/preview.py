"""`sharehub preview`: the operator's dry run — fetch, parse, normalize, print, store nothing."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

from pydantic import ValidationError

from crawlers import (
    FetchContext,
    FetchError,
    FetchLimits,
    FetchResult,
    fetch_source,
    fetch_target,
    make_client,
)
from normalizer import NormalizeError, ParseResult, Source, SourceKind, detect_kind, parse_document
from normalizer.file_names import district_from_file_name
from normalizer.gazetteer import load_gazetteer

__all__ = ["PreviewFailed", "format_report", "run_preview"]


class PreviewFailed(Exception):
    """The target produced no listings; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class Preview:
    source: Source
    result: ParseResult
    size: int = 0  # bytes of the document as fetched (decompressed)


def _source_for(target: str, kind: SourceKind, params: Mapping[str, Any],
                key_env: str | None, district: str | None = None) -> Source:
    parts = urlsplit(target)
    file_name = unquote(PurePosixPath(parts.path or target).name)
    name = file_name or parts.hostname or "preview"
    # A data.go.kr file name starts with its publisher ("대구광역시 달서구_공구대여_…"):
    # the district its rows are in when they do not say it themselves.
    district_code = district or district_from_file_name(file_name)
    try:
        return Source(id="preview", name=name, kind=kind, url=target, params=dict(params),
                      key_env=key_env, district_code=district_code)
    except ValidationError as exc:
        raise PreviewFailed(f"bad source definition: {exc.errors()[0]['msg']}") from exc


def _fetch(target: str, kind: SourceKind | None, params: Mapping[str, Any],
           key_env: str | None, limits: FetchLimits, secrets: Mapping[str, str],
           district: str | None) -> tuple[FetchResult, Source | None]:
    with make_client(limits) as client:
        if kind is not None and target.startswith(("http://", "https://")):
            # A named kind is fetched the way the crawler would (API calls, spiders, …).
            source = _source_for(target, kind, params, key_env, district)
            return fetch_source(source, FetchContext(client, limits, secrets=secrets)), source
        return fetch_target(target, client, limits), None


def _district_code(district: str | None) -> str | None:
    if district is None:
        return None
    if re.fullmatch(r"\d{5}", district.strip()):
        if load_gazetteer().get(district.strip()) is None:
            raise PreviewFailed(f"unknown district code {district!r}")
        return district.strip()
    found = load_gazetteer().resolve_address(district)
    if found is None:
        raise PreviewFailed(f"unknown district {district!r} (a 5-digit code or a name "
                            "such as 대구광역시 달서구)")
    return found.code


def run_preview(target: str, limits: FetchLimits, kind: SourceKind | None = None, *,
                params: Mapping[str, Any] | None = None, key_env: str | None = None,
                secrets: Mapping[str, str] | None = None,
                district: str | None = None) -> Preview:
    """Fetch and normalize `target` (URL or file) as the source kind `kind` (detected when
    None), with the kind's `params` and API key. `district` is the source's declared
    district (a 5-digit code or a name such as "대구광역시 달서구"); without it, a
    data.go.kr file name's publisher is used. Raises PreviewFailed with the reason."""
    params = params or {}
    district = _district_code(district)
    try:
        fetched, source = _fetch(target, kind, params, key_env, limits, secrets or {},
                                 district)
    except FetchError as exc:
        raise PreviewFailed(f"fetch failed: {exc}") from exc
    try:
        kind = kind or detect_kind(fetched.body, name=urlsplit(fetched.final_url).path,
                                   content_type=fetched.content_type)
        source = source or _source_for(target, kind, params, key_env, district)
        result = parse_document(fetched.body, source)
    except NormalizeError as exc:
        raise PreviewFailed(f"cannot read the document: {exc}") from exc
    if not result.listings:
        first = f": {result.report.errors[0]}" if result.report.errors else ""
        raise PreviewFailed(f"no listings in {result.report.records} records{first}")
    return Preview(source, result, len(fetched.body))


def format_report(preview: Preview, out: TextIO = sys.stderr) -> None:
    """The human report: counts, quality, field mapping, unmapped fields and errors."""
    report, listings = preview.result.report, preview.result.listings
    scores = [listing.quality.score for listing in listings]
    issues: dict[str, int] = {}
    for listing in listings:
        for issue in listing.quality.issues:
            issues[issue] = issues.get(issue, 0) + 1
    lines = [
        f"kind: {preview.source.kind}",
        f"records: {report.records}  listings: {len(listings)}  invalid (skipped): "
        f"{report.invalid}",
        f"quality: average {sum(scores) / len(scores):.0f}/100, lowest {min(scores)}",
    ]
    if issues:
        lines.append("quality issues: " + ", ".join(f"{k} ×{v}" for k, v in
                                                    sorted(issues.items(), key=lambda i: -i[1])))
    if report.mapped_fields:
        lines.append("mapped fields: " + ", ".join(
            f"{k} → {v}" + (f" ({report.mapping_confidence[k]:.1f})"
                            if k in report.mapping_confidence else "")
            for k, v in report.mapped_fields.items()))
    lines.extend(f"note: {note}" for note in report.notes)
    if report.unmapped_fields:
        lines.append("unmapped fields: " + ", ".join(report.unmapped_fields))
    if report.unmapped_labels:
        lines.append("unmapped category labels: " + ", ".join(report.unmapped_labels))
    lines.extend(f"error: {e}" for e in report.errors[:20])
    out.write("\n".join(lines) + "\n")
