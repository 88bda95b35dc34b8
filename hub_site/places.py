"""District names and points for the site, from the bundled gazetteer (no catalog read).

Seoul's 25 자치구 are named without their city ("마포구", "Mapo-gu"); districts elsewhere
keep their 시도 ("부산광역시 중구") because several cities have a 중구.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub_site.i18n import Lang
from normalizer.gazetteer import load_gazetteer

__all__ = ["DistrictChoice", "district_label", "district_point", "seoul_districts"]

_SEOUL = "11"


@dataclass(frozen=True, slots=True)
class DistrictChoice:
    code: str
    label: str
    selected: bool = False


def district_label(code: str, lang: Lang, fallback: str | None = None) -> str:
    """The district's name in `lang` ("마포구" / "Mapo-gu"); `fallback` (or the code) when
    the gazetteer does not know it."""
    district = load_gazetteer().get(code)
    if district is None:
        return fallback or code
    if lang == "en" and district.name_en:
        if district.sido_code == _SEOUL:
            return district.name_en
        sido = load_gazetteer().sido_name(district.sido_code, "en")
        return f"{district.name_en}, {sido}" if sido else district.name_en
    return district.short_name if district.sido_code == _SEOUL else district.name


def district_point(code: str | None) -> tuple[float, float] | None:
    """The district's representative point (lat, lon), or None."""
    district = load_gazetteer().get(code) if code else None
    return district.point if district is not None else None


def seoul_districts(lang: Lang, selected: tuple[str, ...] | str | None = ()
                    ) -> list[DistrictChoice]:
    """Seoul's 25 districts, sorted by name in `lang`, for a district picker."""
    chosen = (selected,) if isinstance(selected, str) else tuple(selected or ())
    choices = [DistrictChoice(code, district_label(code, lang), code in chosen)
               for code in load_gazetteer().districts if code.startswith(_SEOUL)]
    return sorted(choices, key=lambda c: c.label)
