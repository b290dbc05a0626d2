from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from guests.deadlines import local_day
from guests.models import RegisterClosing
from tests import factories as f
from wards.models import Flag, FlagKind


def test_it_shows_details_history_staff_and_flags(
    client, omar, establishment, alice, rita, english
):
    f.enrol_totp(alice)
    rita.is_active = False
    rita.save(update_fields=["is_active"])
    f.make_declaration(establishment=establishment, by=alice)
    today = local_day(timezone.now())
    RegisterClosing.objects.create(
        establishment=establishment,
        day=today,
        foreigners=0,
        citizens=0,
        late=0,
        closed_by=alice,
        closed_at=timezone.now(),
    )
    Flag.objects.create(
        kind=FlagKind.MISSING,
        establishment=establishment,
        ward=establishment.ward,
        day=today - timedelta(days=1),
        raised_at=timezone.now(),
    )

    response = f.login(client, omar).get(reverse("wards:establishment", args=[establishment.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert establishment.name in body and establishment.address in body
    assert "Nil return" in body
    assert "Register not closed" in body
    assert response.context["summary"].total == 1
    staff = {s.user.username: s for s in response.context["staff"]}
    assert staff["alice"].has_second_factor and not staff["rita"].has_second_factor
    assert "2FA on" in body and "2FA off" in body and "Disabled" in body
    assert "password" not in body.lower()


def test_commanders_see_it_too(client, cora, establishment):
    response = f.login(client, cora).get(reverse("wards:establishment", args=[establishment.pk]))
    assert response.status_code == 200


def test_it_checks_ownership(client, omar, other_establishment):
    response = f.login(client, omar).get(
        reverse("wards:establishment", args=[other_establishment.pk])
    )
    assert response.status_code == 404


def test_it_is_for_the_ward_police_only(client, alice, establishment):
    response = f.login(client, alice).get(reverse("wards:establishment", args=[establishment.pk]))
    assert response.status_code == 403
