"""Errors of the storage layer.

    IndexLayerError
     ├── CatalogError        the SQLite catalog cannot be opened or written
     └── SearchBackendError  the search index cannot be opened, written or queried
"""

from __future__ import annotations

__all__ = ["CatalogError", "IndexLayerError", "SearchBackendError"]


class IndexLayerError(Exception):
    """Base class of the storage layer's errors."""


class CatalogError(IndexLayerError):
    """The catalog database cannot be opened or written."""


class SearchBackendError(IndexLayerError):
    """The search index cannot be opened, written or queried."""
