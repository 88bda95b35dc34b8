"""The loop every record-by-record reader shares: count, skip and report bad records.

`entries` yields (where, value): where names the record for messages ("line 3"), and a
value that is already an InvalidListing (a line that is not JSON) is reported as it is.
`build` turns one value into a Listing or raises InvalidListing; a second record with the
same source id is invalid too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from normalizer.errors import InvalidListing
from normalizer.record import ParseReport
from normalizer.schema import Listing

__all__ = ["collect_listings"]


def collect_listings(entries: Iterable[tuple[str, Any]], build: Callable[[Any], Listing],
                     report: ParseReport, *, duplicate: str = "duplicate id") -> list[Listing]:
    """The listings `build` makes of `entries`, bad ones counted in `report`."""
    listings: list[Listing] = []
    seen: set[str] = set()
    for where, value in entries:
        report.records += 1
        try:
            if isinstance(value, InvalidListing):
                raise value
            listing = build(value)
            if listing.source_record_id in seen:
                raise InvalidListing(f"{duplicate} {listing.source_record_id!r}")
        except InvalidListing as exc:
            report.invalid += 1
            report.errors.append(f"{where}: {exc}")
            continue
        seen.add(listing.source_record_id)
        listings.append(listing)
    return listings
