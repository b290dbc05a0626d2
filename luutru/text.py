"""Text written for someone who is not the person making the request (an e-mail, a colleague's
notification, an error read later): kept lazy until it is known whose language to write in."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.utils.functional import Promise, lazy


def translatable(message: str | Promise, params: dict[str, Any] | None = None) -> str | Promise:
    """``message % params`` rendered when it is read, in the language active then."""
    if not params:
        return message
    # message % params, not str(message) % params: a lazy plural (ngettext_lazy, e.g. a
    # length limit) chooses its form from the params.
    return lazy(lambda: str(message % params), str)()


def fold(text: str) -> str:
    """A name folded for searching ("Nguyen Van A" finds "Nguyễn Văn A"): lower case,
    Vietnamese (and any Latin) accents removed, đ read as d, spaces collapsed.

    Done in Python, not with PostgreSQL's unaccent(), which is not immutable and so cannot back
    an index; the folded name is stored beside the name as typed."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
