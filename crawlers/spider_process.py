"""The HTML spider's child process: `python -m crawlers.spider_process --output DIR`.

Reads a `SpiderJob` (JSON) on stdin, crawls with Scrapy, and writes DIR/items.jsonl (one
item per line: {"page_url", "detail_url", "fields"}) and DIR/report.json (list pages read,
whether max_pages cut the crawl, per-page errors). Exit codes are in `crawlers.html_spider`;
the last stderr line says why when it is not 0.

Politeness and safety match the rest of the crawlers: robots.txt obeyed with our
User-Agent, one request at a time per site with a delay, the body cap and time limit of
FetchLimits, at most 5 redirects, no cookies, no telnet console, http(s) only, and every
request (redirects and robots.txt included) checked by the SSRF guard first, and every
connection made to an address that the guard checked (`crawlers.spider_resolver`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector, SelectorList
from pydantic import ValidationError
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.exceptions import IgnoreRequest, NotSupported
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers.address_guard import check_host
from crawlers.errors import BlockedAddress, FetchError
from crawlers.html_spider import (
    EXIT_BAD_JOB,
    EXIT_BLOCKED,
    EXIT_SPIDER_ERROR,
    EXIT_START_FAILED,
    SpiderJob,
)
from crawlers.robots import PRODUCT_TOKEN
from crawlers.spider_resolver import refusal_for

__all__ = [
    "AddressGuardMiddleware",
    "BlockedRequest",
    "CrawlLog",
    "DeclarativeSpider",
    "extract_fields",
    "first_link",
    "main",
    "spider_settings",
]

_log = logging.getLogger("sharehub.spider")
_URL_FIELDS = frozenset({"url", "homepage", "booking_url", "image_url"})
# By this module's own name: under `python -m` it is __main__, and a second import under
# its package name would make a second BlockedRequest class that isinstance() misses.
_GUARD = f"{__name__}.AddressGuardMiddleware"


class BlockedRequest(IgnoreRequest):
    """The request's host is not public and private networks are not allowed."""


