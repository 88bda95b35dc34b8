"""Any JSON or XML API described in YAML → listings, by field paths: no code per API.

`source.params` says where the items are and where each hub field sits inside one item
(field names are RawRecord's; docs/api_sources.md has the annotated format):

    items: response.body.items.item        # JSON: dotted path; XML: response/body/items/item
    id: facilityId                         # optional: else a hash of title and address
    fields: {title: facilitiesTitle, address: address, lat: lat, lon: lng, phones: tel}

A path may be a list; its values are joined with a space (title: [MNAME, NAME]). The body is
one API response as published, or the fetcher's combination of every page
(crawlers/json_api.py): `{"format": "sharehub.api_pages", "pages": [...]}` for JSON, and
`<sharehub-pages>` holding each page's root element for XML. XML is read with defusedxml
and no DTD allowed, so an entity bomb or an external entity is refused before expansion.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLSyntaxError

import defusedxml
import defusedxml.ElementTree as safe_xml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from normalizer.assemble import assemble_listing
from normalizer.errors import InvalidListing, ParseError
from normalizer.record import ParseReport, ParseResult, RawRecord
from normalizer.schema import Source
from normalizer.text import decode_bytes

__all__ = ["PAGES_FORMAT", "PAGES_ROOT", "ApiMappingParams", "parse_json_api",
           "parse_timestamp", "parse_xml_api", "read_mapping_params"]

PAGES_FORMAT = "sharehub.api_pages"  # the fetcher's combined JSON document
PAGES_ROOT = "sharehub-pages"  # the fetcher's combined XML document
HUB_FIELDS = tuple(f.name for f in dataclasses.fields(RawRecord) if f.name != "record_id")
_KST = timezone(timedelta(hours=9))
_XML_DECLARATION = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9_.:-]+)(["'])""")
_DATE = re.compile(r"(\d{4})[-./년]\s*(\d{1,2})[-./월]\s*(\d{1,2})")
_TRUE = {"y", "yes", "true", "1", "무료", "가능"}
_FALSE = {"n", "no", "false", "0", "유료", "불가"}
Paths = str | list[str]


class ApiMappingParams(BaseModel):
    """The mapping part of a JSON/XML API source's params."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    items: str = Field(min_length=1)
    id: Paths | None = None
    fields: dict[str, Paths]
    # Read by the fetcher (crawlers/json_api.py validates them); named here so that a
    # misspelt key is refused by both layers.
    pagination: Any = None
    key_param: Any = None
    query: Any = None
    status: Any = None
    total_path: Any = None

    @field_validator("fields")
    @classmethod
    def _hub_fields_only(cls, value: dict[str, Paths]) -> dict[str, Paths]:
        unknown = [name for name in value if name not in HUB_FIELDS]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a hub field (one of {', '.join(HUB_FIELDS)})")
        if "title" not in value:
            raise ValueError("'title' is required: the path of each item's name")
        return value

    @field_validator("id", "fields")
    @classmethod
    def _paths_not_empty(cls, value: Any) -> Any:
        paths = value.values() if isinstance(value, dict) else [value] if value else []
        for path in paths:
            if path == [] or path == "" or (isinstance(path, list) and "" in path):
                raise ValueError("a path must not be empty")
        return value


def read_mapping_params(source: Source) -> ApiMappingParams:
    """Validate a source's params. Raises ParseError naming the bad key."""
    try:
        return ApiMappingParams.model_validate(source.params)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'params'}: "
            f"{error['msg'].removeprefix('Value error, ')}" for error in exc.errors())
        raise ParseError(f"source {source.id} params: {problems}") from None


def parse_timestamp(value: str | None) -> datetime | None:
    """Read the date forms Korean APIs publish ("2024-04-03 00:00:00.0", "20240403",
    ISO 8601, "2024.04.03", epoch milliseconds); times without a zone are KST."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) in (10, 13):  # epoch seconds or milliseconds
        return datetime.fromtimestamp(int(text) / (1000 if len(text) == 13 else 1), UTC)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        match = _DATE.search(text)
        if match is None:
            return None
        year, month, day = (int(g) for g in match.groups())
        try:
            parsed = datetime(year, month, day)
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_KST)


def _flag(text: str | None) -> bool | None:
    key = (text or "").strip().lower()
    return True if key in _TRUE else False if key in _FALSE else None


def _as_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list):  # a list of scalars (several phone numbers, tags)
        parts = [text for v in value if not isinstance(v, dict | list) and (text := _as_text(v))]
        return ", ".join(parts) or None
    return None


# --- JSON ---------------------------------------------------------------------------

def _json_at(value: Any, path: str) -> Any:
    for step in path.split("."):
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def _json_items(page: Any, path: str) -> list[Any]:
    first = path.split(".", 1)[0]
    if not isinstance(page, dict) or first not in page:
        keys = ", ".join(list(page)[:8]) if isinstance(page, dict) else type(page).__name__
        raise ParseError(f"params.items {path!r}: the document has no {first!r} (it has {keys})")
    found = _json_at(page, path)
    if isinstance(found, list):
        return found
    # data.go.kr gives one item as an object, and no items as "" instead of a list.
    return [found] if isinstance(found, dict) else []


def parse_json_api(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse a JSON API response (or the fetcher's combined pages) with the source's field
    paths. Raises ParseError for bad params, a body that is not JSON, or items not found;
    items without a title are skipped and counted."""
    params = read_mapping_params(source)
    try:
        document = json.loads(decode_bytes(body))
    except json.JSONDecodeError as exc:
        start = body[:60].decode("utf-8", "replace").strip()[:40]
        raise ParseError(f"not JSON: {exc.msg} at line {exc.lineno} "
                         f"(the body starts with {start!r})") from None
    is_combined = isinstance(document, dict) and document.get("format") == PAGES_FORMAT
    pages = (document.get("pages") or []) if is_combined else [document]
    items = [item for page in pages for item in _json_items(page, params.items)]

    def read(item: Any, path: str) -> str | None:
        return _as_text(_json_at(item, path)) if isinstance(item, dict) else None

    def keys(item: Any) -> list[str]:
        return list(item) if isinstance(item, dict) else []

    return _listings(items, read, keys, params, source, now or datetime.now(UTC))


