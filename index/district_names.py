"""Names of the 시군구 and their 시도 in Korean and English, for the site's district pages.

The site may not read the gazetteer itself (it imports only the storage layer and the
schema), so this module hands it the few names it shows, read once from the data shipped
with the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

__all__ = ["SEOUL_SIDO_CODE", "DistrictName", "load_district_names"]

SEOUL_SIDO_CODE = "11"


@dataclass(frozen=True, slots=True)
class DistrictName:
    """A current 시군구: its code, short names ("마포구", "Mapo-gu") and its 시도's names."""

    code: str
    ko: str
    en: str
    sido_code: str
    sido_ko: str
    sido_en: str

    def name(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.ko

    def sido_name(self, lang: str) -> str:
        return self.sido_en if lang == "en" and self.sido_en else self.sido_ko


@cache
def load_district_names() -> Mapping[str, DistrictName]:
    """Every current 시군구 by its 5-digit code (read-only; loaded once per process,
    since it is data shipped with the code)."""
    from normalizer.gazetteer import load_gazetteer  # about 0.7 s: only when asked

    gazetteer = load_gazetteer()
    names: dict[str, DistrictName] = {}
    for code, district in gazetteer.districts.items():
        sido = code[:2]
        names[code] = DistrictName(
            code=code, ko=district.short_name, en=district.name_en, sido_code=sido,
            sido_ko=gazetteer.sido_name(sido, "ko") or district.name.split(" ")[0],
            sido_en=gazetteer.sido_name(sido, "en") or "")
    return MappingProxyType(names)
