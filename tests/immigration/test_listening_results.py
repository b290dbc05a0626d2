"""The results: the office's ratings and each survey's answers, as charts and tables; names
only to the ward commander, for the ward's surveys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from immigration.listening import services
from immigration.models import Rating, State
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

RATINGS = reverse("immigration:ratings")
SURVEYS = reverse("immigration:surveys")


def survey_url(survey) -> str:
    return reverse("immigration:survey", kwargs={"pk": survey.pk})


def rate(application, score: int, comment: str = "", *, by, days_ago: int = 0):
    return Rating.objects.create(
        application=application,
        score=score,
        comment=comment,
        rated_by=by,
        rated_at=timezone.now() - timedelta(days=days_ago),
    )


def answer(survey, establishment, score: int, comment: str = "", *, by):
    return services.answer_survey(
        survey=survey,
        establishment=establishment,
        by=by,
        score=score,
        comment=comment,
        at=timezone.now(),
    )


def cell(body: str, testid: str) -> str:
    start = body.index(f'data-testid="{testid}">') + len(f'data-testid="{testid}">')
    return body[start : body.index("<", start)].strip()


def test_the_office_reads_its_provinces_ratings(client, establishment, alice, sponsor, sam, ivan):
    approved = f.make_immigration_application(
        establishment=establishment, by=alice, state=State.APPROVED
    )
    refused = f.make_immigration_application(sponsor=sponsor, by=sam, state=State.REFUSED)
    rate(approved, 5, "Rất nhanh", by=alice)
    rate(refused, 2, "Chờ lâu", by=sam, days_ago=40)
    elsewhere = f.make_province(code=79)
    other_sponsor = f.make_sponsor(province=elsewhere, name="Công ty Nam")
    stranger = f.make_sponsor_account(sponsor=other_sponsor, username="stranger")
    far = f.make_immigration_application(sponsor=other_sponsor, by=stranger, state=State.APPROVED)
    rate(far, 1, "Tỉnh khác", by=stranger)

    response = f.login(client, ivan).get(RATINGS)
    body = response.content.decode()
    assert cell(body, "score-total") == "2"
    assert cell(body, "score-average") == "3.50"
    assert [cell(body, f"score-{n}") for n in range(1, 6)] == ["0", "1", "0", "0", "1"]
    assert "<svg" in body
    months = [(m.count, m.average) for m in response.context["months"]]
    assert months[0] == (1, 2.0) and months[-1] == (1, 5.0)
    assert all(m == (0, None) for m in months[1:-1])  # a month without ratings: no average
    assert "Rất nhanh" in body and "Chờ lâu" in body and "Tỉnh khác" not in body
    # No names: neither the lodging, nor the organisation, nor the person who rated.
    for name in (establishment.name, sponsor.name, alice.full_name, sam.full_name):
        assert name not in body


def test_the_ratings_page_runs_a_fixed_number_of_queries(
    client, establishment, alice, ivan, django_assert_max_num_queries
):
    for score in (1, 3, 5, 4):
        application = f.make_immigration_application(
            establishment=establishment, by=alice, state=State.APPROVED
        )
        rate(application, score, "Góp ý", by=alice)
    client = f.login(client, ivan)
    with django_assert_max_num_queries(12):
        assert client.get(RATINGS).status_code == 200


def test_a_survey_shows_its_figures_without_names_to_an_officer(
    client, establishment, alice, ward, cora, omar
):
    second = f.make_establishment(ward=ward, name="Nhà nghỉ Hồ Gươm")
    owner2 = f.make_staff(establishment=second, username="owner2", role="owner")
    f.make_establishment(ward=ward, name="Homestay Phố Cổ")  # did not answer
    f.make_establishment(ward=ward, name="Khách sạn Tạm Dừng", status="suspended")
    survey = f.make_survey(ward=ward, author=cora)
    answer(survey, establishment, 5, "Rõ ràng", by=alice)
    answer(survey, second, 2, by=owner2)

    body = f.login(client, omar).get(survey_url(survey)).content.decode()
    assert cell(body, "answer-count") == "2"
    assert cell(body, "response-rate") == "67 %"
    assert cell(body, "score-average") == "3.50"
    assert [cell(body, f"score-{n}") for n in range(1, 6)] == ["0", "1", "0", "0", "1"]
    assert "<svg" in body and "Rõ ràng" in body
    for name in (establishment.name, second.name):
        assert name not in body


def test_the_commander_sees_who_answered(client, establishment, alice, ward, cora):
    survey = f.make_survey(ward=ward, author=cora)
    answer(survey, establishment, 4, by=alice)
    body = f.login(client, cora).get(survey_url(survey)).content.decode()
    assert establishment.name in body


def test_the_office_reads_its_surveys_without_names(client, establishment, alice, ivan):
    survey = f.make_survey(province=establishment.ward.province, author=ivan)
    answer(survey, establishment, 3, "Ổn", by=alice)
    body = f.login(client, ivan).get(survey_url(survey)).content.decode()
    assert cell(body, "answer-count") == "1" and "Ổn" in body
    assert establishment.name not in body


def test_the_lists_show_each_sides_own_surveys(
    client, establishment, other_establishment, cora, carl, omar, ivan
):
    ours = f.make_survey(ward=establishment.ward, author=cora, title="Của phường")
    f.make_survey(ward=other_establishment.ward, author=carl, title="Phường khác")
    office = f.make_survey(province=establishment.ward.province, author=ivan, title="Của phòng")
    assert list(f.login(client, omar).get(SURVEYS).context["surveys"]) == [ours]
    assert list(f.login(client, ivan).get(SURVEYS).context["surveys"]) == [office]
    assert "New survey" not in f.login(client, omar).get(SURVEYS).content.decode()
    assert "New survey" in f.login(client, cora).get(SURVEYS).content.decode()


def test_another_wards_or_provinces_survey_is_a_404(
    client, establishment, other_establishment, cora, carl, ivan
):
    other_ward = f.make_survey(ward=other_establishment.ward, author=carl)
    elsewhere = f.make_province(code=79)
    other_office = f.make_immigration_officer(province=elsewhere, username="ines")
    other_province = f.make_survey(province=elsewhere, author=other_office)
    office = f.make_survey(province=establishment.ward.province, author=ivan)
    assert f.login(client, cora).get(survey_url(other_ward)).status_code == 404
    assert f.login(client, cora).get(survey_url(office)).status_code == 404
    assert f.login(client, ivan).get(survey_url(other_province)).status_code == 404
    # A ward's survey is its police's: the office is turned away (the route's 403).
    assert f.login(client, ivan).get(survey_url(other_ward)).status_code == 403


@pytest.mark.parametrize("who", ["alice", "rita", "omar", "cora", "sam"])
def test_the_ratings_are_the_offices(client, request, who):
    assert f.login(client, request.getfixturevalue(who)).get(RATINGS).status_code == 403


@pytest.mark.parametrize("who", ["alice", "rita", "sam"])
def test_the_survey_pages_are_the_authors(client, request, establishment, cora, who):
    survey = f.make_survey(ward=establishment.ward, author=cora)
    user = request.getfixturevalue(who)
    assert f.login(client, user).get(SURVEYS).status_code == 403
    assert f.login(client, user).get(survey_url(survey)).status_code == 403
