"""Finding a ward by what a person types: "hoan kiem", "Hàng Bạc", "da nang".

The application form asks for this instead of listing all 3,321 wards in the page. The rules
are those the page's other search boxes use (static/js/searchable-select.js): accents and case
ignored, each typed word must begin a word of the ward's name or of its province, and the
ward type ("Phường", "Xã", "Đặc khu", "Thị trấn") may be left out. Exact names come first, then
names that begin with what was typed, then names containing it at a word, then the rest.

The matching is in Python over a list kept in the process: 3,321 short rows cost a few
milliseconds to scan, and are read again only when the list changed (see entries).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from django.db.models import Count, Max

from luutru.models import Ward
from luutru.text import fold

MAX_RESULTS = 20
MAX_QUERY_LENGTH = 100
WARD_LIST_SECONDS = 600
WARD_TYPE = re.compile(r"^(phuong|xa|dac khu|thi tran) ")


@dataclass(frozen=True)
class Entry:
    pk: int
    name: str
    province: str
    names: tuple[str, ...]  # the folded name, with and without its type
    tokens: tuple[str, ...]  # the folded words of the name and the province
    name_tokens: tuple[str, ...]
    province_tokens: tuple[str, ...]
    sort_key: tuple[str, str]


@dataclass(frozen=True)
class Match:
    pk: int
    name: str
    province: str
    exact: bool

    @property
    def label(self) -> str:
        return ward_label(self.name, self.province)


def ward_label(name: str, province: str) -> str:
    return f"{name} — {province}"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def _entry(pk: int, name: str, province: str) -> Entry:
    folded = " ".join(_words(name))
    bare = WARD_TYPE.sub("", folded)
    return Entry(
        pk=pk,
        name=name,
        province=province,
        names=tuple(dict.fromkeys([folded, bare])),
        tokens=tuple(_words(name) + _words(province)),
        name_tokens=tuple(_words(name)),
        province_tokens=tuple(_words(province)),
        sort_key=(fold(province), fold(name)),
    )


_cache: tuple[float, tuple[int, int | None], list[Entry]] | None = None


def entries() -> list[Entry]:
    """The wards, read again when their count or highest id changed (a reload of the
    official list, a test's own wards) or after WARD_LIST_SECONDS (a renamed ward)."""
    global _cache
    now = time.monotonic()
    signature = tuple(Ward.objects.aggregate(n=Count("pk"), last=Max("pk")).values())
    if _cache is None or _cache[1] != signature or now - _cache[0] > WARD_LIST_SECONDS:
        rows = Ward.objects.values_list("pk", "name", "province__name")
        _cache = (now, signature, [_entry(*row) for row in rows])
    return _cache[2]


def rank(entry: Entry, query: str, query_words: list[str]) -> int | None:
    """0: the name itself; 1: the name begins with the query; 2: the query begins a word of
    the name; 3: every typed word begins a word of the name or the province; None: no match."""
    if query in entry.names:
        return 0
    if any(name.startswith(query) for name in entry.names):
        return 1
    if any(f" {query}" in f" {name}" for name in entry.names):
        return 2
    if all(any(token.startswith(word) for token in entry.tokens) for word in query_words):
        return 3
    return None


@dataclass(frozen=True)
class Found:
    matches: list[Match]
    count: int  # how many matched in all
    closest: bool  # nothing had every word: the wards sharing most of them


def search(text: str, *, limit: int = MAX_RESULTS) -> Found:
    """The best ``limit`` wards for ``text``. When no ward has every typed word (a name from
    before the 2025 mergers, "Hàng Bạc"; a typo in one word), the wards whose names share the
    most words with it, never marked exact, so that the applicant sees the nearest names."""
    query_words = _words(text[:MAX_QUERY_LENGTH])
    if not query_words:
        return Found([], 0, closest=False)
    query = " ".join(query_words)
    ranked = []
    for entry in entries():
        score = rank(entry, query, query_words)
        if score is not None:
            ranked.append(((score,), entry.sort_key, entry))
    closest = not ranked
    if closest:
        for entry in entries():
            in_name = sum(
                any(token.startswith(word) for token in entry.name_tokens) for word in query_words
            )
            if in_name:
                in_province = sum(
                    any(token.startswith(word) for token in entry.province_tokens)
                    for word in query_words
                )
                ranked.append(((-in_name, -in_province), entry.sort_key, entry))
    ranked.sort(key=lambda item: item[:2])
    best = [
        Match(
            pk=entry.pk,
            name=entry.name,
            province=entry.province,
            exact=not closest and score == (0,),
        )
        for score, _key, entry in ranked[:limit]
    ]
    return Found(best, len(ranked), closest=closest)
