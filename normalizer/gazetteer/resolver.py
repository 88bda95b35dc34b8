"""District lookups: codes, Korean and English names, addresses and points → districts.

Korean addresses name the district near their start ("서울특별시 성북구 성북로 37", "서울
성북구 …", "성북구 …", "서울특별시성북구 …", after a postal code); English ones near their
end ("37 Seongbuk-ro, Seongbuk-gu, Seoul"). A name that the 2026 인천 reorganization split
between two districts resolves only when the rest of the address says which (its 법정동 or
road); otherwise the match says why it stays unresolved.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from normalizer.district_geometry import BOUNDARY_TOLERANCE_M, DistrictGeometry

__all__ = ["AddressMatch", "District", "Gazetteer", "Sido", "Split"]

_TOKEN = re.compile(r"[^\s,()\[\]{}<>·]+")
_HANGUL = re.compile(r"[가-힣]")
_LATIN_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_EN_UNITS = frozenset({"gu", "gun", "si", "do"})
_SCAN_TOKENS = 8  # how far into an address a district name is looked for
_SEJONG = "36110"


@dataclass(frozen=True, slots=True)
class District:
    """A current 시군구 (or 세종, a 시도 without 시군구)."""

    code: str
    name: str  # full Korean name, e.g. "서울특별시 성북구"
    name_en: str = ""  # e.g. "Seongbuk-gu"; "Jangan-gu, Suwon-si" inside a city
    point: tuple[float, float] | None = None  # representative (lat, lon), None if unknown

    @property
    def sido_code(self) -> str:
        return self.code[:2]

    @property
    def short_name(self) -> str:
        """The name without its 시도, e.g. "성북구" (세종 keeps its whole name)."""
        parts = self.name.split(" ", 1)
        return parts[1] if len(parts) > 1 else parts[0]


@dataclass(frozen=True, slots=True)
class Sido:
    """A 시도: its code (two merged ones share a name), names and aliases."""

    codes: tuple[str, ...]
    name: str
    name_en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Split:
    """One successor of a district that was divided: which 법정동/road words lead to it."""

    code: str
    hints: tuple[str, ...]
    effective: str


_REMEMBERED_MATCHES = 50_000  # addresses; ≈ 15 MB at most


@dataclass(frozen=True, slots=True)
class AddressMatch:
    """What an address says about its district: the district, or at least the 시도, and
    a note for operators when a name is known but cannot be resolved."""

    district: District | None = None
    sido_code: str | None = None
    note: str | None = None


def _key(word: str) -> str:
    """Lookup key of a name: Korean as is, Latin lower-cased without hyphens or spaces."""
    return word.lower().replace("-", "").replace(" ", "")


class Gazetteer:
    """Resolves district codes, names, addresses and points to current districts."""

    def __init__(self, districts: dict[str, District], sidos: Sequence[Sido],
                 former: dict[str, str], splits: dict[str, list[Split]],
                 geometry: DistrictGeometry | None = None) -> None:
        self.districts = districts
        self.sidos = {code: sido for sido in sidos if len(sido.codes) == 1
                      for code in sido.codes}
        self.geometry = geometry
        self._former = former  # abolished or moved code → current code
        self._splits = splits  # divided code → its successors
        self._sido_by_name: dict[str, tuple[str, ...]] = {}
        for sido in sidos:
            for name in (sido.name, sido.name_en, *sido.aliases):
                self._sido_by_name[_key(name)] = sido.codes
        # Korean 시도 names glued to what follows ("서울특별시성북구"), longest first.
        self._glued = sorted((n for n in self._sido_by_name if _HANGUL.match(n)),
                             key=len, reverse=True)
        self._by_sido_and_name: dict[tuple[str, str], str] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_english: dict[str, list[str]] = {}
        # match_address answers, remembered: a re-crawl reads the same addresses again
        self._matches: dict[tuple[str | None, str | None], AddressMatch] = {}
        for code, district in districts.items():
            self.add_alias(district.sido_code, district.short_name, code, district.name_en)

    def add_alias(self, sido: str, name: str, code: str, name_en: str = "") -> None:
        """Teach a name (within a 시도) for a code: a current, former or alternative name,
        and optionally its English name ("Nam-gu" for 인천 남구)."""
        compact = name.replace(" ", "")
        self._matches.clear()  # a new name can change what an address resolves to
        self._by_sido_and_name.setdefault((sido, name), code)
        self._by_sido_and_name.setdefault((sido, compact), code)
        if code not in self._by_name.setdefault(compact, []):
            self._by_name[compact].append(code)
        if " " in name:  # "수원시 장안구": also answer to the 구 alone ("분당구 불정로 90")
            last = name.split(" ")[-1]
            self._by_sido_and_name.setdefault((sido, last), code)
            if code not in self._by_name.setdefault(last, []):
                self._by_name[last].append(code)
        if name_en:  # "Jangan-gu, Suwon-si": the district's own part is its key
            english = self._by_english.setdefault(_key(name_en.split(",")[0]), [])
            if code not in english:
                english.append(code)

    def get(self, code: str) -> District | None:
        """The current district for a code, following renames and 시도 code moves; None
        for an unknown code or one divided between several districts (see successors)."""
        return self.districts.get(self._former.get(code, code))

    def successors(self, code: str) -> tuple[District, ...]:
        """The districts a divided code was split into (empty for any other code)."""
        return tuple(self.districts[s.code] for s in self._splits.get(code, []))

    def sido_name(self, sido_code: str, lang: str = "ko") -> str | None:
        """A 시도's name in "ko" or "en", or None for an unknown code."""
        sido = self.sidos.get(sido_code)
        if sido is None:
            return None
        return sido.name_en if lang == "en" else sido.name

    def resolve_address(self, address: str | None, default_sido: str | None = None
                        ) -> District | None:
        """The district an address names, or None (see match_address)."""
        return self.match_address(address, default_sido).district

    def resolve_name(self, name: str) -> District | None:
        """Resolve a district name alone: "성북구", "서울 성북구", "Seongbuk-gu"."""
        return self.resolve_address(name)

    def resolve_point(self, lat: float, lon: float) -> District | None:
        """The district containing a point, where boundaries are known (Seoul)."""
        code = self.geometry.district_at(lat, lon) if self.geometry else None
        return self.districts.get(code) if code else None

    def point_conflict(self, code: str, lat: float, lon: float) -> str | None:
        """Why a point cannot lie in district `code`, or None when it may: inside it or
        within BOUNDARY_TOLERANCE_M of its (simplified) boundary, or where no boundary
        is known on either side."""
        if self.geometry is None:
            return None
        shapes = self.geometry.shapes
        if code in shapes:
            distance = shapes[code].distance_m(lat, lon)
            if distance <= BOUNDARY_TOLERANCE_M:
                return None
            other = self.geometry.district_at(lat, lon)
            where = f"in district {other}" if other else f"{distance / 1000:.1f} km outside it"
            return f"coordinates lie {where}, not in district {code}"
        other = self.geometry.district_at(lat, lon)
        if other is not None and shapes[other].edge_distance_m(lat, lon) > BOUNDARY_TOLERANCE_M:
            return f"coordinates lie in district {other}, not in district {code}"
        return None

    def match_address(self, address: str | None, default_sido: str | None = None
                      ) -> AddressMatch:
        """Find the district an address names, in Korean or English.

        Accepts "서울특별시 성북구 성북로 37", "서울 성북구 …", "성북구 …" (a name unique in
        the country, or any name when `default_sido` says which 시도), "경기도 수원시 장안구
        …", "(02880) 서울특별시성북구 …", former names ("인천 남구"), "Seongbuk-gu",
        "Seoul Seongbuk-gu" and "37 Seongbuk-ro, Seongbuk-gu, Seoul". Never raises.
        """
        key = (address, default_sido)
        found = self._matches.get(key)
        if found is None:
            found = self._match_address(address, default_sido)
            if len(self._matches) >= _REMEMBERED_MATCHES:
                self._matches.clear()  # rare: a fresh start beats bookkeeping per hit
            self._matches[key] = found
        return found

    def _match_address(self, address: str | None, default_sido: str | None) -> AddressMatch:
        text = unicodedata.normalize("NFC", address or "").strip()
        if not text:
            return AddressMatch()
        korean = self._match_korean(text, default_sido)
        if korean.district or korean.note or not re.search(r"[A-Za-z]{2}", text):
            return korean
        english = self._match_english(text, default_sido)
        return english if english.district or not korean.sido_code else korean

    def _match_korean(self, text: str, default_sido: str | None) -> AddressMatch:
        tokens = _TOKEN.findall(text)[:_SCAN_TOKENS + 4]
        default = (default_sido,) if default_sido else None
        found: tuple[str, ...] | None = None
        for index, token in enumerate(tokens[:_SCAN_TOKENS]):
            rest = tokens[index + 1:]
            sidos = self._sido_by_name.get(_key(token))
            if sidos is None:
                glued = self._unglue(token, rest)
                if glued is not None:
                    return glued
            elif _SEJONG[:2] in sidos:
                return AddressMatch(self.districts[_SEJONG], _SEJONG[:2])
            else:
                found = found or sidos
                if (hit := self._district_after(sidos, rest)) is not None:
                    return hit
                # "광주시 오포읍": a 시도 word that is also a district's name (경기 광주시)
                if (hit := self._district_after(None, [token])) is not None:
                    return hit
                continue
            if (hit := self._district_after(found or default, tokens[index:])) is not None:
                return hit
        return AddressMatch(sido_code=found[0] if found and len(found) == 1 else None)

    def _unglue(self, token: str, rest: list[str]) -> AddressMatch | None:
        for name in self._glued:
            if token.startswith(name) and len(token) > len(name):
                codes = self._sido_by_name[name]
                if _SEJONG[:2] not in codes:
                    return self._district_after(codes, [token[len(name):], *rest])
        return None

    def _district_after(self, sidos: tuple[str, ...] | None, tokens: Sequence[str]
                        ) -> AddressMatch | None:
        for width in (2, 1):
            if len(tokens) < width:
                continue
            name = "".join(tokens[:width])
            code = None
            if sidos:
                code = next((c for s in sidos if (c := self._by_sido_and_name.get((s, name)))),
                            None)
            elif len(codes := self._by_name.get(name, [])) == 1:
                code = codes[0]
            if code is not None:
                return self._resolved(code, tokens[width:])
        return None

    def _resolved(self, code: str, rest: Sequence[str]) -> AddressMatch:
        splits = self._splits.get(code)
        if not splits:
            district = self.get(code)
            return AddressMatch(district, district.sido_code) if district else AddressMatch()
        for token in rest:
            for split in splits:
                if any(token.startswith(hint) for hint in split.hints):
                    return AddressMatch(self.districts[split.code], code[:2])
        names = " and ".join(self.districts[s.code].short_name for s in splits)
        return AddressMatch(sido_code=code[:2], note=(
            f"district {code} was split on {splits[0].effective} into {names}: "
            "the address does not say which"))

    def _match_english(self, text: str, default_sido: str | None) -> AddressMatch:
        words = _LATIN_WORD.findall(text.lower())
        keys = ["".join(words[i:i + n]).replace("-", "")
                for n in (1, 2, 3) for i in range(len(words) - n + 1)]
        sidos: set[str] = set()
        candidates: list[str] = []
        for key in keys:
            sidos.update(self._sido_by_name.get(key, ()))
            candidates.extend(c for c in self._by_english.get(key, []) if c not in candidates)
        scope = sidos or ({default_sido} if default_sido else set())
        if scope:
            candidates = [c for c in candidates if c[:2] in scope]
        # "Jangan-gu, Suwon-si": the 구 is more precise than its city.
        candidates = [c for c in candidates
                      if not any(o != c and c.endswith("0") and o[:4] == c[:4]
                                 for o in candidates)]
        if len(candidates) == 1:
            return self._resolved(candidates[0], [])
        if _SEJONG[:2] in sidos:
            return AddressMatch(self.districts[_SEJONG], _SEJONG[:2])
        return AddressMatch(sido_code=next(iter(sidos)) if len(sidos) == 1 else None)
