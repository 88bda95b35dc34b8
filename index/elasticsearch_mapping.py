"""What the Elasticsearch backend stores: the index template, its analysis and documents.

Built with the client's DSL (`elasticsearch.dsl`), never hand-written JSON. Korean text
is analysed into character bigrams (standard tokenizer + cjk_width + lowercase +
cjk_bigram): at index time with unigrams too, so a one-syllable query (책) still finds
책방; at query time without them, so 회의실 must match 회의 and 의실, not every 회. An
English sub-field stems (tools → tool) and, at query time only, expands the search
vocabulary's synonyms (camping ↔ 캠핑; index/data/synonyms.json, shared with the embedded
backend). A `nori` sub-field (decompound mode "mixed") adds Korean base forms only on
clusters that have the analysis-nori plugin: the mapping is built for what the cluster has.
The whole Listing rides in `_source` under `listing` (stored, not indexed); the other
fields exist to be searched, filtered, sorted and counted.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from elasticsearch.dsl import (
    Boolean,
    ComposableIndexTemplate,
    Date,
    Document,
    GeoPoint,
    Index,
    IntegerRange,
    Keyword,
    Mapping,
    MetaField,
    Object,
    Text,
    analyzer,
    char_filter,
    token_filter,
    tokenizer,
)

from index.open_hours_index import open_minute_ranges
from normalizer.open_now import closes_on_public_holidays
from normalizer.schema import Listing, WeeklyHours

__all__ = [
    "FACET_FIELDS",
    "listing_document",
    "listing_mapping",
    "listing_template",
    "synonym_rules",
    "text_fields",
    "weekly_minute_ranges",
]

# SearchQuery facet name → keyword field holding its value.
FACET_FIELDS = {"kind": "kind", "category": "category", "district": "district",
                "source": "source", "free": "free", "provider_type": "provider_type"}

# The standard tokenizer keeps emoji as tokens; a query word "🏕️" would then be required
# and match nothing. Symbols, emoji modifiers and joiners go before tokenizing.
_NO_SYMBOLS = char_filter("sharehub_drop_symbols", type="pattern_replace",
                          pattern="[\\p{So}\\p{Sk}\\x{FE0F}\\x{200D}\\x{20E3}]",
                          replacement="")
_KOREAN_BIGRAM = analyzer(
    "sharehub_korean_bigram", tokenizer="standard", char_filter=[_NO_SYMBOLS],
    filter=["cjk_width", "lowercase",
            token_filter("sharehub_cjk_bigram", type="cjk_bigram", output_unigrams=True)])
_KOREAN_BIGRAM_SEARCH = analyzer(
    "sharehub_korean_bigram_search", tokenizer="standard", char_filter=[_NO_SYMBOLS],
    filter=["cjk_width", "lowercase",
            token_filter("sharehub_cjk_bigram_search", type="cjk_bigram",
                         output_unigrams=False)])
_STEMMER = token_filter("sharehub_english_stemmer", type="stemmer", language="english")
_ENGLISH = analyzer("sharehub_english", tokenizer="standard", char_filter=[_NO_SYMBOLS],
                    filter=["cjk_width", "lowercase", _STEMMER])
_NORI = analyzer(
    "sharehub_nori",
    tokenizer=tokenizer("sharehub_nori_mixed", type="nori_tokenizer", decompound_mode="mixed"),
    char_filter=[_NO_SYMBOLS],
    filter=["nori_part_of_speech", "nori_readingform", "lowercase"])


def synonym_rules() -> list[str]:
    """Equivalence rules ("캠핑, camping, …") from the search vocabulary kept as data
    (index/data/synonyms.json, shared with the embedded backend); [] when it is absent."""
    try:
        data = json.loads((resources.files("index") / "data" / "synonyms.json").read_text(
            encoding="utf-8"))
    except FileNotFoundError:
        return []
    rules = []
    for group in data.get("groups", []):
        words = [w.strip() for w in group if w.strip() and not set(w) & set(",=>#")]
        if len(words) > 1:
            rules.append(", ".join(words))
    return rules


def _english_search(rules: list[str]) -> Any:  # the DSL types analyzers as DslBase
    """The English analyzer at query time: the same chain plus synonyms before stemming,
    so "camping" also looks for the word 캠핑. Query-time only: editing the vocabulary
    needs no reindex. `lenient` skips a rule the chain cannot parse instead of refusing
    the whole template."""
    if not rules:
        return _ENGLISH
    synonyms = token_filter("sharehub_synonyms", type="synonym_graph", synonyms=rules,
                            lenient=True)
    return analyzer("sharehub_english_search", tokenizer="standard", char_filter=[_NO_SYMBOLS],
                    filter=["cjk_width", "lowercase", synonyms, _STEMMER])


def _text_field(nori: bool) -> Text:
    english = Text(analyzer=_ENGLISH, search_analyzer=_english_search(synonym_rules()))
    subfields: dict[str, Text] = {"en": english}
    if nori:
        subfields["nori"] = Text(analyzer=_NORI)
    return Text(analyzer=_KOREAN_BIGRAM, search_analyzer=_KOREAN_BIGRAM_SEARCH,
                fields=subfields)


def text_fields(nori: bool) -> list[str]:
    """The fields user text is searched in, with boosts (title counts three times)."""
    fields = ["title^3", "title.en^3", "body", "body.en"]
    if nori:
        fields += ["title.nori^3", "body.nori"]
    return fields


def _document_class(nori: bool) -> type[Document]:
    class ListingDocument(Document):
        id = Keyword()
        title = _text_field(nori)
        body = _text_field(nori)
        kind = Keyword()
        category = Keyword()
        district = Keyword()  # district_code, or "none"
        source = Keyword()
        free = Keyword()  # "true" | "false" | "unknown"
        provider_type = Keyword()
        location = GeoPoint()
        seen = Date()  # first seen (or updated at the source): "newest" sorts on it
        open_minutes = IntegerRange()  # weekly hours as minute-of-week ranges
        closes_on_public_holidays = Boolean()
        listing = Object(enabled=False)  # the Listing JSON, kept in _source only

        class Meta:
            # a field the mapping does not know is an error, not a silent new mapping
            dynamic = MetaField("strict")

    return ListingDocument


def listing_mapping(nori: bool) -> Mapping:
    """The mappings of a listings index; `nori` adds the nori sub-fields."""
    return _document_class(nori)._doc_type.mapping


def listing_template(alias: str, nori: bool) -> ComposableIndexTemplate:
    """The index template every `<alias>-v*` version index is created from."""
    index = Index(f"{alias}-v*")
    # One shard: a city's catalog fits, and scores then use one set of term statistics.
    index.settings(number_of_shards=1, auto_expand_replicas="0-1")
    index.document(_document_class(nori))
    return index.as_composable_template(alias, pattern=f"{alias}-v*", priority=200)


def weekly_minute_ranges(weekly: list[WeeklyHours]) -> list[dict[str, int]]:
    """Weekly hours as integer_range values of minute-of-week (Monday 00:00 = 0),
    half-open [gte, lt), cut exactly as the embedded backend cuts them: hours past midnight
    run into the next day and Sunday night wraps to Monday."""
    return [{"gte": start, "lt": end} for start, end in open_minute_ranges(weekly)]


def _free_value(free: bool | None) -> str:
    return "unknown" if free is None else ("true" if free else "false")


def listing_document(listing: Listing, category_words: str = "") -> dict[str, Any]:
    """The `_source` of one listing: searchable fields plus the Listing JSON itself.

    `category_words` (the category's Korean and English labels) are searched with the
    body, so 공구 finds a tool-lending point whose own text never says 공구.
    """
    location = listing.location
    parts = [listing.description, location.address, location.district_name,
             listing.provider.name, listing.fee.text, listing.hours.text,
             " ".join(item.name for item in listing.items), " ".join(listing.tags),
             category_words]
    seen = listing.first_seen_at or listing.source_updated_at
    has_point = location.lat is not None and location.lon is not None
    return {
        "id": listing.id,
        "title": listing.title,
        "body": " ".join(part for part in parts if part),
        "kind": listing.kind,
        "category": listing.category,
        "district": location.district_code or "none",
        "source": listing.source_id,
        "free": _free_value(listing.fee.free),
        "provider_type": listing.provider.type,
        "location": {"lat": location.lat, "lon": location.lon} if has_point else None,
        "seen": seen.isoformat() if seen else None,
        "open_minutes": weekly_minute_ranges(listing.hours.weekly),
        "closes_on_public_holidays": closes_on_public_holidays(listing.hours.text),
        "listing": listing.model_dump(mode="json"),
    }