class AddressGuardMiddleware:
    """Downloader middleware: refuse non-http(s) URLs and hosts that resolve to non-public
    addresses (crawlers.address_guard), before robots.txt or the download happen."""

    def __init__(self, allow_private: bool, allowed_networks: Sequence[str] = ()) -> None:
        self.allow_private = allow_private
        self.allowed_networks = tuple(allowed_networks)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuardMiddleware:
        return cls(crawler.settings.getbool("SHAREHUB_ALLOW_PRIVATE_NETWORKS"),
                   crawler.settings.getlist("SHAREHUB_ALLOWED_NETWORKS"))

    async def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)  # Request() has already checked its syntax
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise IgnoreRequest(f"not an http(s) URL: {request.url}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            # Resolving blocks; keep the reactor free while it does.
            await asyncio.to_thread(check_host, parts.hostname, port,
                                    allow_private=self.allow_private,
                                    allowed_networks=self.allowed_networks)
        except BlockedAddress as exc:
            raise BlockedRequest(str(exc)) from exc
        except FetchError as exc:
            raise IgnoreRequest(str(exc)) from exc


def _select(node: Selector | TextResponse, selector: str) -> SelectorList[Selector]:
    kind, _, expression = selector.partition(":")
    return node.css(expression) if kind == "css" else node.xpath(expression)


def extract_fields(node: Selector | TextResponse, selectors: Mapping[str, str],
                   page: TextResponse) -> dict[str, str]:
    """Each field's text: every match stripped and joined by newlines (URL fields: the
    first match, made absolute against `page`). Fields that match nothing are left out."""
    values: dict[str, str] = {}
    for name, selector in selectors.items():
        texts = [t for t in (text.strip() for text in _select(node, selector).getall()) if t]
        if texts:
            values[name] = page.urljoin(texts[0]) if name in _URL_FIELDS else "\n".join(texts)
    return values


def first_link(node: Selector | TextResponse, selector: str, page: TextResponse) -> str | None:
    """The absolute URL a link selector points at: the selected text (`::attr(href)`),
    or the href of a selected element."""
    for match in _select(node, selector):
        target = match.root if isinstance(match.root, str) else match.attrib.get("href")
        if target and target.strip():
            return page.urljoin(target.strip())
    return None


def _failure_message(failure: Failure) -> str:
    error = failure.value
    refused = _refusal(failure)
    if refused is not None:
        return refused
    if isinstance(error, HttpError):
        return f"HTTP {error.response.status}"
    if isinstance(error, IgnoreRequest):
        return str(error) or "request ignored"
    return f"{type(error).__name__}: {failure.getErrorMessage()}"


def _refusal(failure: Failure) -> str | None:
    """The SSRF guard's message when the connect-time resolver refused the request's host."""
    request = getattr(failure, "request", None)
    return refusal_for(urlsplit(request.url).hostname) if request is not None else None


def _item(known: dict[str, Any], detail_url: str | None,
          fields: dict[str, str]) -> dict[str, Any]:
    # Values read on the detail page (or the item) win over the list page's.
    return {"page_url": known["page_url"], "detail_url": detail_url,
            "position": known["position"], "fields": {**known["list_values"], **fields}}


@dataclass(slots=True)
class CrawlLog:
    """What the crawl did, written to report.json; `fatal` is (exit code, message)."""

    list_pages: int = 0
    requested_pages: int = 1
    truncated: bool = False
    errors: list[str] = field(default_factory=list)
    fatal: tuple[int, str] | None = None


class DeclarativeSpider(Spider):
    """Follows list pages (item_selector, next_page) and detail links, reading fields."""

    name = "sharehub_html"

    def __init__(self, job: SpiderJob, crawl_log: CrawlLog, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job, self.params, self.crawl_log = job, job.params, crawl_log

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DeclarativeSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_spider_error, signal=signals.spider_error)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.job.start_url, callback=self.parse_list, errback=self.start_failed,
                      dont_filter=True, cb_kwargs={"page_number": 1})

    def page_text(self, response: Response) -> TextResponse:
        """The response as text, decoded with the forced encoding when params set one.
        Raises NotSupported for a non-text body (a PDF where a list page should be)."""
        if not isinstance(response, TextResponse):
            kind = (response.headers.get("Content-Type") or b"").decode("latin-1") or "unknown"
            raise NotSupported(f"{response.url} is not a text page (Content-Type {kind})")
        if self.params.encoding:
            return response.replace(encoding=self.params.encoding)
        return response

    def parse_list(self, response: Response,
                   page_number: int) -> Iterator[Request | dict[str, Any]]:
        page = self.page_text(response)
        self.crawl_log.list_pages += 1
        for row, node in enumerate(_select(page, self.params.item_selector)):
            # position: where the item sits on the site, so the parent can keep site order
            # whatever order the downloads finish in.
            known = {"page_url": page.url, "position": [page_number, row],
                     "list_values": extract_fields(node, self.params.list_fields, page)}
            if not self.params.detail_link:
                yield _item(known, None, extract_fields(node, self.params.fields, page))
                continue
            link = first_link(node, self.params.detail_link, page)
            if link:  # rows without a link are headers or "no posts" notices
                yield Request(link, callback=self.parse_detail, errback=self.detail_failed,
                              dont_filter=True, cb_kwargs={"known": known})
        next_url = first_link(page, self.params.next_page, page) if self.params.next_page \
            else None
        if next_url and self.crawl_log.requested_pages >= self.params.max_pages:
            self.crawl_log.truncated = True
        elif next_url:
            self.crawl_log.requested_pages += 1
            yield Request(next_url, callback=self.parse_list, errback=self.page_failed,
                          cb_kwargs={"page_number": page_number + 1})

    def parse_detail(self, response: Response,
                     known: dict[str, Any]) -> Iterator[dict[str, Any]]:
        page = self.page_text(response)
        yield _item(known, page.url, extract_fields(page, self.params.fields, page))

    def start_failed(self, failure: Failure) -> None:
        # _refusal: the resolver refused what the middleware let through (DNS rebinding)
        code = (EXIT_BLOCKED if isinstance(failure.value, BlockedRequest)
                or _refusal(failure) is not None else EXIT_START_FAILED)
        self.crawl_log.fatal = (code, f"start page {self.job.start_url}: "
                                      f"{_failure_message(failure)}")

    def page_failed(self, failure: Failure) -> None:
        request: Request = failure.request  # type: ignore[attr-defined]
        self.crawl_log.errors.append(f"list page {request.url}: {_failure_message(failure)}")

    def detail_failed(self, failure: Failure) -> Iterator[dict[str, Any]]:
        """Keep what the list page said about the item, and say why the rest is missing."""
        request: Request = failure.request  # type: ignore[attr-defined]
        self.crawl_log.errors.append(f"detail page {request.url}: "
                                     f"{_failure_message(failure)}")
        yield _item(request.cb_kwargs["known"], request.url, {})

    def on_spider_error(self, failure: Failure, response: Response, spider: Spider) -> None:
        if self.crawl_log.fatal is None:
            self.crawl_log.fatal = (EXIT_SPIDER_ERROR, f"spider error at {response.url}: "
                                                       f"{_failure_message(failure)}")


