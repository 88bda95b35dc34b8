"""Build the application's parts from settings: catalog, search index, HTTP client."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast, get_args

from pydantic import ValidationError

from crawlers import FetchLimits
from hub_site.operator_services import DryRunResult, OperatorServices, RegistrationRefused
from index import Catalog, SearchIndex, TantivyIndex
from index.feedback import FeedbackStore
from index.operator_store import Account, OperatorStore, Registration
from normalizer.schema import SourceKind
from normalizer.taxonomy import load_taxonomy
from sharehub.dry_run import DryRun, dry_run, fixes_for
from sharehub.registration import (
    RegistrationInvalid,
    RegistrationRequest,
    register,
    requests_from_csv,
)
from sharehub.settings import Settings

__all__ = ["category_words", "open_catalog", "open_feedback", "open_index",
           "open_operator_store", "operator_services"]


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


def open_feedback(settings: Settings) -> FeedbackStore:
    """The site's "report outdated" store (created when missing); CatalogError if it
    cannot be opened."""
    return FeedbackStore.open(settings.feedback_path)


def open_operator_store(settings: Settings) -> OperatorStore:
    """Operator and staff accounts, registrations and the audit log
    (`<data_dir>/operators.sqlite3`, created when missing)."""
    return OperatorStore(settings.data_dir / "operators.sqlite3")


def operator_services(settings: Settings, store: OperatorStore, limits: FetchLimits, *,
                      request_recrawl: Callable[[str], None],
                      feedback: FeedbackStore | None = None) -> OperatorServices:
    """What the operator pages need (hub_site imports nothing from sharehub): the dry run
    with these `limits`, registration, the bulk CSV reader and the fix hints, adapted to
    hub_site's plain types; uploads go to `<data_dir>/uploads/`."""
    def run_dry(target: str, kind: str | None, district: str | None) -> DryRunResult:
        known = kind if kind in get_args(SourceKind) else None
        return dry_run(target, limits, kind=cast(SourceKind | None, known), district=district)

    def register_source(account: Account, fields: dict[str, Any],
                        result: DryRunResult) -> Registration:
        try:
            request = RegistrationRequest.model_validate(fields)
            if not isinstance(result, DryRun):
                raise RegistrationInvalid("the dry run did not come from sharehub")
            return register(store, account, request, result)
        except ValidationError as exc:
            raise RegistrationRefused("; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}"
                for e in exc.errors())) from exc
        except RegistrationInvalid as exc:
            raise RegistrationRefused(str(exc)) from exc

    def read_bulk(text: str) -> tuple[list[dict[str, Any]], list[str]]:
        try:
            requests, errors = requests_from_csv(text)
        except RegistrationInvalid as exc:
            raise RegistrationRefused(str(exc)) from exc
        return [r.model_dump(exclude_none=True) for r in requests], errors

    def fixes(issues: Mapping[str, int], fields: Sequence[str],
              labels: Sequence[str]) -> list[str]:
        return fixes_for(dict(issues), list(fields), list(labels))

    return OperatorServices(store=store, dry_run=run_dry, register=register_source,
                            read_bulk_csv=read_bulk, fixes_for=fixes,
                            request_recrawl=request_recrawl,
                            uploads_dir=settings.data_dir / "uploads", feedback=feedback,
                            max_upload_bytes=settings.crawl_max_body_bytes)


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
