"""The fetcher against a real loopback server: conditional GET, caps, redirects, SSRF,
retries and Retry-After, decompression bombs, slow bodies and charsets."""

from __future__ import annotations

import gzip
import socket
import struct
import time
import tracemalloc
import zlib
from dataclasses import replace

import brotli
import pytest

from crawlers import (
    BlockedAddress,
    BodyTooLarge,
    FetchContext,
    FetchError,
    FetchLimits,
    FetchTimeout,
    HostBudget,
    HostBusy,
    HTTPStatusError,
    InvalidTarget,
    RobotsCache,
    RobotsDisallowed,
    fetch_target,
    fetch_url,
    is_public_address,
    make_client,
)
from normalizer.text import decode_bytes
from tests.conftest import read_fixture
from tests.loopback import LoopbackServer

ALLOW = FetchLimits(allow_private_networks=True, max_body_bytes=10_000)


def _feed(handler):
    if handler.headers.get("If-None-Match") == '"v1"':
        return 304, {"ETag": '"v1"'}, b""
    return 200, {"ETag": '"v1"', "Last-Modified": "Sat, 21 Nov 2026 00:00:00 GMT",
                 "Content-Type": "application/rss+xml"}, b"<rss version='2.0'></rss>"


ROUTES = {
    "/feed.xml": _feed,
    "/big": lambda h: (200, {}, b"x" * 20_000),
    "/moved": lambda h: (302, {"Location": "/feed.xml"}, b""),
    "/loop": lambda h: (302, {"Location": "/loop"}, b""),
    "/key": lambda h: (401, {}, b'{"resultCode":"INVALID AUTHORIZED"}'),
}


@pytest.fixture(scope="module")
def server():
    with LoopbackServer(ROUTES) as server:
        yield server


def test_conditional_get_gives_304(server):
    with make_client(ALLOW) as client:
        first = fetch_target(server.url("/feed.xml"), client, ALLOW)
        assert first.etag == '"v1"'
        assert first.body.startswith(b"<rss")
        second = fetch_target(server.url("/feed.xml"), client, ALLOW, etag=first.etag,
                              last_modified=first.last_modified)
    assert second.not_modified
    assert second.body == b""
    assert server.requests[-1][1]["If-Modified-Since"] == "Sat, 21 Nov 2026 00:00:00 GMT"


def test_redirect_is_followed(server):
    with make_client(ALLOW) as client:
        result = fetch_target(server.url("/moved"), client, ALLOW)
    assert result.final_url.endswith("/feed.xml")


def test_body_cap(server):
    with make_client(ALLOW) as client, pytest.raises(BodyTooLarge):
        fetch_target(server.url("/big"), client, ALLOW)


def test_redirect_loop_stops(server):
    with make_client(ALLOW) as client, pytest.raises(Exception, match="more than 5 redirects"):
        fetch_target(server.url("/loop"), client, ALLOW)


def test_key_problem_is_reported(server):
    with make_client(ALLOW) as client, pytest.raises(HTTPStatusError, match="refused access"):
        fetch_target(server.url("/key"), client, ALLOW)


def test_loopback_refused_by_default(server):
    strict = FetchLimits()
    with make_client(strict) as client, pytest.raises(BlockedAddress, match="non-public"):
        fetch_target(server.url("/feed.xml"), client, strict)


def test_unsupported_scheme():
    with make_client(ALLOW) as client, pytest.raises(InvalidTarget, match="unsupported"):
        fetch_target("gopher://example.com/", client, ALLOW)


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False),
    ("224.0.0.1", False), ("240.0.0.1", False), ("::1", False), ("fc00::1", False),
    ("fe80::1", False), ("::ffff:127.0.0.1", False), ("64:ff9b::7f00:1", False),
    ("2002:7f00:1::", False), ("ff02::1", False),
    ("1.1.1.1", True), ("2606:4700:4700::1111", True), ("::ffff:8.8.8.8", True),
    ("64:ff9b::808:808", True), ("198.18.0.1", False), ("192.0.2.1", False),
    ("198.51.100.7", False), ("203.0.113.1", False), ("192.0.0.1", False),
    ("255.255.255.255", False), ("239.255.255.250", False), ("127.255.255.254", False),
    ("0.1.2.3", False), ("::", False), ("100::1", False), ("64:ff9b:1::1", False),
    ("2001:db8::1", False), ("fd00::1", False), ("::ffff:10.0.0.1", False),
    ("2002:a00:1::", False), ("fe80::1%eth0", False), ("ff05::2", False),
], ids=lambda v: str(v))
def test_is_public_address(address, public):
    assert is_public_address(address) is public


# --- retries, Retry-After and the shared host budget -----------------------------------

FAST = FetchLimits(allow_private_networks=True, backoff_base_s=0.01, max_retry_wait_s=1.0)


