"""schema.org data embedded in HTML → plain nodes: JSON-LD blocks and microdata items.

Both syntaxes become the same shape, a dict per thing with "@type" (read it with
`node_types`), "@id" when given, and its properties; nested things are nested dicts.
The normalizer maps these nodes onto listings (`normalizer.schema_org`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

__all__ = ["Node", "as_list", "node_text", "node_types", "page_nodes"]

Node = dict[str, Any]

_SRC_TAGS = {"audio", "embed", "iframe", "img", "source", "track", "video"}
_HREF_TAGS = {"a", "area", "link"}


def node_types(node: Node) -> list[str]:
    """The node's type names, without "https://schema.org/" or "schema:"."""
    raw = node.get("@type") or []
    return [str(t).rsplit("/", 1)[-1].removeprefix("schema:")
            for t in (raw if isinstance(raw, list) else [raw])]


def as_list(value: Any) -> list[Any]:
    """A property's values as a list (schema.org allows one value or many)."""
    return value if isinstance(value, list) else [] if value is None else [value]


def node_text(value: Any) -> str | None:
    """The first text of a property: a string or number, an {"@value"} or a thing's
    name; None when there is none."""
    for item in as_list(value):
        if isinstance(item, dict):
            item = item.get("@value", item.get("name"))
        if isinstance(item, (str, int, float)) and not isinstance(item, bool) \
                and str(item).strip():
            return str(item).strip()
    return None


def _json_ld_nodes(data: Any) -> Iterator[Node]:
    for item in as_list(data):
        if not isinstance(item, dict):
            continue
        if "@graph" in item:
            yield from _json_ld_nodes(item["@graph"])
        if "@type" in item:
            yield item


def _json_ld_error(text: str, error: json.JSONDecodeError) -> str:
    hint = ("its quotes are HTML-escaped" if "&quot;" in text
            else "a trailing comma" if re.search(r",\s*[}\]]", text) else error.msg)
    return f"not valid JSON ({hint}; line {error.lineno} column {error.colno})"


def _microdata_value(element: Tag, base: str) -> Any:
    if element.has_attr("itemscope"):
        return _microdata_item(element, base)
    name = element.name
    attr = ("content" if name == "meta" or element.has_attr("content") else "src"
            if name in _SRC_TAGS else "href" if name in _HREF_TAGS else "data"
            if name == "object" else "value" if name in ("data", "meter") else "datetime"
            if name == "time" and element.has_attr("datetime") else None)
    if attr is None:
        return element.get_text(" ", strip=True)
    value = str(element.get(attr) or "")
    return urljoin(base, value) if attr in ("src", "href", "data") and value else value


def _microdata_properties(scope: Tag) -> Iterator[Tag]:
    stack = [child for child in reversed(scope.contents) if isinstance(child, Tag)]
    while stack:
        element = stack.pop()
        if element.has_attr("itemprop"):
            yield element
        if not element.has_attr("itemscope"):  # a nested item keeps its own properties
            stack.extend(c for c in reversed(element.contents) if isinstance(c, Tag))


def _microdata_item(scope: Tag, base: str) -> Node:
    types = str(scope.get("itemtype") or "").split()
    node: Node = {"@type": [t.rsplit("/", 1)[-1] for t in types]}
    if scope.get("itemid"):
        node["@id"] = str(scope["itemid"])
    for element in _microdata_properties(scope):
        value = _microdata_value(element, base)
        for name in str(element["itemprop"]).split():
            node.setdefault(name, []).append(value)
    return {key: value[0] if isinstance(value, list) and len(value) == 1 and key != "@type"
            else value for key, value in node.items()}


def page_nodes(html: str, base: str) -> tuple[list[Node], list[str]]:
    """Every top-level schema.org node of a page (JSON-LD first, then microdata), and one
    message per JSON-LD block that could not be read."""
    soup = BeautifulSoup(html, "html.parser")
    nodes: list[Node] = []
    errors: list[str] = []
    scripts = [s for s in soup.find_all("script")
               if str(s.get("type") or "").split(";")[0].strip().lower() == "application/ld+json"]
    for number, script in enumerate(scripts, start=1):
        text = (script.string or "").strip()
        # Old CMS templates wrap the block in an HTML comment or CDATA: harmless, unwrap.
        text = re.sub(r"^(<!--|//\s*<!\[CDATA\[)|(-->|//\s*\]\]>)$", "", text).strip()
        try:
            nodes.extend(_json_ld_nodes(json.loads(text)))
        except json.JSONDecodeError as exc:
            errors.append(f"{base}: JSON-LD block {number} is {_json_ld_error(text, exc)}; "
                          "skipped")
    for scope in soup.find_all(itemscope=True):
        if not scope.has_attr("itemprop"):
            nodes.append(_microdata_item(scope, base))
    return nodes, errors
