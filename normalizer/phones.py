"""Phone numbers in a contact cell → normalised Korean numbers.

Real cells hold several numbers ("02-919-9566(내선 12) / 1644-6566"), extensions ("내선 123",
"ext. 12"), ranges of lines ("02-2241-5029~30" is 5029 and 5030), sibling lines written by
their last four digits only ("02-724-0198, 0196", from Seoul's Open API), odd separators
("031)500-1430", "(02) 2241-5029", "010 1234 5678", "01012345678"), national numbers
("1588-1234") and international ones ("+82 2-2241-5029"). Fax numbers are left out.
"""

from __future__ import annotations

import re

__all__ = ["parse_phones"]

# 02 Seoul; 031–064 regions; 010/011/016–019 mobile; 070 internet; 080 free call; 0502–0508
# virtual numbers; 060 paid lines.
_AREA = r"050[2-8]|02|0[3-6][1-5]|01[016789]|0[678]0"
_PHONE = re.compile(
    rf"(?<![\d])(?:\+\s*82[-.\s]*\(?0?\)?[-.\s]*(?P<intl>1[016789]|2|[3-6][1-5]|[5-8]0\d?)"
    rf"|\(?(?P<area>{_AREA})\)?)"
    r"\s*[-.)\s]?\s*(?P<mid>\d{3,4})\s*[-.\s]?\s*(?P<last>\d{4})(?![\d])"
    r"|(?<![\d-])(?P<national>1[568]\d{2})\s*[-.\s]?\s*(?P<nlast>\d{4})(?![\d])")
_EXTENSION = re.compile(
    r"\s*[(\[]?\s*(?:내선|교환|ext\.?|extension|x)\s*(?:번호)?\s*[:.]?\s*(?P<ext>\d{1,5})\s*번?"
    r"\s*[)\]]?", re.IGNORECASE)
_LINE_RANGE = re.compile(r"\s*[~∼～]\s*(?P<to>\d{1,4})(?![\d-])")
_SIBLING = re.compile(r"\s*[,/·]\s*(?P<last>\d{4})(?![\d]|\s*[-.)]\s*\d)")
_FAX_BEFORE = re.compile(r"(?:팩스|fax|전송)\s*(?:번호)?\s*[:.)]?\s*$|\bF\s*[.:)]\s*$",
                         re.IGNORECASE)


def _line_range(last: str, to: str) -> list[str]:
    """ "5029" ~ "30" → 5029, 5030; "5021" ~ "5" → 5021 … 5025 (short ranges written out)."""
    end = last[: len(last) - len(to)] + to
    if int(end) <= int(last):
        return [last]
    if int(end) - int(last) <= 9:
        return [f"{n:04d}" for n in range(int(last), int(end) + 1)]
    return [last, end]


def _prefix(match: re.Match[str]) -> str:
    if match.group("national"):
        return match.group("national")
    area = match.group("area") or "0" + match.group("intl")
    return f"{area}-{match.group('mid')}"


def parse_phones(text: str | None) -> list[str]:
    """Every phone number in a cell, in order, without repeats.

    Input: the cell as published. Output: numbers as "02-2241-5029", "1644-6566",
    "010-1234-5678", with an extension kept as "02-919-9566 ext. 12"; a line range or a
    sibling line gives one number per line. Text without a number gives []. Never raises.
    """
    if not text:
        return []
    phones: list[str] = []
    position = 0
    while match := _PHONE.search(text, position):
        position = match.end()
        if _FAX_BEFORE.search(text[max(0, match.start() - 12):match.start()]):
            continue
        prefix = _prefix(match)
        lasts = [match.group("last") or match.group("nlast")]
        extension = ""
        if found := _EXTENSION.match(text, position):
            extension, position = f" ext. {found.group('ext')}", found.end()
        elif found := _LINE_RANGE.match(text, position):
            lasts, position = _line_range(lasts[0], found.group("to")), found.end()
        while sibling := _SIBLING.match(text, position):
            lasts.append(sibling.group("last"))
            position = sibling.end()
        for last in lasts:
            number = f"{prefix}-{last}{extension if last == lasts[0] else ''}"
            if number not in phones:
                phones.append(number)
    return phones
