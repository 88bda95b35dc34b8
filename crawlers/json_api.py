"""Fetch every page of a JSON or XML API described in the source's params (no code per API).

    pagination: {type: page, param: pageNo, size_param: numOfRows, size: 100, start: 1}
              | {type: offset, param: offset, size_param: limit, size: 100}
              | {type: cursor, param: cursor, next_path: meta.next_cursor}
              | {type: next_link, next_path: links.next}
    key_param: serviceKey        # the API key (from key_env) goes in this query parameter
    query: {resultType: json}    # fixed query parameters
    status: {code_path: response.header.resultCode, ok: ["00"], empty: ["03"]}
    total_path: response.body.totalCount

Paging stops on an empty page, when `total_path` says every item was read, or when no next
cursor/link is given; more than `max_pages` pages is an error, never a silent cut. The pages
are handed to the normalizer together: `{"format": "sharehub.api_pages", "pages": [...]}`
for JSON, `<sharehub-pages>` holding each page's root element for XML (re-encoded as UTF-8).
The API key never appears in an error message, a log line or the result's URL.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urljoin, urlsplit, urlunsplit
from xml.etree.ElementTree import Element, tostring
from xml.etree.ElementTree import ParseError as XMLSyntaxError

import defusedxml
import defusedxml.ElementTree as safe_xml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crawlers.errors import BodyTooLarge, FetchError
from crawlers.fetch import FetchResult
from normalizer.schema import Source

if TYPE_CHECKING:
    from crawlers.dispatch import FetchContext

__all__ = ["ApiFetchParams", "combined_result", "fetch_api", "fetch_with_secret",
           "mask_secret", "read_fetch_params"]

log = logging.getLogger("sharehub.crawlers.json_api")

PAGES_FORMAT, PAGES_ROOT = "sharehub.api_pages", "sharehub-pages"  # see normalizer/api_mapping
_COMBINED_CAP_FACTOR = 4  # all pages together: at most 4 × the one-document body cap
_XML_DECLARATION = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9_.:-]+)(["'])""")
_EXPAT_ENCODINGS = {"utf-8", "utf8", "utf-16", "us-ascii", "ascii", "iso-8859-1", "latin-1"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Paging(_Strict):
    max_pages: int = Field(100, ge=1, le=10_000)


class PagePaging(_Paging):
    type: Literal["page"]
    param: str = "pageNo"
    size_param: str | None = "numOfRows"
    size: int = Field(100, ge=1, le=10_000)
    start: int = Field(1, ge=0)


class OffsetPaging(_Paging):
    type: Literal["offset"]
    param: str = "offset"
    size_param: str | None = "limit"
    size: int = Field(100, ge=1, le=10_000)
    start: int = Field(0, ge=0)


class CursorPaging(_Paging):
    type: Literal["cursor"]
    param: str = "cursor"
    next_path: str = Field(min_length=1)
    size_param: str | None = None
    size: int | None = Field(None, ge=1, le=10_000)


class NextLinkPaging(_Paging):
    type: Literal["next_link"]
    next_path: str = Field(min_length=1)


class StatusCheck(_Strict):
    code_path: str = Field(min_length=1)
    ok: list[str] = Field(default_factory=lambda: ["00"])
    empty: list[str] = Field(default_factory=list)  # codes meaning "no items" (03 NODATA)
    message_path: str | None = None


class ApiFetchParams(_Strict):
    """The fetching part of a JSON/XML API source's params."""

    items: str = Field(min_length=1)
    pagination: Annotated[PagePaging | OffsetPaging | CursorPaging | NextLinkPaging,
                          Field(discriminator="type")] | None = None
    key_param: str | None = None
    query: dict[str, str | int | float | bool] = Field(default_factory=dict)
    status: StatusCheck | None = None
    total_path: str | None = None
    # Read by the normalizer (normalizer/api_mapping.py validates them).
    id: Any = None
    fields: Any = None


def read_fetch_params(source: Source) -> ApiFetchParams:
    """Validate a source's params. Raises FetchError naming the bad key."""
    try:
        return ApiFetchParams.model_validate(source.params)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'params'}: {error['msg']}"
            for error in exc.errors())
        raise FetchError(f"source {source.id} params: {problems}") from None


def mask_secret(exc: FetchError, secret: str | None) -> FetchError:
    """Mask `secret` (an API key, raw or URL-encoded) in the error's message, in place."""
    if secret:
        forms = sorted({secret, quote(secret, safe=""), quote_plus(secret)}, key=len,
                       reverse=True)
        masked: list[object] = []
        for arg in exc.args:
            for form in forms:
                arg = arg.replace(form, "***") if isinstance(arg, str) else arg
            masked.append(arg)
        exc.args = tuple(masked)
    return exc


