"""What an open-data file's name says about where its listings are.

data.go.kr names every file "{기관명}_{데이터명}_{기준일}.csv": "서울특별시 동대문구_공구대여소_
20240813.csv", "대구광역시 달서구_공구대여_20250514.csv". The 기관 is the district that
publishes it, so its name is the source's declared district when the operator did not give
one; a district inventory listed by 동 only (대구 달서구: 행정동, 도구명, 수량) has no other.
"""

from __future__ import annotations

from pathlib import PurePath

from normalizer.gazetteer import load_gazetteer

__all__ = ["district_from_file_name"]


def district_from_file_name(name: str) -> str | None:
    """The 5-digit district code a data.go.kr style file name starts with, or None.

    "대구광역시 달서구_공구대여_20250514.csv" → "27290"; "인천광역시 남동구_행정복지센터 생활공구
    대여소_20250101.csv" → "28200". A name whose first part is not a 시군구 ("생활공구 대여소
    운영 현황_20191217.csv", or only a 시도: "서울특별시_…") gives None, as does a publisher
    that is not a district office ("과천도시공사_…").
    """
    stem = PurePath(name).name
    stem = stem[: -len(PurePath(stem).suffix)] if PurePath(stem).suffix else stem
    if "_" not in stem:
        return None
    publisher = stem.split("_", 1)[0].strip()
    district = load_gazetteer().resolve_address(publisher)
    if district is None or not publisher.endswith(district.short_name.split()[-1]):
        return None
    return district.code
