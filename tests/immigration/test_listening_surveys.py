"""Opinion surveys: sent by the office (its province) or a ward commander (the ward) to the
lodgings of the area, each owner told; answered once per lodging while open."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from establishments.models import Status
from immigration.models import Survey, SurveyAnswer
from luutru.models import Role
from tests import factories as f
from wards.models import Notification, NotificationChannel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW = reverse("immigration:survey_new")
OPEN = reverse("immigration:surveys_open")


def answer_url(survey) -> str:
    return reverse("immigration:survey_answer", kwargs={"pk": survey.pk})


def new_survey(client, **changes):
    data = {
        "title": "Cổng thông tin",
        "question": "Quý cơ sở thấy cổng khai báo thế nào?",
        "open_until": (timezone.localdate() + timedelta(days=10)).isoformat(),
        **changes,
    }
    return client.post(NEW, data)


def test_a_commander_sends_a_survey_to_the_owners_of_the_wards_lodgings(
    client, establishment, other_establishment, alice, rita, bob, cora, ward
):
    alice.email = "alice@example.vn"
    alice.save(update_fields=["email"])
    f.make_establishment(ward=ward, status=Status.SUSPENDED)
    response = new_survey(f.login(client, cora))
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("immigration:survey", kwargs={"pk": survey.pk})
    assert (survey.ward, survey.province, survey.author) == (ward, None, cora)
    told = Notification.objects.filter(subject="Survey: Cổng thông tin")
    assert sorted(told.values_list("recipient__username", "channel")) == [
        ("alice", NotificationChannel.EMAIL),
        ("alice", NotificationChannel.IN_APP),
    ]
    in_app = told.get(channel=NotificationChannel.IN_APP)
    assert in_app.url == answer_url(survey)
    assert in_app.sent_at is not None and in_app.flag is None


def test_each_owner_is_told_in_their_language(client, establishment, alice, cora):
    alice.language = "vi"
    alice.save(update_fields=["language"])
    new_survey(f.login(client, cora), title="Cổng")
    assert Notification.objects.get(recipient=alice).subject == "Khảo sát: Cổng"


def test_the_office_sends_to_every_lodging_of_its_province(
    client, establishment, other_establishment, alice, bob, ivan
):
    far = f.make_establishment(ward=f.make_ward(code=900, province=f.make_province(code=79)))
    carol = f.make_staff(establishment=far, role=Role.OWNER, username="carol")
    new_survey(f.login(client, ivan))
    survey = Survey.objects.get()
    assert survey.province == establishment.ward.province and survey.ward is None
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"alice", "bob"}
    assert carol.username not in told


def test_a_ward_officer_does_not_send(client, omar):
    assert new_survey(f.login(client, omar)).status_code == 403
    assert not Survey.objects.exists()


def test_the_form_refuses_a_past_day_and_keeps_the_input(client, cora):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = new_survey(f.login(client, cora), open_until=yesterday.isoformat())
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose today or a later day." in body
    assert "Quý cơ sở thấy cổng khai báo thế nào?" in body
    assert not Survey.objects.exists()


def test_the_survey_is_open_to_the_end_of_its_last_day(cora):
    survey = f.make_survey(ward=f.make_ward(), author=cora, days_open=3)
    closes = timezone.localtime(survey.closes_at)
    assert closes.date() == timezone.localdate() + timedelta(days=4)
    assert (closes.hour, closes.minute) == (0, 0)


def test_the_owner_sees_the_open_surveys_of_the_ward_and_the_province(
    client, establishment, other_establishment, alice, cora, carl, ivan
):
    ward_survey = f.make_survey(ward=establishment.ward, author=cora, title="Phường")
    office_survey = f.make_survey(
        province=establishment.ward.province, author=ivan, title="Phòng XNC"
    )
    f.make_survey(ward=other_establishment.ward, author=carl, title="Phường khác")
    f.make_survey(ward=establishment.ward, author=cora, title="Đã đóng", days_open=-1)
    response = f.login(client, alice).get(OPEN)
    shown = [survey for survey, _score, _last in response.context["rows"]]
    assert set(shown) == {ward_survey, office_survey}


def test_the_owner_answers_once(client, establishment, alice, cora):
    survey = f.make_survey(ward=establishment.ward, author=cora)
    owner = f.login(client, alice)
    response = owner.post(answer_url(survey), {"score": "4", "comment": "Tốt"})
    assert response.status_code == 302 and response["Location"] == OPEN
    response = owner.post(answer_url(survey), {"score": "1", "comment": "Lần hai"})
    assert response.status_code == 400
    assert "answered this survey already" in response.content.decode()
    answer = SurveyAnswer.objects.get()
    assert (answer.score, answer.comment, answer.establishment) == (4, "Tốt", establishment)
    assert "You answered 4/5" in owner.get(OPEN).content.decode()


def test_a_closed_survey_takes_no_answer(client, establishment, alice, cora):
    survey = f.make_survey(ward=establishment.ward, author=cora, days_open=2)
    with time_machine.travel(survey.closes_at + timedelta(seconds=1)):
        response = f.login(client, alice).post(answer_url(survey), {"score": "5"})
    assert response.status_code == 400
    assert "This survey has closed" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_a_survey_is_answered_until_the_last_moment(client, establishment, alice, cora):
    survey = f.make_survey(ward=establishment.ward, author=cora, days_open=2)
    with time_machine.travel(survey.closes_at - timedelta(seconds=1)):
        f.login(client, alice).post(answer_url(survey), {"score": "5"})
    assert SurveyAnswer.objects.count() == 1


def test_the_answer_shows_field_errors(client, establishment, alice, cora):
    survey = f.make_survey(ward=establishment.ward, author=cora)
    response = f.login(client, alice).post(answer_url(survey), {"comment": "Chưa chấm"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose a rating from 1 to 5." in body and "Chưa chấm" in body


def test_another_wards_or_provinces_survey_is_a_404_to_the_owner(
    client, establishment, other_establishment, alice, carl
):
    other_ward_survey = f.make_survey(ward=other_establishment.ward, author=carl)
    elsewhere = f.make_province(code=79)
    other_office = f.make_immigration_officer(province=elsewhere, username="ines")
    other_province_survey = f.make_survey(province=elsewhere, author=other_office)
    owner = f.login(client, alice)
    for survey in (other_ward_survey, other_province_survey):
        assert owner.get(answer_url(survey)).status_code == 404
        assert owner.post(answer_url(survey), {"score": "5"}).status_code == 404
    assert not SurveyAnswer.objects.exists()


@pytest.mark.parametrize("who", ["rita", "omar", "ivan", "sam"])
def test_only_the_owner_answers(client, request, establishment, cora, who):
    survey = f.make_survey(ward=establishment.ward, author=cora)
    user = request.getfixturevalue(who)
    assert f.login(client, user).post(answer_url(survey), {"score": "5"}).status_code == 403
    assert f.login(client, user).get(OPEN).status_code == 403
