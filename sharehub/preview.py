"""`sharehub preview`: the operator's dry run — fetch, parse, normalize, print, store nothing."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TextIO
from urllib.parse import urlsplit

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

__all__ = ["PreviewFailed", "format_report", "run_preview"]


class PreviewFailed(Exception):
    """The target produced no listings; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class Preview:
    source: Source
    result: ParseResult


def _source_for(target: str, kind: SourceKind, params: Mapping[str, Any],
                key_env: str | None) -> Source:
    parts = urlsplit(target)
    name = parts.hostname or PurePosixPath(parts.path or target).name or "preview"
    try:
        return Source(id="preview", name=name, kind=kind, url=target, params=dict(params),
                      key_env=key_env)
    except ValidationError as exc:
        raise PreviewFailed(f"bad source definition: {exc.errors()[0]['msg']}") from exc


def _fetch(target: str, kind: SourceKind | None, params: Mapping[str, Any],
           key_env: str | None, limits: FetchLimits,
           secrets: Mapping[str, str]) -> tuple[FetchResult, Source | None]:
    with make_client(limits) as client:
        if kind is not None and target.startswith(("http://", "https://")):
            # A named kind is fetched the way the crawler would (API calls, spiders, …).
            source = _source_for(target, kind, params, key_env)
            return fetch_source(source, FetchContext(client, limits, secrets=secrets)), source
        return fetch_target(target, client, limits), None


def run_preview(target: str, limits: FetchLimits, kind: SourceKind | None = None, *,
                params: Mapping[str, Any] | None = None, key_env: str | None = None,
                secrets: Mapping[str, str] | None = None) -> Preview:
    """Fetch and normalize `target` (URL or file) as the source kind `kind` (detected when
    None), with the kind's `params` and API key. Raises PreviewFailed with the reason."""
    params = params or {}
    try:
        fetched, source = _fetch(target, kind, params, key_env, limits, secrets or {})
    except FetchError as exc:
        raise PreviewFailed(f"fetch failed: {exc}") from exc
    try:
        kind = kind or detect_kind(fetched.body, name=urlsplit(fetched.final_url).path,
                                   content_type=fetched.content_type)
        source = source or _source_for(target, kind, params, key_env)
        result = parse_document(fetched.body, source)
    except NormalizeError as exc:
        raise PreviewFailed(f"cannot read the document: {exc}") from exc
    if not result.listings:
        first = f": {result.report.errors[0]}" if result.report.errors else ""
        raise PreviewFailed(f"no listings in {result.report.records} records{first}")
    return Preview(source, result)


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
