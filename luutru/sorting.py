"""Tables sorted by a column header: which columns the query string may name, what each
header links to next, and which way a column reads first. The board, the statistics and the
owner's audit share it, with templates/_sort_link.html for the header."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sorting:
    # The keys the query string may say (whitelisted: never passed to the database as typed).
    keys: tuple[str, ...]
    default: str
    # Columns read from the largest or newest first (figures, dates); the others from A.
    descending_first: frozenset[str] = frozenset()

    def clean(self, sort: str | None) -> str:
        """``sort`` if it names a column (with an optional "-"), else the default."""
        if sort and sort.removeprefix("-") in self.keys:
            return sort
        return self.default

    def parse(self, sort: str | None) -> tuple[str, bool]:
        """``"-late"`` → ("late", True)."""
        sort = self.clean(sort)
        return sort.removeprefix("-"), sort.startswith("-")

    def links(self, sort: str | None) -> dict[str, dict[str, str]]:
        """For each column: the sort its header links to (the current column again reverses
        it) and the direction it is sorted in now ("asc", "desc" or "")."""
        current, descending = self.parse(sort)
        links = {}
        for key in self.keys:
            if key == current:
                links[key] = {
                    "next": key if descending else f"-{key}",
                    "direction": "desc" if descending else "asc",
                }
            else:
                first = f"-{key}" if key in self.descending_first else key
                links[key] = {"next": first, "direction": ""}
        return links
