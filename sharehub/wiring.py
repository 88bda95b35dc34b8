"""Build the application's parts from settings: catalog, search index, HTTP client."""

from __future__ import annotations

from index import Catalog, SearchIndex, TantivyIndex
from normalizer.taxonomy import load_taxonomy
from sharehub.settings import Settings

__all__ = ["category_words", "open_catalog", "open_index"]


def category_words(*, with_keywords: bool = False) -> dict[str, str]:
    """Extra searchable words per category: its labels in both languages (and, on request,
    its classification keywords, which cost precision)."""
    taxonomy = load_taxonomy()
    words = {}
    for code, category in taxonomy.categories.items():
        kind = taxonomy.kinds.get(category.kind, {})
        parts = [category.ko, category.en, kind.get("ko", ""), kind.get("en", "")]
        if with_keywords:
            parts.extend(category.keywords)
        words[code] = " ".join(parts)
    return words


def open_catalog(settings: Settings, *, read_only: bool = False) -> Catalog:
    return Catalog(settings.catalog_path, read_only=read_only)


def open_index(settings: Settings) -> SearchIndex:
    """The configured search backend (the embedded tantivy index by default)."""
    if settings.index_backend != "tantivy":
        raise ValueError(f"unknown index backend {settings.index_backend!r} "
                         "(the embedded 'tantivy' backend is the one available)")
    return TantivyIndex(settings.index_dir, category_words())
