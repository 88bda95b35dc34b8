"""Open-data tables (district 공구대여소 lists, the national standard datasets) → listings.

`parse_csv` reads CSV (UTF-8, UTF-8 with a BOM, CP949) into rows; the XLSX reader hands its
rows to the same `listings_from_rows`, so both formats share one path from rows to listings:
the header is found among the first rows (real files put a title row above it), columns are
mapped by name (`normalizer/columns.py`), one-row-per-item inventories are grouped per
lending point (`normalizer/inventory_rows.py`), and each record goes to `assemble_listing`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import chain, islice

from normalizer.assemble import assemble_listing
from normalizer.columns import (
    ColumnMapping,
    compose_record,
    document_category_of,
    find_header_row,
    map_header,
)
from normalizer.errors import InvalidListing, ParseError
from normalizer.inventory_rows import group_inventory
from normalizer.record import ParseReport, ParseResult, RawRecord
from normalizer.schema import InventoryItem, Listing, Source
from normalizer.text import decode_bytes

__all__ = ["HEADER_SCAN_ROWS", "MAX_ROWS", "NumberedRow", "listings_from_rows", "parse_csv"]

# A platform's error or login page served where the file should be (often with 200).
_HTML_START = re.compile(r"\s*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>([^<]{1,120})</title>", re.IGNORECASE)

MAX_ROWS = 60_000  # data rows read from one file; a national dataset has ≈30,000
HEADER_SCAN_ROWS = 10

NumberedRow = tuple[int, list[str]]  # (row number in the file, its cells)


def _read_header(rows: Iterator[NumberedRow], what: str) -> tuple[list[NumberedRow], int]:
    head = list(islice(rows, HEADER_SCAN_ROWS))
    filled = [(n, cells) for n, cells in head if any(c.strip() for c in cells)]
    if not filled:
        raise ParseError(f"empty {what}: no header row")
    index = find_header_row([cells for _, cells in filled])
    if index is None:
        raise ParseError(f"no name column among {[c.strip() for c in filled[0][1]]!r} "
                         "(expected one of 공구대여소, 개방시설명, 명칭, 시설명, …)")
    return filled, index


def _report(mapping: ColumnMapping) -> ParseReport:
    report = ParseReport(unmapped_fields=list(mapping.unmapped))
    for match in mapping.positions.values():
        report.mapped_fields[match.column] = match.field
        report.mapping_confidence[match.column] = match.confidence
    return report


def _record_id(record: RawRecord) -> str:
    return hashlib.sha1(
        f"{record.title or ''}|{record.address or record.address_lot or ''}".encode()
    ).hexdigest()[:16]


def _assemble(record: RawRecord, items: tuple[InventoryItem, ...] | None, source: Source,
              now: datetime) -> Listing:
    listing = assemble_listing(record, source, now)
    # Grouped inventories carry exact (name, quantity) pairs: keep them rather than the
    # re-parsed text, which only served classification.
    return listing if items is None else listing.model_copy(update={"items": list(items)})


def listings_from_rows(rows: Iterable[NumberedRow], source: Source, now: datetime, *,
                       what: str = "CSV file", unit: str = "line",
                       check_row_width: bool = True) -> ParseResult:
    """Turn a table's rows (title rows, a header, data rows) into listings.

    `what` names the document and `unit` its rows in messages ("line 7: …"). With
    `check_row_width` (CSV), a row with filled cells beyond the header is rejected, since
    its columns shifted, and a short row's error says so; in a sheet, cells beside the
    table are notes. Rows with nothing in the mapped columns are notes too. Raises
    ParseError when no header names a listing's name column, when there is no data row,
    or when there are more than MAX_ROWS; bad rows are skipped and counted.
    """
    stream = iter(rows)
    head, index = _read_header(stream, what)
    header = head[index][1]
    # What the file lists: its name (data.go.kr names files "{기관}_{데이터명}_{날짜}") and
    # the title rows and header; a category column, where there is one, says it per row.
    context = " ".join([source.name] + [" ".join(c.strip() for c in cells if c.strip())
                                        for _, cells in head[:index + 1]])
    document_category = document_category_of(context)
    mapping = map_header(header)
    report = _report(mapping)
    width = len(header)
    read: list[tuple[int, dict[str, str]]] = []
    short: dict[int, str] = {}
    errors: list[tuple[int, str]] = []
    for number, cells in chain(head[index + 1:], stream):
        if not any(c.strip() for c in cells):
            continue
        if len(read) + len(errors) >= MAX_ROWS:
            raise ParseError(f"more than {MAX_ROWS:,} rows: too large for one source")
        if check_row_width and any(c.strip() for c in cells[width:]):
            errors.append((number, f"{len(cells)} cells for {width} columns (a separator "
                                   "inside an unquoted value?)"))
            continue
        if not (values := mapping.values(cells)):
            report.notes.append(f"{unit} {number} skipped: nothing in the mapped columns "
                                "(a note under the table?)")
            continue
        if check_row_width and len(cells) < width:
            short[number] = f"{len(cells)} cells for {width} columns"
        read.append((number, values))
    if not read and not errors:
        raise ParseError(f"the {what} has a header but no rows")
    groups = group_inventory(read)
    if groups is not None:
        report.notes.append(f"{len(read)} rows, one per item, grouped into {len(groups)} "
                            "lending points")
        entries: list[tuple[int, dict[str, str], tuple[InventoryItem, ...] | None]] = [
            (g.rows[0], g.values, g.items) for g in groups]
    else:
        entries = [(number, values, None) for number, values in read]
    report.records = len(entries) + len(errors)
    listings, seen = [], set()
    for number, values, items in entries:
        try:
            record = compose_record(values, context, items, document_category)
            record.record_id = record.record_id or _record_id(record)
            if record.record_id in seen:
                raise InvalidListing(f"duplicate of an earlier row ({record.title})")
            listing = _assemble(record, items, source, now)
        except InvalidListing as exc:
            errors.append((number, f"{exc} ({short[number]})" if number in short else str(exc)))
            continue
        seen.add(record.record_id)
        listings.append(listing)
    report.invalid = len(errors)
    report.errors = [f"{unit} {number}: {message}" for number, message in sorted(errors)]
    return ParseResult(listings, report)


def _csv_rows(text: str) -> Iterator[NumberedRow]:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):  # noqa: B007 (read after the loop)
            yield number, row
    except csv.Error as exc:
        raise ParseError(f"line {number + 1}: unreadable CSV: {exc}") from exc


def parse_csv(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse a CSV document (a header row, maybe under title rows, then data rows).

    Raises ParseError when the bytes are not CSV, the file has no header with a name
    column, or no rows at all; bad rows are skipped and counted in the report.
    """
    now = now or datetime.now(UTC)
    if body.startswith(b"PK\x03\x04"):
        raise ParseError("a ZIP archive (an XLSX workbook?), not a CSV file")
    text = decode_bytes(body)
    if "\x00" in text:
        raise ParseError("binary data, not a CSV file")
    if _HTML_START.match(text):
        title = _HTML_TITLE.search(text[:4096])
        named = f" titled {title.group(1).strip()!r}" if title else ""
        raise ParseError(f"an HTML page{named}, not a CSV file: the platform may be "
                         "serving an error or login page at this URL")
    return listings_from_rows(_csv_rows(re.sub(r"\r\n?", "\n", text)), source, now)
