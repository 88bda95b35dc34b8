"""Hangul place names → Revised Romanization (국어의 로마자 표기법, 2000), for district names.

Covers what district names need: syllable tables, liaison of a final consonant into a
following vowel, and the consonant assimilations RR writes (종로 → Jongno, 강릉 → Gangneung,
신라 → Silla, 백령 → Baengnyeong). Tensing is not written, as RR says. The administrative
unit is split off with a hyphen and no assimilation across it (종로구 → Jongno-gu).
Checked against the official English names of Seoul's 25 districts (tests/test_gazetteer.py).
"""

from __future__ import annotations

__all__ = ["english_district_name", "romanize"]

_INITIALS = ("g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
             "k", "t", "p", "h")
_VOWELS = ("a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
           "wo", "we", "wi", "yu", "eu", "ui", "i")
# Final consonant (종성 index 1..27) → (written before a consonant or at the end,
# carried over before a vowel).
_FINALS: tuple[tuple[str, str], ...] = (
    ("", ""), ("k", "g"), ("k", "kk"), ("k", "gs"), ("n", "n"), ("n", "nj"), ("n", "n"),
    ("t", "d"), ("l", "r"), ("k", "lg"), ("m", "lm"), ("l", "lb"), ("l", "ls"), ("l", "lt"),
    ("p", "lp"), ("l", "r"), ("m", "m"), ("p", "b"), ("p", "ps"), ("t", "s"), ("t", "ss"),
    ("ng", "ng"), ("t", "j"), ("t", "ch"), ("k", "k"), ("t", "t"), ("p", "p"), ("t", ""),
)
_NASAL = {"k": "ng", "t": "n", "p": "m"}  # a stop before ㄴ or ㅁ
_UNITS = {"시": "si", "군": "gun", "구": "gu"}
_INITIAL_N, _INITIAL_R, _INITIAL_M, _INITIAL_VOWEL = 2, 5, 6, 11


def _syllables(text: str) -> list[tuple[int, int, int] | str]:
    parts: list[tuple[int, int, int] | str] = []
    for char in text:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            parts.append((code // 588, (code % 588) // 28, code % 28))
        else:
            parts.append(char)
    return parts


def romanize(text: str) -> str:
    """Romanize Hangul (other characters pass through), lower case: "종로" → "jongno"."""
    parts = _syllables(text)
    out: list[str] = []
    carry = ""  # what the previous syllable's final became, decided at this syllable
    previous_final = 0  # the previous syllable's final (종성 index), 0 when none
    for part in parts:
        if isinstance(part, str):
            out.append(carry + part)
            carry, previous_final = "", 0
            continue
        initial, vowel, final = part
        onset = _INITIALS[initial]
        if previous_final:
            sound = carry  # how the previous final sounds: k t p n m l ng
            if initial == _INITIAL_VOWEL:  # liaison: the final starts this syllable
                carried = _FINALS[previous_final][1]
                out.append("ng" if carried == "ng" else "")
                onset = "" if carried == "ng" else carried
            elif initial == _INITIAL_R and sound in ("n", "l"):  # 신라 Silla, 울릉 Ulleung
                out.append("l")
                onset = "l"
            elif initial == _INITIAL_R:  # ㄹ after other consonants is read ㄴ
                out.append(_NASAL.get(sound, sound))
                onset = "n"
            elif initial in (_INITIAL_N, _INITIAL_M) and sound in _NASAL:
                out.append(_NASAL[sound])
            elif initial == _INITIAL_N and sound == "l":  # 설날 seollal
                out.append("l")
                onset = "l"
            else:
                out.append(carry)
        carry, previous_final = _FINALS[final][0], final
        out.append(onset + _VOWELS[vowel])
    out.append(carry)
    return "".join(out)


def _capitalized(word: str) -> str:
    return word[:1].upper() + word[1:]


def english_district_name(short_name: str) -> str:
    """The English name of a district from its Korean short name, in the official order
    (smallest unit first): "성북구" → "Seongbuk-gu", "수원시 장안구" → "Jangan-gu, Suwon-si",
    "세종특별자치시" → "Sejong"."""
    if short_name.startswith("세종"):
        return "Sejong"
    names = []
    for part in short_name.split():
        for unit, roman in _UNITS.items():
            if part.endswith(unit) and len(part) > len(unit):
                names.append(f"{_capitalized(romanize(part[:-len(unit)]))}-{roman}")
                break
        else:
            names.append(_capitalized(romanize(part)))
    return ", ".join(reversed(names))
