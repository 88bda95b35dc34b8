"""Read a response body with both caps enforced while streaming: bytes on the wire, and
bytes after Content-Encoding is undone.

The raw bytes are decompressed here, incrementally, never more than `_STEP` bytes of
output per call (zlib `max_length`, brotli `output_buffer_limit`), so a 10 KB gzip bomb or
a 200 KB brotli body that expands to a gigabyte costs at most the decoded cap in memory
and stops as soon as it passes it (the bugs Scrapy fixed as GHSA-7j7m-v7m3-jqm7 and
CVE-2025-6176).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

import brotli

from crawlers.errors import BodyTooLarge, FetchError, FetchTimeout

__all__ = ["ACCEPT_ENCODING", "read_body"]

ACCEPT_ENCODING = "gzip, deflate, br"
_STEP = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


class _Decoder(Protocol):
    def decode(self, data: bytes) -> Iterator[bytes]: ...


class _Identity:
    def decode(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data


class _Zlib:
    """gzip (possibly several members, as `cat a.gz b.gz` makes) or deflate (zlib-wrapped
    as the RFC says, or raw, as some servers send it)."""

    def __init__(self, *, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
        self._inflate = zlib.decompressobj(self._wbits)
        self._started = False
        self._done = False

    def decode(self, data: bytes) -> Iterator[bytes]:
        while not self._done:
            try:
                out = self._inflate.decompress(data, _STEP)
            except zlib.error as exc:
                if not self._gzip and not self._started:  # raw deflate: retry without header
                    self._started = True
                    self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise FetchError(f"cannot decompress the body: {exc}") from exc
            self._started = True
            data = self._inflate.unconsumed_tail
            if out:
                yield out
            if self._inflate.eof:
                data = self._inflate.unused_data + data
                if not (self._gzip and data.startswith(_GZIP_MAGIC)):
                    self._done = True  # trailing bytes after the stream are ignored
                    return
                self._inflate = zlib.decompressobj(self._wbits)
            elif not data and not out:
                return


class _Brotli:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def decode(self, data: bytes) -> Iterator[bytes]:
        try:
            out: bytes = self._decompressor.process(data, output_buffer_limit=_STEP)
            while True:
                if out:
                    yield out
                if self._decompressor.can_accept_more_data():
                    return
                out = self._decompressor.process(b"", output_buffer_limit=_STEP)
        except brotli.error as exc:
            raise FetchError(f"cannot decompress the brotli body: {exc}") from exc


class _Chain:
    """Content-Encoding lists codings in the order they were applied; undo them in
    reverse, each stage pulling bounded pieces from the one before."""

    def __init__(self, decoders: list[_Decoder]) -> None:
        self._decoders = decoders

    def decode(self, data: bytes) -> Iterator[bytes]:
        return self._through(data, 0)

    def _through(self, data: bytes, stage: int) -> Iterator[bytes]:
        if stage == len(self._decoders):
            yield data
            return
        for piece in self._decoders[stage].decode(data):
            yield from self._through(piece, stage + 1)


def _decoder_for(content_encoding: str | None) -> _Decoder:
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    decoders: list[_Decoder] = []
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            decoders.append(_Zlib(gzip=True))
        elif coding == "deflate":
            decoders.append(_Zlib(gzip=False))
        elif coding == "br":
            decoders.append(_Brotli())
        elif coding != "identity":
            raise FetchError(f"unsupported Content-Encoding {coding!r} "
                             f"(we ask for {ACCEPT_ENCODING})")
    if not decoders:
        return _Identity()
    return decoders[0] if len(decoders) == 1 else _Chain(decoders)


def read_body(raw_chunks: Iterable[bytes], content_encoding: str | None, *,
              max_wire_bytes: int, max_decoded_bytes: int, deadline: float,
              clock: Callable[[], float] = time.monotonic, truncate: bool = False) -> bytes:
    """Undo `content_encoding` on `raw_chunks` (the body as sent) and return the bytes.

    Raises BodyTooLarge when the wire bytes pass `max_wire_bytes` or the decoded bytes
    pass `max_decoded_bytes` (with `truncate`, the decoded bytes are cut there instead:
    robots.txt is read up to 500 KiB), FetchTimeout when `clock()` passes `deadline`, and
    FetchError for an unsupported or corrupt encoding.
    """
    decoder = _decoder_for(content_encoding)
    parts: list[bytes] = []
    wire = decoded = 0
    for chunk in raw_chunks:
        wire += len(chunk)
        if wire > max_wire_bytes:
            raise BodyTooLarge(f"body is over the cap of {max_wire_bytes} bytes")
        for piece in decoder.decode(chunk):
            decoded += len(piece)
            if decoded > max_decoded_bytes:
                if truncate:
                    parts.append(piece[:len(piece) - (decoded - max_decoded_bytes)])
                    return b"".join(parts)
                raise BodyTooLarge(f"decompressed body is over the cap of {max_decoded_bytes}"
                                   f" bytes ({wire} bytes on the wire so far)")
            parts.append(piece)
            if clock() > deadline:  # a bomb costs CPU too
                raise FetchTimeout("the download took longer than its time limit")
        if clock() > deadline:
            raise FetchTimeout("the download took longer than its time limit")
    return b"".join(parts)