def _script(*answers):
    """A route answering from a script; the last answer repeats."""
    queue = list(answers)
    return lambda h: queue.pop(0) if len(queue) > 1 else queue[0]


def _get(server, path, limits=FAST, **kwargs):
    with make_client(limits) as client:
        return fetch_url(server.url(path), client, limits, **kwargs)


def test_a_503_with_retry_after_is_retried_and_then_succeeds():
    route = _script((503, {"Retry-After": "0"}, b"busy"), (503, {"Retry-After": "0"}, b""),
                    (200, {}, b"<rss/>"))
    with LoopbackServer({"/feed.xml": route}) as server:
        assert _get(server, "/feed.xml").body == b"<rss/>"
    assert server.paths() == ["/feed.xml"] * 3


@pytest.mark.parametrize(("header", "expected"), [
    ("120", 120.0),
    ("Fri, 01 Jan 2100 00:00:00 GMT", 24 * 3600.0),
], ids=["seconds", "http-date-capped"])
def test_a_long_retry_after_fails_at_once_with_the_retry_time(header, expected):
    route = _script((429, {"Retry-After": header}, b"slow down"))
    with LoopbackServer({"/api": route}) as server, \
            pytest.raises(HTTPStatusError, match="429") as caught:
        _get(server, "/api")
    assert caught.value.retry_after_s == pytest.approx(expected)
    assert server.paths() == ["/api"], "a long Retry-After is not waited for within a fetch"


def test_retry_after_holds_off_every_source_on_the_host():
    routes = {"/a": _script((429, {"Retry-After": "120"}, b"")), "/b": _script((200, {}, b"b"))}
    budget = HostBudget(min_delay_s=0.0)
    with LoopbackServer(routes) as server:
        with pytest.raises(HTTPStatusError, match=r"429: .* retry after 120 s"):
            _get(server, "/a", budget=budget)
        with pytest.raises(HostBusy, match="allowed in 120 s") as caught:
            _get(server, "/b", budget=budget)
    assert caught.value.retry_after_s == pytest.approx(120, abs=1)
    assert server.paths() == ["/a"]


def test_server_errors_are_retried_twice_with_backoff_then_fail_with_a_retry_time():
    with LoopbackServer({"/feed.xml": _script((500, {}, b"oops"))}) as server, \
            pytest.raises(HTTPStatusError, match="server error") as caught:
        _get(server, "/feed.xml")
    assert server.paths() == ["/feed.xml"] * 3
    assert caught.value.retry_after_s is not None
    assert 0 <= caught.value.retry_after_s <= 0.04


def test_a_client_error_is_not_retried():
    with LoopbackServer({}) as server, pytest.raises(HTTPStatusError, match="404"):
        _get(server, "/gone")
    assert server.paths() == ["/gone"]


def test_a_refused_connection_is_retried_then_reported():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with make_client(FAST) as client, pytest.raises(FetchError, match="ConnectError") as caught:
        fetch_url(f"http://127.0.0.1:{port}/feed.xml", client, FAST)
    assert caught.value.retry_after_s is not None


def test_a_server_that_never_answers_times_out_and_is_retried():
    def hang(handler):
        time.sleep(0.3)
        return 200, {}, b"late"

    limits = replace(FAST, read_timeout_s=0.1)
    with LoopbackServer({"/slow": hang}) as server, pytest.raises(FetchTimeout) as caught:
        _get(server, "/slow", limits)
    assert server.paths() == ["/slow"] * 3
    assert caught.value.retry_after_s is not None


def test_a_slow_drip_body_is_cut_at_the_total_time_limit():
    def drip():
        for _ in range(200):
            yield b"x"
            time.sleep(0.02)

    limits = replace(FAST, total_timeout_s=0.3)
    with LoopbackServer({"/drip": lambda h: (200, {}, drip())}) as server:
        started = time.monotonic()
        with pytest.raises(FetchTimeout, match="time limit"):
            _get(server, "/drip", limits)
    assert time.monotonic() - started < 1.5


# --- conditional GET ------------------------------------------------------------------

def test_a_200_with_the_same_etag_counts_as_not_modified():
    same = _script((200, {"ETag": '"v1"'}, b"<rss>unchanged</rss>"))
    with LoopbackServer({"/feed.xml": same}) as server:
        result = _get(server, "/feed.xml", etag='"v1"')
    assert result.not_modified
    assert result.body == b""
    assert server.requests[0][1]["If-None-Match"] == '"v1"'


# --- decompression and decompression bombs --------------------------------------------

TEXT = "공구대여소 전동드릴 캠핑텐트 ".encode() * 200


def _raw_deflate(data):
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return squeeze.compress(data) + squeeze.flush()


