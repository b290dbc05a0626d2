"""The applicant's rating of a decided application: once, only decided, only the applicant's."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from immigration.models import Rating, State
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def rate_url(application) -> str:
    return reverse("immigration:rate", kwargs={"pk": application.pk})


def post(client, application, score="4", comment="Nhanh gọn."):
    return client.post(rate_url(application), {"rating-score": score, "rating-comment": comment})


def test_it_records_a_rating_of_a_decided_application(client, establishment, rita, alice):
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.APPROVED
    )
    response = post(f.login(client, rita), application, comment="  Nhanh gọn.  ")
    assert response.status_code == 302
    rating = Rating.objects.get(application=application)
    assert (rating.score, rating.comment, rating.rated_by) == (4, "Nhanh gọn.", rita)


def test_it_rates_a_refused_application_too(client, establishment, alice):
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.REFUSED
    )
    post(f.login(client, alice), application, score="1")
    assert Rating.objects.get(application=application).score == 1


def test_it_keeps_the_first_rating(client, establishment, alice, rita):
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.APPROVED
    )
    post(f.login(client, alice), application, score="5")
    response = post(f.login(client, rita), application, score="1")
    assert response.status_code == 200
    assert "You rated 5/5." in response.content.decode()
    assert list(Rating.objects.values_list("score", flat=True)) == [5]


@pytest.mark.parametrize("state", [State.SUBMITTED, State.ACCEPTED, State.WITHDRAWN])
def test_it_refuses_an_application_not_decided(client, establishment, alice, state):
    application = f.make_immigration_application(establishment=establishment, by=alice, state=state)
    response = post(f.login(client, alice), application)
    assert "once the application is decided" in response.content.decode()
    assert not Rating.objects.exists()


def test_it_shows_the_field_errors_and_keeps_the_comment(client, establishment, alice):
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.APPROVED
    )
    response = post(f.login(client, alice), application, score="9", comment="Giữ lại")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice" in body
    assert "Giữ lại" in body
    assert not Rating.objects.exists()


def test_the_sponsor_rates_its_own(client, sponsor, sam):
    application = f.make_immigration_application(sponsor=sponsor, by=sam, state=State.APPROVED)
    post(f.login(client, sam), application, score="3")
    assert Rating.objects.get(application=application).rated_by == sam


def test_another_applicants_application_is_a_404(
    client, establishment, other_establishment, alice, bob, sponsor, sam
):
    others = f.make_immigration_application(
        establishment=other_establishment, by=bob, state=State.APPROVED
    )
    sponsors = f.make_immigration_application(sponsor=sponsor, by=sam, state=State.APPROVED)
    assert post(f.login(client, alice), others).status_code == 404
    assert post(f.login(client, alice), sponsors).status_code == 404
    assert post(f.login(client, sam), others).status_code == 404
    assert not Rating.objects.exists()


@pytest.mark.parametrize("who", ["ivan", "omar", "cora"])
def test_the_office_and_the_police_do_not_rate(client, request, establishment, alice, who):
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.APPROVED
    )
    response = post(f.login(client, request.getfixturevalue(who)), application)
    assert response.status_code == 403
    assert not Rating.objects.exists()


def panel(application, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "immigration/listening/_rating_panel.html",
        {"application": application, "user": user, "request": request},
        request=request,
    )


def test_the_panel_offers_the_form_then_says_the_rating(client, establishment, alice):
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.APPROVED
    )
    html = panel(application, alice)
    assert f'action="{rate_url(application)}"' in html
    assert 'name="rating-score"' in html
    post(f.login(client, alice), application, score="4")
    application.refresh_from_db()
    html = panel(application, alice)
    assert "You rated 4/5." in html
    assert "<form" not in html


def test_the_panel_is_empty_before_the_decision(establishment, alice):
    application = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.SUBMITTED
    )
    assert panel(application, alice).strip() == ""
