"""The flag pages: the ward's, the owner's, resolving with a note, and notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from wards.flags import sweeps as flagging
from wards.models import Flag, FlagKind, Notification

pytestmark = pytest.mark.usefixtures("english")

FLAGS = reverse("wards:flags")
OWNER_FLAGS = reverse("wards:establishment_flags")
NOTIFICATIONS = reverse("wards:notifications")


def overdue(establishment, by):
    now = timezone.now()
    f.make_declaration(
        establishment=establishment,
        by=by,
        kind="foreigner",
        arrival=now - timedelta(hours=3),
        expected_departure=now - timedelta(minutes=1),
    )


@pytest.fixture
def flag(establishment, rita, alice, omar, cora):
    overdue(establishment, rita)
    flagging.sweep_overdue()
    return Flag.objects.get(establishment=establishment)


@pytest.fixture
def other_flag(other_establishment, ron, bob, otto):
    overdue(other_establishment, ron)
    flagging.sweep_overdue()
    return Flag.objects.get(establishment=other_establishment)


def resolve_url(flag: Flag) -> str:
    return reverse("wards:resolve_flag", args=[flag.pk])


def test_the_officer_sees_the_open_flags_of_the_ward(client, omar, flag, other_flag):
    f.login(client, omar)

    response = client.get(FLAGS)

    assert response.status_code == 200
    assert response.context["open_flags"] == [flag]
    assert "Khách sạn Hoàn Kiếm" in response.content.decode()


def test_the_officer_filters_by_kind(client, omar, flag):
    f.login(client, omar)

    assert client.get(FLAGS, {"kind": FlagKind.MISSING}).context["open_flags"] == []
    assert client.get(FLAGS, {"kind": FlagKind.OVERDUE}).context["open_flags"] == [flag]
    assert client.get(FLAGS, {"kind": "nonsense"}).context["open_flags"] == [flag]


def test_the_page_runs_a_fixed_number_of_queries(
    client, omar, establishment, rita, flag, django_assert_max_num_queries
):
    for _ in range(5):
        overdue(establishment, rita)
    flagging.sweep_overdue()
    f.login(client, omar)
    with django_assert_max_num_queries(14):
        response = client.get(FLAGS)
    assert len(response.context["open_flags"]) == 6


def test_the_officer_resolves_a_flag_with_a_note(client, omar, flag):
    f.login(client, omar)

    response = client.post(resolve_url(flag), {"resolution": "Guest left at noon; desk told."})

    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_by == omar
    assert flag.resolved_at is not None
    assert flag.resolution == "Guest left at noon; desk told."
    page = client.get(FLAGS)
    assert page.context["open_flags"] == []
    assert page.context["resolved_flags"] == [flag]


def test_a_resolution_needs_a_note(client, omar, flag):
    f.login(client, omar)

    response = client.post(resolve_url(flag), {"resolution": "   "}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "Say how the flag was resolved." in response.content.decode()
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_a_flag_resolved_twice_keeps_the_first_resolution(client, omar, cora, flag):
    f.login(client, omar)
    client.post(resolve_url(flag), {"resolution": "First."})
    f.login(client, cora)
    client.post(resolve_url(flag), {"resolution": "Second."})

    flag.refresh_from_db()
    assert (flag.resolution, flag.resolved_by) == ("First.", omar)


def test_it_checks_ownership(client, omar, otto, bob, alice, flag, other_flag):
    f.login(client, omar)
    assert client.post(resolve_url(other_flag), {"resolution": "x"}).status_code == 404
    f.login(client, bob)
    assert client.post(resolve_url(flag), {"resolution": "x"}).status_code == 404
    f.login(client, alice)
    assert client.post(resolve_url(other_flag), {"resolution": "x"}).status_code == 404
    other_flag.refresh_from_db()
    flag.refresh_from_db()
    assert other_flag.resolved_at is None and flag.resolved_at is None


def test_the_wrong_role_gets_a_403(client, rita, alice, omar, flag):
    f.login(client, rita)
    assert client.get(FLAGS).status_code == 403
    assert client.get(OWNER_FLAGS).status_code == 403
    assert client.post(resolve_url(flag), {"resolution": "x"}).status_code == 403
    f.login(client, alice)
    assert client.get(FLAGS).status_code == 403
    f.login(client, omar)
    assert client.get(OWNER_FLAGS).status_code == 403


def test_the_owner_sees_and_resolves_the_flags_of_the_establishment(
    client, alice, flag, other_flag
):
    f.login(client, alice)

    response = client.get(OWNER_FLAGS)
    assert response.status_code == 200
    assert response.context["open_flags"] == [flag]

    response = client.post(
        resolve_url(flag), {"resolution": "Checked out late, recorded now.", "next": OWNER_FLAGS}
    )
    assert response.status_code == 302
    assert response.url == OWNER_FLAGS
    flag.refresh_from_db()
    assert flag.resolved_by == alice


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_resolving_never_sends_the_browser_off_the_site(client, alice, flag, target):
    f.login(client, alice)
    response = client.post(resolve_url(flag), {"resolution": "Done.", "next": target})
    assert response.status_code == 302
    assert response.url == OWNER_FLAGS


def test_the_inclusion_tag_shows_the_owners_open_flags(alice, establishment, flag):
    request = RequestFactory().get("/")
    request.user = alice
    html = Template("{% load flag_tags %}{% establishment_flags establishment %}").render(
        Context({"request": request, "establishment": establishment, "csrf_token": "tok"})
    )
    assert f"flag-{flag.pk}" in html
    assert reverse("wards:resolve_flag", args=[flag.pk]) in html
    assert 'value="tok"' in html


def test_the_notifications_page_lists_the_users_own_and_marks_read(client, alice, omar, flag):
    f.login(client, alice)

    response = client.get(NOTIFICATIONS)
    assert response.status_code == 200
    items = list(response.context["items"])
    assert [n.recipient for n in items] == [alice]
    assert response.context["unread"] == 1

    theirs = Notification.objects.get(recipient=omar, channel="in_app")
    client.post(reverse("wards:notifications_read"), {"pk": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None

    client.post(reverse("wards:notifications_read"), {"pk": items[0].pk})
    items[0].refresh_from_db()
    assert items[0].read_at is not None
    assert client.get(NOTIFICATIONS).context["unread"] == 0


def test_the_owner_flag_links_to_its_declaration(client, alice, bob, flag):
    assert flag.declaration_id is not None
    detail = reverse("guests:detail", args=[flag.declaration_id])
    f.login(client, alice)

    page = client.get(OWNER_FLAGS).content.decode()

    assert f'href="{detail}"' in page
    assert client.get(detail).status_code == 200
    f.login(client, bob)
    assert client.get(detail).status_code == 404