# --- XML ----------------------------------------------------------------------------

def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(nodes: list[Element], step: str) -> list[Element]:
    return [child for node in nodes for child in node if step in ("*", _local(child.tag))]


def _xml_at(item: Element, path: str) -> str | None:
    steps = path.strip("/").split("/")
    attribute = steps.pop()[1:] if steps[-1].startswith("@") else None
    nodes = _children([item], steps[0]) if steps else [item]
    for step in steps[1:]:
        nodes = _children(nodes, step)
    if not nodes:
        return None
    return nodes[0].get(attribute) if attribute else "".join(nodes[0].itertext())


def _xml_items(page: Element, path: str) -> list[Element]:
    steps = path.strip("/").split("/")
    if steps[0] not in ("*", _local(page.tag)):
        raise ParseError(f"params.items {path!r} starts at <{steps[0]}>, but the document's "
                         f"root is <{_local(page.tag)}>")
    nodes = [page]
    for step in steps[1:]:
        nodes = _children(nodes, step)
    return nodes


def _load_xml(body: bytes) -> Element:
    """Parse XML safely (no DTD, no entities), whatever its declared encoding."""
    declared = _XML_DECLARATION.match(body)
    # expat reads only UTF-8/16 and Latin-1 by itself: re-encode EUC-KR/CP949 documents.
    text = decode_bytes(body, declared.group(2).decode("ascii") if declared else None)
    data = _XML_DECLARATION.sub(rb"\g<1>utf-8\g<3>", text.encode("utf-8"), count=1)
    try:
        root: Element = safe_xml.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise ParseError(f"refused XML with a DTD or entity declarations ({type(exc).__name__}):"
                         " an API response needs neither") from None
    except XMLSyntaxError as exc:
        raise ParseError(f"not well-formed XML: {exc}") from None
    return root


def parse_xml_api(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse an XML API response (or the fetcher's combined pages) with the source's paths.
    Raises ParseError for bad params, malformed or unsafe XML, or a wrong items path; items
    without a title are skipped and counted."""
    params = read_mapping_params(source)
    root = _load_xml(body)
    pages = list(root) if _local(root.tag) == PAGES_ROOT else [root]
    items: list[Any] = [item for page in pages for item in _xml_items(page, params.items)]

    def keys(item: Any) -> list[str]:
        return [_local(child.tag) for child in item] + [f"@{name}" for name in item.attrib]

    return _listings(items, _xml_at, keys, params, source, now or datetime.now(UTC))


# --- shared: items → listings -----------------------------------------------------------

def _paths(value: Paths) -> list[str]:
    return [value] if isinstance(value, str) else value


def _record(item: Any, read: Callable[[Any, str], str | None],
            params: ApiMappingParams) -> RawRecord:
    texts: dict[str, str | None] = {}
    for field, paths in params.fields.items():
        parts = [text.strip() for p in _paths(paths) if (text := read(item, p)) and text.strip()]
        texts[field] = " ".join(parts) or None
    if params.id is not None:
        id_parts = [text for p in _paths(params.id) if (text := read(item, p))]
        if not id_parts:
            raise InvalidListing(f"no id at {params.id!r}")
        record_id = "-".join(id_parts)
    else:
        seed = f"{texts.get('title') or ''}|{texts.get('address') or ''}"
        record_id = hashlib.sha1(seed.encode()).hexdigest()[:16]
    record = RawRecord(record_id=record_id, title=texts.pop("title", None),
                       free=_flag(texts.pop("free", None)),
                       updated_at=parse_timestamp(texts.pop("updated_at", None)))
    tags = texts.pop("tags", None)
    record.tags = [t.strip() for t in tags.split(",") if t.strip()] if tags else []
    for field, text in texts.items():  # every other hub field is plain text
        setattr(record, field, text)
    return record


def _listings(items: list[Any], read: Callable[[Any, str], str | None],
              keys: Callable[[Any], list[str]], params: ApiMappingParams, source: Source,
              now: datetime) -> ParseResult:
    report = ParseReport(mapped_fields={path: field for field, paths in params.fields.items()
                                        for path in _paths(paths)})
    if params.id is not None:
        report.mapped_fields.update({path: "record_id" for path in _paths(params.id)})
    used = {path.split(".")[0].split("/")[0] for path in report.mapped_fields}
    listings, seen = [], set()
    for position, item in enumerate(items, start=1):
        report.records += 1
        for key in keys(item):
            if key not in used and key not in report.unmapped_fields:
                report.unmapped_fields.append(key)
        try:
            if not keys(item):
                raise InvalidListing("not an object with fields")
            record = _record(item, read, params)
            if record.record_id in seen:
                raise InvalidListing(f"duplicate of an earlier item (id {record.record_id})")
            listings.append(assemble_listing(record, source, now))
        except InvalidListing as exc:
            report.invalid += 1
            report.errors.append(f"item {position}: {exc}")
            continue
        seen.add(record.record_id)
    return ParseResult(listings, report)
