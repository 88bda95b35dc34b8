"""The embedded search backend: tantivy, with Hangul bigrams for Korean recall.

The data folder holds complete versions and a CURRENT pointer (`index.tantivy_versions`).
`rebuild` writes a new version beside the live one and swaps CURRENT atomically, so a
kill at any moment leaves readers on the previous complete version; the folders a killed
rebuild leaves are removed by the next one, and a version written with another schema is
replaced by an empty one that the next sync rebuilds. A rebuilt version keeps its
documents sorted by district, so a district filter skips most of the index.

User text is turned into term queries built in code: it never reaches a query
parser. The quick query (no spelling searches) runs first; the thorough one only when
the quick one finds nothing. Built queries are remembered per text until the next write.

Filters, facets, geo and opening hours live in their own modules: `tantivy_fields` (what
each listing carries besides text), `tantivy_filters`, `tantivy_facets` (terms
aggregations, run beside the top-hits pass), `tantivy_geo` with `geo` (exact radius
filters over grid cells, nearest-first ordering) and `open_hours_index` (weekly hours as
segment-tree slots, Korean public holidays).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import tantivy

from index.analysis import bigram_terms, short_text_terms
from index.errors import SearchBackendError
from index.korean import shared_morphology
from index.search_types import SearchHit, SearchQuery, SearchResults
from index.tantivy_facets import count_facets
from index.tantivy_fields import RECENCY_FIELD, add_filter_fields, filter_values
from index.tantivy_filters import filter_queries
from index.tantivy_geo import DISTANCE_CANDIDATES, circle_query, distances_km, nearest
from index.tantivy_text_query import TextQuery, build_text_query
from index.tantivy_versions import (
    current_version,
    is_outdated,
    new_version_dir,
    read_change_seq,
    remove_versions_except,
    swap_to,
    write_meta,
)
from normalizer.open_now import public_holiday_name
from normalizer.schema import Listing

__all__ = ["TantivyIndex"]

_log = logging.getLogger(__name__)

_WRITER_HEAP = 50_000_000
_REBUILD_HEAP = 200_000_000  # fewer, larger segments; memory is given back after the build
_REBUILD_THREADS = 1  # the Python side building documents is the bottleneck, not tantivy
_MAX_OFFSET = 10_000
# Documents sorted by district: a district filter then keeps a few runs of neighbouring
# documents, and tantivy skips the others instead of scoring the text query across them.
_SORT_FIELD: str | None = "district"
_TEXT_QUERY_CACHE = 2_000  # texts whose built query is remembered
# Another process may write to the live version: a remembered spelling decision is
# trusted for a minute at most.
_TEXT_QUERY_TTL_S = 60.0
# Listing.model_dump_json() without the str round trip: the same bytes, stored per doc.
_LISTING_JSON = Listing.__pydantic_serializer__.to_json


def _is_public_holiday(day: date) -> bool:
    return public_holiday_name(day) is not None


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    # Every text field is searched term by term (index.tantivy_text_query): no positions.
    # A one-syllable query (책) matches the bigrams holding the syllable (a regex over
    # the term dictionary), so no field of single syllables is indexed.
    for field in ("title", "body",
                  "morph",  # Kiwi morphemes and stems
                  "initials"):  # 초성: ㄱㄱ for 공구
        builder.add_text_field(field, tokenizer_name="whitespace", index_option="freq")
    add_filter_fields(builder)
    builder.add_bytes_field("doc", stored=True)
    return builder.build()


def _searchable_text(listing: Listing) -> str:
    location = listing.location
    parts = [listing.description, location.address, location.district_name,
             listing.provider.name, listing.fee.text, listing.hours.text,
             " ".join(i.name for i in listing.items), " ".join(listing.tags)]
    return " ".join(p for p in parts if p)


def _document(listing: Listing, category_words: str,
              schema: tantivy.Schema) -> tantivy.Document:
    # Kiwi reads the short fields only (title, category labels, item names, tags): the
    # description stays with bigrams, which keeps indexing fast (see index/korean.py).
    morph, initials = short_text_terms(
        listing.title, category_words, [*(i.name for i in listing.items), *listing.tags],
        shared_morphology())
    fields = filter_values(listing)
    fields.update(id=listing.id, title=bigram_terms(listing.title),
                  body=bigram_terms(f"{_searchable_text(listing)} {category_words}"),
                  morph=morph, initials=initials, doc=_LISTING_JSON(listing))
    # from_dict reads the field types from the schema: half the time of Document(**fields)
    return tantivy.Document.from_dict(fields, schema)


class TantivyIndex:
    """SearchIndex on tantivy. Thread-safe; one writing process per data folder.

    `category_words(code)` gives extra searchable words per category (its Korean and
    English labels), so 공구 finds a tool-lending point whose text never says 공구.
    """

    def __init__(self, root: Path, category_words: dict[str, str] | None = None) -> None:
        self.root = root
        self._category_words = category_words or {}
        self._schema = _schema()
        self._lock = threading.RLock()
        self._version: str | None = None
        self._index: tantivy.Index | None = None
        self._facet_pool: ThreadPoolExecutor | None = None
        self._text_queries: dict[tuple[str | None, str, bool], tuple[float, TextQuery]] = {}
        self._open_current()

    # --- versions ------------------------------------------------------------------------

    def _open_current(self) -> None:
        name = current_version(self.root)
        if name is None:
            name = new_version_dir(self.root).name
            swap_to(self.root, name)
        for _ in range(3):
            if is_outdated(self.root / "versions" / name):
                name = self._replace_outdated(name)
            try:
                self._index = tantivy.Index(self._schema,
                                            path=str(self.root / "versions" / name))
                break
            except ValueError as exc:
                if "schema does not match" in str(exc):
                    name = self._replace_outdated(name)
                    continue
                # A rebuild in another process may have swapped and removed this version
                # between reading CURRENT and opening it: follow CURRENT again.
                newer = current_version(self.root)
                if newer is None or newer == name:
                    raise SearchBackendError(
                        f"cannot open search index version {name}: {exc}") from exc
                name = newer
        else:
            raise SearchBackendError(f"search index versions change too fast to open {name}")
        self._version = name

    def _replace_outdated(self, name: str) -> str:
        """Swap to a new empty version instead of `name`, written by another sharehub
        version: its change_seq is unknown (-1), so the next sync rebuilds it."""
        _log.warning("search index version %s was written with another schema; starting "
                     "an empty one, to be rebuilt from the catalog", name)
        fresh = new_version_dir(self.root).name
        swap_to(self.root, fresh)
        return fresh

    def _live(self) -> tantivy.Index:
        """The live index, reopened if another process swapped versions."""
        with self._lock:
            if current_version(self.root) != self._version:
                self._open_current()
            assert self._index is not None
            return self._index

    @property
    def change_seq(self) -> int:
        """The catalog change_seq this index reflects (-1 when unknown)."""
        return read_change_seq(self.root / "versions" / (self._version or ""))

    def set_change_seq(self, seq: int) -> None:
        """Record which catalog state the live version reflects."""
        write_meta(self.root / "versions" / (self._version or ""), seq)

    # --- writes --------------------------------------------------------------------------

    def _add_all(self, writer: Any, listings: Iterable[Listing]) -> None:
        for listing in listings:
            writer.delete_documents_by_term("id", listing.id)
            writer.add_document(_document(
                listing, self._category_words.get(listing.category, ""), self._schema))

    def upsert(self, listings: Iterable[Listing]) -> None:
        with self._lock:
            index = self._live()
            with index.writer(_WRITER_HEAP, 1) as writer:
                self._add_all(writer, listings)
                writer.commit()
            index.reload()
            self._text_queries.clear()

    def delete(self, listing_ids: Iterable[str]) -> None:
        with self._lock:
            index = self._live()
            with index.writer(_WRITER_HEAP, 1) as writer:
                for listing_id in listing_ids:
                    writer.delete_documents_by_term("id", listing_id)
                writer.commit()
            index.reload()
            self._text_queries.clear()

    def rebuild(self, listings: Iterable[Listing], change_seq: int = -1) -> None:
        """Write every listing into a new version folder, then swap CURRENT to it.

        Input: the complete set of listings (the catalog's), and the catalog change_seq
        they reflect. Readers stay on the previous version until the swap; a kill at any
        moment leaves CURRENT on a complete version. Folders a killed rebuild left behind,
        and versions no longer live, are removed before writing and after the swap (one
        writing process per data folder). A repeated id keeps its last listing. Raises
        ValueError (from tantivy) when the new version cannot be written.
        """
        with self._lock:
            remove_versions_except(self.root, current_version(self.root))
            directory = new_version_dir(self.root)
            fresh = tantivy.Index(self._schema, path=str(directory),
                                  sort_by_field=_SORT_FIELD)
            # One commit for the whole set, and a heap large enough that tantivy flushes
            # few segments; tantivy's threads index while this one builds documents.
            with fresh.writer(_REBUILD_HEAP, _REBUILD_THREADS) as writer:
                written: set[str] = set()
                for listing in listings:
                    if listing.id in written:  # only then is a delete worth its cost
                        writer.delete_documents_by_term("id", listing.id)
                    written.add(listing.id)
                    writer.add_document(_document(
                        listing, self._category_words.get(listing.category, ""), self._schema))
                writer.commit()
                writer.wait_merging_threads()
            write_meta(directory, change_seq)
            swap_to(self.root, directory.name)
            self._open_current()
            remove_versions_except(self.root, directory.name)

    # --- reads ---------------------------------------------------------------------------

    def _text_query(self, searcher: tantivy.Searcher, text: str,
                    thorough: bool) -> TextQuery:
        """User text → a query built in code, never parsed (index.tantivy_text_query);
        remembered per text for a minute, and until the next write or version swap."""
        key = (self._version, text, thorough)
        now = time.monotonic()
        remembered = self._text_queries.get(key)
        if remembered is not None and now - remembered[0] < _TEXT_QUERY_TTL_S:
            return remembered[1]
        built = build_text_query(self._schema, searcher, text, thorough=thorough)
        if len(self._text_queries) >= _TEXT_QUERY_CACHE:
            self._text_queries.clear()  # rare: a fresh start beats bookkeeping per hit
        self._text_queries[key] = (now, built)
        return built

    def _facets(self) -> ThreadPoolExecutor:
        """Threads for facet counts, which run beside the top-hits pass (tantivy releases
        the GIL): a search then takes about the longer of the two passes, not their sum."""
        with self._lock:
            if self._facet_pool is None:
                self._facet_pool = ThreadPoolExecutor(max_workers=2,
                                                      thread_name_prefix="sharehub-facets")
            return self._facet_pool

    def _filtered(self, searcher: tantivy.Searcher, query: SearchQuery,
                  text: tantivy.Query | None) -> tantivy.Query:
        """The whole result set of `query`: its text and every filter, radius included."""
        clauses = [(tantivy.Occur.Must, text)] if text is not None else []
        clauses += filter_queries(self._schema, query, _is_public_holiday)
        if not any(occur == tantivy.Occur.Must for occur, _ in clauses):
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        base = tantivy.Query.boolean_query(clauses)
        if query.near is not None and query.radius_km is not None:
            circle = circle_query(searcher, self._schema, base, query.near,
                                  max(0.0, query.radius_km))
            base = tantivy.Query.boolean_query([(tantivy.Occur.Must, base),
                                                (tantivy.Occur.Must, circle)])
        return base

    def search(self, query: SearchQuery) -> SearchResults:
        """Run a search: text (any string; never a syntax error) and filters, facet counts
        over the whole result set, one page of hits (`limit` 1–100, `offset` ≤ 10,000).

        Sort "relevance" orders by score, equal scores newest first (no text: newest
        first); "newest" by first-seen time; "distance" (with `near`) nearest first, over
        listings with coordinates only, and at most DISTANCE_CANDIDATES deep (`offset` +
        `limit` beyond it gives an empty page). With `near`, hits carry `distance_km`.
        """
        searcher = self._live().searcher()
        quick = self._text_query(searcher, query.text, thorough=False)
        results = self._run(searcher, query, quick.query)
        if results.total == 0 and quick.assumed:
            # Some word was taken as spelled right from its terms alone: check each
            # word with a search, and respell the ones no listing has as typed.
            thorough = self._text_query(searcher, query.text, thorough=True)
            results = self._run(searcher, query, thorough.query)
        return results

    def _run(self, searcher: tantivy.Searcher, query: SearchQuery,
             text: tantivy.Query | None) -> SearchResults:
        limit = max(1, min(query.limit, 100))
        offset = max(0, min(query.offset, _MAX_OFFSET))
        base = self._filtered(searcher, query, text)
        if query.sort == "distance" and query.near is not None:
            base = tantivy.Query.boolean_query([
                (tantivy.Occur.Must, base),
                (tantivy.Occur.Must, tantivy.Query.exists_query("lat"))])
            counting = (self._facets().submit(count_facets, searcher, base, query.facets)
                        if query.facets else None)
            ranked, total = nearest(searcher, self._schema, base, query.near,
                                    min(offset + limit, DISTANCE_CANDIDATES), query.radius_km)
            page: list[tuple[float, tantivy.DocAddress, float | None]] = [
                (score if text is not None else 0.0, address, distance)
                for distance, score, address in ranked[offset:offset + limit]]
        else:
            counting = (self._facets().submit(count_facets, searcher, base, query.facets)
                        if query.facets else None)
            if text is not None and query.sort == "relevance":
                result = searcher.search(base, limit, count=True, offset=offset,
                                         weight_by_field=RECENCY_FIELD)
            else:
                result = searcher.search(base, limit, count=True, offset=offset,
                                         order_by_field="seen")
            addresses = [address for _, address in result.hits]
            distances: list[float | None] = (distances_km(searcher, addresses, query.near)
                                             if query.near is not None
                                             else [None] * len(addresses))
            page = [(float(score) if text is not None else 0.0, address, distance)
                    for (score, address), distance in zip(result.hits, distances, strict=True)]
            total = int(result.count or 0)  # type: ignore[attr-defined]  # not in the stub
        hits = [SearchHit(Listing.model_validate_json(searcher.doc(address)["doc"][0]),
                          score, distance) for score, address, distance in page]
        facets = counting.result() if counting is not None else {}
        return SearchResults(total=total, hits=hits, facets=facets)

    def get(self, listing_id: str) -> Listing | None:
        searcher = self._live().searcher()
        result = searcher.search(tantivy.Query.term_query(self._schema, "id", listing_id), 1)
        if not result.hits:
            return None
        return Listing.model_validate_json(searcher.doc(result.hits[0][1])["doc"][0])

    def coverage(self) -> dict[tuple[str, str], int]:
        """Listing counts by (district_code, category); "none" for no district."""
        searcher = self._live().searcher()
        answer = searcher.aggregate(tantivy.Query.all_query(), {"districts": {
            "terms": {"field": "district", "size": 1000},
            "aggs": {"categories": {"terms": {"field": "category", "size": 200}}}}})
        return {(district["key"], category["key"]): int(category["doc_count"])
                for district in answer["districts"]["buckets"]
                for category in district["categories"]["buckets"]}

    def count(self) -> int:
        return int(self._live().searcher().num_docs)

    def close(self) -> None:
        with self._lock:
            if self._facet_pool is not None:
                self._facet_pool.shutdown(wait=True)
                self._facet_pool = None
            self._index = None
            self._version = None
