from __future__ import annotations

from django.template import Context, Template
from django.urls import reverse

from tests import factories as f
from wards.models import Notice, NoticeDelivery, Notification


def publish(client, officer, **data):
    data = {"category": "scam", "title": "Fake booking calls", "body": "Do not pay.", **data}
    data.setdefault("audience", "all")
    return f.login(client, officer).post(reverse("wards:notice_new"), data)


def test_publishing_to_the_ward_delivers_to_every_establishment_and_notifies_their_staff(
    client, omar, establishment, alice, rita, bob
):
    second = f.make_establishment(ward=establishment.ward)
    owner2 = f.make_staff(establishment=second, role="owner")

    response = publish(client, omar)

    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("wards:notice", args=[notice.pk])
    assert (notice.ward, notice.author, notice.category) == (establishment.ward, omar, "scam")
    assert {d.establishment for d in notice.deliveries.all()} == {establishment, second}
    notified = set(Notification.objects.values_list("recipient__username", "channel"))
    assert notified == {(u.username, "in_app") for u in (alice, rita, owner2)}
    assert (
        Notification.objects.filter(url=reverse("wards:my_notice", args=[notice.pk])).count() == 3
    )


def test_publishing_to_chosen_establishments_only(client, omar, establishment, alice, ward):
    other = f.make_establishment(ward=ward)

    publish(client, omar, audience="chosen", establishments=[establishment.pk])

    assert list(NoticeDelivery.objects.values_list("establishment", flat=True)) == [
        establishment.pk
    ]
    assert not NoticeDelivery.objects.filter(establishment=other).exists()


def test_it_refuses_another_wards_establishment(client, omar, other_establishment, english):
    response = publish(client, omar, audience="chosen", establishments=[other_establishment.pk])

    assert response.status_code == 400
    assert "establishments" in response.context["form"].errors
    assert "not one of the available choices" in response.content.decode()
    assert not Notice.objects.exists()


def test_it_asks_for_a_choice_when_sending_to_chosen_ones(client, omar, establishment, english):
    response = publish(client, omar, audience="chosen")

    assert response.status_code == 400
    assert "Choose at least one establishment." in response.content.decode()


def test_the_publish_read_round_trip_keeps_the_first_reader(
    client, omar, establishment, alice, rita, english
):
    publish(client, omar)
    notice = Notice.objects.get()

    client.logout()
    f.login(client, rita)
    listing = client.get(reverse("wards:my_notices"))
    assert "Unread" in listing.content.decode()
    assert client.get(reverse("wards:my_notice", args=[notice.pk])).status_code == 200
    client.logout()
    f.login(client, alice).get(reverse("wards:my_notice", args=[notice.pk]))

    delivery = NoticeDelivery.objects.get()
    assert delivery.read_by == rita and delivery.read_at is not None
    client.logout()
    page = f.login(client, omar).get(reverse("wards:notice", args=[notice.pk]))
    body = page.content.decode()
    assert "Read by 1 of 1 establishments" in body
    assert str(rita) in body
    listing = client.get(reverse("wards:notices"))
    assert "Read 1/1" in listing.content.decode()


def test_the_owner_home_tag_shows_unread_notices_only(client, omar, establishment, alice):
    publish(client, omar, title="First")
    publish(client, omar, title="Second")
    first = Notice.objects.get(title="First")
    NoticeDelivery.objects.filter(notice=first).update(read_at=first.published_at, read_by=alice)

    html = Template("{% load notice_tags %}{% unread_notices establishment %}").render(
        Context({"establishment": establishment})
    )

    assert "Second" in html and "First" not in html


def test_unread_notices_come_first(client, omar, establishment, alice):
    publish(client, omar, title="Old")
    publish(client, omar, title="Read one")
    publish(client, omar, title="New")
    read = Notice.objects.get(title="Read one")
    NoticeDelivery.objects.filter(notice=read).update(read_at=read.published_at, read_by=alice)
    client.logout()

    page = f.login(client, alice).get(reverse("wards:my_notices")).context["page"]

    assert [d.notice.title for d in page] == ["New", "Old", "Read one"]


def test_it_checks_ownership(client, omar, otto, bob, establishment, alice):
    publish(client, omar)
    notice = Notice.objects.get()
    client.logout()
    assert f.login(client, otto).get(reverse("wards:notice", args=[notice.pk])).status_code == 404
    client.logout()
    response = f.login(client, bob).get(reverse("wards:my_notice", args=[notice.pk]))
    assert response.status_code == 404
    assert NoticeDelivery.objects.get().read_at is None


def test_roles(client, alice, omar):
    f.login(client, alice)
    assert client.get(reverse("wards:notices")).status_code == 403
    assert client.get(reverse("wards:notice_new")).status_code == 403
    client.logout()
    assert f.login(client, omar).get(reverse("wards:my_notices")).status_code == 403


def test_the_officers_list_runs_a_fixed_number_of_queries(
    client, omar, establishment, alice, django_assert_max_num_queries
):
    for n in range(5):
        publish(client, omar, title=f"Notice {n}")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("wards:notices"))
    assert len(response.context["page"]) == 5
