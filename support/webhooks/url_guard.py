"""The check every webhook URL passes at send time, against server-side request forgery.

Only http and https, to ports 80, 443 or 1024 and above, with no credentials in the URL. The
host's addresses (every A and AAAA record, or the literal address) must all be public: an
address of a private, loopback, link-local, shared, multicast, reserved or unspecified network,
also inside an IPv4-mapped, 6to4, Teredo or NAT64 IPv6 address, is refused, unless the host
name or the address's network is in the allow-list (WEBHOOK_ALLOWED_HOSTS, for integrations
on the internal network). The sender then connects to the address checked here, never
resolving the name again, so a DNS answer that changes between the check and the connection
(rebinding) cannot lead it elsewhere.

DNS is outside the system: the resolver is a parameter (`system_resolver` in production; the
tests pass a hosts mapping).
"""

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

Resolver = Callable[[str, int], list[str]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}
FIRST_FREE_PORT = 1024  # below it only the scheme's own port: no SMTP, SSH, DNS and the like
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UrlRefused(Exception):
    """The URL may not be called; the message says why, for the delivery log."""


@dataclass(frozen=True)
class Target:
    """Where to connect: the checked `address`, and the name for the Host header and TLS."""

    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system's resolver gives for `host` (A and AAAA)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UrlRefused(_("The host %(host)s cannot be resolved.") % {"host": host}) from error
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def url_parts(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an acceptable URL; UrlRefused otherwise. Needs
    no DNS: the admin form checks this when the URL is saved."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UrlRefused(_("This is not a valid URL.")) from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UrlRefused(_("Only http and https URLs can receive webhooks."))
    if parts.username is not None or parts.password is not None:
        raise UrlRefused(_("A webhook URL may not carry a user name or password."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UrlRefused(_("This is not a valid URL."))
    port = port or DEFAULT_PORTS[scheme]
    if port < FIRST_FREE_PORT and port != DEFAULT_PORTS[scheme]:
        raise UrlRefused(
            _("Port %(port)s is not allowed: use 80, 443, or a port from 1024 up.") % {"port": port}
        )
    path = parts.path or "/"
    return scheme, host, port, f"{path}?{parts.query}" if parts.query else path


def url_check(url: str, *, resolver: Resolver = system_resolver) -> Target:
    """The URL's target with a checked address to connect to; UrlRefused otherwise."""
    scheme, host, port, path = url_parts(url)
    literal = ip_literal(host)
    addresses = [str(literal)] if literal is not None else resolver(host, port)
    if not addresses:
        raise UrlRefused(_("The host %(host)s cannot be resolved.") % {"host": host})
    if host.lower() not in allowed_names():
        for address in addresses:
            address_check(address)
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


def address_check(address: str) -> None:
    """UrlRefused unless `address` is public or in an allowed network."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # a link-local scope (%eth0) aside
    if any(ip in network for network in allowed_networks()):
        return
    for candidate in (ip, *_embedded_ipv4(ip)):
        if not _public(candidate):
            raise UrlRefused(
                _("The address %(address)s is not public: webhooks are not sent there.")
                % {"address": address}
            )


def _public(ip: Address) -> bool:
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _embedded_ipv4(ip: Address) -> Iterable[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (and is routed to)."""
    if ip.version != 6:
        return ()
    embedded = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in NAT64:
        embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [found for found in embedded if found is not None]


def ip_literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _allow_list() -> list[str]:
    return [item.strip().lower() for item in settings.WEBHOOK_ALLOWED_HOSTS if item.strip()]


def allowed_names() -> set[str]:
    return {item.rstrip(".") for item in _allow_list() if _network(item) is None}


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [network for item in _allow_list() if (network := _network(item)) is not None]


def _network(item: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(item, strict=False)
    except ValueError:
        return None
