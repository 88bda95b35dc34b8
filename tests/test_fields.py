"""Table tests of the field parsers, on real strings.

Strings come from the real district files and the Seoul Open API record in
../shared/reference/samples/, the rules in SOURCES.md §3.3 and §4, and the sample platforms'
data (sample_platforms/data/), which copy the real platforms' forms.
"""

from __future__ import annotations

import random

import pytest

from normalizer.dates import parse_date
from normalizer.fields import (
    parse_capacity,
    parse_fee,
    parse_items,
    parse_loan_period,
    parse_phones,
)
from normalizer.hours import parse_hours
from normalizer.open_now import closes_on_public_holidays
from normalizer.text import html_to_text

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


# --- fees ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "free", "low", "high", "deposit"), [
    ("무료", True, 0, 0, None),
    ("1000원 ~ 2000원", False, 1000, 2000, None),
    ("1일 2,000원", False, 2000, 2000, None),
    ("보증금 5,000원", None, None, None, 5000),
    ("1일 1,000원 (보증금 1만원)", False, 1000, 1000, 10000),
    ("유료(요금안내문의)", False, None, None, None),
    ("시간당 15,000원", False, 15000, 15000, None),
    ("1인 1,000원", False, 1000, 1000, None),
    ("시간당 1만원", False, 10000, 10000, None),
    ("0원", True, 0, 0, None),
    ("1박2일 20,000원, 보증금 50,000원", False, 20000, 20000, 50000),
    ("1일 2,000원 (보증금 10,000원)", False, 2000, 2000, 10000),
    ("무료 (성동구 소재 단체)", True, 0, 0, None),
    ("1시간 20,000원 ~ 3시간 50,000원", False, 20000, 50000, None),
    ("평일 시간당 25,000원 / 주말 시간당 35,000원", False, 25000, 35000, None),
    ("300–1,000원/일", False, 300, 1000, None),
    ("무료, 보증금 5,000원", True, 0, 0, 5000),
    ("30,000원 (기준 2시간)", False, 30000, 30000, None),
    ("1회 1,200,000원", False, 1200000, 1200000, None),
    ("1만 5천원", False, 15000, 15000, None),
    ("보증금 없음", None, None, None, 0),
    ("1인 1,000원 (65세 이상 무료)", False, 0, 1000, None),
    ("₩5,000/day", False, 5000, 5000, None),
    ("Free", True, 0, 0, None),
    ("요금 문의", None, None, None, None),
], ids=["free", "range", "per-day", "deposit-only", "fee-and-deposit", "paid-unknown",
        "hourly", "per-person", "man-won", "zero-won", "nights-and-deposit",
        "deposit-in-brackets", "free-with-note", "hours-range", "weekday-weekend",
        "range-without-first-won", "free-and-deposit", "standard-dataset-unit",
        "millions", "man-cheon", "no-deposit", "free-for-some", "won-sign", "english-free",
        "unreadable"])
def test_parse_fee(text, free, low, high, deposit):
    fee = parse_fee(text)
    assert (fee.free, fee.min_krw, fee.max_krw, fee.deposit_krw) == (free, low, high, deposit)
    assert fee.text == text


def test_parse_fee_unknown_when_empty():
    assert parse_fee(None).free is None
    assert parse_fee(None, free_flag=True).free is True


def test_parse_fee_flag_from_the_platform_wins_over_the_text():
    # Seoul's PAYATNM or GongyuNuri's freeYn say paid in a field of their own.
    fee = parse_fee("이용료 문의", free_flag=False)
    assert (fee.free, fee.text) == (False, "이용료 문의")


# --- hours -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("월~금 09:00~18:00 (휴관일 제외)", [(WEEKDAYS, "09:00", "18:00")]),
    ("화~토 10:30 ~18:00 + 일 13:00 ~ 18:00",
     [(["tue", "wed", "thu", "fri", "sat"], "10:30", "18:00"), (["sun"], "13:00", "18:00")]),
    ("평일 09:00~18:00", [(WEEKDAYS, "09:00", "18:00")]),
    ("화-토 10:00~22:00/일 10:00~17:00/월요일 휴무",
     [(["tue", "wed", "thu", "fri", "sat"], "10:00", "22:00"), (["sun"], "10:00", "17:00")]),
    ("화~토 09:00~21:00, 일 09:00~18:00 (휴관일 제외)",
     [(["tue", "wed", "thu", "fri", "sat"], "09:00", "21:00"), (["sun"], "09:00", "18:00")]),
    ("24시간", [(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "00:00", "24:00")]),
    ("전화 문의", []),
], ids=["weekdays", "plus-sunday", "pyeongil", "slashes-closed-monday", "comma",
        "24h", "unreadable"])
