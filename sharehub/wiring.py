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
    """The configured search backend: `index_backend` when it is set explicitly, else
    Elasticsearch when `elasticsearch_url` is set, else the embedded tantivy index.

    Raises ValueError for an unknown backend or Elasticsearch without a URL, and
    SearchBackendError when the cluster cannot be reached.
    """
    backend = settings.index_backend
    if "index_backend" not in settings.model_fields_set and settings.elasticsearch_url:
        backend = "elasticsearch"
    if backend == "tantivy":
        return TantivyIndex(settings.index_dir, category_words())
    if backend != "elasticsearch":
        raise ValueError(f"unknown index backend {backend!r} (tantivy or elasticsearch)")
    if not settings.elasticsearch_url:
        raise ValueError("the elasticsearch backend needs SHAREHUB_ELASTICSEARCH_URL")
    from index.elasticsearch_index import ElasticsearchIndex  # the client loads only if used

    return ElasticsearchIndex.connect(settings.elasticsearch_url,
                                      api_key=settings.elasticsearch_api_key,
                                      alias=settings.elasticsearch_alias,
                                      category_words=category_words())
