"""Normalize benchmark: district CSV rows per second through parsing and normalization.

`sharehub bench normalize [--json]` (or `python -m bench.normalize_bench [--json]`). Two generated
CP949 open-data files, half the rows each, in the shapes of real files
(`../shared/reference/samples/`, `tests/fixtures/csv/`):

- a district 공구대여소 list in the Seongbuk shape (12 columns; hours, fee and item text
  repeated on many rows, as district files do), and
- the national 공공시설개방 standard dataset (29 columns: start/end times per part of the
  week, 유료사용여부 flags, fees as bare numbers).

Each file goes through `parse_csv` end to end (decode, CSV, column mapping, assembly into
schema-valid Listings), pinned to one CPU, next to a plain baseline measured in the same
run on the same bytes: `bytes.decode("cp949")`, `csv.reader` and `str.split` on every
cell, no normalization. A second, instrumented pass splits the time into stages.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from bench.report_file import REPORT, write_section
from normalizer.assemble import assemble_listing
from normalizer.columns import compose_record, find_header_row, map_header
from normalizer.csv_file import _csv_rows, _record_id, parse_csv
from normalizer.schema import Source
from normalizer.text import decode_bytes

__all__ = ["FACILITY_HEADER", "REPORT", "TARGET_ROWS_PER_S", "TOOL_HEADER", "bench_command",
           "build_documents", "facility_rows", "render_markdown", "run_normalize_bench",
           "tool_rows", "write_report"]

TARGET_ROWS_PER_S = 5_000  # issue 4's target, one core
_STAGES = ("decode", "csv", "column_mapping", "assemble")
_NOW = datetime(2026, 11, 21, tzinfo=UTC)
# Measured once, kept for the record (the bench measures only the code it runs).
_HISTORY = """The caching wrappers and shortcuts in `normalizer/assemble.py` (issue 4), measured on
one tree with them bypassed and in place (50,000 rows, idle machine, wall clock):
2,781 → 5,740 rows/s; `assemble` 212 → 83 µs/row. The first run of this bench, on the code
before them: about 2,000 rows/s (≈0.5 ms/row)."""
_SOURCES = {
    "district_tools": Source(id="bench-tools", name="구청 공구대여소", kind="csv",
                             url="file:tools.csv", provider_type="public"),
    "standard_facilities": Source(id="bench-facilities", name="공공시설개방", kind="csv",
                                  url="file:facilities.csv", provider_type="public"),
}


# --- the generated documents -----------------------------------------------------------
# (시도 as written in full, its short form, 시군구, 행정동, 도로명, centre lat/lon, 국번):
# districts across the country, so addresses exercise every form the gazetteer reads.
_DISTRICTS = [
    ("서울특별시", "서울", "성북구", ("성북동", "삼선동", "동선동", "돈암1동", "안암동"),
     ("성북로", "보문로", "동소문로", "정릉로"), 37.5894, 127.0167, "02-2241"),
    ("서울특별시", "서울", "마포구", ("아현동", "공덕동", "도화동", "용강동", "망원1동"),
     ("마포대로", "만리재로", "도화길", "월드컵로"), 37.5663, 126.9019, "02-3153"),
    ("서울특별시", "서울", "종로구", ("청운효자동", "사직동", "혜화동", "창신1동"),
     ("삼일대로", "창경궁로", "자하문로"), 37.5735, 126.9790, "02-2148"),
    ("서울특별시", "서울", "강남구", ("역삼1동", "삼성2동", "대치4동", "개포2동"),
     ("테헤란로", "삼성로", "선릉로"), 37.5172, 127.0473, "02-3423"),
    ("부산광역시", "부산", "해운대구", ("우1동", "중2동", "좌4동", "반여1동"),
     ("해운대로", "센텀중앙로", "좌동순환로"), 35.1631, 129.1636, "051-749"),
    ("대구광역시", "대구", "수성구", ("범어1동", "만촌2동", "수성1가동"),
     ("달구벌대로", "동대구로", "수성로"), 35.8581, 128.6306, "053-666"),
    ("인천광역시", "인천", "미추홀구", ("숭의1.3동", "용현5동", "주안1동"),
     ("독정이로", "인하로", "주안로"), 37.4635, 126.6505, "032-880"),
    ("경기도", "경기", "수원시 장안구", ("파장동", "정자1동", "조원2동"),
     ("송원로", "수성로", "정조로"), 37.3040, 127.0103, "031-228"),
    ("경기도", "경기", "과천시", ("중앙동", "과천동", "별양동"),
     ("통영로", "중앙로", "참마을로"), 37.4292, 126.9875, "02-3677"),
    ("강원특별자치도", "강원", "춘천시", ("효자1동", "석사동", "퇴계동"),
     ("중앙로", "석사로", "퇴계로"), 37.8813, 127.7298, "033-250"),
    ("전북특별자치도", "전북", "전주시 완산구", ("중앙동", "서신동", "효자4동"),
     ("서학로", "팔달로", "홍산로"), 35.8120, 127.1198, "063-281"),
]
# Real cell values (../shared/reference/samples, SOURCES.md §3.3 and §4), repeated over
# rows as district files repeat them.
_HOURS = ["월~금 09:00~18:00 (휴관일 제외)", "화~토 10:30 ~18:00 + 일 13:00 ~ 18:00",
          "평일 09:00~18:00", "화-토 10:00~22:00/일 10:00~17:00/월요일 휴무",
          "평일 09:00~18:00 (점심시간 12:00~13:00 제외)", "연중 09:00~18:00", "24시간"]
_FEES = ["무료", "1000원 ~ 2000원", "1일 2,000원", "무료 (보증금 5,000원)", "1일 1,000원"]
_PERIODS = ["2박3일", "3일", "1일", "3일(연장1회 가능)", "7일"]
_ITEMS = ["가정용 공구세트+드릴 등", "전동드릴+망치+드라이버세트+사다리+텐트",
          "공구세트+전동드릴+수평계+글루건+타카", "전기햄머드릴, 충전드라이버, 인두셋트, "
          "글루건셋트, 파이프랜치, 몽키스패너, 볼트카타, 실리콘건, 쇠톱, 망치, 줄자, 사다리",
          "캠핑텐트 2, 타프 1, 버너 각 1, 코펠 2(5)"]
_PLACES = ["주민센터", "행정복지센터", "공구대여소", "작은도서관", "공유센터"]
TOOL_HEADER = ["공구대여소", "소재지도로명주소", "소재지지번주소", "전화번호", "비치공구류",
               "운영시간", "대여료", "대여기간", "위도", "경도", "행정동", "데이터기준일자"]
FACILITY_HEADER = [
    "개방시설명", "개방장소명", "개방시설유형구분", "휴관일", "평일운영시작시각",
    "평일운영종료시각", "주말운영시작시각", "주말운영종료시각", "유료사용여부", "사용기준시간",
    "사용료", "초과사용단위시간", "초과사용료", "수용가능인원수", "면적", "부대시설정보",
    "신청방법구분", "시설사진정보", "소재지도로명주소", "소재지지번주소", "관리기관명",
    "담당부서명", "사용안내전화번호", "홈페이지주소", "위도", "경도", "데이터기준일자",
    "제공기관코드", "제공기관명"]
_FACILITIES = ["구민회관", "구민체육관", "평생학습관", "청소년수련관", "구립도서관"]
_ROOMS = [("대강당", "강당", "300", "150000"), ("제1회의실", "회의실", "30", "30000"),
          ("다목적실", "다목적실", "40", "0"), ("배드민턴장", "체육시설", "40", "10000"),
          ("세미나실", "회의실", "12", "0")]
_CLOSED = ["매주 일요일, 법정공휴일", "토요일, 일요일, 공휴일", "매월 첫째 월요일", "매주 월요일"]
_TIMES = [("09:00", "22:00", "09:00", "18:00"), ("0900", "1800", "0900", "1700"),
          ("06:00", "22:00", "08:00", "18:00"), ("09:00", "18:00", "00:00", "00:00")]


def _address(rng: random.Random, n: int) -> tuple[str, tuple[str, ...], str, float, float]:
    """A road address unique to `n`, written as real files write it; the district's data."""
    sido, short, gu, dongs, roads, lat, lon, tel = _DISTRICTS[(n // 50) % len(_DISTRICTS)]
    written = rng.choices([f"{sido} {gu}", f"{short} {gu}", gu], weights=[6, 3, 1])[0]
    road = f"{roads[n % len(roads)]}{n // 300 % 99 + 1}길 {n % 300 + 1}"
    floor = rng.choice(["", "", " ", f" {rng.randint(1, 5)}층"])  # real files: trailing spaces
    return f"{written} {road}{floor}", (sido, gu, *dongs), tel, lat, lon


def _phone(rng: random.Random, tel: str) -> str:
    number = f"{tel}-{rng.randint(1000, 9999)}"
    kind = rng.random()
    if kind < 0.1:
        return f"{number}, {tel}-{rng.randint(1000, 9999)}"
    return f"{number} (내선 {rng.randint(10, 99)})" if kind < 0.15 else number


def _point(rng: random.Random, lat: float, lon: float) -> tuple[str, str]:
    if rng.random() < 0.05:
        return "", ""
    return f"{lat + rng.uniform(-0.004, 0.004):.6f}", f"{lon + rng.uniform(-0.004, 0.004):.6f}"


def tool_rows(count: int, seed: int) -> Iterator[list[str]]:
    """District 공구대여소 rows in the Seongbuk file's 12 columns."""
    rng = random.Random(seed)
    for n in range(count):
        address, (sido, gu, *dongs), tel, lat, lon = _address(rng, n)
        dong = dongs[n % len(dongs)]
        lot = f"{sido} {gu} {dong} {rng.randint(1, 999)}-{rng.randint(1, 99)}"
        road, lot = (("", lot) if n % 50 == 7 else (address, lot if n % 3 else ""))
        yield [f"{dong}{_PLACES[n % len(_PLACES)]}", road, lot, _phone(rng, tel),
               _ITEMS[n // 200 % len(_ITEMS)], _HOURS[n // 100 % len(_HOURS)],
               _FEES[n // 150 % len(_FEES)], _PERIODS[n // 250 % len(_PERIODS)],
               *_point(rng, lat, lon), dong, "2025-03-12"]


def facility_rows(count: int, seed: int) -> Iterator[list[str]]:
    """공공시설개방 standard dataset rows: one row per room, 1–3 rooms per facility."""
    rng, made, n = random.Random(seed + 1), 0, 0
    while made < count:
        address, (sido, gu, *dongs), tel, lat, lon = _address(rng, n)
        facility = f"{gu.split()[-1]}{_FACILITIES[n % len(_FACILITIES)]}"
        weekday_open, weekday_close, weekend_open, weekend_close = _TIMES[n % len(_TIMES)]
        phone, point = _phone(rng, tel), _point(rng, lat, lon)
        for room, room_kind, capacity, fee in _ROOMS[n % 3:n % 3 + min(3, count - made)]:
            paid = "N" if fee == "0" else "Y"
            yield [facility, room, room_kind, _CLOSED[n % len(_CLOSED)], weekday_open,
                   weekday_close, weekend_open, weekend_close, paid, "2" if paid == "Y" else "",
                   fee, "1" if paid == "Y" else "", str(int(fee) // 2) if paid == "Y" else "",
                   capacity, str(rng.randint(20, 1200)), "빔프로젝터, 화이트보드", "온라인", "",
                   address, "", f"{sido} {gu}", "자치행정과", phone,
                   f"https://www.example.go.kr/{n}", *point, "2025-09-30", "3000000",
                   f"{sido} {gu}"]
            made += 1
        n += 1


def _encode(header: list[str], rows: Iterator[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # real portal exports end lines in CRLF
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("cp949")


def build_documents(rows: int, seed: int = 4) -> dict[str, tuple[bytes, int]]:
    """The two CP949 documents (bytes, data rows), `rows` data rows in all."""
    tools, facilities = rows - rows // 2, rows // 2
    return {
        "district_tools": (_encode(TOOL_HEADER, tool_rows(tools, seed)), tools),
        "standard_facilities": (_encode(FACILITY_HEADER, facility_rows(facilities, seed)),
                                facilities),
    }


@contextmanager
def _one_core() -> Iterator[str]:
    """Pin this process to one CPU while measuring (Linux); say which, or why not."""
    if not hasattr(os, "sched_getaffinity"):
        yield "not pinned (no sched_setaffinity here); single-threaded"
        return
    before = os.sched_getaffinity(0)
    cpu = min(before)
    os.sched_setaffinity(0, {cpu})
    try:
        yield f"pinned to CPU {cpu}"
    finally:
        os.sched_setaffinity(0, before)


def _best_of(repeat: int, fn: Callable[[], int]) -> tuple[float, float, int]:
    """Best wall and CPU seconds of `repeat` runs, and what the last run returned."""
    wall, cpu, result = float("inf"), float("inf"), 0
    for _ in range(repeat):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall = min(wall, time.perf_counter() - start_wall)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result


def _baseline(body: bytes) -> int:
    """The least any reader does: decode, split into rows and cells, split cells in words."""
    words = 0
    reader = csv.reader(io.StringIO(body.decode("cp949")))
    next(reader)
    for row in reader:
        for cell in row:
            words += len(cell.split())
    return words


def _sharehub(body: bytes, source: Source) -> int:
    result = parse_csv(body, source, _NOW)
    if result.report.invalid:
        raise RuntimeError(f"generated rows rejected: {result.report.errors[:3]}")
    return len(result.listings)


def _stages(body: bytes, source: Source) -> dict[str, float]:
    """CPU seconds per stage: the steps of `parse_csv`, one after another, timed apart
    (CPU time, so other processes on the machine do not blur the split). Header search
    and inventory grouping are negligible and left out."""
    clock, seconds = time.process_time, {}
    start = clock()
    text = decode_bytes(body)
    seconds["decode"], start = clock() - start, clock()
    rows = [cells for _, cells in _csv_rows(re.sub(r"\r\n?", "\n", text))]
    seconds["csv"], start = clock() - start, clock()
    index = find_header_row(rows[:10])
    if index is None:
        raise RuntimeError("generated document has no header")
    mapping = map_header(rows[index])
    # The title rows and header say what a file without a category column lists.
    context = " ".join(" ".join(c.strip() for c in cells if c.strip())
                       for cells in rows[:index + 1])
    records = []
    for cells in rows[index + 1:]:
        record = compose_record(mapping.values(cells), context)
        record.record_id = record.record_id or _record_id(record)
        records.append(record)
    seconds["column_mapping"], start = clock() - start, clock()
    for record in records:
        assemble_listing(record, source, _NOW)
    seconds["assemble"] = clock() - start
    return seconds


def _rate(rows: int, seconds: float) -> float:
    return rows / seconds if seconds > 0 else 0.0


def run_normalize_bench(rows: int = 50_000, repeat: int = 2) -> dict[str, Any]:
    """Generate the documents, measure baseline, sharehub and stages; JSON-ready figures.

    Raises RuntimeError when a generated row is rejected (the benchmark would then measure
    less work than it claims).
    """
    shapes: dict[str, dict[str, Any]] = {}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with _one_core() as pinning:
        for name, (body, count) in build_documents(rows).items():
            base_wall, base_cpu, _ = _best_of(repeat, partial(_baseline, body))
            hub_wall, hub_cpu, listings = _best_of(repeat, partial(_sharehub, body,
                                                                   _SOURCES[name]))
            stages = _stages(body, _SOURCES[name])
            shapes[name] = {
                "rows": count, "bytes": len(body), "listings": listings,
                "seconds": {"baseline": base_wall, "baseline_cpu": base_cpu,
                            "sharehub": hub_wall, "sharehub_cpu": hub_cpu, **stages},
                "baseline_rows_per_s": _rate(count, base_wall),
                "rows_per_s": _rate(count, hub_wall), "cpu_rows_per_s": _rate(count, hub_cpu)}
    seconds = {key: sum(s["seconds"][key] for s in shapes.values())
               for key in next(iter(shapes.values()))["seconds"]}
    stage_sum = sum(seconds[stage] for stage in _STAGES)
    return {
        "rows": rows, "listings": sum(s["listings"] for s in shapes.values()),
        "repeat": repeat, "cpu": pinning,
        "load_average": load,
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
                   f"{platform.python_version()}",
        "target_rows_per_s": TARGET_ROWS_PER_S,
        "rows_per_s": _rate(rows, seconds["sharehub"]),
        "cpu_rows_per_s": _rate(rows, seconds["sharehub_cpu"]),
        "us_per_row": seconds["sharehub"] / rows * 1e6,
        "baseline_rows_per_s": _rate(rows, seconds["baseline"]),
        "baseline_cpu_rows_per_s": _rate(rows, seconds["baseline_cpu"]),
        "meets_target": _rate(rows, seconds["sharehub"]) >= TARGET_ROWS_PER_S,
        "stages": {stage: {"seconds": seconds[stage], "us_per_row": seconds[stage] / rows * 1e6,
                           "share": seconds[stage] / stage_sum if stage_sum else 0.0}
                   for stage in _STAGES},
        "shapes": shapes,
    }


def render_markdown(figures: dict[str, Any]) -> str:
    """The report section for bench/REPORT.md (Markdown, without its markers)."""
    stages = figures["stages"]
    stage_rows = "\n".join(f"| {name.replace('_', ' ')} | {s['us_per_row']:.1f} | "
                           f"{s['share']:.0%} |" for name, s in stages.items())
    shape_rows = "\n".join(f"| {name.replace('_', ' ')} | {s['rows']:,} | "
                           f"{s['baseline_rows_per_s']:,.0f} | {s['rows_per_s']:,.0f} |"
                           for name, s in figures["shapes"].items())
    verdict = "meets" if figures["meets_target"] else "misses"
    base, hub, cpu = (figures["baseline_rows_per_s"], figures["rows_per_s"],
                      figures["cpu_rows_per_s"])
    load = "unknown" if figures["load_average"] is None else f"{figures['load_average']:.1f}"
    return f"""## Normalize: CSV rows per second, one core

Command: `sharehub bench normalize` (`--json` for machines); {figures['machine']},
{figures['cpu']}, best of {figures['repeat']}, load average {load} when it started.
{figures['rows']:,} generated CP949 rows (half a district 공구대여소 list in the Seongbuk
shape, half the 공공시설개방 standard dataset) through `parse_csv` end to end; every row
became a listing ({figures['listings']:,}).

| | rows/s | µs/row |
|---|---|---|
| baseline: decode + `csv.reader` + `str.split`, no normalization | {base:,.0f} | {1e6 / base:.1f} |
| sharehub: parse + normalize into Listings (wall clock) | {hub:,.0f} | {1e6 / hub:.1f} |
| sharehub, CPU time of the same runs | {cpu:,.0f} | {1e6 / cpu:.1f} |

Target {figures['target_rows_per_s']:,} rows/s on one core: wall clock {verdict} it. On a
busy machine the wall clock includes waiting for the core; the CPU time does not.

| stage (instrumented pass, CPU time) | µs/row | share |
|---|---|---|
{stage_rows}

| document | rows | baseline rows/s | sharehub rows/s |
|---|---|---|---|
{shape_rows}

{_HISTORY}
"""


def write_report(section: str, path: Path = REPORT) -> None:
    """Put the section into the report as its `normalize-bench` section, replacing an
    earlier one (or appending it), and leave the rest of the file as it was."""
    write_section("normalize-bench", section, path)


def bench_command(rows: int = 50_000, repeat: int = 2, *, as_json: bool = False,
                  report: Path | None = REPORT) -> str:
    """What `sharehub bench normalize` prints: the figures as JSON or the report section,
    which goes into `report` too unless that is None."""
    figures = run_normalize_bench(rows, repeat)
    section = render_markdown(figures)
    if report is not None:
        write_report(section, report)
    return json.dumps(figures, indent=2) if as_json else section


if __name__ == "__main__":
    print(bench_command(as_json="--json" in sys.argv))
