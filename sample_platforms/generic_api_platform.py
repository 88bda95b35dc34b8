"""Two regional open APIs in the data.go.kr style, served for the generic JSON/XML kinds.

- 부산 공공시설 (JSON, after data.go.kr 15070818's fields: facilitiesTitle, tel, address,
  charge = 관리기관, size = 면적 ㎡, lat, lng, clsName): `GET {BUSAN_PATH}?serviceKey=…&
  pageNo=1&numOfRows=10&resultType=json` → `{"response": {"header": {"resultCode": "00",
  …}, "body": {"items": {"item": [...]}, "numOfRows", "pageNo", "totalCount"}}}`. Real
  quirks: a page of one item has `"item": {…}` (an object), a page past the end has
  `"items": ""`, and a bad key gets data.go.kr's XML <OpenAPI_ServiceResponse> even when
  JSON was asked. It also answers `offset`/`limit` instead of `pageNo`/`numOfRows`.
- 울산 대관시설 (XML, after data.go.kr 15097952's fields: item_id, NAME, MNAME, ITEM_KIND,
  code, type, HOLYDAY, DAYSTIME, DAYETIME; ADDR, TEL, LAT, LNG and USE_FEE are assumed, the
  page lists more without naming them): `GET {ULSAN_PATH}?numOfRows=10[&cursor=…]` →
  `<response><header><resultCode>00</resultCode>…</header><body><items><item>…`, with
  `<nextCursor>` (opaque) and a relative `<nextLink>` until the last page. No key needed.
18 and 17 rows (`data/busan_facilities.json`, `data/ulsan_facilities.json`).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from xml.etree.ElementTree import Element, SubElement, tostring

from sample_platforms.content import Document, read_data_file

if TYPE_CHECKING:  # the registry imports this module to list it
    from sample_platforms.registry import SampleRequest, SourceDefinition

__all__ = ["BUSAN_PATH", "GENERIC_API_SAMPLE_SECRETS", "ULSAN_PATH", "answer_busan_facilities",
           "answer_ulsan_facilities", "generic_api_sources"]

BUSAN_PATH = "/data-go-kr/6260000/BusanPublicFacilityService/getFacilityList"
ULSAN_PATH = "/data-go-kr/6310000/UlsanRentalFacilityService/getFacilityList"
# data.go.kr "decoding" keys carry +, / and =; the sample key does too.
BUSAN_SAMPLE_KEY = "BUSAN-SAMPLE-KEY+0001/xyz=="
GENERIC_API_SAMPLE_SECRETS = {"SHAREHUB_BUSAN_FACILITIES_KEY": BUSAN_SAMPLE_KEY}
_UPDATED = datetime(2026, 11, 18, 9, 0, tzinfo=timezone(timedelta(hours=9)))
_MAX_ROWS = 1000
_KEY_ERROR = (b"<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg>"
              b"<returnAuthMsg>SERVICE_KEY_IS_NOT_REGISTERED_ERROR</returnAuthMsg>"
              b"<returnReasonCode>30</returnReasonCode></cmmMsgHeader>"
              b"</OpenAPI_ServiceResponse>")


@cache
def _rows(name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(read_data_file(name).decode("utf-8"))
    return rows


def _number(request: SampleRequest, name: str, default: int) -> int | None:
    values = request.query.get(name)
    if not values:
        return default
    return int(values[0]) if values[0].isdigit() else None


def _header(code: str, message: str) -> dict[str, str]:
    return {"resultCode": code, "resultMsg": message}


def answer_busan_facilities(request: SampleRequest) -> Document | None:
    """The Busan JSON API (None: 404 for other paths)."""
    if request.path != BUSAN_PATH:
        return None
    if request.query.get("serviceKey", [""])[0] != BUSAN_SAMPLE_KEY:
        return Document(_KEY_ERROR, "text/xml;charset=UTF-8", _UPDATED)
    rows = _rows("busan_facilities.json")
    by_offset = "offset" in request.query
    size = _number(request, "limit" if by_offset else "numOfRows", 10)
    position = _number(request, "offset" if by_offset else "pageNo", 0 if by_offset else 1)
    if size is None or position is None or not 1 <= size <= _MAX_ROWS:
        body: dict[str, Any] = {"header": _header("10", "INVALID_REQUEST_PARAMETER_ERROR.")}
        return _json({"response": body})
    start = position if by_offset else (position - 1) * size
    page = rows[max(start, 0):start + size]
    items: Any = "" if not page else {"item": page[0] if len(page) == 1 else page}
    return _json({"response": {
        "header": _header("00", "NORMAL SERVICE."),
        "body": {"items": items, "numOfRows": size, "pageNo": position,
                 "totalCount": len(rows)}}})


def _json(document: object) -> Document:
    return Document(json.dumps(document, ensure_ascii=False).encode("utf-8"),
                    "application/json;charset=UTF-8", _UPDATED)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    number = text.removeprefix("offset:")
    return int(number) if text.startswith("offset:") and number.isdigit() else None


def answer_ulsan_facilities(request: SampleRequest) -> Document | None:
    """The Ulsan XML API (None: 404 for other paths)."""
    if request.path != ULSAN_PATH:
        return None
    rows = _rows("ulsan_facilities.json")
    size = _number(request, "numOfRows", 10)
    cursor = request.query.get("cursor", [""])[0]
    offset = _offset(cursor) if cursor else 0
    root = Element("response")
    header = SubElement(root, "header")
    if size is None or offset is None or not 1 <= size <= _MAX_ROWS:
        SubElement(header, "resultCode").text = "10"
        SubElement(header, "resultMsg").text = "INVALID_REQUEST_PARAMETER_ERROR."
        return _xml(root)
    SubElement(header, "resultCode").text = "00"
    SubElement(header, "resultMsg").text = "NORMAL SERVICE."
    body = SubElement(root, "body")
    items = SubElement(body, "items")
    for row in rows[offset:offset + size]:
        item = SubElement(items, "item")
        for name, value in row.items():
            SubElement(item, name).text = value
    SubElement(body, "numOfRows").text = str(size)
    SubElement(body, "totalCount").text = str(len(rows))
    following = offset + size if offset + size < len(rows) else None
    SubElement(body, "nextCursor").text = _cursor(following) if following else None
    if following:
        query = urlencode({"numOfRows": size, "cursor": _cursor(following)})
        SubElement(body, "nextLink").text = f"{ULSAN_PATH}?{query}"
    return _xml(root)


def _xml(root: Element) -> Document:
    body = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            + tostring(root, encoding="unicode")).encode("utf-8")
    return Document(body, "application/xml;charset=UTF-8", _UPDATED)


def generic_api_sources(base_url: str) -> list[SourceDefinition]:
    """The hub's source definitions for the two APIs (the YAML of docs/api_sources.md)."""
    busan = {
        "items": "response.body.items.item",
        "fields": {"title": "facilitiesTitle", "address": "address", "phones": "tel",
                   "provider_name": "charge", "lat": "lat", "lon": "lng"},
        "pagination": {"type": "page", "param": "pageNo", "size_param": "numOfRows",
                       "size": 10, "start": 1, "max_pages": 50},
        "key_param": "serviceKey", "query": {"resultType": "json"},
        "status": {"code_path": "response.header.resultCode", "ok": ["00"], "empty": ["03"],
                   "message_path": "response.header.resultMsg"},
        "total_path": "response.body.totalCount",
    }
    ulsan = {
        "items": "response/body/items/item", "id": "item_id",
        "fields": {"title": ["MNAME", "NAME"], "category_label": "ITEM_KIND",
                   "address": "ADDR", "phones": "TEL", "lat": "LAT", "lon": "LNG",
                   "fee": "USE_FEE", "hours_opens": "DAYSTIME", "hours_closes": "DAYETIME",
                   "provider_name": "MNAME"},
        "pagination": {"type": "cursor", "param": "cursor", "next_path":
                       "response/body/nextCursor", "size_param": "numOfRows", "size": 10},
        "status": {"code_path": "response/header/resultCode", "ok": ["00"],
                   "message_path": "response/header/resultMsg"},
    }
    return [
        {"id": "busan-facilities", "name": "부산광역시 공공시설 개방", "kind": "json_api",
         "url": base_url + BUSAN_PATH, "provider_type": "public", "district_code": None,
         "default_category": "space.event_venue", "key_env": "SHAREHUB_BUSAN_FACILITIES_KEY",
         "params": busan},
        {"id": "ulsan-facilities", "name": "울산광역시 공공시설 대관", "kind": "xml_api",
         "url": base_url + ULSAN_PATH, "provider_type": "public", "district_code": None,
         "default_category": "space.sports", "params": ulsan},
    ]
