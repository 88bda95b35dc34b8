"""HTML sites read by a declarative Scrapy spider that runs in its own process.

A source of kind "html" describes its site in `params` (validated by `HtmlSpiderParams`):
which elements are the listings on a list page (`item_selector`), how to reach the next
page (`next_page`), optionally which link leads to a detail page (`detail_link`), and
which selector fills each RawRecord field (`fields`, read on the detail page when there is
one, else on the item; `list_fields` are read on the list item). Selectors are
"css:<expression>" or "xpath:<expression>" (parsel syntax, `::text` and `::attr(x)` work).

`fetch_html` starts `python -m crawlers.spider_process` with a timeout, so a crashing or
hanging spider cannot take the scheduler down. The child writes items as JSON lines; the
parent returns one JSON document `{"format": "html_items", "items": [...], ...}` as the
FetchResult body. A crash, a timeout or a non-zero exit becomes a FetchError carrying the
child's last line on stderr.
"""

from __future__ import annotations

import codecs
import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cssselect
import parsel
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from crawlers.errors import BlockedAddress, FetchError, FetchTimeout
from crawlers.fetch import FetchResult
from normalizer.schema import Source

if TYPE_CHECKING:  # the dispatch table imports this module
    from crawlers.dispatch import FetchContext

__all__ = [
    "EXIT_BAD_JOB",
    "EXIT_BLOCKED",
    "EXIT_SPIDER_ERROR",
    "EXIT_START_FAILED",
    "HtmlSpiderParams",
    "RECORD_FIELDS",
    "SpiderJob",
    "check_selector",
    "describe_params_error",
    "fetch_html",
    "spider_failure",
    "spider_params",
]

# The child's exit codes besides 0 (done) and 1 (an uncaught crash: Python's traceback).
EXIT_BAD_JOB = 2
EXIT_BLOCKED = 3  # the start page's host is not public (SSRF guard)
EXIT_START_FAILED = 4  # the start page could not be read (HTTP error, robots.txt, network)
EXIT_SPIDER_ERROR = 5  # the spider raised while reading a page

# RawRecord's fields that a selector may fill.
RECORD_FIELDS = (
    "record_id", "title", "description", "url", "address", "address_lot", "lat", "lon",
    "phones", "email", "homepage", "hours", "hours_days", "hours_opens", "hours_closes",
    "fee", "loan_period", "capacity", "items", "category_label", "provider_name",
    "booking_url", "image_url", "tags", "updated_at",
)
_PROBE = parsel.Selector(text="<html><body></body></html>")
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_MAX_MESSAGE = 400


def check_selector(value: str) -> str:
    """Return `value` when it is a valid "css:…" or "xpath:…" selector; raise ValueError
    saying what is wrong otherwise."""
    kind, _, expression = value.partition(":")
    if kind not in ("css", "xpath") or not expression.strip():
        raise ValueError(f"{value!r} must start with 'css:' or 'xpath:'")
    try:
        if kind == "css":
            _PROBE.css(expression)
        else:
            _PROBE.xpath(expression)
    except (ValueError, cssselect.SelectorError) as exc:
        raise ValueError(f"{value!r} is not a valid {kind} selector: {exc}") from exc
    return value


def _check_fields(value: dict[str, str]) -> dict[str, str]:
    for name, selector in value.items():
        if name not in RECORD_FIELDS:
            raise ValueError(f"unknown field {name!r} (fields are: {', '.join(RECORD_FIELDS)})")
        check_selector(selector)
    return value


class HtmlSpiderParams(BaseModel):
    """The `params` of an html source. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start_url: str | None = Field(None, description="First list page (default: the source URL)")
    item_selector: str = Field(description="Selects each listing on a list page")
    next_page: str | None = Field(None, description="Selects the next list page's link")
    detail_link: str | None = Field(None, description="Selects the item's detail page link")
    fields: dict[str, str] = Field(description="RawRecord field → selector")
    list_fields: dict[str, str] = Field(default_factory=dict,
                                        description="Fields read on the list item")
    encoding: str | None = Field(None, description="Force this charset (when a site lies)")
    max_pages: int = Field(20, ge=1, le=1000, description="Most list pages followed")
    download_delay: float | None = Field(
        None, ge=0, le=60,
        description="Seconds between requests (default: the crawler's per-host delay)")
    timeout_s: float = Field(300.0, gt=0, le=3600, description="Time limit of the whole crawl")

    @field_validator("item_selector", "next_page", "detail_link")
    @classmethod
    def _selector(cls, value: str | None) -> str | None:
        return None if value is None else check_selector(value)

    @field_validator("fields", "list_fields")
    @classmethod
    def _fields(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_fields(value)

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError as exc:
                raise ValueError(f"unknown encoding {value!r}") from exc
        return value

    @field_validator("start_url")
    @classmethod
    def _start_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @model_validator(mode="after")
    def _has_title(self) -> HtmlSpiderParams:
        if "title" not in self.fields and "title" not in self.list_fields:
            raise ValueError("no title selector in fields or list_fields")
        return self


class SpiderJob(BaseModel):
    """What the parent hands the child process on stdin."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_id: str
    start_url: str
    params: HtmlSpiderParams
    user_agent: str
    download_delay_s: float
    max_body_bytes: int
    download_timeout_s: float
    max_redirects: int
    allow_private_networks: bool
    allowed_networks: list[str] = []


