from __future__ import annotations

from django.urls import reverse

from tests import factories as f
from wards.models import FeedbackMessage, FeedbackThread, Notification


def open_thread(client, user, **data):
    data = {
        "category": "suspicious_guest",
        "subject": "Guest without papers",
        "body": "Room 12 refuses to show a passport.",
        **data,
    }
    return f.login(client, user).post(reverse("wards:feedback_new"), data)


def test_the_feedback_round_trip_moves_through_every_status(client, rita, alice, omar, cora, otto):
    response = open_thread(client, rita)
    thread = FeedbackThread.objects.get()
    assert response.url == reverse("wards:my_feedback_thread", args=[thread.pk])
    assert (thread.status, thread.ward, thread.created_by) == (
        "open",
        rita.staff.establishment.ward,
        rita,
    )
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "omar",
        "cora",
    }

    client.logout()
    f.login(client, omar)
    listing = client.get(reverse("wards:feedback"))
    assert [t.pk for t in listing.context["page"]] == [thread.pk]
    client.post(reverse("wards:feedback_thread", args=[thread.pk]), {"body": "We are coming."})
    thread.refresh_from_db()
    assert thread.status == "answered"
    assert set(
        Notification.objects.filter(
            url=reverse("wards:my_feedback_thread", args=[thread.pk])
        ).values_list("recipient__username", flat=True)
    ) == {"alice", "rita"}

    client.post(reverse("wards:feedback_close", args=[thread.pk]))
    thread.refresh_from_db()
    assert thread.status == "closed"

    client.logout()
    f.login(client, alice)
    page = client.get(reverse("wards:my_feedback_thread", args=[thread.pk]))
    assert "We are coming." in page.content.decode()
    client.post(reverse("wards:my_feedback_thread", args=[thread.pk]), {"body": "He left."})
    thread.refresh_from_db()
    assert thread.status == "open"
    assert FeedbackMessage.objects.filter(thread=thread).count() == 3


def test_both_sides_see_the_status(client, rita, omar, english):
    open_thread(client, rita)
    thread = FeedbackThread.objects.get()
    assert "Open" in client.get(reverse("wards:my_feedback")).content.decode()
    client.logout()
    page = f.login(client, omar).get(reverse("wards:feedback_thread", args=[thread.pk]))
    assert "Open" in page.content.decode()


def test_officers_see_open_threads_first(client, rita, omar):
    open_thread(client, rita, subject="Answered one")
    open_thread(client, rita, subject="Open one")
    answered = FeedbackThread.objects.get(subject="Answered one")
    client.logout()
    f.login(client, omar)
    client.post(reverse("wards:feedback_thread", args=[answered.pk]), {"body": "Done."})

    page = client.get(reverse("wards:feedback")).context["page"]

    assert [t.subject for t in page] == ["Open one", "Answered one"]


def test_it_requires_a_message(client, rita, english):
    response = open_thread(client, rita, body="  ")
    assert response.status_code == 400
    assert not FeedbackThread.objects.exists()


def test_it_checks_ownership(client, rita, bob, otto):
    open_thread(client, rita)
    thread = FeedbackThread.objects.get()
    client.logout()
    f.login(client, bob)
    assert client.get(reverse("wards:my_feedback_thread", args=[thread.pk])).status_code == 404
    assert (
        client.post(reverse("wards:my_feedback_thread", args=[thread.pk]), {"body": "x"})
    ).status_code == 404
    client.logout()
    f.login(client, otto)
    assert client.get(reverse("wards:feedback_thread", args=[thread.pk])).status_code == 404
    assert client.post(reverse("wards:feedback_close", args=[thread.pk])).status_code == 404
    assert FeedbackThread.objects.get().status == "open"
    assert FeedbackMessage.objects.count() == 1


def test_roles(client, rita, omar):
    open_thread(client, rita)
    thread = FeedbackThread.objects.get()
    assert client.get(reverse("wards:feedback")).status_code == 403
    assert client.get(reverse("wards:feedback_thread", args=[thread.pk])).status_code == 403
    client.logout()
    f.login(client, omar)
    assert client.get(reverse("wards:my_feedback")).status_code == 403
    assert client.get(reverse("wards:feedback_new")).status_code == 403


def test_the_officers_list_runs_a_fixed_number_of_queries(
    client, rita, omar, django_assert_max_num_queries
):
    for n in range(5):
        open_thread(client, rita, subject=f"Thread {n}")
    client.logout()
    f.login(client, omar)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("wards:feedback"))
    assert len(response.context["page"]) == 5
