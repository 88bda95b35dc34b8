"""I/O only: fetch raw documents from platforms, politely and safely."""

from __future__ import annotations

from crawlers.address_guard import check_host, is_public_address
from crawlers.dispatch import FETCHERS, FetchContext, fetch_document, fetch_source
from crawlers.errors import (
    BlockedAddress,
    BodyTooLarge,
    FetchError,
    FetchTimeout,
    HostBusy,
    HTTPStatusError,
    InvalidTarget,
    RobotsDisallowed,
    TooManyRedirects,
)
from crawlers.fetch import FetchLimits, FetchResult, fetch_target, fetch_url, make_client, read_file
from crawlers.host_budget import HostBudget
from crawlers.robots import RobotsCache

__all__ = [
    "BlockedAddress",
    "BodyTooLarge",
    "FETCHERS",
    "FetchContext",
    "FetchError",
    "FetchLimits",
    "FetchResult",
    "FetchTimeout",
    "HTTPStatusError",
    "HostBudget",
    "HostBusy",
    "InvalidTarget",
    "RobotsCache",
    "RobotsDisallowed",
    "TooManyRedirects",
    "check_host",
    "fetch_document",
    "fetch_source",
    "fetch_target",
    "fetch_url",
    "is_public_address",
    "make_client",
    "read_file",
]
