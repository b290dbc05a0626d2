from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from guests.deadlines import local_day
from tests import factories as f
from wards.models import Inspection


def url(establishment):
    return reverse("wards:inspection_new", args=[establishment.pk])


def test_an_officer_records_an_inspection(client, omar, establishment):
    today = local_day(timezone.now())
    response = f.login(client, omar).post(
        url(establishment), {"date": today.isoformat(), "findings": "  Register in order.  "}
    )

    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.establishment, inspection.officer, inspection.date) == (
        establishment,
        omar,
        today,
    )
    assert inspection.findings == "Register in order."
    page = client.get(reverse("wards:establishment", args=[establishment.pk]))
    assert "Register in order." in page.content.decode()


def test_it_refuses_a_future_date_and_empty_findings(client, omar, establishment, english):
    tomorrow = local_day(timezone.now()) + timedelta(days=1)
    response = f.login(client, omar).post(
        url(establishment), {"date": tomorrow.isoformat(), "findings": "   "}
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "An inspection cannot be recorded for a future date." in body
    assert "This field is required." in body or "Write down what the inspection found." in body
    assert not Inspection.objects.exists()


def test_it_checks_ownership(client, omar, other_establishment):
    response = f.login(client, omar).post(
        url(other_establishment), {"date": "2025-01-01", "findings": "x"}
    )
    assert response.status_code == 404
    assert not Inspection.objects.exists()


def test_it_is_for_the_ward_police_only(client, alice, establishment):
    response = f.login(client, alice).post(
        url(establishment), {"date": "2025-01-01", "findings": "x"}
    )
    assert response.status_code == 403


def test_it_takes_posts_only(client, omar, establishment):
    assert f.login(client, omar).get(url(establishment)).status_code == 405
