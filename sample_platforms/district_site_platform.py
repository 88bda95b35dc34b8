"""A district office's HTML site of sharing places: "성동구 공유센터" (Seongdong-gu, Seoul).

Like many district sites built on the government web framework, it is an old-style board
served in EUC-KR (declared both in the Content-Type header and in a `<meta http-equiv>`
tag, and, as on real servers, actually encoded as CP949, so one description carries a
syllable that only CP949 has: "꽃샾"). The list page shows 10 places per page with a
"다음" (next) link; each place links to a detail page whose `<table>` has th/td rows
(구분, 주소, 운영시간, 이용요금, 대여기간, 보유물품, 수용인원, 문의) and whose map `<div>`
carries the coordinates. The places live in `data/seongdong_share_places.json`.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING, Any

from sample_platforms.content import Document, read_data_file

if TYPE_CHECKING:  # the registry imports this module to list it
    from sample_platforms.registry import SampleRequest, SourceDefinition

__all__ = [
    "LIST_PATH",
    "PAGE_SIZE",
    "SITE_PREFIX",
    "VIEW_PATH",
    "answer_district_site",
    "district_site_sources",
    "seongdong_places",
]

SITE_PREFIX = "/district/seongdong/share/"
LIST_PATH = SITE_PREFIX + "list.do"
VIEW_PATH = SITE_PREFIX + "view.do"
PAGE_SIZE = 10
_CONTENT_TYPE = "text/html; charset=euc-kr"
_UPDATED = datetime(2026, 10, 1, 9, 0, tzinfo=timezone(timedelta(hours=9)))
_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="ko" xml:lang="ko">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=euc-kr" />
<title>{title} | 성동구 공유센터</title>
<link rel="stylesheet" type="text/css" href="/district/seongdong/css/board.css" />
</head>
<body>
<div id="header"><h1><a href="list.do">성동구 공유센터</a></h1>
<ul class="gnb"><li><a href="list.do">공유장소 찾기</a></li><li><a href="#">공유 신청</a></li></ul>
</div>
<div id="contents">
"""
_FOOT = """</div>
<div id="footer"><address>(04750) 서울특별시 성동구 고산자로 270 성동구청
 대표전화 02-2286-5114</address></div>
</body>
</html>
"""


@cache
def seongdong_places() -> tuple[dict[str, Any], ...]:
    """The bundled places, newest first (as the board lists them)."""
    data = json.loads(read_data_file("seongdong_share_places.json").decode("utf-8"))
    return tuple(sorted(data["records"], key=lambda r: r["idx"], reverse=True))


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _page_link(page: int, label: str, css: str = "") -> str:
    css_attr = f' class="{css}"' if css else ""
    return f'<a href="list.do?pageIndex={page}"{css_attr}>{label}</a>'