@pytest.mark.parametrize(("encoding", "body"), [
    ("gzip", gzip.compress(TEXT)),
    ("x-gzip", gzip.compress(TEXT)),
    ("deflate", zlib.compress(TEXT)),
    ("deflate", _raw_deflate(TEXT)),
    ("br", brotli.compress(TEXT)),
    ("gzip, br", brotli.compress(gzip.compress(TEXT))),
    ("identity", TEXT),
    ("gzip", gzip.compress(TEXT[:4000]) + gzip.compress(TEXT[4000:])),
], ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw", "br", "chain", "identity",
        "gzip-members"])
def test_compressed_bodies_are_decoded(encoding, body):
    with LoopbackServer({"/doc": lambda h: (200, {"Content-Encoding": encoding}, body)}) as server:
        result = _get(server, "/doc")
    assert result.body == TEXT
    assert "br" in server.requests[0][1]["Accept-Encoding"]


def test_an_unsupported_encoding_is_refused():
    with LoopbackServer({"/doc": lambda h: (200, {"Content-Encoding": "zstd"}, b"??")}) as server, \
            pytest.raises(FetchError, match="unsupported Content-Encoding 'zstd'"):
        _get(server, "/doc")


def test_a_declared_length_over_the_cap_is_refused_before_reading():
    route = lambda h: (200, {"Content-Length": str(10 ** 9)}, b"")  # noqa: E731
    with LoopbackServer({"/huge": route}) as other, \
            pytest.raises(BodyTooLarge, match="1000000000 bytes"):
        _get(other, "/huge", ALLOW)


GIB = 1 << 30
MIB = 1 << 20


def _gzip_bomb() -> bytes:
    """A valid gzip stream of 1 GiB of zeros (≈1 MB): one fully flushed deflate segment
    repeated, which decodes to the same 1 MiB each time."""
    chunk = bytes(MIB)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    segment = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(GIB // MIB):
        crc = zlib.crc32(chunk, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    return header + segment * (GIB // MIB) + squeeze.flush() + struct.pack("<II", crc, 0)


def _brotli_bomb() -> bytes:
    squeeze, chunk = brotli.Compressor(quality=1), bytes(MIB)
    return b"".join([squeeze.process(chunk) for _ in range(GIB // MIB)] + [squeeze.finish()])


@pytest.mark.parametrize(("encoding", "make_bomb"), [("gzip", _gzip_bomb),
                                                     ("br", _brotli_bomb)], ids=["gzip", "br"])
def test_a_1_gib_bomb_fails_fast_within_the_cap_in_memory(encoding, make_bomb):
    bomb = make_bomb()
    assert len(bomb) < 2 * MIB
    limits = FetchLimits(allow_private_networks=True)  # the 15 MiB defaults
    route = lambda h: (200, {"Content-Encoding": encoding}, bomb)  # noqa: E731
    with LoopbackServer({"/bomb": route}) as server:
        tracemalloc.start()
        started = time.monotonic()
        try:
            with pytest.raises(BodyTooLarge, match="decompressed body is over the cap"):
                _get(server, "/bomb", limits)
            elapsed = time.monotonic() - started
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert elapsed < 3.0, f"took {elapsed:.2f} s"
    assert peak < limits.max_decoded_bytes + 4 * MIB, f"peak {peak / MIB:.1f} MiB"


# --- charset --------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "content_type", "declared"), [
    (read_fixture("csv", "gwacheon_cp949.csv"), "text/csv; charset=utf-8", "utf-8"),
    ("위치: 과천시 중앙로 12, 이용요금: 무료".encode("euc-kr"), "text/plain", None),
], ids=["cp949-labelled-utf-8", "euc-kr-unlabelled"])
def test_korean_bodies_decode_right_whatever_the_label(body, content_type, declared):
    with LoopbackServer({"/doc": lambda h: (200, {"Content-Type": content_type}, body)}) as server:
        result = _get(server, "/doc")
    assert result.declared_charset == declared
    assert decode_bytes(result.body, result.declared_charset) == body.decode("cp949")


# --- the fetch context: one entry point for every fetcher -----------------------------

def test_fetch_context_request_obeys_robots_unless_told_otherwise():
    routes = {"/robots.txt": lambda h: (200, {}, b"User-agent: *\nDisallow: /api/\n"),
              "/api/list": lambda h: (200, {}, b"{}")}
    with LoopbackServer(routes) as server, make_client(FAST) as client:
        context = FetchContext(client, FAST, budget=HostBudget(min_delay_s=0.0),
                               robots=RobotsCache())
        with pytest.raises(RobotsDisallowed):
            context.request(server.url("/api/list"))
        assert context.request(server.url("/api/list"), obey_robots=False).body == b"{}"
    assert server.paths() == ["/robots.txt", "/api/list"]
