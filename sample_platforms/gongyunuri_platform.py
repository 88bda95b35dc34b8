"""A GongyuNuri (공유누리, eshare.go.kr) Open API simulator, following guide v2.2 and the
behaviour real clients report.

    POST {base}/eshare-openapi/rsrc/list/{key}            body {"pageNo": 1, "numOfRows": 100}
    POST {base}/eshare-openapi/rsrc/list/{rsrcClsCd}/{key}
    POST {base}/eshare-openapi/rsrc/detail/{key}          body {"rsrcNoList": ["BA10A0001104"]}

Quirks kept on purpose: the key is a path segment and any key but `SAMPLE_KEY` gets 401
`{"resultCode":"INVALID AUTHORIZED"}` (what a key awaiting approval gets); the envelope is
`resultCode` "OK" / `resultMsg` "정상" / `resultCount` (the total) / `data`; list rows carry
latitude as `lat` on some rows and `latl` (the guide's spelling) on others; detail calls with
more than 30 ids get HTTP 400 although the guide promises 100; GET and HEAD get 405.
The resources are data (`data/gongyunuri_resources.json`).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING, Any

from sample_platforms.content import Document, read_data_file

if TYPE_CHECKING:  # the registry imports this module to list it
    from sample_platforms.registry import SampleRequest, SourceDefinition

__all__ = [
    "API_PREFIX",
    "DETAIL_LIMIT",
    "GONGYUNURI_SAMPLE_SECRETS",
    "KEY_ENV",
    "SAMPLE_KEY",
    "answer_gongyunuri",
    "gongyunuri_sources",
    "sample_resources",
]

API_PREFIX = "/eshare-openapi/"
SAMPLE_KEY = "SAMPLE-KEY-0001"
KEY_ENV = "SHAREHUB_GONGYUNURI_KEY"
GONGYUNURI_SAMPLE_SECRETS = {KEY_ENV: SAMPLE_KEY}  # what the demo must pass
DETAIL_LIMIT = 30  # real clients get HTTP 400 at about 20-30 ids (the guide says 100)
_ROWS_LIMIT = 1000  # numOfRows limit of the guide
_JSON = "application/json;charset=UTF-8"
_KST = timezone(timedelta(hours=9))
_UPDATED = datetime(2026, 11, 1, 9, 0, tzinfo=_KST)
_LIST_FIELDS = ("rsrcNo", "rsrcNm", "zip", "addr", "daddr", "lot", "instUrlAddr",
                "imgFileUrlAddr")


@cache
def _resources() -> tuple[dict[str, Any], ...]:
    raw = json.loads(read_data_file("gongyunuri_resources.json").decode("utf-8"))
    return tuple(raw["resources"])


def sample_resources() -> list[dict[str, Any]]:
    """Every sample resource as the detail API describes it (copies: safe to change)."""
    return [dict(resource) for resource in _resources()]


def _json(status: int, payload: dict[str, Any]) -> Document:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Document(body, _JSON, _UPDATED, status)


def _ok(rows: list[dict[str, Any]], total: int) -> Document:
    return _json(200, {"resultCode": "OK", "resultMsg": "정상", "resultCount": total,
                       "data": rows})


def _bad_request(message: str) -> Document:
    return _json(400, {"resultCode": "BAD REQUEST", "resultMsg": message})


def _class_matches(code: str, wanted: str) -> bool:
    # Codes are three 2-digit levels; "00" levels of the wanted code match any child
    # (010000 lists every 01xxxx resource, 010700 every 0107xx parking subtype).
    return all(w == "00" or w == c for w, c in zip((wanted[0:2], wanted[2:4], wanted[4:6]),
                                                   (code[0:2], code[2:4], code[4:6]),
                                                   strict=True))


def _list_row(position: int, resource: dict[str, Any]) -> dict[str, Any]:
    row = {name: resource.get(name) for name in _LIST_FIELDS}
    # Real list rows name latitude `lat` (what client projects map) or `latl` (the guide).
    row["lat" if position % 2 else "latl"] = resource.get("lat")
    return row


def _number(payload: dict[str, Any], name: str, default: int) -> int | None:
    value = payload.get(name, default)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _answer_list(payload: dict[str, Any], class_code: str | None) -> Document:
    page, size = _number(payload, "pageNo", 1), _number(payload, "numOfRows", 10)
    if page is None or size is None or page < 1 or not 1 <= size <= _ROWS_LIMIT:
        return _bad_request(f"pageNo >= 1 and numOfRows 1..{_ROWS_LIMIT} required")
    class_code = class_code or payload.get("rsrcClsCd")
    since, until = payload.get("updBgngYmd"), payload.get("updEndYmd")
    chosen = [r for r in _resources()
              if (not class_code or _class_matches(r["rsrcClsCd"], str(class_code)))
              and (not since or r["updYmd"] >= str(since))
              and (not until or r["updYmd"] <= str(until))]
    start = (page - 1) * size
    rows = [_list_row(start + offset, resource)
            for offset, resource in enumerate(chosen[start:start + size])]
    return _ok(rows, len(chosen))


def _answer_detail(payload: dict[str, Any]) -> Document:
    wanted = payload.get("rsrcNoList")
    if not isinstance(wanted, list) or not wanted:
        return _bad_request("rsrcNoList is required")
    if len(set(map(str, wanted))) > DETAIL_LIMIT:
        return _bad_request("Bad Request")
    by_number = {r["rsrcNo"]: r for r in _resources()}
    rows = [dict(by_number[str(n)]) for n in wanted if str(n) in by_number]
    return _ok(rows, len(rows))


def answer_gongyunuri(request: SampleRequest) -> Document | None:
    """Answer one request under `API_PREFIX` as the real Open API would (None → 404)."""
    parts = request.path[len(API_PREFIX):].strip("/").split("/")
    if request.method != "POST":
        return _json(405, {"resultCode": "METHOD NOT ALLOWED",
                           "resultMsg": "Request method not supported"})
    key, route = parts[-1], parts[:-1]
    if key != SAMPLE_KEY:
        return _json(401, {"resultCode": "INVALID AUTHORIZED"})
    try:
        payload = json.loads(request.body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _bad_request("the body is not JSON")
    if not isinstance(payload, dict):
        return _bad_request("the body is not a JSON object")
    if route == ["rsrc", "list"]:
        return _answer_list(payload, None)
    if len(route) == 3 and route[:2] == ["rsrc", "list"] and route[2].isdigit() \
            and len(route[2]) == 6:
        return _answer_list(payload, route[2])
    if route == ["rsrc", "detail"]:
        return _answer_detail(payload)
    return None


def gongyunuri_sources(base_url: str) -> list[SourceDefinition]:
    """The hub's source definition for the simulator at `base_url`."""
    return [{"id": "gongyunuri-seoul", "name": "공유누리", "kind": "gongyunuri",
             "url": base_url + API_PREFIX.rstrip("/"), "provider_type": "public",
             "district_code": None, "default_category": None,
             "key_env": KEY_ENV, "params": {"detail_batch_size": 20}}]
