"""The Elasticsearch search backend: `SearchIndex` on a cluster, for when one machine is
not enough.

Layout on the cluster:

    index template <alias>          mappings and analysis for every <alias>-v* index
    <alias>-v<time_ns>              one complete version of the index
    alias <alias>                   the live version; its mapping `_meta.change_seq` says
                                    which catalog state it reflects

`rebuild` fills a new version index and then moves the alias in ONE `_aliases` call
(remove from the old, add to the new), which Elasticsearch applies atomically; old
versions are deleted after. A kill before the swap leaves readers on the previous
complete version, and the half-built index is deleted by the next rebuild.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Container, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import date
from typing import Any

import holidays
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import BulkIndexError, bulk

from index.elasticsearch_mapping import listing_document, listing_template, text_fields
from index.elasticsearch_queries import build_search, coverage_search, read_results
from index.errors import SearchBackendError
from index.search_types import SearchQuery, SearchResults
from normalizer.schema import Listing

__all__ = ["DEFAULT_ALIAS", "ElasticsearchIndex", "has_nori_plugin"]

DEFAULT_ALIAS = "sharehub-listings"
_log = logging.getLogger(__name__)


@contextmanager
def _backend_errors(action: str) -> Iterator[None]:
    """Turn the client's errors into SearchBackendError naming what we were doing."""
    try:
        yield
    except BulkIndexError as exc:
        first = str(exc.errors[0])[:300] if exc.errors else ""
        raise SearchBackendError(f"elasticsearch {action}: {len(exc.errors)} document(s) "
                                 f"failed; first: {first}") from exc
    except (ApiError, TransportError) as exc:
        raise SearchBackendError(f"elasticsearch {action}: {exc}") from exc


def has_nori_plugin(client: Elasticsearch) -> bool:
    """Whether the cluster can analyse with nori: `_cat/plugins` when we may read it,
    else the analyze API (clusters that hide their plugin list still answer it)."""
    try:
        plugins = client.cat.plugins(format="json").body
        # a list of {"name", "component", "version"} rows, one per node and plugin
        return isinstance(plugins, list) and any(
            isinstance(row, dict) and row.get("component") == "analysis-nori"
            for row in plugins)
    except ApiError as exc:
        _log.debug("_cat/plugins unavailable (%s); asking the analyze API", exc)
    try:
        client.indices.analyze(tokenizer="nori_tokenizer", text="공구")
    except ApiError:
        return False
    return True


