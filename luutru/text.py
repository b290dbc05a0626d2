"""Text written for someone who is not the person making the request (an e-mail, a colleague's
notification, an error read later): kept lazy until it is known whose language to write in."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise, lazy


def translatable(message: str | Promise, params: dict[str, Any] | None = None) -> str | Promise:
    """``message % params`` rendered when it is read, in the language active then."""
    if not params:
        return message
    # message % params, not str(message) % params: a lazy plural (ngettext_lazy, e.g. a
    # length limit) chooses its form from the params.
    return lazy(lambda: str(message % params), str)()
