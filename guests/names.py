"""Names folded for searching: "Nguyen Van A" finds "Nguyễn Văn A"."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case, Vietnamese (and any Latin) accents removed, đ read as d, spaces collapsed.

    Done in Python, not with PostgreSQL's unaccent(), which is not immutable and so cannot back
    an index; the folded name is stored beside the name as typed."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())
