"""Table tests of the field parsers, on real strings from district files."""

from __future__ import annotations

import pytest

from normalizer.fields import (
    parse_capacity,
    parse_fee,
    parse_items,
    parse_loan_period,
    parse_phones,
)
from normalizer.hours import parse_hours

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


@pytest.mark.parametrize(("text", "free", "low", "high", "deposit"), [
    ("무료", True, 0, 0, None),
    ("1000원 ~ 2000원", False, 1000, 2000, None),
    ("1일 2,000원", False, 2000, 2000, None),
    ("보증금 5,000원", None, None, None, 5000),
    ("1일 1,000원 (보증금 1만원)", False, 1000, 1000, 10000),
    ("유료(요금안내문의)", False, None, None, None),
    ("시간당 15,000원", False, 15000, 15000, None),
], ids=["free", "range", "per-day", "deposit-only", "fee-and-deposit", "paid-unknown",
        "hourly"])
def test_parse_fee(text, free, low, high, deposit):
    fee = parse_fee(text)
    assert (fee.free, fee.min_krw, fee.max_krw, fee.deposit_krw) == (free, low, high, deposit)
    assert fee.text == text


def test_parse_fee_unknown_when_empty():
    assert parse_fee(None).free is None
    assert parse_fee(None, free_flag=True).free is True


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


@pytest.mark.parametrize(("days", "expected_days"), [
    ("연중", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    ("평일(공휴일 제외)", WEEKDAYS),
], ids=["all-year", "weekdays"])
def test_parse_hours_from_separate_columns(days, expected_days):
    hours = parse_hours(None, days_text=days, opens="9:00", closes="18:00")
    assert [(w.days, w.opens, w.closes) for w in hours.weekly] == [
        (expected_days, "09:00", "18:00")]


@pytest.mark.parametrize(("text", "days"), [
    ("2박3일", 3), ("3일(연장1회 가능)", 3), ("1일", 1), ("1주", 7), ("협의", None)],
    ids=["nights-days", "extension", "one-day", "week", "unreadable"])
def test_parse_loan_period(text, days):
    assert parse_loan_period(text) == days


def test_parse_capacity():
    assert parse_capacity("최대 15명") == 15
    assert parse_capacity("넓음") is None


@pytest.mark.parametrize(("text", "phones"), [
    ("02-2241-5029", ["02-2241-5029"]),
    ("02-919-9566(내선 12) / 1644-6566", ["02-919-9566 ext. 12", "1644-6566"]),
    ("031)500-1430, 010 1234 5678", ["031-500-1430", "010-1234-5678"]),
], ids=["one", "extension-and-national", "odd-separators"])
def test_parse_phones(text, phones):
    assert parse_phones(text) == phones


@pytest.mark.parametrize(("text", "items"), [
    ("가정용 공구세트+드릴 등", [("가정용 공구세트", None), ("드릴", None)]),
    ("전기햄머드릴, 충전드라이버,  충전식 투광기",
     [("전기햄머드릴", None), ("충전드라이버", None), ("충전식 투광기", None)]),
    ("망치 2/사다리(3)", [("망치", 2), ("사다리", 3)]),
], ids=["plus", "comma", "quantities"])
def test_parse_items(text, items):
    assert [(i.name, i.quantity) for i in parse_items(text)] == items
