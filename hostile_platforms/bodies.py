"""The documents hostile platforms serve: small valid feeds to break, and bodies built to
hurt (decompression bombs, entity expansion, endless drips), generated as streams so
that serving a gigabyte never holds more than one chunk in memory."""

from __future__ import annotations

import json
import struct
import threading
import zlib
from collections.abc import Iterator
from xml.sax.saxutils import escape

import brotli

__all__ = ["BILLION_LAUGHS", "EXTERNAL_ENTITY", "HTML_ERROR_PAGE", "MIB", "brotli_bomb",
           "csv_rows", "drip", "gzip_bomb", "json_feed", "rss_feed", "space_items"]

MIB = 1024 * 1024

# Seven levels of ten: 10**7 "lol"s (≈30 MB) from a 1 KB document, the classic attack.
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + b"".join(f' <!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n'
               .encode() for n in range(1, 8))
    + b']>\n<rss version="2.0"><channel><title>laughs</title>'
      b"<item><title>&lol7;</title><guid>lol</guid></item></channel></rss>\n")

# An external entity that would read a local file into the listing, if it were resolved.
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<rss version="2.0"><channel><title>xxe</title>'
    b"<item><title>&xxe;</title><guid>xxe-1</guid></item></channel></rss>\n")

# What a platform's broken gateway serves with status 200 instead of the file.
HTML_ERROR_PAGE = (
    "<!DOCTYPE html><html lang=\"ko\"><head><title>서비스 점검 중</title></head><body>"
    "<h1>일시적인 오류가 발생했습니다</h1><p>잠시 후 다시 시도해 주세요. (Error 500)</p>"
    "</body></html>\n").encode()


def space_items(count: int, prefix: str) -> list[tuple[str, str, str]]:
    """`count` (guid, title, address) triples of meeting rooms in 성북구, named and
    numbered after `prefix` so that two platforms never list the same place."""
    street = 100 + sum(prefix.encode()) % 800
    return [(f"{prefix}-{n}", f"성북 {prefix} 공유회의실 {n}호",
             f"서울특별시 성북구 보문로{street}길 {n}") for n in range(1, count + 1)]


def rss_feed(items: list[tuple[str, str, str]], title: str = "hostile feed") -> bytes:
    """An RSS 2.0 feed of the given (guid, title, address) items (UTF-8)."""
    entries = "".join(
        f"<item><title>{escape(name)}</title><guid isPermaLink=\"false\">{escape(guid)}</guid>"
        f"<link>https://hostile.example/{escape(guid)}</link>"
        f"<description>위치: {escape(address)}</description></item>\n"
        for guid, name, address in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>https://hostile.example/</link>\n"
            f"{entries}</channel></rss>\n").encode()


def json_feed(items: list[tuple[str, str, str]]) -> bytes:
    """A JSON Feed 1.1 of the given (id, title, address) items (UTF-8)."""
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "hostile json feed",
        "items": [{"id": guid, "title": name, "content_text": f"위치: {address}",
                   "url": f"https://hostile.example/{guid}"} for guid, name, address in items],
    }, ensure_ascii=False).encode()


def csv_rows(rows: int) -> str:
    """A district tool-lending CSV (the columns of 마포구's file) as text."""
    header = "공구대여소,소재지도로명주소,전화번호,비치공구류,운영시간,대여료\n"
    return header + "".join(
        f"성북{n}동 공구대여소,서울특별시 성북구 보문로 {200 + n},02-2241-{1000 + n},"
        f"전동드릴+망치,월~금 09:00~18:00,무료\n" for n in range(1, rows + 1))


def gzip_bomb(decoded_bytes: int, stop: threading.Event) -> Iterator[bytes]:
    """A valid gzip stream of `decoded_bytes` zeros: one fully flushed deflate segment of
    1 MiB (≈1 KB compressed) repeated, so it is generated as it is sent."""
    chunk = bytes(MIB)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    segment = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    crc = 0
    for _ in range(decoded_bytes // MIB):
        if stop.is_set():
            return
        crc = zlib.crc32(chunk, crc)
        yield segment
    yield squeeze.flush() + struct.pack("<II", crc, decoded_bytes & 0xFFFFFFFF)


def brotli_bomb(decoded_bytes: int, stop: threading.Event) -> Iterator[bytes]:
    """A brotli stream of `decoded_bytes` zeros, compressed 1 MiB at a time as it is sent."""
    squeeze, chunk = brotli.Compressor(quality=1), bytes(MIB)
    for _ in range(decoded_bytes // MIB):
        if stop.is_set():
            return
        if out := squeeze.process(chunk) + squeeze.flush():
            yield out
    yield squeeze.finish()


def drip(interval_s: float, stop: threading.Event, *, limit_s: float = 600.0) -> Iterator[bytes]:
    """One byte every `interval_s` (each within any read timeout) until stopped or
    `limit_s` passes: only a whole-fetch time limit ends it."""
    yield b"<?xml version=\"1.0\"?><rss><channel>"
    waited = 0.0
    while waited < limit_s and not stop.wait(interval_s):
        waited += interval_s
        yield b" "