def describe_params_error(error: ValidationError) -> str:
    """One line naming each bad key of a params model and what is wrong with it."""
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "params"
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "extra_forbidden":
            message = "unknown parameter"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def spider_params(source: Source) -> HtmlSpiderParams:
    """Validate a source's params. Raises FetchError naming each bad key."""
    try:
        return HtmlSpiderParams.model_validate(source.params)
    except ValidationError as exc:
        raise FetchError(f"source {source.id}: bad html params: "
                         f"{describe_params_error(exc)}") from exc


def _last_line(stderr: bytes | None) -> str:
    lines = [line.strip() for line in (stderr or b"").decode("utf-8", "replace").splitlines()]
    text = next((line for line in reversed(lines) if line), "")
    return text[:_MAX_MESSAGE] or "no message on stderr"


def spider_failure(returncode: int, stderr: bytes | None) -> FetchError:
    """The FetchError for a child that exited with `returncode` (negative: killed by that
    signal), carrying the last line it wrote on stderr."""
    last = _last_line(stderr)
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return FetchError(f"spider process killed by {name}: {last}")
    if returncode == EXIT_BLOCKED:
        return BlockedAddress(last)
    if returncode == EXIT_BAD_JOB:
        return FetchError(f"spider rejected its job: {last}")
    return FetchError(f"spider failed (exit {returncode}): {last}")


def _run_child(job: SpiderJob, folder: Path) -> None:
    command = [sys.executable, "-m", "crawlers.spider_process", "--output", str(folder)]
    timeout = job.params.timeout_s
    try:
        # cwd: `-m` finds the crawlers package there even when it is not installed.
        completed = subprocess.run(command, input=job.model_dump_json().encode(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   cwd=_PACKAGE_ROOT, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise FetchTimeout(f"spider took more than {timeout:g} s and was stopped "
                           f"(last output: {_last_line(exc.stderr)})") from exc
    except OSError as exc:
        raise FetchError(f"cannot start the spider process: {exc}") from exc
    if completed.returncode != 0:
        raise spider_failure(completed.returncode, completed.stderr)


def _read_output(folder: Path) -> tuple[list[Any], dict[str, Any]]:
    try:
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        items_path = folder / "items.jsonl"
        lines = items_path.read_text(encoding="utf-8").splitlines() if items_path.exists() \
            else []
        return [json.loads(line) for line in lines if line.strip()], report
    except (OSError, ValueError) as exc:
        raise FetchError(f"the spider's output is unreadable: {exc}") from exc


def _download_delay(params: HtmlSpiderParams, context: FetchContext) -> float:
    if params.download_delay is not None:
        return params.download_delay
    # The spider runs outside the shared host budget, but keeps its pace.
    return context.budget.min_delay_s if context.budget is not None else 1.0


def fetch_html(source: Source, context: FetchContext) -> FetchResult:
    """Crawl an html source with its declarative spider in a child process.

    Returns a FetchResult whose body is the JSON document {"format": "html_items",
    "start_url", "list_pages", "truncated", "items": [{"page_url", "detail_url",
    "position", "fields"}], "errors": [...]}, items in site order. Raises FetchError for
    bad params or a failed crawl (BlockedAddress when the start host is not public,
    FetchTimeout past `timeout_s`).
    """
    params = spider_params(source)
    limits = context.limits
    job = SpiderJob(source_id=source.id, start_url=params.start_url or source.url,
                    params=params, user_agent=limits.user_agent,
                    download_delay_s=_download_delay(params, context),
                    max_body_bytes=limits.max_body_bytes,
                    download_timeout_s=limits.total_timeout_s,
                    max_redirects=limits.max_redirects,
                    allow_private_networks=limits.allow_private_networks,
                    allowed_networks=list(limits.allowed_networks))
    with tempfile.TemporaryDirectory(prefix="sharehub-spider-") as folder:
        _run_child(job, Path(folder))
        items, report = _read_output(Path(folder))
    items.sort(key=lambda item: item.get("position") or [0, 0])
    document = {"format": "html_items", "start_url": job.start_url,
                "list_pages": report.get("list_pages", 0),
                "truncated": bool(report.get("truncated")), "items": items,
                "errors": report.get("errors", [])}
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return FetchResult(body, job.start_url, 200, content_type="application/json")
