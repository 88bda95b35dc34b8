"""The HTML spider's DNS resolver: the SSRF check and the address Scrapy connects to are one.

`spider_process.AddressGuardMiddleware` checks a request's host before robots.txt and the
download, but Twisted resolves the host again when it opens the connection: a DNS answer
that changes in between (public for the check, 127.0.0.1 for the connect: DNS rebinding)
would reach a private address. Installed as Scrapy's TWISTED_DNS_RESOLVER, this resolver
answers Twisted's lookups only with an address that passed the same check, so the spider
connects to an address that was checked, as `crawlers.guarded_transport` does for httpx.
Numeric hosts never reach a resolver (Twisted uses them as they are); the middleware has
checked them, and a number cannot rebind.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from scrapy.resolver import CachingThreadedResolver, dnscache
from twisted.internet import defer, threads
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from crawlers.address_guard import Resolver, check_addresses, policy_for, resolve_host
from crawlers.errors import BlockedAddress

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.base import ReactorBase

__all__ = ["GuardedResolver", "refusal_for"]

_PORT = 80  # getaddrinfo needs one; the addresses do not depend on it
# Twisted reports any failed lookup as "no results for hostname lookup", so the guard's
# own message is kept here (one job per child process) for the spider's error report.
_refusals: dict[str, str] = {}


def refusal_for(host: str | None) -> str | None:
    """The guard's message when this resolver refused `host`, else None."""
    return _refusals.get(host or "")


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching threaded resolver (IPv4, DNS_TIMEOUT, DNSCACHE_*), answering only
    with addresses that the SSRF guard accepts. A refused host fails the lookup with
    `crawlers.errors.BlockedAddress`; a host that does not resolve with DNSLookupError."""

    def __init__(self, reactor: ReactorBase, cache_size: int, timeout: float, *,
                 allow_private: bool = False, allowed_networks: Sequence[str] = (),
                 resolver: Resolver = resolve_host) -> None:
        super().__init__(reactor, cache_size, timeout)
        self._policy = policy_for(allow_private, allowed_networks)
        self._resolver = resolver

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> GuardedResolver:
        settings = crawler.settings
        return cls(reactor,
                   settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED")
                   else 0,
                   settings.getfloat("DNS_TIMEOUT"),
                   allow_private=settings.getbool("SHAREHUB_ALLOW_PRIVATE_NETWORKS"),
                   allowed_networks=settings.getlist("SHAREHUB_ALLOWED_NETWORKS"))

    def checked_address(self, name: str) -> str:
        """The IPv4 address to connect to for `name`, resolved and checked in one step:
        every address it resolves to must pass the guard (as for the middleware)."""
        addresses = self._resolver(name, _PORT)
        try:
            check_addresses(name, addresses, self._policy)
        except BlockedAddress as exc:
            _refusals[name] = str(exc)
            raise
        ipv4 = [address for address in addresses if ":" not in address]
        if not ipv4:
            raise DNSLookupError(f"{name} has no IPv4 address")
        return ipv4[0]

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        if name in dnscache:  # only checked addresses are ever cached
            return defer.succeed(dnscache[name])
        reactor = cast(Any, self.reactor)  # the running reactor has threads
        found: defer.Deferred[str] = threads.deferToThreadPool(
            reactor, reactor.getThreadPool(), self.checked_address, name)
        if self.timeout:
            found.addTimeout(self.timeout, reactor)
            found.addErrback(self._timed_out, name)
        if dnscache.limit:
            found.addCallback(self._cache_result, name)
        return found

    def _timed_out(self, failure: Failure, name: str) -> Failure:
        if not isinstance(failure.value, defer.TimeoutError):
            return failure  # the guard's refusal or the lookup's own error, unchanged
        raise DNSLookupError(f"{name}: no DNS answer in {self.timeout:g} s")