def spider_settings(job: SpiderJob, items_path: Path) -> dict[str, Any]:
    """Scrapy settings for one job: politeness, limits, the SSRF guard, the item feed."""
    return {
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": PRODUCT_TOKEN,  # as every other fetcher reads robots.txt
        "USER_AGENT": job.user_agent,
        "DOWNLOAD_DELAY": job.download_delay_s,
        "CONCURRENT_REQUESTS": 1,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_MAXSIZE": job.max_body_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_TIMEOUT": job.download_timeout_s,
        "REDIRECT_MAX_TIMES": job.max_redirects,
        "RETRY_TIMES": 1,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        # Scrapy 2.19 starts an HTTP server that runs Python code sent to it: never here.
        "REMOTE_CONTROL_ENABLED": False,
        "CLOSESPIDER_ERRORCOUNT": 1,  # a spider error ends the crawl: the format changed
        "DOWNLOAD_HANDLERS": {"file": None, "data": None, "ftp": None, "s3": None},
        "DOWNLOADER_MIDDLEWARES": {_GUARD: 40},  # before robots.txt (100) and offsite (50)
        # …and the connection goes to an address checked by the same rules (DNS rebinding)
        "TWISTED_DNS_RESOLVER": "crawlers.spider_resolver.GuardedResolver",
        "SHAREHUB_ALLOW_PRIVATE_NETWORKS": job.allow_private_networks,
        "SHAREHUB_ALLOWED_NETWORKS": job.allowed_networks,
        "FEEDS": {items_path.as_uri(): {"format": "jsonlines", "encoding": "utf8"}},
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "%(levelname)s %(name)s: %(message)s",
    }


def _configure_own_log() -> None:
    # The last stderr line is the parent's error message: print ours bare.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    _log.addHandler(handler)
    _log.setLevel(logging.INFO)
    _log.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    """Run one job from stdin; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m crawlers.spider_process",
                                     description="Run one sharehub HTML spider job.")
    parser.add_argument("--output", type=Path, required=True,
                        help="folder for items.jsonl and report.json")
    args = parser.parse_args(argv)
    _configure_own_log()
    try:
        job = SpiderJob.model_validate_json(sys.stdin.buffer.read())
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        _log.error("invalid spider job: %s", problems)
        return EXIT_BAD_JOB
    crawl_log = CrawlLog()
    process = CrawlerProcess(spider_settings(job, args.output / "items.jsonl"))
    process.crawl(DeclarativeSpider, job=job, crawl_log=crawl_log)
    process.start()
    report = {"list_pages": crawl_log.list_pages, "truncated": crawl_log.truncated,
              "errors": crawl_log.errors}
    (args.output / "report.json").write_text(json.dumps(report, ensure_ascii=False),
                                             encoding="utf-8")
    if crawl_log.fatal is not None:
        code, message = crawl_log.fatal
        _log.error("%s", message)
        return code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
