"""The OpenSearch description (`/opensearch.xml`): lets a browser add the hub as a search
engine, with the results page for people and the Atom feed for feed readers."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree as ET

from hub_site.i18n import Translator
from hub_site.urls import Urls

__all__ = ["OPENSEARCH_MEDIA_TYPE", "opensearch_description"]

OPENSEARCH_MEDIA_TYPE = "application/opensearchdescription+xml; charset=utf-8"
_NS = "http://a9.com/-/spec/opensearch/1.1/"
_SHORT_NAME_CHARS = 16  # the spec's limit for ShortName
_TERMS = "{searchTerms}"


def _template(absolute_path: str) -> str:
    """`…/search?q=` (or `…/search?lang=en&q=`) with the OpenSearch placeholder appended;
    the braces must stay literal, so they are added after the URL is built."""
    separator = "&" if "?" in absolute_path else "?"
    return f"{absolute_path}{separator}q={_TERMS}"


def opensearch_description(t: Translator, urls: Urls,
                           absolute: Callable[[str], str]) -> bytes:
    """The OpenSearch 1.1 description document in `t`'s language.

    `absolute` turns a site path into an absolute URL (templates must be absolute).
    """
    # The namespace is declared as a plain attribute: ElementTree would otherwise write
    # ns0: prefixes, and its default_namespace option refuses plain attribute names.
    root = ET.Element("OpenSearchDescription", {"xmlns": _NS})
    for tag, text in (("ShortName", t("site_name")[:_SHORT_NAME_CHARS]),
                      ("Description", t("opensearch_description")),
                      ("InputEncoding", "UTF-8"), ("OutputEncoding", "UTF-8"),
                      ("Language", t.lang)):
        ET.SubElement(root, tag).text = text
    search_path, feed_path = urls.search(), urls.feed_search()
    for media_type, path in (("text/html", search_path),
                             ("application/atom+xml", feed_path)):
        ET.SubElement(root, "Url", {"type": media_type,
                                        "template": _template(absolute(path))})
    ET.SubElement(root, "Url", {"type": "application/opensearchdescription+xml",
                                    "rel": "self", "template": absolute(urls.opensearch())})
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body
