"""Webhook targets: parsed with a real URL parser, and never a non-public address (SSRF).

A merchant chooses where the worker POSTs. Unchecked, that lets anyone with an API key make the
worker, from inside the network, call what only the network can reach: the Temporal frontend,
the simulator's admin API, cloud metadata at 169.254.169.254. Registration refuses URLs that are
malformed, carry credentials, or name a non-public address or a local-only name. Host names are
not resolved then (the answer could change the next second); delivery resolves them, refuses
non-public answers, and connects to the very address it checked, so a DNS answer that changes
between check and connection (DNS rebinding) cannot redirect it. ``allow_private`` lifts the
address rules for local development only (``make up``'s demo receiver is on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import re
import socket
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address
from urllib.parse import SplitResult, urlsplit

IPAddress = IPv4Address | IPv6Address

# Host (bracketed IPv6 or name/IPv4 characters) and an optional decimal port; no userinfo.
_NETLOC = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::([0-9]{1,5}))?")
_LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")
_LOCAL_NAMES = ("localhost", "local", "internal", "localdomain", "home.arpa")
_KINDS = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_reserved", "reserved"),
    ("is_private", "private"),
)


class TargetRefused(ValueError):
    """Why a URL may not receive webhooks; the message never repeats the URL."""


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """A checked URL: its parts, and the address if the host is an IP literal."""

    parts: SplitResult
    host: str
    port: int
    ip: IPAddress | None


def non_public_kind(ip: IPAddress) -> str | None:
    """``loopback``, ``private``, ... for an address webhooks must not reach; None if public.

    IPv6 forms that embed an IPv4 address (mapped, 6to4, Teredo) are judged by it; NAT64's
    64:ff9b::/96 lies in ::/8, which is reserved as a whole.
    """
    if isinstance(ip, IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and (kind := non_public_kind(embedded)):
            return kind
    for attribute, kind in _KINDS:
        if getattr(ip, attribute):
            return kind
    return None if ip.is_global else "non-public"


def _refuse_kind(kind: str) -> TargetRefused:
    article = "an" if kind[0] in "aeiou" else "a"
    return TargetRefused(
        f"url points to {article} {kind} address; webhooks go to public addresses only"
    )


def check_url(url: str, *, allow_private: bool) -> WebhookTarget:
    """Parse and check a webhook URL.

    Raises:
        TargetRefused: With a specific reason: malformed, not http(s), credentials, bad port
            or host, or (unless ``allow_private``) a non-public address or local-only name.
    """
    if not url.isascii():
        raise TargetRefused("url must be ASCII (punycode host names, percent-encode the rest)")
    if any(ch <= " " or ch == "\x7f" for ch in url):
        raise TargetRefused("url must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise TargetRefused("url is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not url.lower().startswith(f"{parts.scheme}://"):
        raise TargetRefused("url must start with http:// or https://")
    if "@" in parts.netloc:
        raise TargetRefused("url must not contain credentials (user:password@)")
    netloc = _NETLOC.fullmatch(parts.netloc)
    if netloc is None:
        raise TargetRefused("url must name a valid host, with an optional numeric port")
    port = int(netloc[2]) if netloc[2] else (443 if parts.scheme == "https" else 80)
    if not 1 <= port <= 65535:
        raise TargetRefused("url port must be between 1 and 65535")
    host, ip = _host(netloc[1])
    if not allow_private:
        kind = non_public_kind(ip) if ip is not None else None
        if kind:
            raise _refuse_kind(kind)
        if ip is None and any(host == n or host.endswith(f".{n}") for n in _LOCAL_NAMES):
            raise TargetRefused("url names a local-only host; webhooks go to public hosts only")
    return WebhookTarget(parts, host, port, ip)


def _host(text: str) -> tuple[str, IPAddress | None]:
    """The lowercased host and its address if it is an IP literal."""
    if text.startswith("["):
        try:
            return text[1:-1].lower(), IPv6Address(text[1:-1])
        except ValueError:
            raise TargetRefused("url has an invalid IPv6 address") from None
    host = text.lower()
    try:
        return host, IPv4Address(host)
    except ValueError:
        pass
    name = host.removesuffix(".")
    labels = name.split(".")
    # The last label must start with a letter: "127.1", "0x7f.1" or "2130706433" are not names,
    # and resolvers would read them as IPv4 addresses the checks above never saw.
    if len(name) > 253 or not all(_LABEL.fullmatch(x) for x in labels):
        raise TargetRefused("url must name a valid host name or IP address")
    if not labels[-1][0].isalpha():
        raise TargetRefused("url must name a valid host name or IP address")
    return name, None


async def public_address(target: WebhookTarget) -> IPAddress:
    """The address to connect to: the literal, or the host's DNS answer if all of it is public.

    Raises:
        TargetRefused: If any address the name resolves to is not public.
        OSError: If the name does not resolve (worth retrying).
    """
    if target.ip is not None:
        return target.ip
    addresses = await resolve(target.host, target.port)
    if not addresses:
        raise OSError("no address")
    # Every answer must be public: which one a later connection would pick is not ours to know.
    for address in addresses:
        if kind := non_public_kind(address):
            raise _refuse_kind(kind)
    return addresses[0]


async def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses ``host`` resolves to now (IPv6 zone ids dropped)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ip_address(str(info[4][0]).partition("%")[0]) for info in infos]


def pinned(target: WebhookTarget, address: IPAddress) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL with ``address`` as its host, the ``Host`` header, and the TLS server name.

    Connecting to the checked address (not the name again) closes the DNS rebinding window;
    ``Host`` and SNI keep the original name, so virtual hosts and certificates still match.
    """
    if target.ip is not None:
        return target.parts.geturl(), {}, {}
    literal = f"[{address}]" if isinstance(address, IPv6Address) else str(address)
    default = 443 if target.parts.scheme == "https" else 80
    suffix = "" if target.port == default else f":{target.port}"
    url = target.parts._replace(netloc=f"{literal}:{target.port}").geturl()
    extensions = {"sni_hostname": target.host} if target.parts.scheme == "https" else {}
    return url, {"Host": target.host + suffix}, extensions


__all__ = [
    "IPAddress",
    "TargetRefused",
    "WebhookTarget",
    "check_url",
    "non_public_kind",
    "pinned",
    "public_address",
]
