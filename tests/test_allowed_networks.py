"""The SSRF guard's allow-list: a few named non-public networks (the loopback addresses of
test platforms) allowed while private networks as a whole are not."""

from __future__ import annotations

import pytest

from crawlers import BlockedAddress, FetchLimits, fetch_url, make_client
from crawlers.address_guard import check_host, policy_for
from tests.loopback import LoopbackServer

PLATFORMS = ("127.0.0.0/24", "127.0.1.0/24")


@pytest.mark.parametrize(("allowed", "address", "expected"), [
    (PLATFORMS, "127.0.0.1", True),
    (PLATFORMS, "127.0.1.25", True),
    (PLATFORMS, "::ffff:127.0.0.9", True),
    (PLATFORMS, "8.8.8.8", True),
    (PLATFORMS, "2001:4860:4860::8888", True),
    (PLATFORMS, "127.0.2.1", False),
    (PLATFORMS, "::1", False),
    (PLATFORMS, "10.0.0.1", False),
    (PLATFORMS, "192.168.1.1", False),
    (PLATFORMS, "169.254.169.254", False),
    (PLATFORMS, "::ffff:169.254.169.254", False),
    (("::1/128",), "::1", True),
    (("127.0.0.1",), "127.0.0.1", True),
    (("127.0.0.1",), "127.0.0.2", False),
    ((), "127.0.0.1", False),
    ((), "8.8.8.8", True),
], ids=["platform-loopback", "second-platform-network", "v4-mapped-platform", "public-v4",
        "public-v6", "other-loopback", "v6-loopback", "private-10", "private-192",
        "metadata", "v4-mapped-metadata", "v6-network", "bare-address",
        "bare-address-only", "no-list-public-only", "no-list-public"])
def test_allowed_networks_add_to_public_addresses_only(allowed, address, expected):
    assert policy_for(False, allowed)(address) is expected


def test_allowing_private_networks_still_allows_everything():
    assert policy_for(True, ("127.0.0.0/24",))("10.0.0.1")


def test_a_malformed_network_is_refused_when_the_policy_is_built():
    with pytest.raises(ValueError, match="not an IP network: '127.0.0.0/33'"):
        policy_for(False, ("127.0.0.0/33",))


def test_check_host_names_the_refused_address():
    with pytest.raises(BlockedAddress, match=r"non-public address \(10\.0\.0\.1\)"):
        check_host("10.0.0.1", 80, allow_private=False, allowed_networks=PLATFORMS)
    assert check_host("127.0.0.1", 80, allow_private=False,
                      allowed_networks=PLATFORMS) == ["127.0.0.1"]


def test_a_platform_on_an_allowed_network_is_fetched_but_its_redirect_out_is_refused():
    limits = FetchLimits(allowed_networks=("127.0.0.1/32",), max_retries=0)
    routes = {
        "/feed.xml": lambda h: (200, {"Content-Type": "application/rss+xml"}, b"<rss/>"),
        "/away": lambda h: (302, {"Location": "http://169.254.169.254/latest/"}, b""),
        "/loopback": lambda h: (302, {"Location": "http://127.0.0.2/admin"}, b""),
    }
    with LoopbackServer(routes) as server, make_client(limits) as client:
        assert fetch_url(server.url("/feed.xml"), client, limits).body == b"<rss/>"
        for path, refused in (("/away", "169.254.169.254"), ("/loopback", "127.0.0.2")):
            with pytest.raises(BlockedAddress, match=rf"non-public address \({refused}\)"):
                fetch_url(server.url(path), client, limits)
