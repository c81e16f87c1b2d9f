"""Where the service sends requests of its own (a webhook's deliveries): never, unless the deployment
allows it, to an address of the service's own machine or network — loopback, private, link-local,
shared, multicast, reserved, unspecified. Whoever may add a webhook could otherwise make the server
call its database port, a cloud's metadata address or an intranet system and read what it answers.

A webhook's address is checked when it is made and again at every delivery, and the delivery
connects to the very address it checked (:func:`pinned`): a name that resolved to a public address
when checked cannot be made to resolve to 127.0.0.1 a moment later for the connection (DNS
rebinding). An https delivery still presents the name and checks the certificate against it.

``LIAISON_WEBHOOK_ALLOW_NETWORKS`` (comma-separated, e.g. ``10.20.0.0/16,127.0.0.1``) lets a
deployment send to networks of its own — an OA system on the office's intranet; the tests' receiver
on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from liaison_web.errors import InvalidRequest
from liaison_web.masking import masked_url

__all__ = ["ALLOW_SETTING", "Address", "allowed_networks", "checked", "forbidden", "pinned", "unpin"]

ALLOW_SETTING = "LIAISON_WEBHOOK_ALLOW_NETWORKS"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def allowed_networks() -> tuple[Network, ...]:
    from django.conf import settings

    return tuple(ipaddress.ip_network(n, strict=False) for n in getattr(settings, ALLOW_SETTING, ()))


def forbidden(address: Address, allowed: Sequence[Network] = ()) -> bool:
    """``address`` is one the service must not send to (the deployment's ``allowed`` networks apart)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if any(address.version == n.version and address in n for n in allowed):
        return False
    return (address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified or not address.is_global)


# The refusals name the address masked (:func:`~liaison_web.masking.masked_url`: no user, password or
# query): a delivery's refusal is kept as its attempt's error, which every reader of the deliveries reads.
def _refused(url: str, host: str, address: Address) -> InvalidRequest:
    url = masked_url(url)
    return InvalidRequest(
        f"{url!r}: {host} is {address}, an address of the service's own machine or network (loopback, "
        "private, link-local, multicast or reserved): the service sends nothing there",
        path=("url",), fix=f"give the OA system's address reachable from the internet, or let the deployment allow "
        f"its network ({ALLOW_SETTING}, docs/service.md)",
        message_zh=f"{url!r}：{host} 的地址为 {address}，属于本机或内部网络（回环、私有、链路本地、组播或保留地址），"
                   "服务不向该地址发送",
        fix_zh=f"请给出可从互联网访问的办公系统地址，或由部署方在 {ALLOW_SETTING} 中允许该网段（见 docs/service.md）")


def _unresolved(url: str, host: str, problem: str) -> InvalidRequest:
    url = masked_url(url)
    return InvalidRequest(f"{url!r}: {host} does not resolve to an address ({problem})", path=("url",),
                          fix="check the name of the OA system's host, and the server's DNS",
                          message_zh=f"{url!r}：无法解析 {host} 的地址（{problem}）",
                          fix_zh="请检查办公系统的主机名及服务器的域名解析")


def checked(url: str, *, unresolved_ok: bool = False) -> Address | None:
    """The address to connect to for ``url``: every address its host resolves to must be allowed (a
    name with one forbidden address among public ones is refused: which is used is not ours to
    choose). A name that does not resolve is :class:`InvalidRequest`, or ``None`` with
    ``unresolved_ok`` (when a webhook is made: the OA system's name may resolve only later; each
    delivery checks again)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        literal: Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    found: list[Address]
    if literal is not None:
        found = [literal]
    else:
        try:
            infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                       type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            if unresolved_ok:
                return None
            raise _unresolved(url, host, str(exc)) from None
        found = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))
    allowed = allowed_networks()
    for address in found:
        if forbidden(address, allowed):
            raise _refused(url, host, address)
    if not found:
        if unresolved_ok:
            return None
        raise _unresolved(url, host, "no address")
    return found[0]


def pinned(session: Any, url: str, address: Address) -> tuple[str, dict[str, str], str | None]:
    """``url`` with its host replaced by ``address`` (the one checked), the ``Host`` header naming the
    host, and — for https — the adapter prefix mounted on ``session`` that presents the name (SNI)
    and verifies the certificate against it (the caller unmounts it: :func:`unpin`)."""
    import requests.adapters

    parts = urlsplit(url)
    userinfo, _, named = parts.netloc.rpartition("@")
    host = f"[{address}]" if address.version == 6 else str(address)
    netloc = (f"{userinfo}@" if userinfo else "") + host + (f":{parts.port}" if parts.port else "")
    target = urlunsplit(parts._replace(netloc=netloc))
    prefix = None
    if parts.scheme == "https":
        hostname = parts.hostname or ""

        class Pinned(requests.adapters.HTTPAdapter):
            def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None) -> Any:
                params, kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
                # urllib3's own pool keys: the name for SNI and for matching the certificate
                return params, {**kwargs, "server_hostname": hostname, "assert_hostname": hostname}

        prefix = f"https://{netloc}/".lower()
        session.mount(prefix, Pinned())
    return target, {"Host": named}, prefix


def unpin(session: Any, prefix: str | None) -> None:
    if prefix is not None:
        adapter = session.adapters.pop(prefix, None)
        if adapter is not None:
            adapter.close()
