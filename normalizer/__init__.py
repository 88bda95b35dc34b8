"""Pure code: raw documents → `Listing`s, with a report of what could not be read."""

from __future__ import annotations

from normalizer.dispatch import PARSERS, detect_kind, parse_document
from normalizer.errors import InvalidListing, NormalizeError, ParseError
from normalizer.record import ParseReport, ParseResult, RawRecord
from normalizer.schema import Listing, Source, SourceKind, listing_id

__all__ = [
    "InvalidListing",
    "Listing",
    "NormalizeError",
    "PARSERS",
    "ParseError",
    "ParseReport",
    "ParseResult",
    "RawRecord",
    "Source",
    "SourceKind",
    "detect_kind",
    "listing_id",
    "parse_document",
]
