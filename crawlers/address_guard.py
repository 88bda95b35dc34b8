"""SSRF guard: operator URLs must resolve to public addresses only.

The address returned by the resolver is checked, never the string in the URL (2130706433,
0x7f000001 and 127.1 all mean 127.0.0.1), after unwrapping IPv4-mapped, NAT64 and 6to4
forms; a host is refused when ANY of its addresses is not allowed. Private networks are
allowed only by explicit configuration (the demo and tests). The guarded transport
(`crawlers.guarded_transport`) runs this check at connect time and connects to the very
address it checked.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence

from crawlers.errors import BlockedAddress, FetchError

__all__ = ["AddressPolicy", "Resolver", "allow_any_address", "check_addresses", "check_host",
           "is_public_address", "parse_networks", "policy_for", "resolve_host"]

# May we connect to this IP address (text form)? Tests inject narrower ones.
AddressPolicy = Callable[[str], bool]
# host, port → the addresses to try, in order.
Resolver = Callable[[str, int], list[str]]

_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_6TO4 = ipaddress.ip_network("2002::/16")


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _6TO4:
        return address.sixtofour
    return None


def is_public_address(text: str) -> bool:
    """True only for globally routable unicast addresses."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL:
            return False
        if (inner := _embedded_v4(address)) is not None:
            return is_public_address(str(inner))
    if address.is_multicast or address.is_unspecified or address.is_reserved:
        return False
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return False
    return address.is_global


def allow_any_address(text: str) -> bool:
    """The policy when private networks are explicitly allowed."""
    return True


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(texts: Sequence[str]) -> tuple[Network, ...]:
    """Networks in CIDR form ("127.0.0.0/24", "::1/128"; a bare address is one host).
    Raises ValueError naming the first one that is not a network."""
    networks = []
    for text in texts:
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"not an IP network: {text!r} ({exc})") from None
    return tuple(networks)


def _in_networks(text: str, networks: tuple[Network, ...]) -> bool:
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return any(address in network for network in networks)


def policy_for(allow_private: bool, allowed_networks: Sequence[str] = ()) -> AddressPolicy:
    """Public addresses only, unless the configuration allows private networks (all of
    them), or names the few non-public networks it allows (`allowed_networks`, CIDR):
    e.g. the loopback addresses of test platforms, while a redirect to 10.0.0.1 or
    169.254.169.254 is still refused. Raises ValueError for a malformed network."""
    if allow_private:
        return allow_any_address
    if not allowed_networks:
        return is_public_address
    networks = parse_networks(allowed_networks)

    def public_or_allowed(text: str) -> bool:
        return is_public_address(text) or _in_networks(text, networks)

    return public_or_allowed


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (numeric forms included), in resolver order.
    Raises FetchError when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise FetchError(f"cannot resolve host {host!r}: {reason}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_addresses(host: str, addresses: Sequence[str], policy: AddressPolicy) -> None:
    """Raise BlockedAddress when any of `host`'s addresses is refused by `policy`."""
    blocked = [a for a in addresses if not policy(a)]
    if blocked:
        raise BlockedAddress(
            f"{host} resolves to a non-public address ({', '.join(blocked)}); "
            "private networks are not allowed (set allow_private_networks)")
    if not addresses:
        raise FetchError(f"cannot resolve host {host!r}: no addresses")


def check_host(host: str, port: int, *, allow_private: bool,
               policy: AddressPolicy | None = None,
               resolver: Resolver = resolve_host,
               allowed_networks: Sequence[str] = ()) -> list[str]:
    """Resolve `host` and return its addresses; raise BlockedAddress when any of them is
    refused (by `policy`, else public-only unless `allow_private` or the address is in
    `allowed_networks`), FetchError when it does not resolve."""
    addresses = resolver(host, port)
    check_addresses(host, addresses, policy or policy_for(allow_private, allowed_networks))
    return addresses