def _list_page(page: int) -> str:
    places = seongdong_places()
    last_page = (len(places) + PAGE_SIZE - 1) // PAGE_SIZE
    shown = places[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    rows = []
    for position, place in enumerate(shown):
        number = len(places) - (page - 1) * PAGE_SIZE - position
        rows.append(
            f'<tr>\n<td class="num">{number}</td>\n<td class="cate">{_e(place["category"])}</td>\n'
            f'<td class="subject"><a href="view.do?shareIdx={place["idx"]}">'
            f'{_e(place["title"])}</a></td>\n<td class="dong">{_e(place["dong"])}</td>\n'
            f'<td class="date">{_e(place["registered"])}</td>\n</tr>')
    if not rows:
        rows.append('<tr><td colspan="5" class="no-data">등록된 게시물이 없습니다.</td></tr>')
    pages = " ".join(f"<strong>{n}</strong>" if n == page else _page_link(n, str(n))
                     for n in range(1, last_page + 1))
    paging = _page_link(1, "처음", "first") + " " + pages
    if page < last_page:
        paging += " " + _page_link(page + 1, "다음", "next")
    return (_HEAD.format(title="공유장소 찾기") + '<h2 class="tit">공유장소 찾기</h2>\n'
            f'<p class="total">전체 <em>{len(places)}</em>건, 현재 페이지 {page}/{last_page}</p>\n'
            '<table class="board-list" summary="번호, 구분, 공유장소명, 위치, 등록일">\n'
            '<caption>공유장소 목록</caption>\n<thead><tr><th scope="col">번호</th>'
            '<th scope="col">구분</th><th scope="col">공유장소명</th><th scope="col">위치</th>'
            '<th scope="col">등록일</th></tr></thead>\n<tbody>\n' + "\n".join(rows)
            + f'\n</tbody>\n</table>\n<div class="paging">{paging}</div>\n' + _FOOT)


def _detail_page(place: dict[str, Any]) -> str:
    table_rows = [("구분", place["category"]), ("주소", place["address"]),
                  ("운영시간", place["hours"]), ("이용요금", place["fee"]),
                  ("대여기간", place["loan_period"]), ("보유물품", place["items"])]
    if place.get("capacity"):
        table_rows.append(("수용인원", place["capacity"]))
    table_rows.append(("문의", f'{place["dong"]} 주민센터 {place["phone"]}'))
    body = "\n".join(f'<tr><th scope="row">{_e(label)}</th><td>{_e(value)}</td></tr>'
                     for label, value in table_rows)
    return (_HEAD.format(title=_e(place["title"])) + '<div class="board-view">\n'
            f'<h3 class="view-title">{_e(place["title"])}</h3>\n'
            f'<dl class="view-info"><dt>등록일</dt><dd class="reg-date">{place["registered"]}'
            '</dd><dt>담당</dt><dd>성동구청 자치행정과</dd></dl>\n'
            '<table class="view-table">\n<caption>공유장소 상세정보</caption>\n'
            '<colgroup><col style="width:20%" /><col /></colgroup>\n'
            f'<tbody>\n{body}\n</tbody>\n</table>\n'
            f'<div class="view-cont"><p>{_e(place["description"])}</p></div>\n'
            f'<div id="map" class="map" data-lat="{place["lat"]}" data-lng="{place["lon"]}">'
            '</div>\n<div class="btn-area"><a href="list.do" class="btn-list">목록</a></div>\n'
            '</div>\n' + _FOOT)


def _document(text: str) -> Document:
    # Real servers of this kind encode with CP949 while declaring EUC-KR.
    return Document(text.encode("cp949"), _CONTENT_TYPE, _UPDATED)


def _query_int(request: SampleRequest, name: str, default: int | None) -> int | None:
    values = request.query.get(name)
    if not values:
        return default
    try:
        return int(values[0])
    except ValueError:
        return None


def answer_district_site(request: SampleRequest) -> Document | None:
    """Answer a request under SITE_PREFIX: the list page (`list.do?pageIndex=N`, pages past
    the end are an empty board) and detail pages (`view.do?shareIdx=N`); None means 404."""
    if request.method not in ("GET", "HEAD"):
        return None
    if request.path == LIST_PATH:
        page = _query_int(request, "pageIndex", 1)
        return _document(_list_page(page)) if page is not None and page >= 1 else None
    if request.path == VIEW_PATH:
        idx = _query_int(request, "shareIdx", None)
        place = next((p for p in seongdong_places() if p["idx"] == idx), None)
        return _document(_detail_page(place)) if place else None
    return None


def _row(label: str) -> str:
    return f"xpath://th[.='{label}']/following-sibling::td//text()"


def district_site_sources(base_url: str) -> list[SourceDefinition]:
    """The hub's source definition for the site: a declarative Scrapy spider (kind html)."""
    return [{
        "id": "seongdong-share", "name": "성동구 공유센터", "kind": "html",
        "url": base_url + LIST_PATH, "provider_type": "public",
        "district_code": "11200",  # 서울특별시 성동구
        "default_category": "item.general",
        "params": {
            "item_selector": "css:table.board-list tbody tr",
            "next_page": "css:div.paging a.next::attr(href)",
            "detail_link": "css:td.subject a::attr(href)",
            "list_fields": {"title": "css:td.subject a::text",
                            "category_label": "css:td.cate::text"},
            "fields": {
                "title": "css:h3.view-title::text",
                "category_label": _row("구분"),
                "address": _row("주소"),
                "hours": _row("운영시간"),
                "fee": _row("이용요금"),
                "loan_period": _row("대여기간"),
                "items": _row("보유물품"),
                "capacity": _row("수용인원"),
                "phones": _row("문의"),
                "description": "css:div.view-cont ::text",
                "lat": "css:#map::attr(data-lat)",
                "lon": "css:#map::attr(data-lng)",
                "updated_at": "css:dd.reg-date::text",
            },
            "max_pages": 10,
            "download_delay": 0.05,  # loopback; real district sites get the 1 s default
        },
    }]
