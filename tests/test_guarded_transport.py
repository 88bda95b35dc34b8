"""The SSRF guard at connect time: every connection resolves once, checks every address,
and goes to the address it checked; redirect hops are checked again.

Only loopback is ever contacted: "public" and "private" are played by 127.0.0.1 and
127.0.0.2 through an injected address policy, and public-looking DNS answers come from
an injected resolver and are refused before any connection.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess

import httpx
import pytest

from crawlers import (
    BlockedAddress,
    FetchLimits,
    InvalidTarget,
    check_host,
    fetch_url,
    make_client,
)
from crawlers.guarded_transport import GuardedTransport
from tests.loopback import LoopbackServer

STRICT = FetchLimits(max_retries=0)


def only_127_0_0_1(address: str) -> bool:
    """A policy standing in for "public": exactly 127.0.0.1 may be contacted."""
    return address == "127.0.0.1"


class RecordingResolver:
    """Answers from a script, one answer per call, and records every call."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append((host, port))
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def _ok(_handler):
    return 200, {"Content-Type": "text/plain"}, b"hello"


@pytest.fixture
def allowed():
    with LoopbackServer({"/doc": _ok}) as server:
        yield server


@pytest.fixture
def blocked():
    with LoopbackServer({"/doc": _ok, "/secret": _ok}, host="127.0.0.2") as server:
        yield server


def test_the_client_itself_refuses_loopback_by_default(allowed):
    with make_client(STRICT) as client, pytest.raises(BlockedAddress, match="127.0.0.1"):
        client.get(allowed.url("/doc"))  # not through fetch_url: the transport guards
    assert allowed.requests == []


@pytest.mark.parametrize(("host", "error"), [
    ("2130706433", BlockedAddress),
    ("0x7f000001", BlockedAddress),
    ("127.1", BlockedAddress),
    ("0177.0.0.1", InvalidTarget),  # httpx refuses a leading-zero IPv4 in the URL itself
    ("[::ffff:127.0.0.1]", BlockedAddress),
], ids=["decimal", "hex", "short", "octal", "ipv4-mapped"])
def test_numeric_host_forms_of_loopback_are_refused(allowed, host, error):
    with make_client(STRICT) as client, pytest.raises(error):
        fetch_url(allowed.url("/doc", host=host), client, STRICT)
    assert allowed.requests == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1"],
                         ids=["decimal", "hex", "octal", "short"])
def test_numeric_host_forms_resolve_to_loopback_and_are_refused_by_the_guard(host):
    with pytest.raises(BlockedAddress, match=r"127\.0\.0\.1"):
        check_host(host, 80, allow_private=False)


def test_a_dns_answer_mixing_public_and_private_is_refused():
    resolver = RecordingResolver(["93.184.216.34", "10.1.2.3"])
    with pytest.raises(BlockedAddress, match=r"10\.1\.2\.3"):
        check_host("mixed.example", 443, allow_private=False, resolver=resolver)


def test_a_mixed_answer_is_refused_before_any_connection(allowed, blocked):
    resolver = RecordingResolver(["127.0.0.1", "127.0.0.2"])
    with make_client(STRICT, policy=only_127_0_0_1, resolver=resolver) as client, \
            pytest.raises(BlockedAddress, match=r"127\.0\.0\.2"):
        fetch_url(f"http://platform.test:{allowed.port}/doc", client, STRICT)
    assert allowed.requests == []
    assert blocked.requests == []


def test_a_redirect_to_a_blocked_address_is_refused_at_the_hop(allowed, blocked):
    allowed.routes["/jump"] = lambda h: (302, {"Location": blocked.url("/secret")}, b"")
    with make_client(STRICT, policy=only_127_0_0_1) as client, \
            pytest.raises(BlockedAddress, match=r"127\.0\.0\.2"):
        fetch_url(allowed.url("/jump"), client, STRICT)
    assert allowed.paths() == ["/jump"]
    assert blocked.requests == [], "the blocked server must never be contacted"


def test_rebinding_resolver_is_asked_once_per_connection_and_the_checked_ip_is_used(
        allowed, blocked):
    # First answer: the allowed address; every later answer: the blocked one (rebinding).
    resolver = RecordingResolver(["127.0.0.1"], ["127.0.0.2"])
    url = f"http://platform.test:{allowed.port}/doc"
    with make_client(STRICT, policy=only_127_0_0_1, resolver=resolver) as client:
        first = fetch_url(url, client, STRICT)
        assert first.body == b"hello"
        assert resolver.calls == [("platform.test", allowed.port)], \
            "one resolution for one connection: no second lookup at connect time"
        assert allowed.requests[0][1]["Host"] == f"platform.test:{allowed.port}"
        with pytest.raises(BlockedAddress):  # a new connection is checked again
            fetch_url(url, client, STRICT)
    assert len(resolver.calls) == 2
    assert blocked.requests == []


def test_the_next_checked_address_is_tried_when_one_refuses(allowed):
    resolver = RecordingResolver(["127.0.0.3", "127.0.0.1"])  # nothing listens on .3
    limits = FetchLimits(allow_private_networks=True, max_retries=0)
    with make_client(limits, resolver=resolver) as client:
        result = fetch_url(f"http://platform.test:{allowed.port}/doc", client, limits)
    assert result.body == b"hello"


def test_private_networks_are_allowed_only_when_configured(allowed):
    limits = FetchLimits(allow_private_networks=True)
    with make_client(limits) as client:
        assert fetch_url(allowed.url("/doc"), client, limits).body == b"hello"


@pytest.fixture
def tls_files(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=platform.test", "-addext",
                    "subjectAltName=DNS:platform.test"], check=True, capture_output=True)
    return key, cert


def test_tls_keeps_the_hostname_for_sni_and_the_certificate(tls_files):
    key, cert = tls_files
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    seen_sni: list[str | None] = []
    server_context.sni_callback = lambda sock, name, ctx: seen_sni.append(name)
    client_context = ssl.create_default_context(cafile=str(cert))
    resolver = RecordingResolver(["127.0.0.1"])
    with LoopbackServer({"/doc": _ok}, tls=server_context) as server:
        transport = GuardedTransport(only_127_0_0_1, resolver=resolver, verify=client_context)
        with httpx.Client(transport=transport) as client:
            response = client.get(f"https://platform.test:{server.port}/doc")
    assert response.text == "hello"
    assert seen_sni == ["platform.test"]
    assert server.requests[0][1]["Host"] == f"platform.test:{server.port}"
    assert resolver.calls == [("platform.test", server.port)]