def fetch_with_secret(url: str, secret: str | None, context: FetchContext) -> FetchResult:
    """GET `url` (which may carry `secret`, an API key) through the context: every limit,
    the SSRF guard and the host budget apply, and robots.txt when there is no key (a keyed
    API is offered for programs). Raises FetchError with the key masked, and without the
    cause chain, which could quote the URL."""
    try:
        return context.request(url, obey_robots=secret is None)
    except FetchError as exc:
        raise mask_secret(exc, secret) from None


def combined_result(body: bytes, source: Source, context: FetchContext,
                    content_type: str) -> FetchResult:
    """The result of a many-request fetch: the combined document with an entity tag of
    its own (a hash), so that an unchanged API is a "not modified" run, as a 304 is."""
    etag = '"sha256-' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if context.etag == etag:
        return FetchResult(b"", source.url, 304, True, etag)
    return FetchResult(body, source.url, etag=etag, content_type=content_type)


def _with_query(url: str, updates: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k not in updates]
    return urlunsplit(parts._replace(query=urlencode([*query, *updates.items()])))


# --- reading a page ---------------------------------------------------------------------

def _parse_xml(body: bytes) -> Element:
    declared = _XML_DECLARATION.match(body)
    encoding = declared.group(2).decode("ascii").lower() if declared else "utf-8"
    if encoding not in _EXPAT_ENCODINGS:  # expat cannot read EUC-KR/CP949 by itself
        body = _XML_DECLARATION.sub(rb"\g<1>utf-8\g<3>", body.decode(encoding).encode("utf-8"),
                                    count=1)
    root: Element = safe_xml.fromstring(body, forbid_dtd=True)
    return root


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml_nodes(root: Element, path: str) -> list[Element]:
    steps = path.strip("/").split("/")
    if steps[0] not in ("*", _local(root.tag)):
        return []
    nodes = [root]
    for step in steps[1:]:
        nodes = [c for n in nodes for c in n if step in ("*", _local(c.tag))]
    return nodes


def _json_at(value: Any, path: str) -> Any:
    for step in path.split("."):
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


class _Page:
    """One parsed page: its items and the values paging needs."""

    def __init__(self, body: bytes, is_xml: bool) -> None:
        self.json: Any = None
        self.xml: Element | None = None
        if is_xml:
            try:
                self.xml = _parse_xml(body)
            except defusedxml.DefusedXmlException as exc:
                raise FetchError(f"refused XML with a DTD or entities ({type(exc).__name__})") \
                    from None
            except (XMLSyntaxError, UnicodeDecodeError, LookupError) as exc:
                raise FetchError(f"the answer is not well-formed XML: {exc}") from None
        else:
            try:
                self.json = json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                reason = _describe(body) if body.lstrip().startswith(b"<") else str(exc)
                raise FetchError(f"the answer is not JSON: {reason}") from None

    def value(self, path: str) -> str | None:
        if self.xml is not None:
            nodes = _xml_nodes(self.xml, path)
            return "".join(nodes[0].itertext()).strip() or None if nodes else None
        found = _json_at(self.json, path)
        return str(found) if isinstance(found, str | int | float) and found != "" else None

    def item_count(self, path: str) -> int:
        if self.xml is not None:
            return len(_xml_nodes(self.xml, path))
        found = _json_at(self.json, path)
        return len(found) if isinstance(found, list) else 1 if isinstance(found, dict) else 0


def _describe_xml(root: Element) -> str:
    reason = ", ".join(filter(None, (root.findtext(".//errMsg"),
                                     root.findtext(".//returnAuthMsg"))))
    return f"XML <{_local(root.tag)}>" + (f": {reason}" if reason else "")


def _describe(body: bytes) -> str:
    """What an XML body that should be JSON says (data.go.kr answers key errors with an
    XML <OpenAPI_ServiceResponse> whatever format was asked)."""
    try:
        return _describe_xml(_parse_xml(body))
    except (ValueError, LookupError, XMLSyntaxError):
        return "an XML or HTML page"


def _check_status(page: _Page, status: StatusCheck | None) -> bool:
    """True when the page is a normal one, False for a "no data" code; raises otherwise."""
    if status is None:
        return True
    code = page.value(status.code_path)
    if code is None:
        found = _describe_xml(page.xml) if page.xml is not None else "a JSON document"
        raise FetchError(f"no result code at params.status.code_path {status.code_path!r} "
                         f"in {found}")
    if code in status.ok:
        return True
    if code in status.empty:
        return False
    message = page.value(status.message_path) if status.message_path else None
    raise FetchError(f"the API answered result code {code}" + (f": {message}" if message else ""))


