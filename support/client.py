"""The address of the client behind our reverse proxies: one rule for HTTP and websockets.

Behind nginx, `REMOTE_ADDR` is nginx. Each proxy appends the address it received the request
from to `X-Forwarded-For`, so the header reads "whatever the client claimed, …, what each proxy
saw". Only the proxies we run are believed: the header is read only when the direct peer is a
trusted proxy (`TRUSTED_PROXIES`), and from the right, skipping trusted proxies; the first
address that is not one of ours is the client. Anything to its left was written by the client
and is ignored. No other header (`X-Real-IP`, `Forwarded`, `X-Remote-User`…) is ever read.
"""

import functools
import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_FORWARDED_HOPS = 32  # a longer chain is garbage; never walk more of it than this


def client_address(request: HttpRequest) -> str:
    """The client's IP address for this request, or "" when the server was given none."""
    return _resolve(
        request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", "")
    )


def scope_client_address(scope: dict) -> str:
    """The same for an ASGI scope (a websocket): `scope["client"]` and its headers."""
    peer = scope.get("client") or ("", 0)
    forwarded = [
        value.decode("latin-1")
        for name, value in scope.get("headers", ())
        if name.lower() == b"x-forwarded-for"
    ]
    return _resolve(str(peer[0] or ""), ",".join(forwarded))


def _resolve(peer: str, forwarded_for: str) -> str:
    peer_address = parse_address(peer)
    if peer_address is None:
        return ""
    if not _trusted(peer_address) or not forwarded_for:
        return str(peer_address)
    client = peer_address
    for hop in reversed(forwarded_for.split(",")[-MAX_FORWARDED_HOPS:]):
        hop_address = parse_address(hop)
        if hop_address is None:
            # Written or mangled past our last trusted proxy: nothing left of it can be
            # believed, so the last address a trusted proxy vouched for stands.
            return str(client)
        client = hop_address
        if not _trusted(hop_address):
            return str(hop_address)
    return str(client)  # every hop is ours: the request began inside our own network


def parse_address(text: str) -> IPAddress | None:
    """An IP address from a header entry ("203.0.113.9", "[2001:db8::1]:443", "1.2.3.4:80");
    None for anything else. IPv4-mapped IPv6 addresses become IPv4."""
    text = text.strip().partition("%")[0]  # an IPv6 zone ("fe80::1%eth0") says nothing here
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]  # IPv4 with a port
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: IPAddress) -> bool:
    return _trusted(address)


def _trusted(address: IPAddress) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


@functools.lru_cache(maxsize=8)
def _networks(proxies: Iterable[str]) -> tuple[IPNetwork, ...]:
    # Settings validated the list (config.env.ip_networks); the cache keys on its value, so a
    # test that changes the setting gets the new list.
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)
