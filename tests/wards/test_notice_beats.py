"""Publishing a notice to every establishment of chosen beats, alone or with ticked ones."""

from __future__ import annotations

import pytest
from django.urls import reverse

from establishments.models import Status
from luutru.models import Beat
from tests import factories as f
from wards.models import Notice, NoticeDelivery, Notification


@pytest.fixture
def old_quarter(ward, establishment):
    beat = Beat.objects.create(ward=ward, name="Phố cổ")
    establishment.beat = beat
    establishment.save(update_fields=["beat"])
    return beat


def publish(client, officer, **data):
    data = {"category": "scam", "title": "Fake booking calls", "body": "Do not pay.", **data}
    return f.login(client, officer).post(reverse("wards:notice_new"), data)


def delivered_to(notice: Notice) -> set[int]:
    return set(notice.deliveries.values_list("establishment", flat=True))


def test_publishing_to_a_beat_delivers_to_exactly_its_active_establishments(
    client, omar, ward, establishment, old_quarter, alice, rita
):
    second = f.make_establishment(ward=ward, beat=old_quarter)
    owner2 = f.make_staff(establishment=second, role="owner")
    f.make_establishment(ward=ward, beat=old_quarter, status=Status.SUSPENDED)
    outside = f.make_establishment(ward=ward)
    f.make_staff(establishment=outside, role="owner")
    f.make_establishment(ward=ward, beat=Beat.objects.create(ward=ward, name="Bờ hồ"))

    response = publish(client, omar, audience="chosen", beats=[old_quarter.pk])

    notice = Notice.objects.get()
    assert response.status_code == 302
    assert delivered_to(notice) == {establishment.pk, second.pk}
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        alice.pk,
        rita.pk,
        owner2.pk,
    }


def test_what_the_beats_receivers_see(client, omar, ward, establishment, old_quarter, alice):
    outside = f.make_establishment(ward=ward)
    owner = f.make_staff(establishment=outside, role="owner")
    publish(client, omar, audience="chosen", beats=[old_quarter.pk], title="Beat only")
    notice = Notice.objects.get()
    client.logout()

    listing = f.login(client, alice).get(reverse("wards:my_notices"))
    assert "Beat only" in listing.content.decode()
    client.logout()
    f.login(client, owner)
    assert "Beat only" not in client.get(reverse("wards:my_notices")).content.decode()
    assert client.get(reverse("wards:my_notice", args=[notice.pk])).status_code == 404


def test_the_beats_and_the_ticked_establishments_are_joined_each_once(
    client, omar, ward, establishment, old_quarter
):
    ticked = f.make_establishment(ward=ward)
    f.make_establishment(ward=ward)  # neither ticked nor in the beat

    publish(
        client,
        omar,
        audience="chosen",
        beats=[old_quarter.pk],
        establishments=[ticked.pk, establishment.pk],
    )

    notice = Notice.objects.get()
    assert delivered_to(notice) == {establishment.pk, ticked.pk}
    assert notice.deliveries.count() == 2


def test_it_refuses_another_wards_beat_and_publishes_nothing(
    client, omar, other_ward, other_establishment, establishment, english
):
    theirs = Beat.objects.create(ward=other_ward, name="Their beat")
    other_establishment.beat = theirs
    other_establishment.save(update_fields=["beat"])

    response = publish(
        client, omar, audience="chosen", beats=[theirs.pk], establishments=[establishment.pk]
    )

    assert response.status_code == 400
    assert "beats" in response.context["form"].errors
    assert "not one of the available choices" in response.content.decode()
    assert not Notice.objects.exists()
    assert not NoticeDelivery.objects.exists()
    assert not Notification.objects.exists()


def test_another_wards_beat_is_not_offered(client, omar, other_ward, old_quarter):
    Beat.objects.create(ward=other_ward, name="Their beat")

    page = f.login(client, omar).get(reverse("wards:notice_new")).content.decode()

    assert "Phố cổ" in page and "Their beat" not in page


def test_an_empty_choice_asks_for_a_beat_or_an_establishment(client, omar, old_quarter, english):
    response = publish(client, omar, audience="chosen")

    assert response.status_code == 400
    assert "Choose at least one beat or establishment." in response.content.decode()
    assert not Notice.objects.exists()


def test_a_beat_without_active_establishments_is_refused(client, omar, ward, english):
    empty = Beat.objects.create(ward=ward, name="Empty")
    f.make_establishment(ward=ward, beat=empty, status=Status.SUSPENDED)

    response = publish(client, omar, audience="chosen", beats=[empty.pk])

    assert response.status_code == 400
    assert "The chosen beats have no active establishment." in response.content.decode()
    assert not Notice.objects.exists()


def test_sending_to_the_whole_ward_ignores_the_ticked_beats(
    client, omar, ward, establishment, old_quarter
):
    outside = f.make_establishment(ward=ward)

    publish(client, omar, audience="all", beats=[old_quarter.pk])

    assert delivered_to(Notice.objects.get()) == {establishment.pk, outside.pk}


def test_a_ward_without_beats_is_not_offered_any(client, omar, establishment, english):
    page = f.login(client, omar).get(reverse("wards:notice_new")).content.decode()

    assert 'name="beats"' not in page
    assert 'name="establishments"' in page


def test_the_page_names_each_beats_size_and_carries_the_search_box(
    client, omar, ward, establishment, old_quarter, english
):
    f.make_establishment(ward=ward, beat=old_quarter)

    page = f.login(client, omar).get(reverse("wards:notice_new")).content.decode()

    assert "Phố cổ (2 establishments)" in page
    assert "data-notice-filter hidden" in page  # shown by the script only
    assert f'data-search="{establishment.address} {establishment.code}"' in page
    assert "js/notice-recipients.js" in page


def test_a_commander_publishes_to_a_beat_too(client, cora, establishment, old_quarter):
    publish(client, cora, audience="chosen", beats=[old_quarter.pk])

    assert delivered_to(Notice.objects.get()) == {establishment.pk}


def test_it_checks_ownership(client, otto, old_quarter, establishment):
    response = publish(client, otto, audience="chosen", beats=[old_quarter.pk])

    assert response.status_code == 400
    assert not Notice.objects.exists()