def test_parse_hours(text, expected):
    hours = parse_hours(text)
    assert [(w.days, w.opens, w.closes) for w in hours.weekly] == expected
    assert hours.text == text


HOURS_FORMS = [
    # Lunch breaks: two intervals a day (Mapo's file in the sample platforms).
    ("평일 09:00~18:00 (점심시간 12:00~13:00 제외)",
     [(WEEKDAYS, "09:00", "12:00"), (WEEKDAYS, "13:00", "18:00")]),
    ("09:00~18:00 (점심시간 12:00~13:00 제외)",
     [(WEEK, "09:00", "12:00"), (WEEK, "13:00", "18:00")]),
    ("평일 09:00~18:00 (휴게시간 12:00~13:00)",
     [(WEEKDAYS, "09:00", "12:00"), (WEEKDAYS, "13:00", "18:00")]),
    ("09:00~18:00 (12:00~13:00 점심시간)",
     [(WEEK, "09:00", "12:00"), (WEEK, "13:00", "18:00")]),
    ("09:00~18:00 (점심시간)", [(WEEK, "09:00", "18:00")]),
    # Closed days.
    ("09:00~18:00 매주 월요일 휴관", [(WEEK[1:], "09:00", "18:00")]),
    ("화~일 09:00~22:00 / 월요일 휴관", [(WEEK[1:], "09:00", "22:00")]),
    ("화~토 10:00~19:00 / 일·월 휴관", [(WEEK[1:6], "10:00", "19:00")]),
    ("화~일 10:00~21:00 (월요일 휴무)", [(WEEK[1:], "10:00", "21:00")]),
    ("평일 09:00~18:00, 토 10:00~17:00, 휴관일 매주 일요일, 법정공휴일",
     [(WEEKDAYS, "09:00", "18:00"), (["sat"], "10:00", "17:00")]),
    ("매월 둘째·넷째 주 일요일 휴관, 매일 09:00~18:00", [(WEEK, "09:00", "18:00")]),
    ("매일 12:00~22:00 (우천 시 휴무)", [(WEEK, "12:00", "22:00")]),
    ("휴무일 없음, 매일 09:00~18:00", [(WEEK, "09:00", "18:00")]),
    ("월~금 09:00~18:00 (공휴일 휴무)", [(WEEKDAYS, "09:00", "18:00")]),
    # All week, all day.
    ("연중무휴", []),
    ("연중무휴 24시간", [(WEEK, "00:00", "24:00")]),
    ("00:00~24:00", [(WEEK, "00:00", "24:00")]),
    # Days and times in other spellings.
    ("평일 09:00-18:00 토요일 09:00-13:00",
     [(WEEKDAYS, "09:00", "18:00"), (["sat"], "09:00", "13:00")]),
    ("평일 09:00~12:00, 13:00~18:00",
     [(WEEKDAYS, "09:00", "12:00"), (WEEKDAYS, "13:00", "18:00")]),
    ("월수금 10:00~12:00", [(["mon", "wed", "fri"], "10:00", "12:00")]),
    ("월요일부터 금요일까지 9시부터 18시까지", [(WEEKDAYS, "09:00", "18:00")]),
    ("9시~18시", [(WEEK, "09:00", "18:00")]),
    ("오전 9시~오후 6시", [(WEEK, "09:00", "18:00")]),
    ("오전 9시 30분 ~ 오후 6시", [(WEEK, "09:30", "18:00")]),
    ("오후 1시~6시", [(WEEK, "13:00", "18:00")]),
    ("주말 및 공휴일 10:00~17:00", [(["sat", "sun"], "10:00", "17:00")]),
    # Over midnight: closes before it opens.
    ("18:00~익일 02:00", [(WEEK, "18:00", "02:00")]),
    ("오후 10시~새벽 2시", [(WEEK, "22:00", "02:00")]),
    # English and schema.org.
    ("Mon-Fri 9am-6pm", [(WEEKDAYS, "09:00", "18:00")]),
    ("Mon–Fri 9:00 AM – 6:00 PM, Sat 10am-2pm, Closed Sundays",
     [(WEEKDAYS, "09:00", "18:00"), (["sat"], "10:00", "14:00")]),
    ("Closed Mondays. Daily 10:00-22:00", [(WEEK[1:], "10:00", "22:00")]),
    ("Mo-Fr 09:00-18:00, Sa,Su 10:00-14:00",
     [(WEEKDAYS, "09:00", "18:00"), (["sat", "sun"], "10:00", "14:00")]),
    # Ranges of numbers that are not times.
    ("1시간 10,000원 ~ 3시간 25,000원", []),
    ("만 19~39세 청년", []),
    ("02-2241-5029~30", []),
]


