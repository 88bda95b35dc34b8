"""Plain-text helpers: decode bytes to text, and turn crawled HTML into clean text."""

from __future__ import annotations

import codecs
import html
import re

import charset_normalizer
import nh3

from normalizer.errors import ParseError

__all__ = ["clean_text", "decode_bytes", "html_to_text"]

_BLOCK_TAGS = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def decode_bytes(body: bytes, declared: str | None = None) -> str:
    """Decode a document: BOM first, then the declared charset if the bytes fit it,
    then strict UTF-8, then CP949 (Korean public data's usual encoding), then
    charset-normalizer's guess.

    Raises ParseError when nothing decodes the bytes cleanly.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    candidates = [c for c in (declared, "utf-8", "cp949") if c]
    for encoding in candidates:
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    best = charset_normalizer.from_bytes(body).best()
    if best is None:
        others = [c for c in candidates if c.lower().replace("_", "-") not in ("utf-8", "utf8")]
        raise ParseError("cannot detect the text encoding of the document: "
                         f"{_utf8_problem(body)}, and not {' or '.join(others)} either")
    return str(best)


def _utf8_problem(body: bytes) -> str:
    """Where the bytes stop being UTF-8, for the operator who has to fix the file."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid UTF-8 (byte 0x{body[exc.start]:02x} at offset {exc.start})"
    return "valid UTF-8 but not as declared"


# Elements whose content is raw text to an HTML parser (or never shown): stripping only the
# tags would turn "<iframe><script>alert(1)</script></iframe>" into the text
# "<script>alert(1)</script>" (found by tests/test_properties.py). Their content goes too.
_DROPPED_WITH_CONTENT = {"script", "style", "iframe", "noembed", "noframes", "noscript",
                         "xmp", "plaintext", "textarea", "title", "template", "object",
                         "svg", "math"}
# Built once: nh3.clean builds its sanitizer on every call, 4× the cost of the cleaning.
_TAG_STRIPPER = nh3.Cleaner(tags=set(), attributes={}, clean_content_tags=_DROPPED_WITH_CONTENT)


# What only the HTML parser handles: tags, entities, NUL, CR (CRLF → LF), lone surrogates
# (nh3 refuses them) and a leading BOM (dropped). Text with none of these comes out of
# the parser as it went in, so it skips it: most fields of CSV rows and feeds are plain
# text, and the parser was an eighth of a full crawl's CPU (bench/REPORT.md).
_NEEDS_PARSER = re.compile("[<&\x00\r\ud800-\udfff]|^\ufeff")


def html_to_text(value: str | None) -> str | None:
    """Strip every tag (keeping line breaks of block elements) and unescape entities."""
    if value is None:
        return None
    if _NEEDS_PARSER.search(value) is None:
        return clean_text(value)
    with_breaks = _BLOCK_TAGS.sub("\n", value)
    stripped = _TAG_STRIPPER.clean(with_breaks)
    return clean_text(html.unescape(stripped))


def clean_text(value: str | None) -> str | None:
    """Collapse runs of spaces, trim lines, and return None for empty text."""
    if value is None:
        return None
    lines = [_SPACES.sub(" ", line).strip() for line in value.replace("\r", "\n").split("\n")]
    text = _BLANK_LINES.sub("\n", "\n".join(lines)).strip()
    return text or None
