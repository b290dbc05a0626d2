"""Writing the access log: every police search and every opening of a declaration."""

from __future__ import annotations

from django.http import HttpRequest

from guests import documents
from guests.models import Declaration
from luutru.clientip import client_ip
from luutru.models import Ward

from .models import AccessAction, AccessLog


def log_access(
    request: HttpRequest,
    *,
    ward: Ward,
    action: AccessAction,
    declaration: Declaration | None = None,
    query: str = "",
    document: bool = False,
    results: int | None = None,
) -> AccessLog:
    """Append one row to the access log (it cannot be changed afterwards: a trigger refuses
    UPDATE and DELETE). The search terms go here and nowhere else: not to the application's
    log. A ``document`` query is a passport or ID number: it is stored masked and hashed."""
    query_hash = ""
    if document:
        query_hash = documents.document_hash(query)
        query = documents.mask(documents.normalise(query))
    return AccessLog.objects.create(
        user=request.user,
        ward=ward,
        action=action,
        declaration=declaration,
        query=query[:200],
        query_hash=query_hash,
        results=results,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
