"""The police's search within their ward: a document number exactly, or a name by its words.

Names are matched on `Declaration.name_key` (luutru.text.fold), each word with LIKE '%word%',
which the trigram GIN index `declaration_name_trgm` serves; a document number is matched by its
keyed hash (guests.documents) on the btree index `declaration_document_hash`, since the number
itself is stored encrypted. The terms are never written to the application's log: the access
log (wards.services.log_access) is their only record, a document number there masked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from establishments.models import Establishment
from guests import documents
from guests.models import Declaration
from luutru.models import Ward
from luutru.text import fold

RESULT_LIMIT = 50
MIN_NAME_LENGTH = 3

# Letters and digits only, at least one digit, 6 to 20 of them: a passport or other document
# number. A 12-digit personal identification number is covered by the same pattern.
DOCUMENT_LIKE = re.compile(r"(?=[A-Z0-9]*[0-9])[A-Z0-9]{6,20}")


class SearchKind:
    DOCUMENT = "document"
    NAME = "name"


@dataclass(frozen=True)
class ParsedQuery:
    kind: str
    # The normalised document number, or the folded words of a name.
    document_number: str = ""
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    kind: str
    declarations: list[Declaration]
    # More than RESULT_LIMIT rows matched: the officer should refine the search.
    truncated: bool

    @property
    def count(self) -> int:
        """What goes to the access log: the rows shown, plus one when there were more."""
        return len(self.declarations) + (1 if self.truncated else 0)


class QueryTooShort(ValueError):
    pass


def parse_query(query: str) -> ParsedQuery:
    """Tell a document number from a name. Document numbers are normalised as the desk's
    forms store them (guests.forms: stripped, upper case)."""
    text = query.strip()
    number = text.upper()
    if DOCUMENT_LIKE.fullmatch(number):
        return ParsedQuery(kind=SearchKind.DOCUMENT, document_number=number)
    folded = fold(text)
    if len(folded.replace(" ", "")) < MIN_NAME_LENGTH:
        raise QueryTooShort(query)
    return ParsedQuery(kind=SearchKind.NAME, words=tuple(folded.split()))


def _word_condition(word: str) -> Q:
    if len(word) >= MIN_NAME_LENGTH:
        return Q(name_key__contains=word)
    # A one- or two-letter word ("A" of "Nguyễn Văn A") has no trigram of its own and would
    # match nearly every name anywhere inside it: match it at the start of a word instead.
    # The longer words of the query narrow the rows through the index.
    return Q(name_key__startswith=word) | Q(name_key__contains=f" {word}")


def matching_declarations(*, ward: Ward, parsed: ParsedQuery) -> QuerySet[Declaration]:
    """Declarations of the ward's establishments matching the query, newest first."""
    # The ward's establishments are looked up first, as a list of ids: joined instead, the
    # planner tends to repeat the trigram index scan once per establishment of the ward.
    establishment_ids = list(Establishment.objects.filter(ward=ward).values_list("pk", flat=True))
    rows = Declaration.objects.filter(establishment_id__in=establishment_ids)
    if parsed.kind == SearchKind.DOCUMENT:
        rows = rows.filter(document_hash=documents.document_hash(parsed.document_number))
    else:
        for word in parsed.words:
            rows = rows.filter(_word_condition(word))
    return rows.select_related("establishment").order_by("-filed_at", "-id")


def search_declarations(*, ward: Ward, query: str) -> SearchResult:
    """Run one search for an officer of ``ward``. Raises QueryTooShort for a name of fewer than
    three letters."""
    parsed = parse_query(query)
    rows = list(matching_declarations(ward=ward, parsed=parsed)[: RESULT_LIMIT + 1])
    return SearchResult(
        kind=parsed.kind,
        declarations=rows[:RESULT_LIMIT],
        truncated=len(rows) > RESULT_LIMIT,
    )
