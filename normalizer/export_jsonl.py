"""The catalog as Listing JSON Lines: one listing per line, the published Listing format.

Each line is exactly what `sharehub preview --format jsonl` and the site's JSON API give
for a listing, so one reader serves all three; `schema/listing.schema.json` validates every
line. Pure: listings in, text out (`sharehub export` writes it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from normalizer.schema import Listing

__all__ = ["JSONL_MEDIA_TYPE", "listing_lines"]

# Not registered with IANA; the de-facto type JSON Lines readers and servers use.
JSONL_MEDIA_TYPE = "application/jsonl"


def listing_lines(listings: Iterable[Listing]) -> Iterator[str]:
    """One JSON document per listing, each ending in a newline, in the order given.

    Keys follow the Listing model's order; non-ASCII text (Korean) is written as is, in
    UTF-8, not as \\u escapes. Raises nothing: a Listing is valid by construction.
    """
    for listing in listings:
        yield listing.model_dump_json() + "\n"
