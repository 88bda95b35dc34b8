"""The embedded search backend: tantivy, with Hangul bigrams for Korean recall.

Layout of the data folder:

    <root>/CURRENT              name of the live version (replaced with os.replace)
    <root>/versions/<name>/     one complete tantivy index + sharehub.json (change_seq)

`rebuild` writes a new version beside the live one and swaps CURRENT atomically, so a
kill at any moment leaves readers on the previous complete version. User text is turned
into term and phrase queries built in code: it never reaches a query parser.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy

from index.analysis import bigram_terms, query_words, unigram_terms
from index.errors import SearchBackendError
from index.search_types import SearchHit, SearchQuery, SearchResults
from normalizer.schema import Listing

__all__ = ["TantivyIndex"]

_WRITER_HEAP = 50_000_000
_TITLE_BOOST = 3.0


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name="whitespace")
    builder.add_text_field("body", tokenizer_name="whitespace")
    builder.add_text_field("uni", tokenizer_name="whitespace")
    for facet in ("kind", "category", "district", "source", "free"):
        builder.add_text_field(facet, tokenizer_name="raw", fast=True)
    builder.add_integer_field("seen", fast=True, indexed=True)
    builder.add_bytes_field("doc", stored=True)
    return builder.build()


def _searchable_text(listing: Listing) -> str:
    location = listing.location
    parts = [listing.description, location.address, location.district_name,
             listing.provider.name, listing.fee.text, listing.hours.text,
             " ".join(i.name for i in listing.items), " ".join(listing.tags)]
    return " ".join(p for p in parts if p)


def _free_value(free: bool | None) -> str:
    return "unknown" if free is None else ("true" if free else "false")


def _document(listing: Listing, category_words: str) -> tantivy.Document:
    body = f"{_searchable_text(listing)} {category_words}"
    seen = listing.first_seen_at or listing.source_updated_at
    return tantivy.Document(
        id=listing.id, title=bigram_terms(listing.title), body=bigram_terms(body),
        uni=unigram_terms(f"{listing.title} {body}"), kind=listing.kind,
        category=listing.category, district=listing.location.district_code or "none",
        source=listing.source_id, free=_free_value(listing.fee.free),
        seen=int(seen.timestamp()) if seen else 0,
        doc=listing.model_dump_json().encode())


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
        self._open_current()

    # --- versions ------------------------------------------------------------------------

    def _current_name(self) -> str | None:
        try:
            return (self.root / "CURRENT").read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def _open_current(self) -> None:
        name = self._current_name()
        if name is None:
            name = self._new_version_dir().name
            self._swap_to(name)
        try:
            self._index = tantivy.Index(self._schema, path=str(self.root / "versions" / name))
        except ValueError as exc:
            raise SearchBackendError(f"cannot open search index version {name}: {exc}") from exc
        self._version = name

    def _new_version_dir(self) -> Path:
        path = self.root / "versions" / f"v{time.time_ns()}"
        path.mkdir(parents=True)
        return path

    def _swap_to(self, name: str) -> None:
        pointer = self.root / "CURRENT.tmp"
        pointer.write_text(name, encoding="utf-8")
        with pointer.open("rb") as f:
            os.fsync(f.fileno())
        pointer.replace(self.root / "CURRENT")
        directory = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def _live(self) -> tantivy.Index:
        """The live index, reopened if another process swapped versions."""
        with self._lock:
            if self._current_name() != self._version:
                self._open_current()
            assert self._index is not None
            return self._index

    @property
    def change_seq(self) -> int:
        """The catalog change_seq this index reflects (-1 when unknown)."""
        meta = self.root / "versions" / (self._version or "") / "sharehub.json"
        try:
            return int(json.loads(meta.read_text(encoding="utf-8"))["change_seq"])
        except (FileNotFoundError, KeyError, ValueError):
            return -1

    def set_change_seq(self, seq: int) -> None:
        """Record which catalog state the live version reflects."""
        self._write_meta(self.root / "versions" / (self._version or ""), seq)

    @staticmethod
    def _write_meta(directory: Path, seq: int) -> None:
        tmp = directory / "sharehub.json.tmp"
        tmp.write_text(json.dumps({"change_seq": seq}), encoding="utf-8")
        tmp.replace(directory / "sharehub.json")

    # --- writes --------------------------------------------------------------------------

    def _add_all(self, writer: Any, listings: Iterable[Listing]) -> None:
        for listing in listings:
            writer.delete_documents_by_term("id", listing.id)
            writer.add_document(_document(listing,
                                          self._category_words.get(listing.category, "")))

    def upsert(self, listings: Iterable[Listing]) -> None:
        with self._lock:
            index = self._live()
            with index.writer(_WRITER_HEAP, 1) as writer:
                self._add_all(writer, listings)
                writer.commit()
            index.reload()

    def delete(self, listing_ids: Iterable[str]) -> None:
        with self._lock:
            index = self._live()
            with index.writer(_WRITER_HEAP, 1) as writer:
                for listing_id in listing_ids:
                    writer.delete_documents_by_term("id", listing_id)
                writer.commit()
            index.reload()

    def rebuild(self, listings: Iterable[Listing], change_seq: int = -1) -> None:
        """Write every listing into a new version, then swap it in; old versions go."""
        with self._lock:
            directory = self._new_version_dir()
            fresh = tantivy.Index(self._schema, path=str(directory))
            with fresh.writer(_WRITER_HEAP, 1) as writer:
                self._add_all(writer, listings)
                writer.commit()
                writer.wait_merging_threads()
            self._write_meta(directory, change_seq)
            self._swap_to(directory.name)
            self._open_current()
            for old in (self.root / "versions").iterdir():
                if old.name != directory.name:
                    shutil.rmtree(old, ignore_errors=True)

    # --- reads ---------------------------------------------------------------------------

    def _text_query(self, text: str) -> tantivy.Query | None:
        clauses = []
        for word in query_words(text):
            if word.unigram:
                clauses.append(tantivy.Query.term_query(self._schema, "uni", word.terms[0]))
                continue
            per_field = []
            for field, boost in (("title", _TITLE_BOOST), ("body", 1.0)):
                terms: list[str | tuple[int, str]] = list(word.terms)
                query = (tantivy.Query.term_query(self._schema, field, word.terms[0])
                         if len(word.terms) == 1
                         else tantivy.Query.phrase_query(self._schema, field, terms))
                per_field.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
            clauses.append(tantivy.Query.boolean_query(per_field))
        if not clauses:
            return None
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, c) for c in clauses])

    def _query(self, query: SearchQuery) -> tantivy.Query:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if text := self._text_query(query.text):
            clauses.append((tantivy.Occur.Must, text))
        filters = {"kind": query.kinds, "category": query.categories,
                   "district": query.district_codes, "source": query.source_ids,
                   "free": () if query.free is None else (_free_value(query.free),)}
        for field, values in filters.items():
            if values:  # checkboxes of one facet: any of them
                clauses.append((tantivy.Occur.Must, tantivy.Query.term_set_query(
                    self._schema, field, list(values))))
        return tantivy.Query.boolean_query(clauses) if clauses else tantivy.Query.all_query()

    def search(self, query: SearchQuery) -> SearchResults:
        index = self._live()
        searcher = index.searcher()
        limit = max(1, min(query.limit, 100))
        offset = max(0, min(query.offset, 10_000))
        if not query.text.strip():
            result = searcher.search(self._query(query), limit, count=True, offset=offset,
                                     order_by_field="seen")
        else:
            result = searcher.search(self._query(query), limit, count=True, offset=offset)
        hits = []
        for score, address in result.hits:
            stored = searcher.doc(address)["doc"][0]
            hits.append(SearchHit(Listing.model_validate_json(stored), float(score)))
        total = result.count  # type: ignore[attr-defined]  # missing from the stub
        return SearchResults(total=int(total or 0), hits=hits)

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
            self._index = None
            self._version = None
