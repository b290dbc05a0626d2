"""A feedback thread about one of the establishment's own declarations (a suspicious guest)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from guests.models import Declaration
from guests.retention import purge_expired
from tests import factories as f
from wards.comm import services as comm
from wards.models import FeedbackThread

NEW = reverse("wards:feedback_new")


def post(client, declaration_pk, *, query=""):
    return client.post(
        NEW + query,
        {
            "category": "suspicious_guest",
            "subject": "Khách không xuất trình giấy tờ",
            "declaration": "" if declaration_pk is None else str(declaration_pk),
            "body": "Phòng 12 từ chối đưa hộ chiếu.",
        },
    )


@pytest.fixture
def guest(establishment, rita):
    return f.make_declaration(establishment=establishment, by=rita, full_name="Trần Văn Bình")


@pytest.fixture
def strangers_guest(other_establishment, ron):
    return f.make_declaration(establishment=other_establishment, by=ron, full_name="Lê Thị Mai")


def test_the_form_offers_the_establishments_declarations_of_the_last_30_days(
    client, rita, establishment, guest, strangers_guest
):
    old = f.make_declaration(
        establishment=establishment,
        by=rita,
        full_name="Khách Cũ",
        arrival=timezone.now() - timedelta(days=31),
    )
    f.login(client, rita)

    form = client.get(NEW).context["form"]

    assert list(form.fields["declaration"].queryset) == [guest]
    assert old not in form.fields["declaration"].queryset
    page = client.get(NEW).content.decode()
    # Grouped by the day of arrival, for the search box of searchable-select.js.
    assert "<optgroup" in page and "data-searchable" in page
    assert "Trần Văn Bình" in page


def test_a_thread_about_a_declaration_links_each_side_to_its_own_page_of_it(
    client, rita, omar, guest
):
    f.login(client, rita)

    response = post(client, guest.pk)

    thread = FeedbackThread.objects.get()
    assert thread.declaration == guest
    page = client.get(response.url).content.decode()
    assert f'href="{reverse("guests:detail", args=[guest.pk])}"' in page
    assert "Trần Văn Bình" in page
    client.logout()
    f.login(client, omar)
    page = client.get(reverse("wards:feedback_thread", args=[thread.pk])).content.decode()
    police_url = reverse("wards:declaration", args=[guest.pk])
    assert f'href="{police_url}"' in page
    assert client.get(police_url).status_code == 200


def test_a_thread_opened_from_a_declaration_page_has_it_chosen(client, alice, guest):
    old = f.make_declaration(
        establishment=guest.establishment,
        by=guest.filed_by,
        full_name="Khách Cũ",
        arrival=timezone.now() - timedelta(days=40),
    )
    f.login(client, alice)
    detail = client.get(reverse("guests:detail", args=[old.pk])).content.decode()
    assert f"{NEW}?declaration={old.pk}" in detail

    form = client.get(NEW, {"declaration": old.pk}).context["form"]
    assert form["declaration"].value() == old.pk
    assert form["category"].value() == "suspicious_guest"
    response = post(client, old.pk, query=f"?declaration={old.pk}")

    assert response.status_code == 302
    assert FeedbackThread.objects.get().declaration == old


def test_a_thread_without_a_declaration_is_still_possible(client, rita, guest):
    f.login(client, rita)

    assert post(client, None).status_code == 302

    thread = FeedbackThread.objects.get()
    assert thread.declaration is None
    assert (
        'data-testid="thread-declaration"'
        not in client.get(reverse("wards:my_feedback_thread", args=[thread.pk])).content.decode()
    )


def test_another_establishments_declaration_is_refused(client, rita, strangers_guest):
    f.login(client, rita)

    response = post(client, strangers_guest.pk)

    assert response.status_code == 400
    assert "declaration" in response.context["form"].errors
    assert not FeedbackThread.objects.exists()
    # Nor can it be slipped in through the declaration page's link.
    assert client.get(NEW, {"declaration": strangers_guest.pk}).status_code == 404
    assert (
        post(client, strangers_guest.pk, query=f"?declaration={strangers_guest.pk}").status_code
        == 404
    )
    assert not FeedbackThread.objects.exists()


def test_the_service_refuses_another_establishments_declaration(
    establishment, rita, strangers_guest
):
    with pytest.raises(ValueError):
        comm.open_feedback_thread(
            establishment=establishment,
            by=rita,
            category="suspicious_guest",
            subject="x",
            body="y",
            declaration=strangers_guest,
            at=timezone.now(),
        )
    assert not FeedbackThread.objects.exists()


def test_it_checks_ownership(client, rita, otto, bob, guest):
    f.login(client, rita)
    post(client, guest.pk)
    thread = FeedbackThread.objects.get()
    client.logout()

    f.login(client, otto)
    assert client.get(reverse("wards:feedback_thread", args=[thread.pk])).status_code == 404
    assert client.get(reverse("wards:declaration", args=[guest.pk])).status_code == 404
    client.logout()
    f.login(client, bob)
    assert client.get(reverse("wards:my_feedback_thread", args=[thread.pk])).status_code == 404
    assert client.get(reverse("guests:detail", args=[guest.pk])).status_code == 404


def test_an_establishment_moved_to_another_ward_gives_its_old_ward_no_link(
    client, rita, omar, guest, establishment, other_ward
):
    f.login(client, rita)
    post(client, guest.pk)
    thread = FeedbackThread.objects.get()
    establishment.ward = other_ward
    establishment.save(update_fields=["ward"])
    client.logout()
    f.login(client, omar)

    page = client.get(reverse("wards:feedback_thread", args=[thread.pk])).content.decode()

    assert "Trần Văn Bình" not in page
    assert reverse("wards:declaration", args=[guest.pk]) not in page


def test_the_retention_purge_deletes_the_declaration_and_keeps_the_thread(
    settings, establishment, rita, guest
):
    thread = comm.open_feedback_thread(
        establishment=establishment,
        by=rita,
        category="suspicious_guest",
        subject="x",
        body="y",
        declaration=guest,
        at=timezone.now(),
    )
    Declaration.objects.filter(pk=guest.pk).update(
        departed_at=timezone.now() - timedelta(days=3650)
    )

    purge_expired(now=timezone.now())

    assert not Declaration.objects.filter(pk=guest.pk).exists()
    thread.refresh_from_db()
    assert thread.declaration is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_applies_and_reverses():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("wards", "0008_document_flags")])
        executor.loader.build_graph()
        columns = [
            c.name
            for c in connection.introspection.get_table_description(
                connection.cursor(), "wards_feedbackthread"
            )
        ]
        assert "declaration_id" not in columns

        executor.migrate([("wards", "0009_feedback_declaration")])
        executor.loader.build_graph()
        columns = [
            c.name
            for c in connection.introspection.get_table_description(
                connection.cursor(), "wards_feedbackthread"
            )
        ]
        assert "declaration_id" in columns
    finally:
        # Going back to wards 0008 also unapplied what depends on it (the immigration app's
        # tables among them): every app forward again, for the tests that follow.
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
