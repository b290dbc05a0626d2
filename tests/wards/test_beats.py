"""Beats: the commander splits the ward; an officer of a beat sees it first in the inbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from establishments.models import Establishment
from luutru.models import Beat, Officer
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english")

BEATS = reverse("wards:beats")
INBOX = reverse("wards:inbox")


@pytest.fixture
def north(ward):
    return Beat.objects.create(ward=ward, name="Khu vực 1")


def assign_url(beat) -> str:
    return reverse("wards:beat_assign", args=[beat.pk])


def test_the_commander_creates_a_beat(client, cora, ward):
    response = f.login(client, cora).post(BEATS, {"name": "  Khu vực 2 "}, follow=True)

    assert Beat.objects.get(ward=ward).name == "Khu vực 2"
    assert "Beat “Khu vực 2” created." in response.content.decode()


def test_a_beat_name_is_unique_in_the_ward(client, cora, north):
    response = f.login(client, cora).post(BEATS, {"name": "Khu vực 1"})

    assert response.status_code == 400
    assert "This ward already has a beat of that name." in response.content.decode()
    assert Beat.objects.count() == 1


def test_the_commander_assigns_establishments_and_officers_to_a_beat(
    client, cora, omar, establishment, ward, north
):
    other = f.make_establishment(ward=ward, name="Nhà nghỉ Hàng Bạc")
    officer = Officer.objects.get(user=omar)

    f.login(client, cora).post(
        assign_url(north), {"establishments": [establishment.pk], "officers": [officer.pk]}
    )

    establishment.refresh_from_db()
    other.refresh_from_db()
    officer.refresh_from_db()
    assert establishment.beat == north and officer.beat == north
    assert other.beat is None
    page = client.get(BEATS).content.decode()
    assert "1 establishment" in page and "1 officer" in page

    client.post(assign_url(north), {"establishments": [other.pk]})

    assert list(Establishment.objects.filter(beat=north)) == [other]
    assert not Officer.objects.filter(beat=north).exists()


def test_another_wards_beat_establishment_or_officer_is_a_404(
    client, cora, otto, other_ward, other_establishment, establishment, north
):
    theirs = Beat.objects.create(ward=other_ward, name="Khu vực 9")
    f.login(client, cora)

    assert client.post(assign_url(theirs), {"establishments": []}).status_code == 404
    response = client.post(assign_url(north), {"establishments": [other_establishment.pk]})
    assert response.status_code == 404
    officer = Officer.objects.get(user=otto)
    assert client.post(assign_url(north), {"officers": [officer.pk]}).status_code == 404
    other_establishment.refresh_from_db()
    officer.refresh_from_db()
    assert other_establishment.beat is None and officer.beat is None


def test_an_officer_cannot_manage_beats(client, omar, north):
    f.login(client, omar)

    assert client.get(BEATS).status_code == 403
    assert client.post(BEATS, {"name": "Khu vực 3"}).status_code == 403
    assert client.post(assign_url(north), {}).status_code == 403
    assert Beat.objects.count() == 1


def test_the_other_wards_commander_sees_none_of_our_beats(client, carl, north):
    page = f.login(client, carl).get(BEATS).content.decode()

    assert "Khu vực 1" not in page


def listed(response) -> list[int]:
    return [row.pk for row in response.context["rows"]]


@pytest.fixture
def two_beats(ward, establishment, rita, omar, north):
    """rita's establishment is in omar's beat; a second establishment is outside it."""
    establishment.beat = north
    establishment.save(update_fields=["beat"])
    Officer.objects.filter(user=omar).update(beat=north)
    elsewhere = f.make_establishment(ward=ward, name="Nhà nghỉ Hàng Bạc")
    mine = f.make_declaration(establishment=establishment, by=rita)
    other = f.make_declaration(establishment=elsewhere, by=f.make_staff(establishment=elsewhere))
    return mine, other


def test_an_officer_with_a_beat_sees_the_beat_by_default_and_the_ward_on_demand(
    client, omar, two_beats
):
    mine, other = two_beats
    f.login(client, omar)

    beat_only = client.get(INBOX)
    whole_ward = client.get(INBOX, {"scope": "ward"})

    assert listed(beat_only) == [mine.pk]
    assert "My beat: Khu vực 1" in beat_only.content.decode()
    assert set(listed(whole_ward)) == {mine.pk, other.pk}
    assert whole_ward.context["whole_ward"]


def test_the_commander_and_an_officer_without_a_beat_see_the_whole_ward(
    client, cora, ward, two_beats
):
    mine, other = two_beats
    beatless = f.make_officer(ward=ward, username="olga")

    for user in (cora, beatless):
        response = f.login(client, user).get(INBOX)
        assert set(listed(response)) == {mine.pk, other.pk}
        assert "My beat" not in response.content.decode()


def test_the_whole_ward_toggle_never_reaches_another_ward(
    client, omar, ron, other_establishment, two_beats
):
    theirs = f.make_declaration(establishment=other_establishment, by=ron)

    response = f.login(client, omar).get(INBOX, {"scope": "ward"})

    assert theirs.pk not in listed(response)
