"""Resolving a flag."""

from __future__ import annotations

from datetime import datetime

from luutru.models import User

from ..models import Flag


def resolve_flag(*, flag: Flag, by: User, note: str, at: datetime) -> bool:
    """Resolve ``flag`` with ``note``; False if it had already been resolved. A compare-and-set:
    of an officer and an owner resolving at once, the first one counts. One statement, so
    no transaction of its own."""
    resolved = (
        Flag.objects.open()
        .filter(pk=flag.pk)
        .update(resolved_at=at, resolved_by=by, resolution=note)
    )
    return bool(resolved)
