"""`sharehub preview`: the operator's dry run — fetch, parse, normalize, print, store nothing."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TextIO
from urllib.parse import urlsplit

from crawlers import FetchError, FetchLimits, fetch_target, make_client
from normalizer import NormalizeError, ParseResult, Source, SourceKind, detect_kind, parse_document

__all__ = ["PreviewFailed", "format_report", "run_preview"]


class PreviewFailed(Exception):
    """The target produced no listings; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class Preview:
    source: Source
    result: ParseResult


def _source_for(target: str, kind: SourceKind) -> Source:
    parts = urlsplit(target)
    name = parts.hostname or PurePosixPath(parts.path or target).name or "preview"
    return Source(id="preview", name=name, kind=kind, url=target)


def run_preview(target: str, limits: FetchLimits, kind: SourceKind | None = None) -> Preview:
    """Fetch and normalize `target` (URL or file). Raises PreviewFailed with the reason."""
    with make_client(limits) as client:
        try:
            fetched = fetch_target(target, client, limits)
        except FetchError as exc:
            raise PreviewFailed(f"fetch failed: {exc}") from exc
    try:
        kind = kind or detect_kind(fetched.body, name=urlsplit(fetched.final_url).path,
                                   content_type=fetched.content_type)
        source = _source_for(target, kind)
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
        lines.append("mapped fields: " + ", ".join(f"{k} → {v}" for k, v in
                                                   report.mapped_fields.items()))
    if report.unmapped_fields:
        lines.append("unmapped fields: " + ", ".join(report.unmapped_fields))
    lines.extend(f"error: {e}" for e in report.errors[:20])
    out.write("\n".join(lines) + "\n")
