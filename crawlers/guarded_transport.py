"""An httpx transport whose every connection is checked by the SSRF guard.

Checking a hostname and then letting the HTTP library resolve it again leaves a window
(DNS rebinding: public for the check, 127.0.0.1 for the connect). Here the resolver runs
once per connection, inside the connection step: every address it returns is checked,
and the socket connects to one of those checked IP literals. The URL, the Host header and
TLS (SNI and certificate checks) keep the hostname, because httpcore passes it to
`start_tls` separately. Redirect hops are new requests, so each is checked again.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterable

import httpcore
import httpx

from crawlers.address_guard import AddressPolicy, Resolver, check_addresses, resolve_host

__all__ = ["GuardedNetworkBackend", "GuardedTransport"]

log = logging.getLogger("sharehub.crawlers.ssrf")

class GuardedNetworkBackend(httpcore.NetworkBackend):
    """Resolve once, refuse when any address is not allowed, connect to a checked IP."""

    def __init__(self, policy: AddressPolicy, resolver: Resolver = resolve_host,
                 inner: httpcore.NetworkBackend | None = None) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                    ) -> httpcore.NetworkStream:
        """Raises BlockedAddress (a FetchError) when the host has a refused address,
        FetchError when it does not resolve, httpcore.ConnectError when no checked
        address accepts the connection."""
        addresses = self._resolver(host, port)
        check_addresses(host, addresses, self._policy)
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout=timeout,
                                               local_address=local_address,
                                               socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                log.debug("connect failed", extra={"host": host, "address": address})
                failure = exc
        assert failure is not None  # check_addresses refuses an empty list
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                            ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not reachable through the crawler")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport (request/response mapping, exception mapping) over a
    connection pool that connects through GuardedNetworkBackend. Proxies are not
    supported: a proxy would do its own DNS and defeat the check."""

    def __init__(self, policy: AddressPolicy, *, resolver: Resolver = resolve_host,
                 verify: ssl.SSLContext | bool = True,
                 limits: httpx.Limits | None = None) -> None:
        # Not calling super().__init__: it would build a pool on the default backend;
        # this builds the same pool (the `_pool` HTTPTransport serves from) on ours.
        pool_limits = limits or httpx.Limits(max_connections=20, max_keepalive_connections=10)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=pool_limits.max_connections,
            max_keepalive_connections=pool_limits.max_keepalive_connections,
            keepalive_expiry=pool_limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(policy, resolver))
