"""Fetch every row of Seoul Open API services (서울 열린데이터광장, openapi.seoul.go.kr).

    GET {source.url}/{KEY}/json/{SERVICE}/{start}/{end}/[{filter}/]

The key (from the variable named by `source.key_env`) is a path segment, so it never goes
into a message, a log line or the result's URL. Rows are paged by start/end (at most 1,000
a request, the API's own limit) until `list_total_count` is read. Every answer has the
envelope `{SERVICE: {"list_total_count", "RESULT": {"CODE", "MESSAGE"}, "row"}}`, or a bare
`{"RESULT": …}` for errors: INFO-000 is normal, INFO-200 ("해당하는 데이터가 없습니다") an
empty list, and anything else (INFO-100 bad key, ERROR-3xx request errors, ERROR-5xx/6xx
server errors) a FetchError with the code and the message. The services' rows are handed
to the normalizer as one document of the same envelope shape, one entry per service.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from crawlers.errors import FetchError
from crawlers.fetch import FetchResult
from crawlers.json_api import combined_result, fetch_with_secret, mask_secret
from normalizer.schema import Source

if TYPE_CHECKING:
    from crawlers.dispatch import FetchContext

__all__ = ["SeoulParams", "fetch_seoul_openapi"]

log = logging.getLogger("sharehub.crawlers.seoul_openapi")

_OK, _NO_DATA, _BAD_KEY = "INFO-000", "INFO-200", "INFO-100"


class SeoulParams(BaseModel):
    """A Seoul Open API source's params: one `service` or a list of `services`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    service: str | None = None
    services: list[str] = Field(default_factory=list)
    page_size: int = Field(1000, ge=1, le=1000)
    max_pages: int = Field(50, ge=1, le=10_000)
    filter: str | None = Field(None, min_length=1)  # the optional last path segment

    @model_validator(mode="after")
    def _one_or_more_services(self) -> SeoulParams:
        names = self.names()
        if not names:
            raise ValueError("name the API: 'service' or 'services' (e.g. "
                             "ListPublicReservationInstitution)")
        bad = [n for n in names if not n.replace("_", "").isalnum() or not n[0].isalpha()]
        if bad:
            raise ValueError(f"not a service name: {bad[0]!r}")
        return self

    def names(self) -> list[str]:
        """The services to fetch, in order, without repeats."""
        return list(dict.fromkeys([*([self.service] if self.service else []), *self.services]))


def _read_params(source: Source) -> SeoulParams:
    try:
        return SeoulParams.model_validate(source.params)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'params'}: "
            f"{error['msg'].removeprefix('Value error, ')}" for error in exc.errors())
        raise FetchError(f"source {source.id} params: {problems}") from None


def _envelope(body: bytes, service: str) -> dict[str, Any]:
    try:
        document = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        start = body[:40].decode("utf-8", "replace")
        raise FetchError(f"{service}: the answer is not JSON ({exc}; it starts with "
                         f"{start!r})") from None
    if isinstance(document, dict) and isinstance(document.get(service), dict):
        document = document[service]
    if not isinstance(document, dict) or not isinstance(document.get("RESULT"), dict):
        raise FetchError(f"{service}: not a Seoul Open API answer (no RESULT)")
    return document


def _page_rows(envelope: dict[str, Any], service: str, source: Source) -> tuple[int, list[Any]]:
    """(list_total_count, rows) of one answer. Raises FetchError for error codes."""
    code, message = envelope["RESULT"].get("CODE"), envelope["RESULT"].get("MESSAGE")
    if code == _NO_DATA:
        return 0, []
    if code == _BAD_KEY:
        raise FetchError(f"{service}: {code} {message} (the key is read from "
                         f"{source.key_env})")
    if code != _OK:
        raise FetchError(f"{service}: {code} {message}")
    rows = envelope.get("row") or []
    try:
        total = int(envelope.get("list_total_count") or 0)
    except (TypeError, ValueError):
        raise FetchError(f"{service}: list_total_count is not a number") from None
    return total, rows if isinstance(rows, list) else []


def _fetch_service(source: Source, params: SeoulParams, service: str, key: str,
                   context: FetchContext) -> dict[str, Any]:
    base = source.url.rstrip("/")
    rows: list[Any] = []
    total, start, pages, previous = None, 1, 0, b""
    while total is None or start <= total:
        if pages == params.max_pages:
            raise FetchError(f"{service}: more than {params.max_pages} pages of "
                             f"{params.page_size} rows: raise params.max_pages")
        end = start + params.page_size - 1
        url = f"{base}/{quote(key, safe='')}/json/{service}/{start}/{end}/"
        if params.filter:
            url += f"{quote(params.filter, safe='')}/"
        fetched = fetch_with_secret(url, key, context)
        if fetched.body == previous:
            raise FetchError(f"{service}: rows {start}-{end} repeat the previous page: the API "
                             "ignores start/end")
        previous = fetched.body
        page_total, page_rows = _page_rows(_envelope(fetched.body, service), service, source)
        pages += 1
        rows.extend(page_rows)
        total = page_total if total is None else total
        if not page_rows:  # INFO-200, or fewer rows than list_total_count promised
            break
        start = end + 1
    log.debug("seoul open api service fetched",
              extra={"source_id": source.id, "service": service, "rows": len(rows)})
    result = ({"CODE": _OK, "MESSAGE": "정상 처리되었습니다"} if rows
              else {"CODE": _NO_DATA, "MESSAGE": "해당하는 데이터가 없습니다."})
    return {"list_total_count": len(rows), "RESULT": result, "row": rows}


def fetch_seoul_openapi(source: Source, context: FetchContext) -> FetchResult:
    """Fetch every row of the source's services and return them as one JSON document
    `{SERVICE: {"list_total_count", "RESULT", "row"}, …}`. Raises FetchError (bad params,
    the key variable unset, an HTTP error, an API error code with its message, too many
    pages); the key never appears in a message."""
    params = _read_params(source)
    key = context.secret(source)
    document: dict[str, Any] = {}
    try:
        for service in params.names():
            document[service] = _fetch_service(source, params, service, key, context)
    except FetchError as exc:
        raise mask_secret(exc, key) from None
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return combined_result(body, source, context, "application/json")