# --- the paging loop ----------------------------------------------------------------------

def fetch_api(source: Source, context: FetchContext) -> FetchResult:
    """Fetch every page of a JSON (`json_api`) or XML (`xml_api`) API source and return
    them as one document. Raises FetchError (bad params, a missing key, an HTTP or result
    code error, endless paging, pages over the size cap); the key is never in a message."""
    params = read_fetch_params(source)
    if source.key_env and not params.key_param:
        raise FetchError(f"source {source.id} has key_env but no params.key_param: name the "
                         "query parameter that carries the key")
    secret = context.secret(source) if params.key_param else None
    is_xml = source.kind == "xml_api"
    try:
        pages = _fetch_pages(source, params, secret, is_xml, context)
    except FetchError as exc:
        raise mask_secret(exc, secret) from None
    log.debug("api pages fetched", extra={"source_id": source.id, "pages": len(pages)})
    return combined_result(_combine(pages, is_xml), source, context,
                           "application/xml; charset=utf-8" if is_xml else "application/json")


def _first_url(source: Source, params: ApiFetchParams, secret: str | None) -> str:
    paging = params.pagination
    query = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in params.query.items()}
    if params.key_param and secret:
        query[params.key_param] = secret
    if isinstance(paging, PagePaging | OffsetPaging | CursorPaging) and paging.size_param \
            and paging.size:
        query[paging.size_param] = str(paging.size)
    if isinstance(paging, PagePaging | OffsetPaging):
        query[paging.param] = str(paging.start)
    return _with_query(source.url, query)


def _next_url(url: str, page: _Page, count: int, params: ApiFetchParams,
              secret: str | None) -> str | None:
    paging = params.pagination
    if isinstance(paging, PagePaging):
        return _with_query(url, {paging.param: str(int(_query(url)[paging.param]) + 1)})
    if isinstance(paging, OffsetPaging):  # by what came: a server may cap the page size
        return _with_query(url, {paging.param: str(int(_query(url)[paging.param]) + count)})
    following = page.value(paging.next_path) if paging else None
    if not following:
        return None
    if isinstance(paging, CursorPaging):
        return _with_query(url, {paging.param: following})
    link = urljoin(url, following)
    if params.key_param and secret and params.key_param not in _query(link):
        link = _with_query(link, {params.key_param: secret})  # next links often omit the key
    return link


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _fetch_pages(source: Source, params: ApiFetchParams, secret: str | None, is_xml: bool,
                 context: FetchContext) -> list[_Page]:
    max_pages = params.pagination.max_pages if params.pagination else 1
    url: str | None = _first_url(source, params, secret)
    pages: list[_Page] = []
    total_bytes, read_items, seen, previous = 0, 0, set(), b""
    cap = context.limits.max_body_bytes * _COMBINED_CAP_FACTOR
    while url is not None:
        if len(pages) == max_pages:
            raise FetchError(f"more than {max_pages} pages: raise params.pagination.max_pages "
                             "or check the paging parameters")
        if url in seen:
            raise FetchError(f"page {len(pages) + 1} would repeat an earlier request: the "
                             "API's paging loops")
        seen.add(url)
        body = fetch_with_secret(url, secret, context).body
        if body == previous:
            raise FetchError(f"page {len(pages) + 1} repeats page {len(pages)}: the API ignores "
                             "the paging parameter")
        previous = body
        total_bytes += len(body)
        if total_bytes > cap:
            raise BodyTooLarge(f"the pages together are over {cap} bytes "
                               f"({_COMBINED_CAP_FACTOR} × the body cap)")
        try:
            page = _Page(body, is_xml)
            count = page.item_count(params.items) if _check_status(page, params.status) else 0
        except FetchError as exc:
            raise FetchError(f"page {len(pages) + 1}: {exc}") from None
        pages.append(page)
        read_items += count
        total = page.value(params.total_path) if params.total_path else None
        if count == 0 or (total is not None and total.isdigit() and read_items >= int(total)):
            break
        url = _next_url(url, page, count, params, secret)
    return pages


def _combine(pages: list[_Page], is_xml: bool) -> bytes:
    if is_xml:
        wrapper = Element(PAGES_ROOT)
        wrapper.extend(page.xml for page in pages if page.xml is not None)
        combined: bytes = tostring(wrapper, encoding="utf-8")
        return combined
    return json.dumps({"format": PAGES_FORMAT, "pages": [page.json for page in pages]},
                      ensure_ascii=False).encode("utf-8")