@pytest.mark.parametrize(("text", "expected"), HOURS_FORMS, ids=[t for t, _ in HOURS_FORMS])
def test_parse_hours_reads_every_form(text, expected):
    hours = parse_hours(text)
    assert [(w.days, w.opens, w.closes) for w in hours.weekly] == expected, text
    assert hours.text == text


@pytest.mark.parametrize(("days", "expected_days"), [
    ("연중", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    ("평일(공휴일 제외)", WEEKDAYS),
], ids=["all-year", "weekdays"])
def test_parse_hours_from_separate_columns(days, expected_days):
    hours = parse_hours(None, days_text=days, opens="9:00", closes="18:00")
    assert [(w.days, w.opens, w.closes) for w in hours.weekly] == [
        (expected_days, "09:00", "18:00")]


def test_hours_from_columns_keep_the_text_that_says_holidays_are_closed():
    # Gwacheon's 운영요일 "평일(공휴일 제외)": open-now needs that note, so it stays in the text.
    hours = parse_hours(None, days_text="평일(공휴일 제외)", opens="9:00", closes="18:00")
    assert hours.text == "평일(공휴일 제외) 9:00~18:00"
    assert closes_on_public_holidays(hours.text)


# --- loan periods and capacity -----------------------------------------------------------

@pytest.mark.parametrize(("text", "days"), [
    ("2박3일", 3), ("3일(연장1회 가능)", 3), ("1일", 1), ("1주", 7), ("협의", None),
    ("3일(연장 1회 가능)", 3), ("1주일", 7), ("2주", 14), ("최대 7일", 7), ("당일 반납", 1),
    ("1개월", 30), ("14일", 14), ("1회 최대 2시간", None)],
    ids=["nights-days", "extension", "one-day", "week", "unreadable", "extension-spaced",
         "juil", "two-weeks", "at-most", "same-day", "month", "two-digit-days", "hours"])
def test_parse_loan_period(text, days):
    assert parse_loan_period(text) == days


def test_parse_capacity():
    assert parse_capacity("최대 15명") == 15
    assert parse_capacity("넓음") is None


@pytest.mark.parametrize(("text", "capacity"), [
    ("최대 15명", 15), ("20인", 20), ("수용인원: 30명 (좌석 20)", 30), ("정원: 16명", 16),
    ("100~150명", 150), ("1,200명", 1200), ("30", 30), ("수용인원: 20대", None),
    ("넓음", None)],
    ids=["at-most", "in", "labelled-with-seats", "jeongwon", "range", "thousands", "bare",
         "parking-spaces", "unreadable"])
def test_parse_capacity_reads_head_counts(text, capacity):
    assert parse_capacity(text) == capacity


# --- phones ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "phones"), [
    ("02-2241-5029", ["02-2241-5029"]),
    ("02-919-9566(내선 12) / 1644-6566", ["02-919-9566 ext. 12", "1644-6566"]),
    ("031)500-1430, 010 1234 5678", ["031-500-1430", "010-1234-5678"]),
    ("02-724-0198, 0196", ["02-724-0198", "02-724-0196"]),
    ("02-2241-5029~30", ["02-2241-5029", "02-2241-5030"]),
    ("02-2241-5021~3", ["02-2241-5021", "02-2241-5022", "02-2241-5023"]),
    ("02-2241-5029(내선)", ["02-2241-5029"]),
    ("02-2241-5029 내선 123", ["02-2241-5029 ext. 123"]),
    ("01012345678", ["010-1234-5678"]),
    ("1588-1234", ["1588-1234"]),
    ("(02) 2241-5029", ["02-2241-5029"]),
    ("+82 2-2241-5029", ["02-2241-5029"]),
    ("전화 02-123-4567 / 팩스 02-123-4568", ["02-123-4567"]),
    ("070-4350-1052", ["070-4350-1052"]),
    ("데이터기준일자 2025-03-12", []),
], ids=["one", "extension-and-national", "odd-separators", "sibling-line-seoul-api",
        "line-range", "short-line-range", "empty-extension", "extension-words", "mobile-digits",
        "national", "bracketed-area", "international", "fax-left-out", "internet-phone",
        "date-is-not-a-phone"])
def test_parse_phones(text, phones):
    assert parse_phones(text) == phones


