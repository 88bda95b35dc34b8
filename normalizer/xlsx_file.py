"""Open-data XLSX workbooks → listings, through the same rows → listings path as CSV.

Districts publish their lists as spreadsheets as often as CSV, usually with a title row
("송파구 생활공구도서관 물품 현황") above the header and sometimes with place cells merged down
the item rows. openpyxl reads the sheet in read-only mode (cached values, not formulas);
cells become text the way a person reads them (dates as 2025-03-12, times as 09:00,
whole numbers without ".0"). An XLSX is a ZIP archive, so the archive's declared sizes are
checked first: a small download must not expand into gigabytes of XML.
"""

from __future__ import annotations

import io
import threading
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from normalizer.csv_file import MAX_ROWS, NumberedRow, listings_from_rows
from normalizer.errors import ParseError
from normalizer.record import ParseResult
from normalizer.schema import Source

__all__ = ["MAX_UNCOMPRESSED_BYTES", "MAX_ZIP_ENTRIES", "cell_text", "check_archive",
           "parse_xlsx"]

# A 200,000-row sheet of ten columns is ≈150 MB of XML; anything far beyond is a bomb.
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_ZIP_ENTRIES = 1_000
_OPENPYXL_WARNINGS = threading.Lock()


def check_archive(body: bytes, max_bytes: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """Refuse an archive that is not a workbook or would expand past `max_bytes`.

    zipfile never inflates an entry past its declared size, so the sum of the declared
    sizes bounds what openpyxl can read. Raises ParseError with the reason.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ParseError(f"not an XLSX workbook: {exc}") from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ParseError(f"the workbook has {len(entries):,} parts (more than "
                         f"{MAX_ZIP_ENTRIES:,}): refused")
    total = sum(entry.file_size for entry in entries)
    if total > max_bytes:
        raise ParseError(f"the workbook would expand to {total:,} bytes (more than "
                         f"{max_bytes:,}): refused as a possible zip bomb")
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise ParseError("a ZIP archive without xl/workbook.xml: not an XLSX workbook")


def cell_text(value: Any) -> str:
    """One cell's value as the text a person reads in the sheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M" if value.time() != time() else "%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _reason(exc: BaseException) -> str:
    """The error's first line, with its root cause (openpyxl wraps the XML parser's
    errors, e.g. defusedxml refusing entity declarations, in a generic message)."""
    root = exc
    while (inner := root.__cause__ or root.__context__) is not None:
        root = inner
    first = (str(exc).splitlines() or [type(exc).__name__])[0]
    return first if root is exc else f"{first} ({type(root).__name__}: {root})"


def _sheet(workbook: Any, wanted: Any) -> Any:
    if not workbook.worksheets:
        raise ParseError("the workbook has no worksheet")
    if wanted is None:
        return workbook.worksheets[0]
    if isinstance(wanted, int) and 0 <= wanted < len(workbook.worksheets):
        return workbook.worksheets[wanted]
    if isinstance(wanted, str) and wanted in workbook.sheetnames:
        return workbook[wanted]
    raise ParseError(f"no sheet {wanted!r} in the workbook (sheets: "
                     f"{', '.join(workbook.sheetnames)})")


def _rows(sheet: Any) -> Iterator[NumberedRow]:
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS + 20:  # the header and title rows come on top of the data
            raise ParseError(f"more than {MAX_ROWS:,} rows: too large for one source")
        yield number, [cell_text(value) for value in row]


def parse_xlsx(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse the first sheet of an XLSX workbook (or `source.params["sheet"]`, a name or a
    0-based index). Raises ParseError for a file that is not a workbook, a zip bomb, a
    missing sheet, or a sheet without a header and rows; bad rows are skipped and counted.
    """
    now = now or datetime.now(UTC)
    check_archive(body, int(source.params.get("max_uncompressed_bytes",
                                              MAX_UNCOMPRESSED_BYTES)))
    # openpyxl warns about every extension it drops (data validation, slicers, default
    # styles): harmless for reading values, and real exports are full of them. The filter
    # change is process-wide, so parses take turns: concurrent catch_warnings blocks would
    # restore each other's filters and leave "ignore" behind.
    with _OPENPYXL_WARNINGS, warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True,
                                              data_only=True)
        except (InvalidFileException, KeyError, ValueError, SyntaxError, OSError, EOFError,
                zlib.error, zipfile.BadZipFile) as exc:
            raise ParseError(f"cannot open the workbook: {_reason(exc)}") from exc
        try:
            sheet = _sheet(workbook, source.params.get("sheet"))
            # Exports often declare a wrong sheet size; reading every row is the safe choice.
            sheet.reset_dimensions()
            return listings_from_rows(_rows(sheet), source, now, what="XLSX sheet",
                                      unit="row", check_row_width=False)
        except (KeyError, ValueError, TypeError, SyntaxError, EOFError, zlib.error,
                zipfile.BadZipFile) as exc:
            raise ParseError(f"cannot read the sheet: {_reason(exc)}") from exc
        finally:
            workbook.close()
