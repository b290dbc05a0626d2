"""Guests' data is purged after the retention period (Law 91/2025)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from guests import retention, services
from guests.models import Declaration, DeclarationVersion, ImportBatch, ReviewEvent
from tests import factories as f
from wards.models import AccessAction, AccessLog, Flag
from wards.services import log_access

pytestmark = pytest.mark.django_db


def departed(establishment, rita, *, days_ago: int, **fields):
    arrival = timezone.now() - timedelta(days=days_ago + 2)
    d = f.make_declaration(establishment=establishment, by=rita, arrival=arrival, **fields)
    services.check_out(declarations=[d], at=arrival + timedelta(days=2), by=rita)
    return d


def test_it_purges_a_declaration_the_retention_period_after_departure(
    settings, establishment, rita, omar, rf
):
    settings.GUEST_DATA_RETENTION_DAYS = 30
    old = departed(establishment, rita, days_ago=31)
    services.confirm_declaration(declaration=old, officer=omar)
    request = rf.get("/")
    request.user = omar
    log_access(request, ward=establishment.ward, action=AccessAction.VIEW, declaration=old)
    recent = departed(establishment, rita, days_ago=29)
    staying = f.make_declaration(establishment=establishment, by=rita)

    assert retention.purge_expired() == 1

    assert set(Declaration.objects.values_list("pk", flat=True)) == {recent.pk, staying.pk}
    assert not DeclarationVersion.objects.filter(declaration_id=old.pk).exists()
    assert not ReviewEvent.objects.filter(declaration_id=old.pk).exists()
    # The trail of who opened it stays, naming it by id only.
    assert AccessLog.objects.filter(declaration_id=old.pk).count() == 1


def test_it_purges_the_flags_of_a_purged_declaration(settings, establishment, rita):
    settings.GUEST_DATA_RETENTION_DAYS = 30
    old = departed(establishment, rita, days_ago=40)
    Flag.objects.create(
        kind="overdue",
        establishment=establishment,
        ward=establishment.ward,
        declaration=old,
        raised_at=timezone.now() - timedelta(days=41),
    )
    retention.purge_expired()
    assert not Flag.objects.filter(declaration_id=old.pk).exists()


def test_it_purges_old_uploaded_files(settings, establishment, rita):
    settings.GUEST_DATA_RETENTION_DAYS = 30
    for days, sha in ((31, "a"), (5, "b")):
        ImportBatch.objects.create(
            establishment=establishment,
            uploaded_by=rita,
            uploaded_at=timezone.now() - timedelta(days=days),
            filename=f"{sha}.csv",
            sha256=sha * 64,
            content=b"kind,full_name\n",
        )
    retention.purge_expired()
    assert list(ImportBatch.objects.values_list("filename", flat=True)) == ["b.csv"]


def test_it_works_through_many_batches(settings, establishment, rita, monkeypatch):
    settings.GUEST_DATA_RETENTION_DAYS = 1
    monkeypatch.setattr(retention, "BATCH", 2)
    for _ in range(5):
        departed(establishment, rita, days_ago=3)
    assert retention.purge_expired() == 5
    assert not Declaration.objects.exists()
