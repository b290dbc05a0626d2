from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from establishments.models import Application, ApplicationStatus, Kind
from tests import factories as f

URL = reverse("wards:officer_home")


def make_application(ward, *, status=ApplicationStatus.PENDING, **fields):
    n = Application.objects.count() + 1
    fields.setdefault(
        "refusal_reason", "Sai địa chỉ" if status == ApplicationStatus.REFUSED else ""
    )
    return Application.objects.create(
        name=f"Nhà nghỉ {n}",
        kind=Kind.GUESTHOUSE,
        address=f"{n} Hàng Bè",
        ward=ward,
        room_count=8,
        owner_name="Nguyễn Thị Lan",
        owner_phone="0912345678",
        owner_email=f"lan{n}@example.vn",
        status=status,
        **fields,
    )


def test_it_shows_the_officer_their_ward_and_its_pending_applications(client, omar, ward):
    make_application(ward)
    make_application(ward)
    make_application(ward, status=ApplicationStatus.REFUSED)
    f.login(client, omar)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["ward"] == ward
    assert response.context["pending_applications"] == 2
    assert reverse("establishments:applications") in response.content.decode()
    assert reverse("wards:settings") not in response.content.decode().split("<main")[1]


def test_it_links_the_commander_to_the_ward_settings(client, cora, ward):
    f.login(client, cora)

    response = client.get(URL)

    assert response.status_code == 200
    assert reverse("wards:settings") in response.content.decode().split("<main")[1]


def test_it_checks_ownership(client, omar, otto, ward, other_ward):
    make_application(ward)
    f.login(client, otto)

    response = client.get(URL)

    # There is no ward id to try: otto sees his own ward and nothing of omar's.
    assert response.context["ward"] == other_ward
    assert response.context["pending_applications"] == 0
    assert ward.name not in response.content.decode()


@pytest.mark.parametrize("name", ["alice", "rita", "ivan", "admin_user"])
def test_other_roles_get_a_403(client, request, name):
    f.login(client, request.getfixturevalue(name))

    assert client.get(URL).status_code == 403


def test_an_officer_without_a_ward_gets_a_403(client, db):
    from luutru.models import Role

    f.login(client, f.make_user(role=Role.WARD_OFFICER))

    assert client.get(URL).status_code == 403


def test_it_asks_for_the_second_factor_first(client, omar):
    f.login(client, omar, verified=False)

    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_enrol"))


def test_it_fits_a_phone(client, omar):
    f.login(client, omar)

    html = client.get(URL).content.decode()

    assert 'name="viewport" content="width=device-width' in html
    assert "btn-lg w-100" in html


# --- what waits for the officer: unread notifications, new reports of a suspicious guest -----


def report(establishment, by, *, category="suspicious_guest", subject="Khách khả nghi"):
    from django.utils import timezone

    from wards.comm import services as comm

    return comm.open_feedback_thread(
        establishment=establishment,
        by=by,
        category=category,
        subject=subject,
        body="Phòng 12 không xuất trình hộ chiếu.",
        at=timezone.now(),
    )


def test_the_badges_are_zero_when_nothing_waits(client, omar):
    f.login(client, omar)

    response = client.get(URL)

    badges = response.context["badges"]
    assert (badges.unread_notifications, badges.suspicious_reports) == (0, 0)
    page = response.content.decode()
    assert 'data-testid="badge-suspicious"' in page
    assert 'data-testid="nav-badge-total"' not in page


def test_the_badges_count_unread_notifications_and_unanswered_suspicious_reports(
    client, omar, cora, rita, alice, establishment, other_establishment, bob
):
    from wards.comm import services as comm
    from wards.models import Notification

    waiting = report(establishment, rita)
    report(establishment, alice, subject="Thứ hai")
    report(establishment, rita, category="question")
    answered = report(establishment, rita, subject="Đã trả lời")
    closed = report(establishment, rita, subject="Đã đóng")
    report(other_establishment, bob)  # another ward's: neither counted nor notified to omar
    from django.utils import timezone

    comm.post_feedback_message(thread=answered, by=cora, body="Đã rõ.", at=timezone.now())
    comm.close_feedback_thread(thread=closed, by=cora, at=timezone.now())
    # omar read the notification of the first report; the other five (two suspicious, the
    # question, answered and closed ones) are unread.
    Notification.objects.filter(
        recipient=omar, url=reverse("wards:feedback_thread", args=[waiting.pk])
    ).update(read_at=timezone.now())
    f.login(client, omar)

    response = client.get(URL)

    badges = response.context["badges"]
    assert badges.unread_notifications == 4
    assert badges.suspicious_reports == 2
    page = response.content.decode()
    assert f'href="{reverse("wards:notifications")}" data-testid="badge-notifications"' in page
    assert f'href="{reverse("wards:feedback")}" data-testid="badge-suspicious"' in page
    assert 'data-testid="nav-badge-total">6<' in page
    assert 'data-testid="nav-badge-suspicious">2<' in page


def test_an_answer_then_a_new_message_from_the_lodging_counts_the_report_again(
    client, omar, rita, establishment
):
    from django.utils import timezone

    from wards.comm import services as comm

    thread = report(establishment, rita)
    comm.post_feedback_message(thread=thread, by=omar, body="Đang đến.", at=timezone.now())
    f.login(client, omar)
    assert client.get(URL).context["badges"].suspicious_reports == 0

    comm.post_feedback_message(thread=thread, by=rita, body="Khách đã đi.", at=timezone.now())

    assert client.get(URL).context["badges"].suspicious_reports == 1


def test_the_badges_are_the_officers_own_ward_only(client, otto, rita, establishment):
    report(establishment, rita)
    f.login(client, otto)

    badges = client.get(URL).context["badges"]

    assert (badges.unread_notifications, badges.suspicious_reports) == (0, 0)


def test_the_badges_cost_one_query_shared_by_the_cards_and_the_navbar(
    client, omar, rita, establishment, django_assert_num_queries
):
    report(establishment, rita)
    f.login(client, omar)
    client.get(URL)  # warm the session and the middleware's caches
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    for i in range(5):
        report(establishment, rita, subject=f"Khách {i}")

    with django_assert_num_queries(len(before.captured_queries)) as after:
        response = client.get(URL)

    assert response.context["badges"].suspicious_reports == 6
    badge_queries = [q["sql"] for q in after.captured_queries if "wards_notification" in q["sql"]]
    assert len(badge_queries) == 1


def test_other_pages_show_the_navbar_badge_to_officers_only(client, omar, rita, establishment):
    report(establishment, rita)

    officer_page = f.login(client, omar).get(reverse("wards:flags")).content.decode()
    client.logout()
    desk_page = f.login(client, rita).get(reverse("wards:my_feedback")).content.decode()

    assert 'data-testid="nav-badge-suspicious">1<' in officer_page
    assert "nav-badge" not in desk_page
