from __future__ import annotations

import re
from base64 import b32decode
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from establishments.models import Application, ApplicationStatus, Establishment, Kind, Staff
from luutru.models import ImmigrationOfficer, Officer, Role, User
from portal import demo


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


def demo_logins() -> str:
    out = StringIO()
    call_command("demo_logins", url="http://127.0.0.1:8000/", no_color=True, stdout=out)
    return out.getvalue()


# The two tests without a demo come first: the module's demo is loaded at the first test that
# asks for it and stays until the module ends.
def test_it_refuses_to_load_on_a_server_without_debug(db):
    with override_settings(DEBUG=False), pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_demo_logins_says_when_there_is_no_demo(db):
    with pytest.raises(CommandError):
        demo_logins()


@pytest.fixture(scope="module")
def demo_for_the_module(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (it takes seconds) inside a transaction that is
    rolled back when the module ends. Each test's own transaction is a savepoint in it, so
    what a test changes is undone as usual, and nothing the load enqueued after commit ever
    runs."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        load_demo()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def loaded(demo_for_the_module, db):
    pass


def test_it_fills_hoan_kiem_with_lodgings_of_every_kind_each_with_two_accounts(loaded):
    establishments = Establishment.objects.filter(
        ward__name="Phường Hoàn Kiếm", ward__province__name="Thành phố Hà Nội"
    )
    assert 90 <= establishments.count() <= 110
    assert set(establishments.values_list("kind", flat=True)) == set(Kind.values)
    for establishment in establishments.prefetch_related("staff__user"):
        roles = sorted(s.user.role for s in establishment.staff.all())
        assert roles == [Role.OWNER, Role.RECEPTIONIST], establishment
    assert not establishments.filter(kind=Kind.PRIVATE_HOME).exclude(
        business_registration_number=""
    )
    assert not establishments.exclude(kind=Kind.PRIVATE_HOME).filter(
        business_registration_number=""
    )
    assert not establishments.filter(kind=Kind.HOTEL, star_rating__isnull=True)


def test_it_gives_the_ward_officers_something_to_approve(loaded):
    officer = User.objects.get(username=demo.OFFICER)
    assert Officer.objects.get(user=officer).ward.name == "Phường Hoàn Kiếm"
    assert User.objects.get(username=demo.COMMANDER).role == Role.WARD_COMMANDER
    assert Application.objects.filter(
        ward__name="Phường Hoàn Kiếm", status=ApplicationStatus.PENDING
    ).exists()
    immigration = ImmigrationOfficer.objects.get(user__username=demo.IMMIGRATION)
    assert immigration.province.name == "Thành phố Hà Nội"
    admin = User.objects.get(username=demo.ADMIN)
    assert (admin.role, admin.is_staff, admin.is_superuser) == (Role.SITE_ADMIN, True, True)


def test_every_demo_account_logs_in_with_the_demo_password(loaded):
    # One hash shared by every account: checking it once checks them all.
    assert User.objects.values("password").distinct().count() == 1
    for _label, username in demo.SHOWCASE:
        assert User.objects.get(username=username).check_password(demo.PASSWORD), username


def test_a_second_factor_is_set_up_where_it_is_required(loaded):
    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    for user in User.objects.select_related("staff__establishment"):
        assert (user.pk in with_device) == user.requires_second_factor(), user.username
    frontdesk = User.objects.get(username=demo.RECEPTIONIST_NO_2FA)
    assert frontdesk.staff.establishment.receptionist_2fa_required is False
    assert User.objects.get(username=demo.RECEPTIONIST).requires_second_factor()


def test_it_loads_once(loaded):
    counts = (User.objects.count(), Establishment.objects.count(), Staff.objects.count())

    output = load_demo()

    assert "already loaded" in output
    assert (User.objects.count(), Establishment.objects.count(), Staff.objects.count()) == counts


def test_a_printed_totp_secret_verifies_against_the_device(loaded):
    output = demo_logins()

    block = output.split(demo.OFFICER, 1)[1]
    secret = re.search(r"TOTP secret\s+([A-Z2-7 ]+)\n", block).group(1).replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    code = TOTP(key).token()
    device = TOTPDevice.objects.get(user__username=demo.OFFICER)
    assert device.verify_token(f"{code:06d}")


def test_the_demo_secrets_are_the_same_on_every_run(loaded):
    device = TOTPDevice.objects.get(user__username=demo.COMMANDER)

    assert device.key == demo.totp_key(demo.COMMANDER)
    assert demo.base32_secret(device.key) in demo_logins()


def test_it_prints_one_login_per_role(loaded):
    output = demo_logins()

    assert "http://127.0.0.1:8000/" in output
    assert demo.PASSWORD in output
    for label, username in demo.SHOWCASE:
        assert label in output
        assert username in output
    assert "otpauth://totp/" in output


def test_the_demo_officer_logs_in_with_password_and_printed_secret(client, loaded):
    client.post(reverse("login"), {"username": demo.OFFICER, "password": demo.PASSWORD})

    code = TOTP(bytes.fromhex(demo.totp_key(demo.OFFICER))).token()
    client.post(reverse("otp_verify"), {"token": f"{code:06d}"})

    response = client.get(reverse("wards:officer_home"))
    assert response.status_code == 200
    assert response.context["pending_applications"] == len(demo.PENDING_APPLICATIONS)


def test_the_frontdesk_receptionist_needs_only_the_password(client, loaded):
    response = client.post(
        reverse("login"), {"username": demo.RECEPTIONIST_NO_2FA, "password": demo.PASSWORD}
    )
    assert response.status_code == 302

    response = client.get(reverse("guests:desk"))
    assert response.status_code == 200


def test_it_files_a_few_days_of_guests_of_many_nationalities(loaded):
    from guests.models import Declaration, DeclarationVersion, RegisterClosing, ReviewEvent

    declarations = Declaration.objects.all()
    assert declarations.count() > 300
    assert declarations.filter(kind="citizen").exists()
    assert (
        declarations.filter(kind="foreigner").count() > declarations.filter(kind="citizen").count()
    )
    assert declarations.exclude(nationality="VN").values("nationality").distinct().count() >= 15
    assert declarations.filter(late=True).exists()
    assert declarations.filter(late=False).exists()
    # Every declaration has its original version; a few were corrected.
    assert DeclarationVersion.objects.filter(number=1).count() == declarations.count()
    assert DeclarationVersion.objects.filter(number=2).exists()
    # The officer confirmed and returned some; every return has its reason.
    assert ReviewEvent.objects.filter(action="confirmed").exists()
    assert not ReviewEvent.objects.filter(action="returned", reason="").exists()
    assert ReviewEvent.objects.filter(action="returned").exists()
    # Most past days are closed; some registers were forgotten.
    assert 0 < RegisterClosing.objects.count() < 3 * Establishment.objects.count()


def test_the_demo_flags_agree_with_its_filings_board_register_page_and_sweep(client, loaded):
    from datetime import timedelta

    from django.utils import timezone

    from guests.models import Declaration
    from guests.register import queries
    from guests.register.days import DayState
    from portal import demo_guests
    from wards.board import queries as board
    from wards.flags import sweeps as flagging
    from wards.models import Flag, FlagKind

    late = Declaration.objects.filter(late=True)
    assert late.exists()
    late_flags = Flag.objects.filter(kind=FlagKind.LATE, resolved_at__isnull=True)
    assert late_flags.count() == late.count()
    assert set(late_flags.values_list("declaration_id", flat=True)) == set(
        late.values_list("pk", flat=True)
    )

    now = timezone.now()
    assert flagging.sweep_missing(now=now) == 0  # the demo already ran it
    last = flagging.last_closed_day(now)
    ward = Establishment.objects.filter(code__isnull=False).first().ward
    flagged_days = 0
    for back in range(flagging.MISSING_LOOKBACK_DAYS):
        day = last - timedelta(days=back)
        red = {r.pk for r in board.board(ward, day=day) if r.owes and not r.closed}
        flagged = set(
            Flag.objects.filter(kind=FlagKind.MISSING, day=day).values_list(
                "establishment_id", flat=True
            )
        )
        assert red == flagged, day
        flagged_days += bool(flagged)
        for establishment in Establishment.objects.filter(pk__in=red):
            assert day in queries.missing_days(establishment, at=now)
    assert flagged_days  # a few desks forgot

    # The register history of a demo lodging lists every demo day, past ones closed or missing.
    establishment = Establishment.objects.filter(register_closings__isnull=False).first()
    days = queries.history(establishment, at=now)
    assert [d.day for d in days] == [
        timezone.localdate(now) - timedelta(days=back) for back in range(demo_guests.DAYS)
    ]
    assert any(d.state == DayState.CLOSED for d in days)


def test_the_demo_is_filed_reviewed_and_closed_through_the_services(loaded):
    """What a real desk and officer would have left: version 1 written at each filing, a
    version 2 for each correction, a review event naming the version it decided, each
    closing counting what had been filed by the time it was closed."""
    from django.db.models import Count, Max

    from guests.models import Declaration, DeclarationVersion, RegisterClosing, ReviewStatus

    declarations = Declaration.objects.annotate(
        versions_count=Count("versions", distinct=True),
        last_version=Max("versions__number"),
        review_count=Count("reviews", distinct=True),
    )
    assert declarations.count() > 100
    firsts = DeclarationVersion.objects.filter(number=1)
    assert firsts.count() == declarations.count()
    for version in firsts.select_related("declaration"):
        assert version.created_at == version.declaration.filed_at
        assert version.created_by_id == version.declaration.filed_by_id
    corrected = declarations.filter(versions_count=2)
    assert corrected.exists()
    for declaration in corrected:
        first, second = declaration.versions.order_by("number")
        assert first.data["room"] == declaration.room + "A"
        assert second.data["room"] == declaration.room
    reviewed = declarations.exclude(review_status=ReviewStatus.PENDING)
    assert reviewed.filter(review_status=ReviewStatus.RETURNED).exists()
    for declaration in reviewed:
        (event,) = declaration.reviews.all()
        assert event.action == declaration.review_status
        assert event.version_number == declaration.last_version
        assert event.at >= declaration.filed_at
    assert not declarations.filter(review_status=ReviewStatus.PENDING, review_count__gt=0).exists()

    closings = RegisterClosing.objects.all()
    assert closings.exists()
    for closing in closings:
        filed = Declaration.objects.filter(
            establishment=closing.establishment, filed_at__lte=closing.closed_at
        ).filter(arrival__date=closing.day)
        assert closing.foreigners + closing.citizens == filed.count(), closing.day


def test_it_gives_the_immigration_office_applications_in_every_state(loaded):
    from immigration.models import (
        Application,
        ConfirmationStatus,
        ResidenceConfirmation,
        SponsorStatus,
        State,
    )

    applications = Application.objects.filter(province__name="Thành phố Hà Nội")
    assert set(applications.values_list("state", flat=True)) == set(State.values)
    # Both kinds of sponsor: the demo hotel for its staying guests, and a company.
    assert applications.filter(establishment__isnull=False, declaration__isnull=False).exists()
    assert applications.filter(sponsor__status=SponsorStatus.ACTIVE).exists()
    # Walked through the transitions: each has its timeline, files, and one is past its deadline.
    for application in applications.exclude(state=State.DRAFT):
        assert application.events.exists(), application.reference
        assert application.attachments.count() == 3, application.reference
    assert applications.filter(overdue_at__isnull=False).count() == 1
    statuses = set(ResidenceConfirmation.objects.values_list("status", flat=True))
    assert {ConfirmationStatus.REQUESTED, ConfirmationStatus.CONFIRMED} <= statuses
    sponsor = User.objects.get(username=demo.SPONSOR)
    assert sponsor.role == Role.SPONSOR
    assert sponsor.sponsor_staff.sponsor.status == SponsorStatus.ACTIVE


def test_the_demo_sponsor_and_the_immigration_officer_see_their_pages(client, loaded):
    from immigration.models import Application

    for username, route in (
        (demo.SPONSOR, "immigration:applications"),
        (demo.IMMIGRATION, "immigration:queue"),
    ):
        client.force_login(User.objects.get(username=username))
        session = client.session
        device = TOTPDevice.objects.get(user__username=username)
        session["otp_device_id"] = device.persistent_id
        session.save()
        page = client.get(reverse(route))
        assert page.status_code == 200, username
        shown = [a.reference for a in Application.objects.all() if a.reference in page.text]
        assert shown, username
