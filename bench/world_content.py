"""The documents of the benchmark world, grown from the sample platforms' real-format files.

Each platform publishes one document in the format of one bundled sample, at the size the
benchmark asks for: a company RSS 2.0 feed (`spaces_feed.xml`: CDATA descriptions with
labelled lines, GeoRSS points, enclosures), a district open-data CSV in CP949
(`mapo_tool_rental.csv`: the 12 columns of the national 공구대여소 standard) or a company
JSON Feed 1.1 with the `_sharehub` extension (`shareit_feed.json`). Record n of a platform
is the sample's record n mod its length with its identity (id, link, name) made unique, so
the per-record parsing work is that of the real documents. `revision` varies one record's
title (a CSV row's 비치공구류): a platform that "changed" between two crawls gets a new body
(and so a new ETag).
"""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cache, partial
from importlib import resources
from typing import Any

__all__ = ["KINDS", "build_document", "content_type_of"]

KINDS = ("csv", "rss", "json_feed")

_CONTENT_TYPES = {"rss": "application/rss+xml; charset=utf-8",
                  "csv": "text/csv; charset=cp949",
                  "json_feed": "application/feed+json; charset=utf-8"}
_ITEM = re.compile(r"<item>.*?</item>", re.DOTALL)
_RSS_IDENTITY = re.compile(r"<(guid|link|title)([^>]*)>([^<]*)</\1>")


def _sample(name: str) -> bytes:
    return (resources.files("sample_platforms") / "data" / name).read_bytes()


@cache
def _rss_parts() -> tuple[str, tuple[str, ...], str]:
    text = _sample("spaces_feed.xml").decode("utf-8")
    items = tuple(_ITEM.findall(text))
    head, tail = text[:text.index("<item>")], text[text.rindex("</item>") + len("</item>"):]
    return head, items, tail


@cache
def _csv_rows() -> tuple[list[str], tuple[list[str], ...]]:
    rows = list(csv.reader(io.StringIO(_sample("mapo_tool_rental.csv").decode("cp949"))))
    return rows[0], tuple(r for r in rows[1:] if any(r))


@cache
def _json_feed() -> dict[str, Any]:
    feed: dict[str, Any] = json.loads(_sample("shareit_feed.json"))
    return feed


def _serial(platform_id: str, n: int) -> str:
    """A number naming record n of a platform: platforms list different places, and a
    number in a name tells rooms apart (normalizer/dedupe.py), so no two records of the
    world are taken for one place listed twice."""
    return f"{platform_id.lstrip('p')}-{n + 1}"


def _unique_identity(prefix: str, suffix: str, query: str, title_suffix: str,
                     match: re.Match[str]) -> str:
    tag, attributes, value = match.groups()
    value = {"guid": f"{prefix}{value}{suffix}", "link": f"{value}{query}",
             "title": f"{value}{title_suffix}"}[tag]
    return f"<{tag}{attributes}>{value}</{tag}>"


def _rss(platform_id: str, count: int, revision: int) -> bytes:
    head, items, tail = _rss_parts()
    out = []
    for n in range(count):
        suffix = f" {_serial(platform_id, n)}호" + (f" (개정 {revision})" if n == 0 and revision
                                                   else "")
        out.append(_RSS_IDENTITY.sub(
            partial(_unique_identity, f"{platform_id}-", f"-{n}", f"?unit={n}", suffix),
            items[n % len(items)]))
    head = head.replace("<title>모두의공간 공유공간</title>",
                        f"<title>모두의공간 공유공간 ({platform_id})</title>", 1)
    return (head + "\n    ".join(out) + tail).encode("utf-8")


def _csv(platform_id: str, count: int, revision: int) -> bytes:
    header, rows = _csv_rows()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for n in range(count):
        row = list(rows[n % len(rows)])
        # 공구대여소 names a lending point (with the address, its identity in a CSV): the
        # platform and a serial make it unique; a revision changes its 비치공구류 only.
        row[0] = f"{row[0]} {_serial(platform_id, n)}"
        if n == 0 and revision:
            row[4] = f"{row[4]}+예초기"
        writer.writerow(row)
    return buffer.getvalue().encode("cp949")


def _json(platform_id: str, count: int, revision: int) -> bytes:
    feed = dict(_json_feed())
    items = feed["items"]
    out = []
    for n in range(count):
        item = dict(items[n % len(items)])
        item["id"] = f"{platform_id}-{item['id']}-{n}"
        item["url"] = f"{item['url']}?unit={n}"
        item["title"] = f"{item['title']} #{_serial(platform_id, n)}" + (
            f" (개정 {revision})" if n == 0 and revision else "")
        out.append(item)
    feed["items"] = out
    feed["title"] = f"{feed['title']} ({platform_id})"
    return json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8")


def build_document(kind: str, platform_id: str, count: int, revision: int = 0) -> bytes:
    """The body platform `platform_id` of `kind` (csv | rss | json_feed) serves: `count`
    records, the first one's title marked with `revision` when it is not 0. Raises
    KeyError for an unknown kind."""
    builders = {"rss": _rss, "csv": _csv, "json_feed": _json}
    return builders[kind](platform_id, count, revision)


def content_type_of(kind: str) -> str:
    """The Content-Type the platform sends with its document."""
    return _CONTENT_TYPES[kind]
