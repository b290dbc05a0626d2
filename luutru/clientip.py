"""The address a request came from, as far as it can be trusted.

Behind the documented TLS proxy, REMOTE_ADDR is the proxy's address and the client's is in
X-Forwarded-For. Every proxy appends the address it received the request from, so with
`TRUSTED_PROXY_COUNT` proxies in front of us the client is the entry that many places from the
right; whatever stands further left was written by the client and is worth nothing. The login
throttle and the access log both rest on this, so a value that is not an address (or a header
with fewer entries than trusted hops) falls back to the connection's own address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR"))
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    return _address(forwarded[-hops]) or remote
