"""Errors raised while turning bytes into listings.

    NormalizeError
     ├── ParseError       the whole document cannot be read (bad encoding, not a feed, no header)
     └── InvalidListing   one record cannot become a Listing; it is skipped and counted
"""

from __future__ import annotations

__all__ = ["InvalidListing", "NormalizeError", "ParseError"]


class NormalizeError(Exception):
    """Base class of the normalizer's errors."""


class ParseError(NormalizeError):
    """The document as a whole cannot be parsed; no listing comes out of it."""


class InvalidListing(NormalizeError):
    """One record is unusable (e.g. no title); the others go on."""
