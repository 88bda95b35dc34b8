"""The fetcher against a real loopback server: conditional GET, caps, redirects, SSRF."""

from __future__ import annotations

import pytest

from crawlers import (
    BlockedAddress,
    BodyTooLarge,
    FetchLimits,
    HTTPStatusError,
    InvalidTarget,
    fetch_target,
    is_public_address,
    make_client,
)
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
], ids=lambda v: str(v))
def test_is_public_address(address, public):
    assert is_public_address(address) is public
