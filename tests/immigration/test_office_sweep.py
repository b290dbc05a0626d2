"""The deadline sweep (Law 47/2014: five working days): only the due rows, flagged once, the
province's officers told, through the partial index immigration_due."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from immigration import sweeps
from immigration.models import Application, State
from luutru.celery import app
from tests import factories as f
from wards.models import Notification, NotificationChannel


def waiting(establishment, alice, *, due_in: timedelta, state=State.SUBMITTED) -> Application:
    application = f.make_immigration_application(establishment=establishment, by=alice, state=state)
    Application.objects.filter(pk=application.pk).update(due_at=timezone.now() + due_in)
    return Application.objects.get(pk=application.pk)


def flagged() -> set[int]:
    return set(Application.objects.filter(overdue_at__isnull=False).values_list("pk", flat=True))


def test_it_flags_only_the_waiting_applications_past_their_deadline(establishment, alice, ivan):
    due = waiting(establishment, alice, due_in=-timedelta(minutes=1))
    due_accepted = waiting(establishment, alice, due_in=-timedelta(days=2), state=State.ACCEPTED)
    not_yet = waiting(establishment, alice, due_in=timedelta(hours=1))
    with_applicant = waiting(
        establishment, alice, due_in=-timedelta(days=3), state=State.INFO_REQUESTED
    )
    decided = waiting(establishment, alice, due_in=-timedelta(days=3), state=State.REFUSED)
    Notification.objects.all().delete()

    assert sweeps.sweep_overdue() == 2

    assert flagged() == {due.pk, due_accepted.pk}
    for untouched in (not_yet, with_applicant, decided):
        assert Application.objects.get(pk=untouched.pk).overdue_at is None


def test_it_flags_once_however_often_it_runs(establishment, alice, ivan):
    ivan.email = "ivan@xnc.example.vn"
    ivan.save(update_fields=["email"])
    application = waiting(establishment, alice, due_in=-timedelta(hours=1))
    Notification.objects.all().delete()

    assert sweeps.sweep_overdue() == 1
    first = Application.objects.get(pk=application.pk).overdue_at
    assert sweeps.sweep_overdue() == 0
    assert sweeps.sweep_overdue(now=timezone.now() + timedelta(days=30)) == 0

    assert Application.objects.get(pk=application.pk).overdue_at == first
    assert sorted(Notification.objects.values_list("recipient__username", "channel")) == [
        ("ivan", NotificationChannel.EMAIL),
        ("ivan", NotificationChannel.IN_APP),
    ]
    notification = Notification.objects.get(channel=NotificationChannel.IN_APP)
    assert application.reference in notification.subject
    assert notification.url == f"/immigration/office/{application.pk}/"


def test_it_tells_the_officers_of_the_application_s_province_only(establishment, alice, ivan):
    elsewhere = f.make_other_province()
    hue_officer = f.make_immigration_officer(province=elsewhere)
    hue_sponsor = f.make_sponsor(province=elsewhere)
    theirs = f.make_immigration_application(
        sponsor=hue_sponsor, by=f.make_sponsor_account(sponsor=hue_sponsor), state=State.SUBMITTED
    )
    Application.objects.filter(pk=theirs.pk).update(due_at=timezone.now() - timedelta(days=1))
    waiting(establishment, alice, due_in=-timedelta(days=1))
    Notification.objects.all().delete()

    assert sweeps.sweep_overdue() == 2

    assert Notification.objects.filter(recipient=ivan).count() == 1
    assert Notification.objects.filter(recipient=hue_officer).count() == 1


def test_a_resubmission_starts_a_new_deadline_that_can_be_flagged_again(establishment, alice, ivan):
    from immigration.services import transition

    application = waiting(establishment, alice, due_in=-timedelta(hours=1))
    sweeps.sweep_overdue()
    transition(application, State.INFO_REQUESTED, actor=ivan, info_request="More.")
    transition(application, State.RESUBMITTED, actor=alice)

    assert Application.objects.get(pk=application.pk).overdue_at is None
    assert sweeps.sweep_overdue() == 0  # the new deadline is five working days away
    assert sweeps.sweep_overdue(now=timezone.now() + timedelta(days=15)) == 1


def test_it_reads_the_due_rows_through_the_partial_index(db):
    plan = sweeps.due(timezone.now()).explain()

    assert "immigration_due" in plan


def test_it_works_through_batches(establishment, alice, ivan, monkeypatch):
    monkeypatch.setattr(sweeps, "BATCH", 2)
    for _n in range(5):
        waiting(establishment, alice, due_in=-timedelta(hours=1))

    assert sweeps.sweep_overdue() == 5
    assert len(flagged()) == 5


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_flag_each_application_once(establishment, alice, ivan):
    for _n in range(6):
        waiting(establishment, alice, due_in=-timedelta(hours=1))
    Notification.objects.all().delete()
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def work() -> None:
        barrier.wait()
        try:
            counts.append(sweeps.sweep_overdue())
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(counts) == 6
    assert Notification.objects.filter(recipient=ivan).count() == 6


def test_the_task_is_registered_and_scheduled(settings):
    from immigration import tasks

    assert tasks.sweep_overdue.name == "immigration.sweep_overdue"
    assert "immigration.sweep_overdue" in app.tasks
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "immigration.sweep_overdue" in entries