class ElasticsearchIndex:
    """SearchIndex on Elasticsearch, behind the alias `alias`.

    `category_words[code]` gives extra searchable words per category (its Korean and
    English labels). Opening puts the index template (built for the cluster's plugins)
    and creates a first, empty version when the alias does not exist yet.
    Raises SearchBackendError when the cluster cannot be reached or refuses.
    """

    def __init__(self, client: Elasticsearch, *, alias: str = DEFAULT_ALIAS,
                 category_words: Mapping[str, str] | None = None,
                 public_holidays: Container[date] | None = None,
                 bulk_chunk_size: int = 500, owns_client: bool = False) -> None:
        self.alias = alias
        self._client = client
        self._category_words = dict(category_words or {})
        self._holidays = (public_holidays if public_holidays is not None
                          else holidays.country_holidays("KR"))
        self._chunk = bulk_chunk_size
        self._owns_client = owns_client
        with _backend_errors("open"):
            self.nori = has_nori_plugin(client)
            _log.info("elasticsearch: nori analysis %s", "on" if self.nori else "off")
            self._put_template()
            if not self._client.indices.exists_alias(name=alias):
                self._client.indices.create(index=self._new_version_name(),
                                            aliases={alias: {}},
                                            mappings={"_meta": {"change_seq": -1}})

    @classmethod
    def connect(cls, url: str, *, api_key: str | None = None, alias: str = DEFAULT_ALIAS,
                category_words: Mapping[str, str] | None = None) -> ElasticsearchIndex:
        """Open the index on the cluster at `url` (credentials may be in the URL)."""
        client = Elasticsearch(url, api_key=api_key, request_timeout=30, max_retries=2,
                               retry_on_timeout=True)
        try:
            return cls(client, alias=alias, category_words=category_words, owns_client=True)
        except SearchBackendError:
            client.close()
            raise

    # --- versions ------------------------------------------------------------------------

    def _put_template(self) -> None:
        listing_template(self.alias, self.nori).save(using=self._client)

    def _new_version_name(self) -> str:
        return f"{self.alias}-v{time.time_ns()}"

    def _versions(self) -> list[str]:
        """Every version index of this alias, live or left over by a killed rebuild."""
        return sorted(self._client.indices.get_alias(index=f"{self.alias}-v*").body)

    def _alias_targets(self) -> list[str]:
        """The indexes the alias points at now (normally one version)."""
        try:
            return sorted(self._client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    @property
    def change_seq(self) -> int:
        """The catalog change_seq the live version reflects (-1 when unknown)."""
        try:
            answer = self._client.indices.get_mapping(index=self.alias)
        except NotFoundError:
            return -1
        except (ApiError, TransportError) as exc:
            raise SearchBackendError(f"elasticsearch change_seq: {exc}") from exc
        for body in answer.body.values():
            seq = body.get("mappings", {}).get("_meta", {}).get("change_seq")
            return seq if isinstance(seq, int) else -1
        return -1

    def set_change_seq(self, seq: int) -> None:
        """Record which catalog state the live version reflects."""
        with _backend_errors("set change_seq"):
            self._client.indices.put_mapping(index=self.alias, meta={"change_seq": seq})

    # --- writes --------------------------------------------------------------------------

    def _actions(self, index: str, listings: Iterable[Listing]) -> Iterator[dict[str, Any]]:
        for listing in listings:
            yield {"_op_type": "index", "_index": index, "_id": listing.id,
                   "_source": listing_document(
                       listing, self._category_words.get(listing.category, ""))}

    def _bulk_index(self, index: str, listings: Iterable[Listing], **options: Any) -> int:
        indexed, _ = bulk(self._client, self._actions(index, listings),
                          chunk_size=self._chunk, max_retries=2, **options)
        return indexed

    def upsert(self, listings: Iterable[Listing]) -> None:
        """Add or replace listings by id, searchable on return."""
        with _backend_errors("upsert"):
            # require_alias: if the alias were gone, fail rather than auto-create a
            # concrete index of that name with guessed mappings
            if self._bulk_index(self.alias, listings, require_alias=True):
                self._client.indices.refresh(index=self.alias)

    def delete(self, listing_ids: Iterable[str]) -> None:
        """Remove listings by id; unknown ids are ignored."""
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": listing_id}
                   for listing_id in listing_ids)
        with _backend_errors("delete"):
            deleted, _ = bulk(self._client, actions, chunk_size=self._chunk,
                              ignore_status=(404,), max_retries=2, require_alias=True)
            if deleted:
                self._client.indices.refresh(index=self.alias)

    def rebuild(self, listings: Iterable[Listing], change_seq: int = -1) -> None:
        """Fill a new version index, move the alias to it atomically, delete the others."""
        name = self._new_version_name()
        with _backend_errors("rebuild"):
            self._put_template()  # a plugin added since opening changes the mapping
            self._client.indices.create(index=name,
                                        mappings={"_meta": {"change_seq": change_seq}})
            try:
                count = self._bulk_index(name, listings)
                self._client.indices.refresh(index=name)
            except Exception:
                with suppress(ApiError, TransportError):  # the error worth reporting is above
                    self._client.indices.delete(index=name, ignore_unavailable=True)
                raise
            live = [v for v in self._alias_targets() if v != name]
            actions: list[dict[str, Any]] = [{"remove": {"index": v, "alias": self.alias}}
                                             for v in live]
            actions.append({"add": {"index": name, "alias": self.alias}})
            self._client.indices.update_aliases(actions=actions)
            _log.info("elasticsearch: %s now on %s (%d listings, change_seq %d), was %s",
                      self.alias, name, count, change_seq, ", ".join(live) or "none")
            # only our own versions go; an index someone else pointed the alias at stays
            stale = [v for v in self._versions() if v != name]
            if stale:
                self._client.indices.delete(index=stale, ignore_unavailable=True)

    # --- reads ---------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        """Run a search; user text is always a plain search (see elasticsearch_queries)."""
        search = build_search(query, index=self.alias, text_fields=text_fields(self.nori),
                              public_holidays=self._holidays)
        with _backend_errors("search"):
            answer = self._client.search(index=self.alias, body=search.to_dict())
        return read_results(query, answer.body)

    def get(self, listing_id: str) -> Listing | None:
        """One listing by id, or None."""
        try:
            answer = self._client.get(index=self.alias, id=listing_id,
                                      source_includes=["listing"])
        except NotFoundError:
            return None
        except (ApiError, TransportError) as exc:
            raise SearchBackendError(f"elasticsearch get: {exc}") from exc
        return Listing.model_validate(answer.body["_source"]["listing"])

    def coverage(self) -> dict[tuple[str, str], int]:
        """Listing counts by (district_code, category); "none" for no district."""
        counts: dict[tuple[str, str], int] = {}
        after: dict[str, str] | None = None
        with _backend_errors("coverage"):
            while True:
                body = coverage_search(self.alias, after).to_dict()
                cells = self._client.search(index=self.alias, body=body).body[
                    "aggregations"]["cells"]
                for bucket in cells["buckets"]:
                    key = bucket["key"]
                    counts[(key["district"], key["category"])] = int(bucket["doc_count"])
                after = cells.get("after_key")
                if not cells["buckets"] or after is None:
                    return counts

    def drop(self) -> None:
        """Delete every version index and the template of this alias: for throwaway
        aliases (tests, evaluations). Indexes are named, since clusters refuse wildcard
        deletes (action.destructive_requires_name)."""
        with _backend_errors("drop"):
            versions = self._versions()
            if versions:
                self._client.indices.delete(index=versions, ignore_unavailable=True)
            self._client.options(ignore_status=404).indices.delete_index_template(
                name=self.alias)

    def close(self) -> None:
        """Close the client when this index opened it."""
        if self._owns_client:
            self._client.close()
