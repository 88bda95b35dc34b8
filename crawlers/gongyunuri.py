"""The GongyuNuri (공유누리, eshare.go.kr) Open API: list every resource, then fetch details.

The list API (`rsrc/list`) pages through resources but carries no fee, category or
description; the detail API (`rsrc/detail`) gives those for a batch of `rsrcNoList` ids.
Both are POSTs of a JSON body with the key as a path segment, so the key is kept out of
every error message and log line written here. Calls go through `FetchContext.request`
(fetch_url with the shared host budget), so the SSRF guard and every fetch limit apply.
The guide allows 100 ids per detail call, but real clients get HTTP 400 at about 20-30,
so batches default to 20 and a 400 halves the batch. The result is one JSON document for
the normalizer:
`{"format": "gongyunuri", "list": [...], "details": [...]}`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from crawlers.errors import FetchError, HTTPStatusError
from crawlers.fetch import FetchResult
from normalizer.schema import Source

if TYPE_CHECKING:  # crawlers.dispatch imports this module for its table
    from crawlers.dispatch import FetchContext

__all__ = ["GongyuNuriSettings", "fetch_gongyunuri", "gongyunuri_settings"]

log = logging.getLogger("crawlers.gongyunuri")

_OK_CODES = {"OK", "00", "0", "200"}
_KEY_REJECTED = "INVALID AUTHORIZED"
_CLASS_CODE = re.compile(r"^\d{6}$")
_MAX_DETAIL_BATCH = 100  # the guide's limit for rsrcNoList
_MAX_PAGE_SIZE = 1000  # the guide's limit for numOfRows


@dataclass(frozen=True, slots=True)
class GongyuNuriSettings:
    """The source's params, validated: `page_size`, `max_pages`, `detail_batch_size`,
    `category_codes`."""

    page_size: int = 100
    max_pages: int = 200
    detail_batch_size: int = 20
    category_codes: tuple[str, ...] = ()


def _int_param(params: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FetchError(f"source param {name} must be a whole number, not {value!r}")
    if not low <= value <= high:
        clamped = min(max(value, low), high)
        log.warning("source param %s=%d is outside %d..%d; using %d", name, value, low, high,
                    clamped)
        return clamped
    return value


def gongyunuri_settings(source: Source) -> GongyuNuriSettings:
    """Read the source's params. Raises FetchError on a value of the wrong type or a
    category code that is not 6 digits; out-of-range numbers are clamped (with a warning)."""
    params = source.params
    codes = params.get("category_codes") or []
    if isinstance(codes, str) or not isinstance(codes, list) \
            or not all(isinstance(c, str) and _CLASS_CODE.match(c) for c in codes):
        raise FetchError(f"source param category_codes must be a list of 6-digit rsrcClsCd "
                         f"codes such as \"010100\", not {codes!r}")
    return GongyuNuriSettings(
        page_size=_int_param(params, "page_size", 100, 1, _MAX_PAGE_SIZE),
        max_pages=_int_param(params, "max_pages", 200, 1, 100_000),
        detail_batch_size=_int_param(params, "detail_batch_size", 20, 1, _MAX_DETAIL_BATCH),
        category_codes=tuple(dict.fromkeys(codes)))


class _Api:
    """POSTs to one source's API with its key, turning answers into rows or FetchErrors."""

    def __init__(self, source: Source, context: FetchContext) -> None:
        self._source, self._context = source, context
        self._key = context.secret(source)
        self.base = source.url.rstrip("/")
        self.source_id = source.id

    def _rejected(self) -> str:
        return (f"GongyuNuri rejected the API key in {self._source.key_env} (INVALID "
                "AUTHORIZED): the key is invalid or not yet approved (approval of a new "
                "key can take more than a week)")

    def post(self, path: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
        """POST `payload` to `{base}/{path}/{key}`; the rows of `data`. Raises FetchError."""
        url = f"{self.base}/{path}/{quote(self._key, safe='')}"
        try:
            # Keyed API endpoints are not governed by robots.txt; the host budget still paces.
            fetched = self._context.request(url, method="POST", json_body=payload,
                                            obey_robots=False)
        except HTTPStatusError as exc:
            if exc.status_code == 401:
                raise HTTPStatusError(self._rejected(), 401) from None
            # `from None`: the cause's traceback could show the URL, and the URL holds the key.
            raise HTTPStatusError(self._redact(f"{path}: {exc}"), exc.status_code,
                                  retry_after_s=exc.retry_after_s) from None
        except FetchError as exc:
            raise FetchError(self._redact(f"{path}: {exc}"),
                             retry_after_s=exc.retry_after_s) from None
        return self._rows(path, fetched.body)

    def _rows(self, path: str, body: bytes) -> list[dict[str, Any]]:
        try:
            answer = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FetchError(f"{path}: the answer is not JSON ({exc})") from None
        if not isinstance(answer, dict):
            raise FetchError(f"{path}: the answer is not a JSON object")
        code = str(answer.get("resultCode", "")).strip()
        if code.upper() == _KEY_REJECTED:
            raise FetchError(self._rejected())
        if code.upper() not in _OK_CODES:
            message = self._redact(str(answer.get("resultMsg") or ""))
            raise FetchError(f"{path}: GongyuNuri answered resultCode {code or '(none)'!r}"
                             + (f": {message}" if message else ""))
        rows = answer.get("data") or []
        if not isinstance(rows, list):
            raise FetchError(f"{path}: data is not a list")
        return [row for row in rows if isinstance(row, dict)]

    def _redact(self, text: str) -> str:
        return text.replace(self._key, "***").replace(quote(self._key, safe=""), "***")


def _list_rows(api: _Api, path: str, settings: GongyuNuriSettings) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for page in range(1, settings.max_pages + 1):
        answer = api.post(path, {"pageNo": page, "numOfRows": settings.page_size})
        numbers = {str(row["rsrcNo"]) for row in answer if row.get("rsrcNo")}
        if numbers and numbers <= seen:
            raise FetchError(f"{path}: page {page} repeats rows of earlier pages (the "
                             "platform ignores pageNo)")
        seen |= numbers
        rows.extend(answer)
        log.debug("gongyunuri list page", extra={"source_id": api.source_id, "page": page,
                                                   "rows": len(answer)})
        # resultCount is not used to stop: captured answers disagree on whether it is the
        # total or the page's count, while a short page always means the end.
        if len(answer) < settings.page_size:
            return rows
    raise FetchError(f"{path}: more than {settings.max_pages} pages of {settings.page_size} "
                     "rows; raise the source params max_pages or page_size")


def _detail_rows(api: _Api, numbers: list[str], batch_size: int) -> list[dict[str, Any]]:
    details: list[dict[str, Any]] = []
    position = 0
    while position < len(numbers):
        batch = numbers[position:position + batch_size]
        try:
            details.extend(api.post("rsrc/detail", {"rsrcNoList": batch}))
        except HTTPStatusError as exc:
            if exc.status_code != 400:
                raise
            if len(batch) == 1:
                raise HTTPStatusError(f"rsrc/detail refused even a single id ({batch[0]}): "
                                      f"{exc}", 400) from None
            # The platform refuses batches smaller than its documented limit: halve, and keep
            # the smaller size for the rest of the run.
            batch_size = max(1, len(batch) // 2)
            log.warning("gongyunuri detail batch of %d ids refused (HTTP 400); retrying with "
                        "%d", len(batch), batch_size, extra={"source_id": api.source_id})
            continue
        position += len(batch)
    return details


def fetch_gongyunuri(source: Source, context: FetchContext) -> FetchResult:
    """Fetch every resource of a GongyuNuri source: the list (per category code when
    `params.category_codes` is set, paged by `page_size` up to `max_pages`), then the
    details in batches of `detail_batch_size`. The key comes from `context.secret(source)`.

    Returns one JSON document (UTF-8) with `list` and `details` rows; `etag` is a hash of
    it, and a run whose document hashes to the context's etag is a `not_modified` result.
    Raises FetchError: key unset, rejected (401 / INVALID AUTHORIZED), any failed call, or
    a detail batch refused even at one id.
    """
    settings = gongyunuri_settings(source)
    api = _Api(source, context)
    paths = [f"rsrc/list/{code}" for code in settings.category_codes] or ["rsrc/list"]
    rows: dict[str, dict[str, Any]] = {}
    for path in paths:
        for row in _list_rows(api, path, settings):
            # Category lists overlap (010000 holds 010100); the first row of an id wins.
            rows.setdefault(str(row.get("rsrcNo") or f"#{len(rows)}"), row)
    numbers = [number for number, row in rows.items() if row.get("rsrcNo")]
    details = _detail_rows(api, numbers, settings.detail_batch_size)
    body = json.dumps({"format": "gongyunuri", "list": list(rows.values()),
                       "details": details}, ensure_ascii=False).encode("utf-8")
    etag = '"sha256:' + hashlib.sha256(body).hexdigest()[:32] + '"'
    final_url = f"{api.base}/rsrc/list"
    log.info("gongyunuri fetched", extra={"source_id": source.id, "rows": len(rows),
                                          "details": len(details)})
    if context.etag == etag:
        return FetchResult(b"", final_url, 304, True, etag, None, "application/json")
    return FetchResult(body, final_url, 200, False, etag, None, "application/json")
