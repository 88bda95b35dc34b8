"""A Seoul Open API (openapi.seoul.go.kr:8088) simulator: 서울시 공공서비스예약 services.

    GET /seoul/{KEY}/json/{SERVICE}/{start}/{end}/[{MINCLASSNM}/]

Like the real API: every answer is HTTP 200 with a result code; the key "SAMPLE" reads
everything, the public sample key "sample" at most 5 rows at a time (ERROR-335), any other
key gets INFO-100 as a bare `{"RESULT": …}`; at most 1,000 rows a request (ERROR-336);
INFO-200 when nothing is in the range or matches the optional 소분류 filter. Two services
(`ListPublicReservationInstitution` 시설대관 and `ListPublicReservationSport` 체육시설), 26
rows in 13 자치구 (`data/seoul_yeyak_rows.json`), with the real quirks: HTML and `&nbsp;` in
DTLCONT, leading spaces in USETGTINFO, places nested with ">", "9:00" hours, and two
2012-era rows whose X/Y are swapped and whose SVCURL has the old form. JSON only: a request
for another type gets ERROR-301.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from sample_platforms.content import Document, read_data_file

if TYPE_CHECKING:  # the registry imports this module to list it
    from sample_platforms.registry import SampleRequest, SourceDefinition

__all__ = ["SEOUL_OPENAPI_PREFIX", "SEOUL_SAMPLE_SECRETS", "answer_seoul_openapi",
           "seoul_openapi_sources"]

SEOUL_OPENAPI_PREFIX = "/seoul/"
SEOUL_SAMPLE_SECRETS = {"SHAREHUB_SEOUL_OPENAPI_KEY": "SAMPLE"}  # what the demo must pass
_FULL_KEY, _PUBLIC_SAMPLE_KEY = "SAMPLE", "sample"
_UPDATED = datetime(2026, 11, 20, 6, 0, tzinfo=timezone(timedelta(hours=9)))
_MESSAGES = {
    "INFO-000": "정상 처리되었습니다",
    "INFO-100": "인증키가 유효하지 않습니다. 인증키가 없는 경우, 열린 데이터 광장 홈페이지에서 "
                "인증키를 신청하십시오.",
    "INFO-200": "해당하는 데이터가 없습니다.",
    "ERROR-300": "필수 값이 누락되어 있습니다. 요청인자를 참고 하십시오.",
    "ERROR-301": "파일타입 값이 누락 혹은 유효하지 않습니다. 요청인자 중 TYPE를 확인하십시오.",
    "ERROR-310": "해당하는 서비스를 찾을 수 없습니다. 요청인자 중 SERVICE를 확인하십시오",
    "ERROR-333": "요청위치 값의 타입이 유효하지 않습니다.요청위치 값은 정수를 입력하세요.",
    "ERROR-334": "요청종료위치 보다 요청시작위치가 더 큽니다. "
                 "요청시작조회건수는 정수를 입력하세요.",
    "ERROR-335": "샘플데이터(샘플키:sample) 는 한번에 최대 5건을 넘을 수 없습니다. "
                 "요청시작위치와 요청종료위치 값은 1 ~ 5 사이만 가능합니다.",
    "ERROR-336": "데이터요청은 한번에 최대 1000건을 넘을 수 없습니다. 요청종료위치에서 "
                 "요청시작위치를 뺀 값이 1000을 넘지 않도록 수정하세요.",
}


@cache
def _rows() -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = json.loads(
        read_data_file("seoul_yeyak_rows.json").decode("utf-8"))
    return rows


def _json(document: object) -> Document:
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return Document(body, "application/json;charset=UTF-8", _UPDATED)


def _result(code: str) -> dict[str, str]:
    return {"CODE": code, "MESSAGE": _MESSAGES[code]}


def _error(code: str) -> Document:
    return _json({"RESULT": _result(code)})


def answer_seoul_openapi(request: SampleRequest) -> Document | None:
    """Answer one request under /seoul/ as the Seoul Open API does (None: 404)."""
    if request.method not in ("GET", "HEAD"):
        return Document(b"405 Method Not Allowed\n", "text/plain; charset=utf-8", _UPDATED, 405)
    parts = [unquote(p) for p in request.path.removeprefix(SEOUL_OPENAPI_PREFIX).split("/") if p]
    if len(parts) < 5:
        return _error("ERROR-300")
    key, file_type, service, start_text, end_text = parts[:5]
    minor_class = parts[5] if len(parts) > 5 else None
    if key not in (_FULL_KEY, _PUBLIC_SAMPLE_KEY):
        return _error("INFO-100")
    if file_type != "json":
        return _error("ERROR-301")
    if service not in _rows():
        return _error("ERROR-310")
    if not (start_text.isdigit() and end_text.isdigit()):
        return _error("ERROR-333")
    start, end = int(start_text), int(end_text)
    if start > end:
        return _error("ERROR-334")
    if key == _PUBLIC_SAMPLE_KEY and end - start + 1 > 5:
        return _error("ERROR-335")
    if end - start + 1 > 1000:
        return _error("ERROR-336")
    rows = [r for r in _rows()[service] if minor_class in (None, r["MINCLASSNM"])]
    page = rows[max(start - 1, 0):end]
    if not page:
        return _error("INFO-200")
    return _json({service: {"list_total_count": len(rows), "RESULT": _result("INFO-000"),
                            "row": page}})


def seoul_openapi_sources(base_url: str) -> list[SourceDefinition]:
    """The hub's source definition for the simulated yeyak services."""
    return [{"id": "seoul-yeyak", "name": "서울시 공공서비스예약", "kind": "seoul_openapi",
             "url": base_url + SEOUL_OPENAPI_PREFIX.rstrip("/"), "provider_type": "public",
             "district_code": None, "default_category": None,
             "key_env": "SHAREHUB_SEOUL_OPENAPI_KEY",
             "params": {"services": ["ListPublicReservationInstitution",
                                     "ListPublicReservationSport"]}}]
