"""What the parsers say about hostile documents: each refusal names its reason, so the run
report tells the operator what the platform did wrong."""

from __future__ import annotations

import pytest

from hostile_platforms import bodies
from normalizer import ParseError, Source
from normalizer.csv_file import parse_csv
from normalizer.rss import parse_feed
from normalizer.text import decode_bytes

RSS = Source(id="feed", name="feed", kind="rss", url="https://example.com/feed.xml")
CSV = Source(id="file", name="file", kind="csv", url="https://example.com/tools.csv",
             district_code="11290")
NETSCAPE_DOCTYPE = (b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications'
                    b'//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
                    b'\n<rss version="0.91"><channel><title>t</title><item><title>room</title>'
                    b"<guid>r1</guid></item></channel></rss>")
FEED = bodies.rss_feed(bodies.space_items(3, "cut"))
CUT_FEED = FEED[:FEED.index(b"<item>", FEED.index(b"</item>")) + 20]


@pytest.mark.parametrize(("body", "message"), [
    (bodies.BILLION_LAUGHS, "refused XML with entity declarations"),
    (bodies.EXTERNAL_ENTITY, "refused XML with entity declarations"),
    (b"<!DOCTYPE rss [<!entity x 'y'>]><rss version='2.0'><channel/></rss>",
     "refused XML with entity declarations"),
], ids=["billion-laughs", "external-entity", "lower-case-declaration"])
def test_a_feed_declaring_entities_is_refused(body, message):
    with pytest.raises(ParseError, match=message):
        parse_feed(body, RSS)


@pytest.mark.parametrize(("body", "listings", "note"), [
    (NETSCAPE_DOCTYPE, 1, None),
    (CUT_FEED, 1, "malformed XML"),
    (FEED, 3, None),
], ids=["doctype-without-entities", "cut-off-feed", "whole-feed"])
def test_a_feed_is_read_and_a_break_in_it_reported(body, listings, note):
    result = parse_feed(body, RSS)
    assert len(result.listings) == listings
    said = " | ".join(result.report.errors)
    if note is None:
        assert "malformed" not in said
    else:
        assert note in said, f"the report does not mention the break: {said!r}"


@pytest.mark.parametrize(("body", "message"), [
    (bodies.HTML_ERROR_PAGE, "an HTML page titled '서비스 점검 중', not a CSV file"),
    (b"\n  <html><body>login</body></html>", "an HTML page, not a CSV file"),
    (b"<HEAD><TITLE>Error</TITLE></HEAD>", "an HTML page titled 'Error', not a CSV file"),
], ids=["error-page-with-title", "html-without-title", "upper-case-head"])
def test_an_html_page_served_as_a_csv_file_is_named_as_such(body, message):
    with pytest.raises(ParseError, match=message):
        parse_csv(body, CSV)


def test_a_csv_whose_first_cell_looks_like_markup_is_still_a_csv():
    text = "공구대여소,소재지도로명주소\n<b>성북1동</b> 공구대여소,서울특별시 성북구 보문로 1\n"
    assert len(parse_csv(text.encode(), CSV).listings) == 1


# Korean text whose one title has bytes of no encoding (a truncated multi-byte sequence,
# an encoded surrogate): charset detection finds nothing either.
INVALID = bodies.json_feed(bodies.space_items(3, "badutf")).replace(
    "성북 badutf 공유회의실 2호".encode(), b"\xff\xfe\xc3(\xa0 2\xed\xa0\x80")
AT = INVALID.index(b"\xff")


@pytest.mark.parametrize(("declared", "message"), [
    (None, rf"invalid UTF-8 \(byte 0xff at offset {AT}\), and not cp949 either"),
    ("euc-kr", rf"invalid UTF-8 \(byte 0xff at offset {AT}\), and not euc-kr or cp949 either"),
], ids=["undeclared", "declared"])
def test_undecodable_bytes_name_where_utf8_breaks(declared, message):
    with pytest.raises(ParseError, match=message):
        decode_bytes(INVALID, declared)
