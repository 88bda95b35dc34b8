"""Issue 4's targets on real district files the normalizer was not built on.

tests/fixtures/unseen_district_files/ holds seven real data.go.kr files of other districts
and cities (SOURCES.md there). The truth below is read from the raw cells with the csv
module, by column names a person picked for each file — not by sharehub's column mapping —
so the test measures what `sharehub preview FILE` gets right:

- the district code of every listing;
- the coordinates of every row that has them;
- `hours.weekly` for at least 90 % of rows with hours text;
- `fee.free` for every row that states the fee;
- `loan_period_days` wherever a period is given;
- the phone for at least 95 % of rows (with a phone cell).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from crawlers import FetchLimits
from sharehub.preview import run_preview
from tests.conftest import FIXTURES

FILES = FIXTURES / "unseen_district_files"


@dataclass(frozen=True)
class Truth:
    """Which raw column holds what, and the district every row is in."""

    district: str
    title: str | None = None  # None: a 동 inventory, one listing per 동
    lat: str | None = None
    lon: str | None = None
    hours: str | None = None
    fee: str | None = None
    loan: str | None = None
    phone: str | None = None
    district_by_title: dict[str, str] = field(default_factory=dict)


TRUTH = {
    "서울특별시 동대문구_공구대여소_20240813.csv": Truth(
        "11230", title="공구대여소명", lat="위도", lon="경도", hours="운영시간", fee="대여료",
        loan="대여기간", phone="연락처"),
    "서울특별시 양천구_공구대여_20241017.csv": Truth(
        "11470", title="명칭", hours="대여가능시간", fee="대여금액", loan="대여기간",
        phone="전화번호"),
    "인천광역시 남동구_행정복지센터 생활공구 대여소_20250101.csv": Truth(
        "28200", title="기관명", phone="전화번호"),
    "인천광역시 미추홀구_공구대여소현황_20241029.csv": Truth(
        "28177", title="기관명", lat="위도", lon="경도", phone="전화번호"),
    "생활공구 대여소 운영 현황_20191217.csv": Truth(
        "41273", title="사업장", hours="운영시간", phone="내선번호",
        district_by_title={"상록수체육관": "41271"}),  # 안산시 상록구 용신로 422
    "대구광역시 달서구_공구대여_20250514.csv": Truth("27290"),
    "대구광역시 서구_생활공구대여서비스 목록_20250811.csv": Truth("27170"),
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def _preview(path: Path) -> list[dict]:
    preview = run_preview(str(path), FetchLimits())
    return [json.loads(listing.model_dump_json()) for listing in preview.result.listings]


@pytest.fixture(scope="module")
def measured() -> dict[str, tuple[list[dict[str, str]], list[dict]]]:
    return {name: (_rows(FILES / name), _preview(FILES / name)) for name in TRUTH}


def test_every_file_is_read(measured):
    for name, (rows, listings) in measured.items():
        if TRUTH[name].title is None:  # one listing per 동
            dong_column = next(iter(rows[0]))
            assert len(listings) == len({row[dong_column] for row in rows}), name
        else:
            assert [li["title"] for li in listings] == [r[TRUTH[name].title] for r in rows], name


@pytest.mark.parametrize("name", list(TRUTH), ids=lambda n: n.split("_")[0])
def test_district_code_of_every_listing(measured, name):
    truth = TRUTH[name]
    _, listings = measured[name]
    wrong = [(li["title"], li["location"]["district_code"]) for li in listings
             if li["location"]["district_code"]
             != truth.district_by_title.get(li["title"], truth.district)]
    assert not wrong, f"{name}: wrong district codes {wrong}"


def _by_title(rows, listings, truth):
    by_title = {li["title"]: li for li in listings}
    return [(row, by_title[row[truth.title]]) for row in rows]


@pytest.mark.parametrize("name", [n for n, t in TRUTH.items() if t.title],
                         ids=lambda n: n.split("_")[0])
def test_fields_a_citizen_relies_on(measured, name):
    truth = TRUTH[name]
    rows, listings = measured[name]
    pairs = _by_title(rows, listings, truth)
    if truth.lat and truth.lon:
        lost = [row[truth.title] for row, li in pairs if row[truth.lat] and row[truth.lon]
                and (li["location"]["lat"] != float(row[truth.lat])
                     or li["location"]["lon"] != float(row[truth.lon]))]
        assert not lost, f"{name}: coordinates lost for {lost}"
    if truth.hours:
        with_text = [(row, li) for row, li in pairs if row[truth.hours]]
        filled = sum(1 for _, li in with_text if li["hours"]["weekly"])
        assert filled >= 0.9 * len(with_text), f"{name}: hours.weekly {filled}/{len(with_text)}"
    if truth.fee:
        unknown = [row[truth.fee] for row, li in pairs if row[truth.fee]
                   and li["fee"]["free"] is None]
        assert not unknown, f"{name}: fee.free unknown for {unknown}"
    if truth.loan:
        missing = [row[truth.loan] for row, li in pairs if row[truth.loan]
                   and li["loan_period_days"] is None]
        assert not missing, f"{name}: loan_period_days missing for {missing}"
    if truth.phone:
        with_phone = [(row, li) for row, li in pairs if row[truth.phone]]
        found = sum(1 for row, li in with_phone
                    if li["contact"]["phones"]
                    and li["contact"]["phones"][0].replace("-", "")
                    in row[truth.phone].replace("-", ""))
        assert found >= 0.95 * len(with_phone), f"{name}: phones {found}/{len(with_phone)}"


def test_hours_from_separate_day_time_and_lunch_columns(measured):
    _, listings = measured["생활공구 대여소 운영 현황_20191217.csv"]
    weekly = listings[0]["hours"]["weekly"]
    assert [(w["opens"], w["closes"]) for w in weekly] == [("09:00", "12:00"), ("13:00", "18:00")]
    assert weekly[0]["days"] == ["mon", "tue", "wed", "thu", "fri"]


def test_dong_inventories_become_lending_points_with_their_items(measured):
    _, listings = measured["대구광역시 달서구_공구대여_20250514.csv"]
    first = listings[0]
    assert first["title"] == "성당동 공구대여소"
    assert first["category"] == "item.tools"
    assert {"name": "공구세트", "quantity": 4} in first["items"]
    _, seo_gu = measured["대구광역시 서구_생활공구대여서비스 목록_20250811.csv"]
    titles = [li["title"] for li in seo_gu]
    assert "비산2,3동 공구대여소" in titles
    # 비고 notes one item ("심 미포함"): it is not the lending point's description
    assert all(li["description"] is None for li in seo_gu)


def test_the_command_reads_a_cp949_copy_and_takes_the_district_from_its_name(tmp_path):
    name = "대구광역시 달서구_공구대여_20250514.csv"
    copy = tmp_path / name
    copy.write_bytes((FILES / name).read_text(encoding="utf-8").encode("cp949"))
    result = subprocess.run([sys.executable, "-m", "sharehub", "preview", str(copy)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    listings = [json.loads(line) for line in result.stdout.splitlines()]
    assert {li["location"]["district_code"] for li in listings} == {"27290"}
    overridden = subprocess.run([sys.executable, "-m", "sharehub", "preview", str(copy),
                                 "--district", "대구광역시 서구"],
                                capture_output=True, text=True, timeout=120)
    assert {json.loads(line)["location"]["district_code"]
            for line in overridden.stdout.splitlines()} == {"27170"}
