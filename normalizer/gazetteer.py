"""Korean administrative districts: names, aliases and former names → 5-digit 시군구 codes.

Data: the official 법정동코드 시도/시군구 rows of 2020 (`data/districts_2020.csv`, with the
abolished rows kept for their old names), plus the changes since (`data/district_changes.csv`
and the 시도 code moves of 강원 42→51 and 전북 45→52).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["District", "Gazetteer", "load_gazetteer"]

# 시도 code moves since 2020: every district of the old code lives on under the new one.
_SIDO_MOVES = {"42": ("51", "강원특별자치도"), "45": ("52", "전북특별자치도")}
_SIDO_SHORT = {
    "11": ["서울", "서울시", "Seoul"], "26": ["부산", "부산시", "Busan"],
    "27": ["대구", "대구시", "Daegu"], "28": ["인천", "인천시", "Incheon"],
    "29": ["광주", "광주시", "Gwangju"], "30": ["대전", "대전시", "Daejeon"],
    "31": ["울산", "울산시", "Ulsan"], "36": ["세종", "세종시", "Sejong"],
    "41": ["경기", "Gyeonggi-do"], "43": ["충북", "Chungcheongbuk-do"],
    "44": ["충남", "Chungcheongnam-do"], "46": ["전남", "Jeollanam-do"],
    "47": ["경북", "Gyeongsangbuk-do"], "48": ["경남", "Gyeongsangnam-do"],
    "50": ["제주", "제주도", "Jeju"], "51": ["강원", "강원도", "Gangwon-do"],
    "52": ["전북", "전라북도", "Jeollabuk-do"],
}
# 직할시 (before 1995) and 제주도 (before 2006) codes → today's 시도 code.
_OLD_SIDO = {"21": "26", "22": "27", "23": "28", "24": "29", "25": "30", "49": "50"}
_TOKEN = re.compile(r"[^\s,()]+")


@dataclass(frozen=True, slots=True)
class District:
    """A current 시군구 (or a 시도 without 시군구, like 세종)."""

    code: str
    name: str  # full name, e.g. "서울특별시 성북구"

    @property
    def sido_code(self) -> str:
        return self.code[:2]

    @property
    def short_name(self) -> str:
        """The name without its 시도, e.g. "성북구" (세종 keeps its whole name)."""
        parts = self.name.split(" ", 1)
        return parts[1] if len(parts) > 1 else parts[0]


class Gazetteer:
    """Resolves district names and addresses to current districts."""

    def __init__(self, districts: dict[str, District], sido_names: dict[str, str],
                 former: dict[str, str]) -> None:
        self._districts = districts
        self._sido_by_name = sido_names  # any 시도 spelling → 2-digit code
        self._former = former  # abolished code → current code
        self._by_sido_and_name: dict[tuple[str, str], str] = {}
        self._by_name: dict[str, list[str]] = {}
        for code, district in districts.items():
            self._index_name(district.sido_code, district.short_name, code)

    def _index_name(self, sido: str, short_name: str, code: str) -> None:
        self._by_sido_and_name[(sido, short_name)] = code
        compact = short_name.replace(" ", "")
        self._by_sido_and_name[(sido, compact)] = code
        self._by_name.setdefault(compact, []).append(code)
        if " " in short_name:  # "수원시 장안구": also answer to the 구 alone within the 시도
            self._by_sido_and_name.setdefault((sido, short_name.split(" ")[-1]), code)

    def add_alias(self, sido: str, name: str, code: str) -> None:
        """Teach a former or alternative name (within a 시도) for a current code."""
        self._index_name(sido, name, code)

    def get(self, code: str) -> District | None:
        """The current district for a code, following renames and moves."""
        code = self._former.get(code, code)
        return self._districts.get(code)

    def resolve_address(self, address: str | None, default_sido: str | None = None
                        ) -> District | None:
        """Find the district named at the start of an address.

        Accepts "서울특별시 성북구 성북로 37", "서울 성북구 …", "성북구 …" (unique names, or
        any name when `default_sido` says which 시도), "경기도 수원시 장안구 …".
        Returns None when no district is named or the name is ambiguous.
        """
        if not address:
            return None
        tokens = _TOKEN.findall(address)[:5]
        sido = None
        if tokens and (found := self._sido_by_name.get(tokens[0])):
            sido, tokens = found, tokens[1:]
        if sido == "36":
            return self._districts.get("36110")
        sido = sido or default_sido
        for width in (2, 1):
            if len(tokens) < width:
                continue
            name = "".join(tokens[:width])
            if sido and (code := self._by_sido_and_name.get((sido, name))):
                return self._districts[code]
            if not sido and len(codes := self._by_name.get(name, [])) == 1:
                return self._districts[codes[0]]
        return None

    def resolve_name(self, name: str) -> District | None:
        """Resolve a district name alone: "성북구", "서울 성북구", "서울특별시 성북구"."""
        return self.resolve_address(name)


def _move(code: str) -> str:
    moved = _SIDO_MOVES.get(code[:2])
    return moved[0] + code[2:] if moved else code


@cache
def load_gazetteer() -> Gazetteer:
    """Load the bundled district tables (cached: the tables are immutable)."""
    data = resources.files("normalizer") / "data"
    with data.joinpath("districts_2020.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with data.joinpath("district_changes.csv").open(encoding="utf-8") as f:
        changes = list(csv.DictReader(f))
    former = {c["old_code"]: c["new_code"] for c in changes}

    sido_names: dict[str, str] = {}
    for row in rows:
        if row["level"] == "sido":
            sido_names[row["name"]] = _move(_OLD_SIDO.get(row["code5"][:2], row["code5"][:2]))
    for new_sido, new_name in _SIDO_MOVES.values():
        sido_names[new_name] = new_sido
    for sido, aliases in _SIDO_SHORT.items():
        sido_names.update(dict.fromkeys(aliases, sido))
    sido_names["세종특별자치시"] = "36"

    districts: dict[str, District] = {}
    for row in rows:
        code, name = row["code5"], row["name"]
        if row["status"] != "존재" or row["level"] != "sigungu" or code in former:
            continue
        if (moved := _move(code)) != code:
            code, name = moved, _SIDO_MOVES[code[:2]][1] + " " + name.split(" ", 1)[1]
        districts[code] = District(code, name)
    for change in changes:
        districts[change["new_code"]] = District(change["new_code"], change["new_name"])

    gazetteer = Gazetteer(districts, sido_names, former)
    for row in rows:  # former names stay aliases of the district that replaced them
        target = former.get(row["code5"])
        row_sido = sido_names.get(row["name"].split(" ")[0])
        if target and row_sido and " " in row["name"]:
            gazetteer.add_alias(row_sido, row["name"].split(" ", 1)[1], target)
    return gazetteer
