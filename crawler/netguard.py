"""Which addresses the crawl may connect to: the SSRF guard (downloader middleware).

A page, a redirect or a DNS answer must not make the crawler send requests into the
machine's own networks: cloud metadata services (169.254.169.254, 100.100.100.200,
fd00:ec2::254), link-local, loopback, private and other non-public ranges. Every request,
the first one and every redirect hop (the spider follows redirects itself, each hop is a
new request), is judged on the address its host RESOLVES to, before any byte is sent:

1. ``NetworkGuardMiddleware.process_request`` resolves the host with the crawler's own
   resolver (``reactor.resolver``: Scrapy's ``CachingThreadedResolver``, bounded by
   ``DNS_TIMEOUT``, results cached). The connection then resolves the same name through the
   same cache, so the address judged is the address connected to. A forbidden address
   raises ``ForbiddenAddress``; the spider records the URL with ``error_class =
   "forbidden-address"`` and checks/links/links.py reports ``link-forbidden-address``.
2. ``process_response`` checks ``response.ip_address`` after the fact (a resolver replaced
   by settings, a cache eviction): such a response is dropped and recorded the same way.

Decision (``AddressPolicy.judge``): the most specific matching entry (longest prefix) of
the built-in table (``BUILTIN_RANGES``), the profile's ``network.deny_addresses``
(setting ``XUNJIAN_DENY_ADDRESSES``) and ``network.allow_addresses``
(``XUNJIAN_ALLOW_ADDRESSES``) decides; on a tie deny beats allow, allow beats built-in.
So ``allow_addresses: ["127.0.0.0/8"]`` opens loopback, while a broad ``0.0.0.0/0``
never opens 169.254.0.0/16, and 169.254.169.254 needs its own /32 entry. Public addresses
are allowed; an address in no table entry that Python's ``ipaddress`` says is not global
(reserved, documentation, benchmarking ranges) is forbidden as "special-purpose".

The portal's own hosts (``XUNJIAN_PORTAL_HOSTS`` = the profile's scope hosts; compared by
host name, any port) may sit on a private or loopback address (an intranet portal, a test
server): requests to those host names are allowed when their address is in an "internal"
range. The operator named them, and refusing them would only make the audit
impossible; links from the portal to OTHER internal hosts stay forbidden. The metadata and
link-local ranges are never opened implicitly.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA, INTERNAL, SPECIAL = "metadata", "internal", "special"
ADDRESS_CACHE_SIZE = 4096  # verdicts kept per address (emptied when full)

# (network, label, class). "internal" ranges are opened implicitly for the portal's own hosts.
BUILTIN_RANGES: tuple[tuple[str, str, str], ...] = (
    ("169.254.169.254/32", "cloud metadata service (AWS/GCP/Azure/OpenStack)", METADATA),
    ("100.100.100.200/32", "cloud metadata service (Alibaba Cloud)", METADATA),
    ("fd00:ec2::254/128", "cloud metadata service (AWS, IPv6)", METADATA),
    ("169.254.0.0/16", "link-local", METADATA),
    ("fe80::/10", "link-local (IPv6)", METADATA),
    ("0.0.0.0/8", "'this host' (0.0.0.0/8)", METADATA),
    ("::/128", "unspecified (IPv6)", METADATA),
    ("224.0.0.0/4", "multicast", SPECIAL),
    ("ff00::/8", "multicast (IPv6)", SPECIAL),
    ("240.0.0.0/4", "reserved", SPECIAL),
    ("127.0.0.0/8", "loopback", INTERNAL),
    ("::1/128", "loopback (IPv6)", INTERNAL),
    ("10.0.0.0/8", "private network", INTERNAL),
    ("172.16.0.0/12", "private network", INTERNAL),
    ("192.168.0.0/16", "private network", INTERNAL),
    ("100.64.0.0/10", "shared address space (carrier-grade NAT)", INTERNAL),
    ("fc00::/7", "unique local address (IPv6 ULA)", INTERNAL),
)


@dataclass(frozen=True)
class Judgement:
    allowed: bool
    address: str
    network: str = ""      # the deciding table entry
    label: str = ""        # what that entry is ("link-local", "network.deny_addresses", ...)

    def reason(self, host: str) -> str:
        shown = host if host == self.address else f"{host} resolves to {self.address}"
        return (f"{shown}: {self.label} ({self.network}); not fetched, by the crawl's network safety "
                "policy (allow it with the profile's network.allow_addresses if intended)")


class ForbiddenAddress(IgnoreRequest):
    """A request whose host resolves to a forbidden address; str() is the one-line reason."""


def literal_address(host: str) -> str | None:
    """The address a host written as an IP literal stands for, in every form the system resolver
    accepts (``169.254.169.254``, ``2852039166``, ``0xa9.0xfe.0xa9.0xfe``, ``169.254.43518``,
    ``::ffff:a9fe:a9fe``); None for a name."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except (OSError, UnicodeError, ValueError):
        return None