# --- item lists --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "items"), [
    ("가정용 공구세트+드릴 등", [("가정용 공구세트", None), ("드릴", None)]),
    ("전기햄머드릴, 충전드라이버,  충전식 투광기",
     [("전기햄머드릴", None), ("충전드라이버", None), ("충전식 투광기", None)]),
    ("망치 2/사다리(3)", [("망치", 2), ("사다리", 3)]),
    ("줄자, 수평계 각 1", [("줄자", 1), ("수평계", 1)]),
    ("드라이버 세트 2(5)", [("드라이버 세트", 2)]),
    ("전동드릴 3개, 드릴날 1세트", [("전동드릴", 3), ("드릴날", 1)]),
    (" 전동  드릴 , 전동드릴", [("전동 드릴", None), ("전동드릴", None)]),
    ("텐트, 타프, 침낭 2, 캠핑의자 4",
     [("텐트", None), ("타프", None), ("침낭", 2), ("캠핑의자", 4)]),
    ("텐트 4인용, 아이스박스 45L", [("텐트 4인용", None), ("아이스박스 45L", None)]),
    ("천막(3m×3m), 접이식 테이블", [("천막(3m×3m)", None), ("접이식 테이블", None)]),
    ("드라이버 세트(+, -), 망치", [("드라이버 세트(+, -)", None), ("망치", None)]),
    ("루미큐브, 할리갈리, 젠가 외", [("루미큐브", None), ("할리갈리", None), ("젠가", None)]),
    ("전동드릴+망치+드라이버세트", [("전동드릴", None), ("망치", None), ("드라이버세트", None)]),
], ids=["plus", "comma", "quantities", "each", "held-and-pieces", "units",
        "stray-spaces-kept-trimmed", "some-counted", "digits-in-names", "brackets-kept",
        "separators-inside-brackets", "oe-tail", "mapo-plus"])
def test_parse_items(text, items):
    assert [(i.name, i.quantity) for i in parse_items(text)] == items


# --- HTML to clean text ------------------------------------------------------------------

@pytest.mark.parametrize(("html", "text"), [
    # Seoul Open API DTLCONT (the real sample): entities and runs of spaces.
    (" 4. 주의사항 ★&nbsp; 교육 희망일자 하루만 선택 가능 ※ 교육인원 (15명 이내)",
     "4. 주의사항 ★ 교육 희망일자 하루만 선택 가능 ※ 교육인원 (15명 이내)"),
    ("&lt;주의&gt; 주차 지원 불가", "<주의> 주차 지원 불가"),
    ("2024년 <느낌 있는 박물관> 교육생 모집 안내", "2024년 <느낌 있는 박물관> 교육생 모집 안내"),
    ("<p>무대 장치 임의 조작 금지<br>흡연 금지</p>", "무대 장치 임의 조작 금지\n흡연 금지"),
    ("<ul><li>음식물 반입 금지</li><li>사용 후 책상 배치 원상복구</li></ul>",
     "음식물 반입 금지\n사용 후 책상 배치 원상복구"),
    ("<p>알루미늄 삼각대</p><script>alert('x')</script><img src=x onerror=alert(1)>",
     "알루미늄 삼각대"),
    ("&#39;따옴표&#39; &quot;q&quot; &middot; A&amp;B", "'따옴표' \"q\" · A&B"),
    ("&nbsp; &nbsp;", None),
], ids=["seoul-nbsp", "escaped-brackets", "title-angle-brackets-kept", "br-and-p", "list",
        "script-and-handlers-dropped", "entities", "only-spaces"])
def test_html_to_text(html, text):
    assert html_to_text(html) == text


# --- bad input ---------------------------------------------------------------------------

_NOISE = [*"0123456789:~-–/.,()+ ", *"원만천월화수목금토일시분오전후익휴관",
          *"무료공제외내선각개세트박주점심", "\n", "\u00a0", "😀", "&nbsp;", "<br>",
          "24시간", "1만", "02-"]
_PATHOLOGICAL = ["1만" * 3000, "1," * 5000, "0" * 10000, "09:00~" * 2000, "월~" * 3000,
                 "(" * 5000, "02-" * 3000, "각 " * 3000]


def test_no_field_parser_raises_on_noise_or_pathological_text():
    rng = random.Random(4)
    texts = ["".join(rng.choice(_NOISE) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    for text in texts + _PATHOLOGICAL:
        assert parse_fee(text).text == (text or None)
        assert parse_hours(text).text == (text or None)
        parse_loan_period(text)
        parse_capacity(text)
        parse_phones(text)
        parse_items(text)
        parse_date(text)
        closes_on_public_holidays(text)
