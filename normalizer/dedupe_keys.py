"""Name, address and phone keys for de-duplication (`normalizer.dedupe`): the same place
written by different platforms in their own words reduces to the same key.

Pure functions; table tests in tests/test_dedupe_keys.py.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

__all__ = ["address_key", "name_qualifiers", "name_similarity", "normalize_name",
           "normalize_phone"]

_SIDO_FULL = ("서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시",
              "울산광역시", "세종특별자치시", "경기도", "강원특별자치도", "강원도", "충청북도",
              "충청남도", "전북특별자치도", "전라북도", "전라남도", "경상북도", "경상남도",
              "제주특별자치도")
_SIDO_SHORT = ("서울시", "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기",
               "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주")
# A full 시도 name is dropped even when glued to the name ("울산광역시여성회관"); a short one
# only as a separate word, since "서울숲" and "부산시민회관" are names, not prefixes.
# ("부산광역시청" keeps its 청: it is the city hall, not a prefix).
_REGION_PREFIX = re.compile(rf"^(?:(?:{'|'.join(_SIDO_FULL)})(?!청)\s*|"
                            rf"(?:{'|'.join(_SIDO_SHORT)})\s+)")
# What a title says besides which place it is. Each pattern runs only when its marker is in
# the title (most titles have none; this keeps 100,000 titles to a second or two).
_NOISE = (
    # [야간], [공공공간], 【공지】 label a listing; <느낌 있는 박물관> names it and stays.
    ("[", re.compile(r"\[[^\]]*\]")), ("【", re.compile(r"【[^】]*】")),
    ("년", re.compile(r"\([^)]*\d[^)]*년[^)]*\)|(?:19|20)?\d{2}\s*년")),
    ("월", re.compile(r"\([^)]*\d[^)]*월[^)]*\)|\d{1,2}\s*월")),
    ("층", re.compile(r"(?:지하\s*|b)?\d+(?:\s*~\s*\d+)?\s*층")),
)
# Every spelling of a 동 office names the same building (the 동 name before it identifies
# it), and the desk inside a building where tools are handed out says where, not what.
_PLACE_WORDS = ("행정복지센터", "주민자치센터", "주민센터", "동사무소", "행정센터", "민원실",
                "안내데스크", "안내실", "종합상황실", "중앙통제실", "상황실", "통제실",
                "관리사무소")
_TOOL_POINT = re.compile(r"(?:생활\s*)?공구\s*(?:대여소|도서관|나눔터|대여점|대여|센터|은행)")
_BOOKING_WORD = re.compile(r"\s(?:대관|대여|예약|이용|신청|안내)$")
_NON_WORD = re.compile(r"[^0-9a-z가-힣ㄱ-ㅣ一-鿿 ]+")
_SIZE = re.compile(r"([대중소])\s*(?=회의실|회의장|강당|극장|공연장|강의실|세미나실|연습실|"
                   r"교육장|홀)")
_NUMBER = re.compile(r"\d+")
_LETTER = re.compile(r"(?<![a-z])[a-z](?![a-z])")
_PARENS = re.compile(r"\([^)]*\)")
_ROAD = re.compile(r"(?<![가-힣0-9])([가-힣0-9]+(?:로|길))(?:\s*(\d+[가-힣]?번?길))?"
                   r"\s+(?:지하\s*)?(\d+(?:-\d+)?)")
_LOT = re.compile(r"(?<![가-힣0-9])([가-힣0-9]+(?:동|가|리))\s+(?:산\s*)?(\d+(?:-\d+)?)")


def normalize_name(title: str, district_name: str | None = None) -> str:
    """A title reduced to what identifies the place: no 시도 or own-district prefix, tags,
    dates, floors, quotes or 주민센터 variants; lending-point words in one spelling.
    Returns space-separated lower-case words (possibly empty)."""
    text = unicodedata.normalize("NFKC", title).lower()
    for marker, pattern in _NOISE:
        if marker in text:
            text = pattern.sub(" ", text)
    for word in _PLACE_WORDS:
        if word in text:
            text = text.replace(word, " ")
    text = _REGION_PREFIX.sub("", text.strip())
    if district_name:
        for prefix in {district_name, district_name.split()[-1]}:
            if text.startswith(prefix + " "):
                text = text[len(prefix) + 1:]
    text = _NON_WORD.sub(" ", text).strip()
    text = _BOOKING_WORD.sub("", text)
    return " ".join(_TOOL_POINT.sub(" 공구대여 ", text).split())


def name_qualifiers(normalized: str) -> frozenset[str]:
    """What tells two rooms or offices of one building apart: numbers (1동, 301호),
    대/중/소 before a room word, single letters (회의실 A)."""
    return frozenset(_NUMBER.findall(normalized) + _SIZE.findall(normalized)
                     + _LETTER.findall(normalized))


def name_similarity(left: str, right: str, *, strict: bool = False) -> float:
    """Similarity of two normalized names in [0, 1]: 1.0 when one name (three or more
    characters, spaces ignored) lies inside the other, else the best of the token-set and
    the plain ratio, so "아현동" and "아현동 공구대여", or "다목적 회의실" and "다목적회의실",
    agree. `strict` compares the whole names only (the plain ratio, spaces ignored)."""
    left_bare, right_bare = left.replace(" ", ""), right.replace(" ", "")
    if not left_bare or not right_bare:
        return 0.0
    if strict:
        return fuzz.ratio(left_bare, right_bare) / 100.0
    short, long = sorted((left_bare, right_bare), key=len)
    if len(short) >= 3 and short in long:
        return 1.0
    return max(fuzz.token_set_ratio(left, right), fuzz.ratio(left_bare, right_bare)) / 100.0


def normalize_phone(phone: str) -> str | None:
    """Digits only, +82 turned back into a leading 0; None when too short to be a number."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("82") and len(digits) >= 10:
        digits = "0" + digits[2:]
    return digits if len(digits) >= 7 else None


def address_key(address: str | None) -> str | None:
    """The building an address points at: "r:<도로명> <번호>" from a road address, else
    "l:<동/리> <번지>" from a lot address, else None (a place name such as "시민청 태평홀").
    The 시도, 시군구, parentheses, floors and building names around it do not matter."""
    if not address:
        return None
    text = _PARENS.sub(" ", unicodedata.normalize("NFKC", address))
    if road := _ROAD.search(text):
        name, branch, number = road.groups()
        return f"r:{name}{branch or ''} {number}"
    if lot := _LOT.search(text):
        return f"l:{lot.group(1)} {lot.group(2)}"
    return None