def _hostname(url_or_host: str) -> str:
    """Lower-case host name of a URL or a ``host[:port]`` entry, without the port."""
    text = url_or_host if "://" in url_or_host else f"//{url_or_host}"
    try:
        return (urlsplit(text).hostname or "").rstrip(".")
    except ValueError:
        return ""


def _networks(entries: Iterable[str]) -> list[Network]:
    return [ipaddress.ip_network(str(e).strip(), strict=False) for e in entries or ()]


class AddressPolicy:
    def __init__(self, allow: Iterable[str] = (), deny: Iterable[str] = (), portal_hosts: Iterable[str] = ()):
        # (network, allowed?, label, class, tie-break rank: deny 2 > allow 1 > built-in 0)
        self.entries: list[tuple[Network, bool, str, str, int]] = [
            (ipaddress.ip_network(net), False, label, cls, 0) for net, label, cls in BUILTIN_RANGES]
        self.entries += [(net, True, "network.allow_addresses", "", 1) for net in _networks(allow)]
        self.entries += [(net, False, "network.deny_addresses", "", 2) for net in _networks(deny)]
        self.portal_hosts = frozenset(filter(None, (_hostname(h) for h in portal_hosts)))
        self._by_address: dict[str, tuple[Judgement, bool]] = {}

    def judge(self, address: str, url: str = "") -> Judgement:
        # every request is judged twice (before it is sent, on the answer's peer address) and a crawl
        # talks to a handful of addresses: the address's verdict is kept, only the host check is redone
        verdict = self._by_address.get(address)
        if verdict is None:
            if len(self._by_address) >= ADDRESS_CACHE_SIZE:
                self._by_address.clear()
            verdict = self._by_address[address] = self._judge_address(address)
        judgement, portal_exempt = verdict
        if portal_exempt and url and _hostname(url) in self.portal_hosts:
            return Judgement(True, judgement.address, judgement.network,
                             f"{judgement.label}, the portal's own host")
        return judgement

    def _judge_address(self, address: str) -> tuple[Judgement, bool]:
        """The address's verdict, and whether the portal's own host may still open it (internal)."""
        ip: Address = ipaddress.ip_address(address.split("%", 1)[0])
        mapped = getattr(ip, "ipv4_mapped", None)
        if mapped is not None:  # ::ffff:169.254.169.254 is 169.254.169.254
            ip = mapped
        best = None
        for net, allowed, label, cls, rank in self.entries:
            if ip.version == net.version and ip in net:
                key = (net.prefixlen, rank)
                if best is None or key > best[0]:
                    best = (key, net, allowed, label, cls)
        if best is None:
            if ip.is_global:
                return Judgement(True, str(ip)), False
            return Judgement(False, str(ip), str(ip), "special-purpose (not a public address)"), False
        _, net, allowed, label, cls = best
        return Judgement(allowed, str(ip), str(net), label), not allowed and cls == INTERNAL


class NetworkGuardMiddleware:
    """Downloader middleware (``crawler.settings``: at 50, before robots.txt is fetched)."""

    def __init__(self, policy: AddressPolicy):
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler):
        from crawler.publicsuffix import use_offline_list
        use_offline_list()  # the other way a crawl could reach the internet (cookie domain checks)
        settings = crawler.settings
        return cls(AddressPolicy(settings.getlist("XUNJIAN_ALLOW_ADDRESSES"),
                                 settings.getlist("XUNJIAN_DENY_ADDRESSES"),
                                 settings.getlist("XUNJIAN_PORTAL_HOSTS")))

    async def process_request(self, request):
        host = urlsplit(request.url).hostname
        if not host:
            return None
        address = literal_address(host)
        if address is None:  # a name: resolve it as the download will (same resolver, same cache)
            from twisted.internet import reactor
            address = await maybe_deferred_to_future(reactor.resolver.getHostByName(host))
        judgement = self.policy.judge(address, request.url)
        if not judgement.allowed:
            raise ForbiddenAddress(judgement.reason(host))
        return None

    def process_response(self, request, response):
        address = getattr(response, "ip_address", None)
        if address is not None:
            judgement = self.policy.judge(str(address), request.url)
            if not judgement.allowed:
                raise ForbiddenAddress(judgement.reason(urlsplit(request.url).hostname or str(address)))
        return response
