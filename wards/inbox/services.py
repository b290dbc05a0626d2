"""The beats of a ward: created and filled by its commander."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from establishments.models import Establishment
from luutru.models import Beat, Officer, Ward


@transaction.atomic
def create_beat(*, ward: Ward, name: str) -> Beat:
    return Beat.objects.create(ward=ward, name=name.strip())


@transaction.atomic
def assign_beat(
    *, beat: Beat, establishments: Iterable[Establishment], officers: Iterable[Officer]
) -> None:
    """Make the beat hold exactly these establishments and officers (all of its ward): those
    no longer chosen leave the beat, those chosen leave any other beat they were in."""
    establishment_ids = {e.pk for e in establishments}
    officer_ids = {o.pk for o in officers}
    ward_establishments = Establishment.objects.filter(ward=beat.ward_id)
    ward_establishments.filter(beat=beat).exclude(pk__in=establishment_ids).update(beat=None)
    ward_establishments.filter(pk__in=establishment_ids).update(beat=beat)
    ward_officers = Officer.objects.filter(ward=beat.ward_id)
    ward_officers.filter(beat=beat).exclude(pk__in=officer_ids).update(beat=None)
    ward_officers.filter(pk__in=officer_ids).update(beat=beat)
