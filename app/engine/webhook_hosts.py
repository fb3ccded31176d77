"""Where webhooks may go: an endpoint URL's host must be on `api.webhooks.allowedHosts`, and so must every
address it resolves to unless that address is public (so a name cannot lead Iris to a loopback or private one)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

from app.errors import ValidationError

__all__ = ["Allowed", "IPAddress", "Target", "check_addresses", "parse_url"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


@dataclass(frozen=True)
class Target:
    """An endpoint URL's host and port."""

    host: str
    port: int

    @property
    def literal(self) -> IPAddress | None:
        """The host as an IP address, when it is one."""
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None


class Allowed:
    """`api.webhooks.allowedHosts`: host names, IP addresses and CIDR networks."""

    def __init__(self, entries: Iterable[str]) -> None:
        self.names: set[str] = set()
        self.networks: list[IPNetwork] = []
        for entry in entries:
            text = entry.strip().lower().strip("[]")
            try:
                self.networks.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                self.names.add(text.rstrip("."))

    def lists_address(self, address: IPAddress) -> bool:
        """Whether the address is listed itself (as an address or within a listed network)."""
        return any(address.version == network.version and address in network for network in self.networks)

    def allows_host(self, target: Target) -> bool:
        """Whether the URL's host is listed (by name, or as an address)."""
        literal = target.literal
        if literal is not None:
            return self.lists_address(literal)
        return target.host in self.names

    def allows_address(self, target: Target, address: IPAddress) -> bool:
        """Whether the host may lead to this address: a public one, one listed itself, or loopback for a listed
        `localhost`."""
        if self.lists_address(address):
            return True
        if address.is_loopback:
            return target.host in LOOPBACK_NAMES and target.host in self.names
        return address.is_global and not address.is_multicast


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError(f"{field}: {message}", {"field": field})


def parse_url(url: str, allowed: Allowed, field: str = "url") -> Target:
    """The host and port of an endpoint URL whose host is allowed (ValidationError naming `field` otherwise)."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refused(field, "expected an http or https URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused(field, "expected an http or https URL")
    if parts.username is not None or parts.password is not None:
        raise _refused(field, "a webhook URL may not carry credentials")
    target = Target(parts.hostname.lower().rstrip("."), port or (443 if parts.scheme == "https" else 80))
    if not allowed.allows_host(target):
        raise _refused(field, f"host {target.host} is not in api.webhooks.allowedHosts")
    return target


async def check_addresses(target: Target, allowed: Allowed, field: str = "url") -> list[IPAddress]:
    """Resolve the host; every address must be allowed (ValidationError naming `field`, and the address, if not)."""
    literal = target.literal
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except OSError:
            raise _refused(field, f"host {target.host} does not resolve") from None
        addresses = []
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            if address not in addresses:
                addresses.append(address)
    for address in addresses:
        if not allowed.allows_address(target, address):
            raise _refused(
                field,
                f"host {target.host} resolves to {address}, which is not public and not in api.webhooks.allowedHosts",
            )
    return addresses
