"""The normalize benchmark (a fast smoke run: figures are reported, speed never asserted)
and the promise its optimizations keep: the same listings as before."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.normalize_bench import (
    _SOURCES,
    FACILITY_HEADER,
    TOOL_HEADER,
    build_documents,
    render_markdown,
    run_normalize_bench,
    write_report,
)
from normalizer import parse_document
from normalizer.assemble import _plain_text
from normalizer.text import html_to_text
from tests.conftest import FIXTURES, NOW

ROOT = Path(__file__).parent.parent
REFERENCE = ROOT.parent / "shared" / "reference" / "samples"


@pytest.fixture(scope="module")
def figures():
    return run_normalize_bench(rows=300, repeat=1)


def test_every_generated_row_becomes_a_listing(figures):
    assert figures["rows"] == figures["listings"] == 300
    assert [s["rows"] for s in figures["shapes"].values()] == [150, 150]
    json.dumps(figures)  # --json prints it


def test_figures_name_the_baseline_the_target_and_every_stage(figures):
    for key in ("rows_per_s", "cpu_rows_per_s", "baseline_rows_per_s", "us_per_row"):
        assert figures[key] > 0, key
    assert figures["target_rows_per_s"] == 5_000
    assert list(figures["stages"]) == ["decode", "csv", "column_mapping", "assemble"]
    assert sum(s["share"] for s in figures["stages"].values()) == pytest.approx(1.0)


def test_generated_files_have_the_real_files_headers_in_cp949():
    documents = build_documents(40)
    seongbuk = REFERENCE / "seoul_seongbuk_tool_rental_20250312.csv"
    standard = FIXTURES / "csv" / "standard_facilities_cp949.csv"
    if seongbuk.exists():
        assert TOOL_HEADER == next(csv.reader(io.StringIO(seongbuk.read_text("utf-8"))))
    assert FACILITY_HEADER == next(csv.reader(io.StringIO(standard.read_bytes().decode("cp949"))))
    for name, (body, rows) in documents.items():
        text = body.decode("cp949")  # raises when the bytes are not CP949
        assert len(list(csv.reader(io.StringIO(text)))) == rows + 1, name


def test_generated_rows_read_as_real_rows_do():
    """Every row lands in the district its address names, with hours and a phone."""
    for name, (body, rows) in build_documents(400).items():
        result = parse_document(body, _SOURCES[name], NOW)
        assert len(result.listings) == rows, name
        assert result.report.invalid == 0, result.report.errors[:3]
        for listing in result.listings:
            where = listing.location
            assert where.district_name, f"{name}: {where}"
            assert where.district_name in (where.address or ""), f"{name}: {where}"
            assert listing.hours.weekly, listing.title
            assert listing.contact.phones, listing.title


def test_report_section_replaces_itself_and_keeps_the_rest(figures, tmp_path):
    report = tmp_path / "REPORT.md"
    report.write_text("# sharehub benchmark report\n\n## Index\n\nother figures\n",
                      encoding="utf-8")
    section = render_markdown(figures)
    write_report(section, report)
    write_report(section, report)
    text = report.read_text(encoding="utf-8")
    assert text.count("## Normalize: CSV rows per second, one core") == 1
    assert "other figures" in text
    assert "baseline: decode + `csv.reader` + `str.split`" in text


def test_command_prints_json_and_leaves_the_report_alone():
    report = ROOT / "bench" / "REPORT.md"
    before = report.read_bytes() if report.exists() else None
    result = subprocess.run(
        [sys.executable, "-m", "sharehub", "bench", "normalize", "--rows", "100", "--repeat",
         "1", "--json", "--no-report"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["listings"] == 100
    assert (report.read_bytes() if report.exists() else None) == before


# --- the optimizations change no output ------------------------------------------------

def _code_point_texts() -> list[str]:
    """Every code point but surrogates inside text (64 to a string, so the check is quick),
    and alone at the start of a text (where the HTML parser drops a BOM) for the first
    12,288 code points (controls, Latin, punctuation, spaces), Hangul and the specials."""
    points = [chr(c) for c in range(0x30000) if not 0xD800 <= c <= 0xDFFF]
    inside = ["a" + "x".join(points[i:i + 64]) + "b" for i in range(0, len(points), 64)]
    starts = [*range(0x3000), *range(0xAC00, 0xD7A4, 7), *range(0xFE00, 0x10000)]
    return inside + [f"{chr(c)}a" for c in starts if not 0xD800 <= c <= 0xDFFF]


def test_plain_text_shortcut_equals_html_to_text_on_every_code_point():
    """assemble skips the HTML parser on text without markup; this checks the result is
    the same for every character (and BOM, CR, NUL, &, < still go through it)."""
    differing = [t for t in _code_point_texts() if _plain_text(t) != html_to_text(t)]
    assert differing == []


@pytest.mark.parametrize("text", [
    "  성북동<br>주민센터 ", "공구 &amp; 캠핑", "\ufeff제목", "줄\r\n바꿈", "a\x00b", "<p>x</p>",
    "가정용 공구세트+드릴 등", "월~금\u00a009:00", "", "   ",
], ids=["br", "entity", "bom", "crlf", "nul", "paragraph", "plain", "nbsp", "empty", "blank"])
def test_plain_text_shortcut_on_real_shapes(text):
    assert _plain_text(text) == html_to_text(text)
