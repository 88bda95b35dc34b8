"""Format detection for `sharehub preview`: which source kind a document is.

Documents that carry their own structure are recognised by content (feeds, spreadsheets,
CSV, the GongyuNuri and Seoul Open API envelopes, pages with schema.org data). Kinds that
need the operator's description (generic JSON/XML APIs, HTML spiders) are named in the
error, with what to pass.
"""

from __future__ import annotations

import json
import re

from normalizer.errors import ParseError
from normalizer.hsds_reader import looks_like_hsds
from normalizer.schema import SourceKind

__all__ = ["detect_kind"]

_XML_ROOT = re.compile(rb"<(?!\?|!)([a-z][\w.-]*:)?([a-z][\w.-]*)")
_SCHEMA_ORG = re.compile(rb"application/ld\+json|itemtype\s*=\s*[\"']https?://schema\.org",
                         re.IGNORECASE)


def _published(document: object) -> bool:
    """A listing as operators publish it: an object with an id and a title."""
    return isinstance(document, dict) and "id" in document and "title" in document \
        and "version" not in document


def _json_kind(body: bytes, content_type: str) -> SourceKind:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        first = body.split(b"\n", 1)[0]
        try:
            if looks_like_hsds(json.loads(first)):
                return "hsds"  # JSON Lines of HSDS services (`sharehub export` writes them)
            if _published(json.loads(first)) or "jsonl" in content_type \
                    or "ndjson" in content_type:
                return "listing_jsonl"  # JSON Lines: one published listing per line
        except (ValueError, UnicodeDecodeError):
            pass
        raise ParseError(f"looks like JSON but does not parse: {exc}") from exc
    if looks_like_hsds(document) or (isinstance(document, list) and document
                                      and looks_like_hsds(document[0])):
        return "hsds"
    if isinstance(document, list) and document and all(_published(d) for d in document[:20]):
        return "listing_jsonl"
    if _published(document):
        return "listing_jsonl"
    if isinstance(document, dict):
        marker = document.get("format")
        if "jsonfeed.org/version/1" in str(document.get("version", "")) \
                or "feed+json" in content_type:
            return "json_feed"
        if marker == "gongyunuri" or ("resultCode" in document and any(
                isinstance(row, dict) and "rsrcNo" in row for row in document.get("data") or [])):
            return "gongyunuri"
        if marker == "html_items":
            return "html"
        if marker == "schema_org_pages":
            return "schema_org"
        if "RESULT" in document or any(isinstance(v, dict) and ("RESULT" in v or "row" in v)
                                       for v in document.values()):
            return "seoul_openapi"
    raise ParseError("a JSON API response: describe where its items and fields are with "
                     "--kind json_api --params-file FILE (see docs/api_sources.md)")


def detect_kind(body: bytes, *, name: str = "", content_type: str = "") -> SourceKind:
    """Guess the source kind from the content type, the file name and the first bytes.

    Raises ParseError, saying what to pass instead, when the document is not one sharehub
    can read without a description.
    """
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    content_type, name = content_type.lower(), name.lower()
    if body.startswith(b"PK\x03\x04"):
        if name.endswith((".xlsx", ".xlsm")) or "spreadsheetml" in content_type \
                or b"xl/workbook.xml" in body:
            return "xlsx"
        raise ParseError("a ZIP archive, not an XLSX workbook")
    if body.startswith(b"\xd0\xcf\x11\xe0"):
        raise ParseError("a legacy .xls workbook: save it as .xlsx or CSV")
    if head.startswith((b"{", b"[")):
        return _json_kind(body.lstrip(b"\xef\xbb\xbf \t\r\n"), content_type)
    if head.startswith((b"<!doctype html", b"<html")) or "html" in content_type:
        if _SCHEMA_ORG.search(body):
            return "schema_org"
        raise ParseError("an HTML page without schema.org data: describe its listings with "
                         "--kind html --params-file FILE (CSS or XPath selectors)")
    if head.startswith(b"<") or "xml" in content_type:
        root = _XML_ROOT.search(head)
        if root is None or root.group(2) in (b"rss", b"feed", b"rdf"):
            return "rss"
        raise ParseError(f"an XML document <{root.group(2).decode()}>, not a feed: describe "
                         "its items with --kind xml_api --params-file FILE")
    if "csv" in content_type or name.endswith((".csv", ".tsv")):
        return "csv"
    if b"," in head.split(b"\n", 1)[0] or b"\t" in head.split(b"\n", 1)[0]:
        return "csv"
    raise ParseError("unknown format (use --kind to say which)")
