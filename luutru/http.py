"""Where a form may send the browser back to: the "next" target, checked once for every page."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

MAX_LENGTH = 2000


def safe_path(request: HttpRequest, target: str) -> str | None:
    """``target`` if it is a path of this site, else None.

    A path only, starting with one "/": not a bare word (redirect() would read "0" as a URL
    name and fail), not a scheme or a host, not "//host" (scheme-relative), and no backslash
    or control character anywhere (browsers read "/\\host" as "//host" and drop tabs and
    newlines, so "/\\t/host" is "//host" too; a newline would also break the Location header).
    """
    if not target or len(target) > MAX_LENGTH or not target.startswith("/"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    if any(unicodedata.category(char)[0] == "C" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return target


def safe_next(request: HttpRequest, default: str) -> str:
    """The request's "next" (posted, else in the query string) if it is a path of this site,
    else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return safe_path(request, target) or default


def is_id(value: str) -> bool:
    """Whether a posted id is one int() reads and a bigint column could hold: ASCII digits
    only ("²" passes isdigit() and fails int()), and not thousands of them (int() refuses
    more than 4300)."""
    return value.isascii() and value.isdigit() and len(value) <= 18
