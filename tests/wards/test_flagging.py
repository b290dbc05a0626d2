"""The sweeps raise each flag once: under repeated runs, under concurrent runs, and only for
rows whose due time has come."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from guests import services
from guests.deadlines import LOCAL_TZ
from guests.models import Declaration, RegisterClosing
from luutru.models import Role
from tests import factories as f
from wards.flags import sweeps as flagging
from wards.models import Flag, FlagKind, Notification, NotificationChannel


def stay(establishment, by, **fields) -> Declaration:
    # Foreigners arriving an hour ago are never late (12 hours): no LATE flag muddles counts.
    fields.setdefault("kind", "foreigner")
    return f.make_declaration(establishment=establishment, by=by, **fields)


def past_departure(establishment, by) -> Declaration:
    now = timezone.now()
    return stay(
        establishment,
        by,
        arrival=now - timedelta(hours=3),
        expected_departure=now - timedelta(minutes=5),
    )


@pytest.fixture
def people(alice, omar, cora, rita):
    for user in (alice, omar, cora):
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    return {"alice": alice, "omar": omar, "cora": cora, "rita": rita}


# --- overdue -----------------------------------------------------------------------------------


def test_it_flags_a_guest_past_departure_once(establishment, rita, people):
    declaration = past_departure(establishment, rita)

    assert flagging.sweep_overdue() == 1
    assert flagging.sweep_overdue() == 0

    flag = Flag.objects.get(kind=FlagKind.OVERDUE)
    assert (flag.declaration, flag.establishment, flag.ward) == (
        declaration,
        establishment,
        establishment.ward,
    )
    declaration.refresh_from_db()
    assert declaration.overdue_check_at is None


def test_a_stay_not_yet_due_is_not_touched(establishment, rita):
    declaration = stay(establishment, rita)
    due = declaration.overdue_check_at

    assert flagging.sweep_overdue(now=due - timedelta(seconds=1)) == 0

    declaration.refresh_from_db()
    assert declaration.overdue_check_at == due
    assert flagging.sweep_overdue(now=due) == 1


def test_a_guest_checked_out_is_not_flagged(establishment, rita):
    declaration = past_departure(establishment, rita)
    services.check_out(declarations=[declaration], at=timezone.now(), by=rita)

    assert flagging.sweep_overdue() == 0
    assert not Flag.objects.exists()


def test_a_resolved_flag_allows_a_new_one_later(establishment, rita, omar):
    declaration = past_departure(establishment, rita)
    assert flagging.sweep_overdue() == 1
    Flag.objects.update(resolved_at=timezone.now(), resolved_by=omar, resolution="Called them.")
    # A correction re-submits the stay: its departure is looked at again.
    services.correct_declaration(declaration=declaration, corrected_by=rita, data={"room": "202"})

    assert flagging.sweep_overdue() == 1

    assert Flag.objects.filter(kind=FlagKind.OVERDUE).count() == 2
    assert Flag.objects.filter(kind=FlagKind.OVERDUE, resolved_at__isnull=True).count() == 1


def test_it_works_through_batches(establishment, rita):
    for _ in range(5):
        past_departure(establishment, rita)
    assert flagging.sweep_overdue(batch_size=2) == 5
    assert flagging.sweep_overdue(batch_size=2) == 0
    assert not Declaration.objects.filter(overdue_check_at__isnull=False).exists()


# --- unreviewed and uncorrected ----------------------------------------------------------------


def test_it_flags_a_declaration_not_reviewed_in_the_window(establishment, rita, omar):
    declaration = stay(establishment, rita)
    reviewed = stay(establishment, rita)
    services.confirm_declaration(declaration=reviewed, officer=omar)
    window = timedelta(hours=establishment.ward.review_window_hours)

    assert flagging.sweep_unreviewed(now=declaration.filed_at + window - timedelta(minutes=1)) == 0
    assert flagging.sweep_unreviewed(now=declaration.filed_at + window) == 1
    assert flagging.sweep_unreviewed(now=declaration.filed_at + 2 * window) == 0

    assert list(Flag.objects.values_list("kind", "declaration")) == [
        (FlagKind.UNREVIEWED, declaration.pk)
    ]


def test_it_flags_a_returned_declaration_not_corrected_in_time(establishment, rita, omar):
    declaration = stay(establishment, rita)
    corrected = stay(establishment, rita)
    for d in (declaration, corrected):
        services.return_declaration(declaration=d, officer=omar, reason="Wrong passport number")
    services.correct_declaration(declaration=corrected, corrected_by=rita, data={"room": "9"})
    later = timezone.now() + timedelta(hours=establishment.ward.correction_window_hours + 1)

    assert flagging.sweep_uncorrected(now=later) == 1
    assert flagging.sweep_uncorrected(now=later) == 0

    flag = Flag.objects.get()
    assert (flag.kind, flag.declaration) == (FlagKind.UNCORRECTED, declaration)


# --- late --------------------------------------------------------------------------------------


def test_a_late_filing_is_flagged_with_the_filing(establishment, rita, people):
    now = timezone.now()
    late = stay(establishment, rita, arrival=now - timedelta(hours=13))
    stay(establishment, rita)

    assert late.late is True
    flag = Flag.objects.get()
    assert (flag.kind, flag.declaration) == (FlagKind.LATE, late)
    recipients = set(flag.notifications.values_list("recipient__username", "channel"))
    assert recipients == {
        (name, channel)
        for name in ("alice", "omar", "cora")
        for channel in (NotificationChannel.EMAIL, NotificationChannel.IN_APP)
    }


def test_a_late_filing_posted_twice_is_flagged_once(establishment, rita):
    key = uuid.uuid4()
    now = timezone.now()
    guest = {
        "full_name": "Jean Dupont",
        "sex": "M",
        "birth_date": date(1990, 1, 1),
        "nationality": "FR",
        "document_type": "passport",
        "document_number": "P12345678",
    }
    stay_fields = {
        "room": "1",
        "arrival": now - timedelta(hours=13),
        "expected_departure": now + timedelta(days=1),
    }
    for _ in range(2):
        services.file_declarations(
            establishment=establishment,
            filed_by=rita,
            kind="foreigner",
            guests=[guest],
            stay=stay_fields,
            submission_key=key,
        )
    assert Flag.objects.filter(kind=FlagKind.LATE).count() == 1


def test_a_late_row_of_a_csv_import_is_flagged_with_the_import(establishment, rita, people):
    from guests.deadlines import to_local
    from guests.imports import services as imports
    from tests.guests.helpers import FOREIGNER, make_csv

    now = to_local(timezone.now())
    late = FOREIGNER | {
        "arrival": (now - timedelta(hours=13)).strftime("%Y-%m-%d %H:%M"),
        "expected_departure": (now + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
    }
    on_time = late | {
        "document_number": "P7654321",
        "arrival": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
    }
    batch = imports.create_import_batch(
        establishment=establishment,
        uploaded_by=rita,
        filename="guests.csv",
        content=make_csv(late, on_time),
    )

    batch = imports.run_import(batch_id=batch.pk, language="en")

    assert batch.filed == 2, batch.errors
    flag = Flag.objects.get()
    assert flag.kind == FlagKind.LATE
    assert flag.declaration.late is True
    assert flag.notifications.filter(recipient=people["omar"]).count() == 2


# --- missing -----------------------------------------------------------------------------------


def local(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def test_it_flags_a_day_not_closed_by_the_cutoff(establishment, rita):
    day = timezone.localdate() - timedelta(days=10)
    establishment.__class__.objects.filter(pk=establishment.pk).update(
        created_at=local(day, 0) - timedelta(days=30)
    )
    RegisterClosing.objects.create(
        establishment=establishment,
        day=day - timedelta(days=1),
        foreigners=0,
        citizens=0,
        late=0,
        closed_by=rita,
        closed_at=local(day, 7),
    )
    at_cutoff = local(day + timedelta(days=1), 8)  # may still be closed at 08:00:00
    after_cutoff = at_cutoff + timedelta(seconds=1)

    raised_early = flagging.sweep_missing(now=at_cutoff)
    assert not Flag.objects.filter(day=day).exists()
    # Before the cutoff of ``day``: the two days before it were looked at; one was closed.
    assert raised_early == 2
    assert flagging.sweep_missing(now=after_cutoff) == 1
    assert flagging.sweep_missing(now=after_cutoff) == 0

    assert Flag.objects.filter(kind=FlagKind.MISSING, day=day).count() == 1
    assert not Flag.objects.filter(day=day - timedelta(days=1)).exists()


def test_a_resolved_missing_day_is_not_raised_again(establishment, omar):
    day = timezone.localdate() - timedelta(days=3)
    establishment.__class__.objects.filter(pk=establishment.pk).update(
        created_at=local(day, 0) - timedelta(days=1)
    )
    at = local(day + timedelta(days=1), 9)
    assert flagging.sweep_missing(now=at) >= 1
    Flag.objects.update(resolved_at=timezone.now(), resolved_by=omar, resolution="Power cut.")

    assert flagging.sweep_missing(now=at) == 0
    assert flagging.sweep_missing(now=at + timedelta(days=1)) == 1


def test_an_inactive_or_new_establishment_is_not_flagged_missing(ward):
    suspended = f.make_establishment(ward=ward, status="suspended")
    new = f.make_establishment(ward=ward)
    suspended.__class__.objects.filter(pk=suspended.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )

    # "new" was created today: no day of it has reached its cutoff yet.
    assert flagging.sweep_missing() == 0
    assert not Flag.objects.filter(establishment__in=[suspended, new]).exists()


# --- silent ------------------------------------------------------------------------------------


def busy(establishment, by, *, per_day: int, days: range) -> None:
    """``per_day`` filings on each of ``days`` days ago (bulk rows with their filed_at set)."""
    now = timezone.now()
    template = stay(establishment, by)
    rows = []
    for back in days:
        for i in range(per_day):
            row = Declaration.objects.get(pk=template.pk)
            row.pk = None
            row.submission_key = uuid.uuid4()
            row.document_number = f"S{back:03d}{i:04d}"
            row.departed_at = now
            row.filed_at = now - timedelta(days=back, hours=1)
            rows.append(row)
    Declaration.objects.bulk_create(rows)
    template.delete()


def test_it_flags_an_establishment_gone_silent(establishment, other_establishment, rita, ron):
    for e in (establishment, other_establishment):
        e.__class__.objects.filter(pk=e.pk).update(created_at=timezone.now() - timedelta(days=60))
    busy(establishment, rita, per_day=6, days=range(8, 36))
    busy(establishment, rita, per_day=1, days=range(1, 3))  # 2 in a week: < 6/5 a day
    busy(other_establishment, ron, per_day=6, days=range(1, 36))

    assert flagging.sweep_silent() == 1
    assert flagging.sweep_silent() == 0
    assert flagging.sweep_silent(now=timezone.now() + timedelta(days=2)) == 0

    flag = Flag.objects.get()
    assert (flag.kind, flag.establishment, flag.day) == (
        FlagKind.SILENT,
        establishment,
        timezone.localdate() - timedelta(days=1),
    )


def test_a_small_establishment_is_never_silent(establishment, rita):
    establishment.__class__.objects.filter(pk=establishment.pk).update(
        created_at=timezone.now() - timedelta(days=60)
    )
    busy(establishment, rita, per_day=4, days=range(8, 36))

    assert flagging.sweep_silent() == 0


# --- the outbox --------------------------------------------------------------------------------


def test_notifications_are_written_with_the_flag(establishment, rita, people):
    past_departure(establishment, rita)
    f.make_staff(establishment=establishment, role=Role.OWNER, username="olga")  # no e-mail

    flagging.sweep_overdue()

    flag = Flag.objects.get()
    rows = set(flag.notifications.values_list("recipient__username", "channel"))
    assert ("olga", NotificationChannel.IN_APP) in rows
    assert ("olga", NotificationChannel.EMAIL) not in rows
    assert ("rita", NotificationChannel.IN_APP) not in rows  # receptionists are not told
    assert len(rows) == 7
    assert not flag.notifications.filter(
        channel=NotificationChannel.IN_APP, sent_at__isnull=True
    ).exists()


def test_no_notification_outlives_a_rolled_back_flag(establishment, rita, people):
    declaration = past_departure(establishment, rita)

    with pytest.raises(RuntimeError), transaction.atomic():
        flagging.sweep_overdue()
        assert Notification.objects.exists()
        raise RuntimeError("the transaction fails after the insert")

    assert not Flag.objects.exists()
    assert not Notification.objects.exists()
    declaration.refresh_from_db()
    assert declaration.overdue_check_at is not None


def test_a_failing_outbox_write_leaves_no_flag(establishment, rita, people, monkeypatch):
    past_departure(establishment, rita)

    def broken(*args, **kwargs):
        raise RuntimeError("outbox write failed")

    monkeypatch.setattr(flagging, "notify_new_flags", broken)
    with pytest.raises(RuntimeError):
        flagging.sweep_overdue()

    assert not Flag.objects.exists()
    assert Declaration.objects.filter(overdue_check_at__isnull=False).count() == 1


# --- concurrency: two workers at once ----------------------------------------------------------


def run_together(sweep: Callable[[], int], n: int = 2) -> list[int]:
    barrier = threading.Barrier(n)
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            results.append(sweep())
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def setup_due(kind: str):
    ward = f.make_ward()
    establishment = f.make_establishment(ward=ward)
    rita = f.make_staff(establishment=establishment, username="rita")
    f.make_staff(establishment=establishment, role=Role.OWNER, username="alice", email="a@x.vn")
    omar = f.make_officer(ward=ward, username="omar", email="o@x.vn")
    later = timezone.now() + timedelta(days=3)
    if kind == FlagKind.MISSING:
        establishments = [f.make_establishment(ward=ward) for _ in range(30)]
        f.make_staff(establishment=establishments[0], role=Role.OWNER, username="olga")
        establishment.__class__.objects.update(created_at=timezone.now() - timedelta(days=30))
        return lambda: flagging.sweep_missing(batch_size=7), 31 * flagging.MISSING_LOOKBACK_DAYS
    declarations = [
        stay(establishment, rita, arrival=timezone.now() - timedelta(hours=2)) for _ in range(40)
    ]
    if kind == FlagKind.UNCORRECTED:
        for d in declarations:
            services.return_declaration(declaration=d, officer=omar, reason="Blurred photo")
    sweep = {
        FlagKind.OVERDUE: flagging.sweep_overdue,
        FlagKind.UNREVIEWED: flagging.sweep_unreviewed,
        FlagKind.UNCORRECTED: flagging.sweep_uncorrected,
    }[kind]
    return lambda: sweep(now=later, batch_size=7), 40


@pytest.mark.parametrize(
    "kind", [FlagKind.OVERDUE, FlagKind.UNREVIEWED, FlagKind.UNCORRECTED, FlagKind.MISSING]
)
def test_two_concurrent_sweeps_raise_each_flag_once(transactional_db, kind):
    sweep, expected = setup_due(kind)

    results = run_together(sweep)

    assert sum(results) == expected
    assert Flag.objects.filter(kind=kind).count() == expected
    duplicates = (
        Flag.objects.values("establishment", "declaration", "day")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    # One notification per flag, person and channel: nobody was told twice.
    assert (
        Notification.objects.filter(flag__kind=kind).count()
        == Notification.objects.filter(flag__kind=kind)
        .values("flag", "recipient", "channel")
        .distinct()
        .count()
    )
    assert run_together(sweep) == [0, 0]


def test_two_concurrent_silent_sweeps_raise_one_flag(transactional_db):
    ward = f.make_ward()
    establishment = f.make_establishment(ward=ward)
    rita = f.make_staff(establishment=establishment, username="rita")
    establishment.__class__.objects.update(created_at=timezone.now() - timedelta(days=60))
    busy(establishment, rita, per_day=6, days=range(8, 36))

    results = run_together(flagging.sweep_silent)

    assert sorted(results) == [0, 1]
    assert Flag.objects.filter(kind=FlagKind.SILENT).count() == 1


def test_every_beat_entry_names_a_registered_task():
    from django.conf import settings

    from luutru.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_a_lodging_approved_today_is_not_flagged_for_yesterday(establishment):
    today = timezone.localdate()
    establishment.__class__.objects.filter(pk=establishment.pk).update(
        created_at=local(today, 0) + timedelta(minutes=1)
    )

    assert flagging.sweep_missing(now=local(today, 9)) == 0
    assert not Flag.objects.filter(kind=FlagKind.MISSING).exists()
