"""Deciding from the inbox: one-tap confirm, bulk confirm, return with a reason, and the
return-and-correct round trip."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guests import services
from guests.models import Declaration, ReviewAction, ReviewEvent, ReviewStatus
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english")

INBOX = reverse("wards:inbox")
BULK = reverse("wards:inbox_confirm")


def confirm_url(declaration) -> str:
    return reverse("wards:declaration_confirm", args=[declaration.pk])


def return_url(declaration) -> str:
    return reverse("wards:declaration_return", args=[declaration.pk])


def status_of(declaration) -> str:
    return Declaration.objects.get(pk=declaration.pk).review_status


def test_one_tap_confirms_a_declaration_and_takes_it_off_the_inbox(
    client, omar, rita, establishment
):
    declaration = f.make_declaration(establishment=establishment, by=rita)
    f.login(client, omar)

    response = client.post(confirm_url(declaration), {"next": INBOX}, follow=True)

    assert status_of(declaration) == ReviewStatus.CONFIRMED
    event = ReviewEvent.objects.get(declaration=declaration)
    assert (event.action, event.by, event.version_number) == (ReviewAction.CONFIRMED, omar, 1)
    assert response.redirect_chain[-1][0] == INBOX
    assert "Nguyễn Văn An confirmed." in response.content.decode()
    assert declaration.pk not in [row.pk for row in response.context["rows"]]


def test_confirming_twice_says_it_was_already_decided_and_writes_nothing(
    client, omar, cora, rita, establishment
):
    declaration = f.make_declaration(establishment=establishment, by=rita)
    f.login(client, cora).post(confirm_url(declaration))

    response = f.login(client, omar).post(confirm_url(declaration), follow=True)

    assert "already decided" in response.content.decode()
    assert ReviewEvent.objects.filter(declaration=declaration).count() == 1


def test_confirm_does_not_follow_a_next_link_to_another_site(client, omar, rita, establishment):
    declaration = f.make_declaration(establishment=establishment, by=rita)

    response = f.login(client, omar).post(confirm_url(declaration), {"next": "https://evil.test/"})

    assert response.url == INBOX


def test_another_wards_declaration_is_a_404_on_confirm_and_return_and_nothing_changes(
    client, otto, rita, establishment
):
    declaration = f.make_declaration(establishment=establishment, by=rita)
    f.login(client, otto)

    assert client.post(confirm_url(declaration)).status_code == 404
    assert client.post(return_url(declaration), {"reason": "Sai tên"}).status_code == 404
    assert status_of(declaration) == ReviewStatus.PENDING
    assert not ReviewEvent.objects.filter(declaration=declaration).exists()


@pytest.mark.parametrize("user", ["alice", "rita"])
def test_the_establishments_own_staff_cannot_decide(client, request, user, rita, establishment):
    declaration = f.make_declaration(establishment=establishment, by=rita)
    f.login(client, request.getfixturevalue(user))

    assert client.post(confirm_url(declaration)).status_code == 403
    assert client.post(BULK, {"ids": [declaration.pk]}).status_code == 403
    assert status_of(declaration) == ReviewStatus.PENDING


def test_confirm_needs_a_post(client, omar, rita, establishment):
    declaration = f.make_declaration(establishment=establishment, by=rita)

    assert f.login(client, omar).get(confirm_url(declaration)).status_code == 405


def test_bulk_confirm_confirms_the_selection_and_counts_those_already_decided(
    client, omar, cora, rita, establishment
):
    first, second, decided, untouched = (
        f.make_declaration(establishment=establishment, by=rita) for _ in range(4)
    )
    services.confirm_declaration(declaration=decided, officer=cora)

    response = f.login(client, omar).post(
        BULK, {"ids": [first.pk, second.pk, decided.pk], "next": INBOX}, follow=True
    )

    assert "2 confirmed, 1 already decided." in response.content.decode()
    assert status_of(first) == status_of(second) == ReviewStatus.CONFIRMED
    assert status_of(untouched) == ReviewStatus.PENDING
    assert ReviewEvent.objects.get(declaration=decided).by == cora
    assert [row.pk for row in response.context["rows"]] == [untouched.pk]


def test_bulk_confirm_with_one_id_of_another_ward_404s_and_confirms_nothing(
    client, omar, rita, ron, establishment, other_establishment
):
    ours = f.make_declaration(establishment=establishment, by=rita)
    theirs = f.make_declaration(establishment=other_establishment, by=ron)

    response = f.login(client, omar).post(BULK, {"ids": [ours.pk, theirs.pk]})

    assert response.status_code == 404
    assert status_of(ours) == status_of(theirs) == ReviewStatus.PENDING
    assert not ReviewEvent.objects.exists()


def test_bulk_confirm_with_nothing_selected_asks_for_a_selection(client, omar):
    response = f.login(client, omar).post(BULK, {}, follow=True)

    assert "Select the declarations to confirm." in response.content.decode()


def test_return_needs_a_reason(client, omar, rita, establishment):
    declaration = f.make_declaration(establishment=establishment, by=rita)

    response = f.login(client, omar).post(return_url(declaration), {"reason": "   "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert status_of(declaration) == ReviewStatus.PENDING


def test_return_and_correct_round_trip(client, omar, rita, establishment):
    declaration = f.make_declaration(establishment=establishment, by=rita, full_name="Nguyen Van")
    f.login(client, omar)

    response = client.post(
        return_url(declaration), {"reason": "Thiếu dấu trong họ tên", "version": 1}
    )

    assert response.url == INBOX
    assert status_of(declaration) == ReviewStatus.RETURNED
    event = ReviewEvent.objects.get(declaration=declaration)
    assert (event.action, event.reason) == (ReviewAction.RETURNED, "Thiếu dấu trong họ tên")
    assert declaration.pk not in [row.pk for row in client.get(INBOX).context["rows"]]

    services.correct_declaration(
        declaration=declaration, corrected_by=rita, data={"full_name": "Nguyễn Văn"}
    )

    inbox = client.get(INBOX)
    assert [row.pk for row in inbox.context["rows"]] == [declaration.pk]
    assert "Nguyễn Văn" in inbox.content.decode()

    page = client.get(reverse("wards:declaration", args=[declaration.pk])).content.decode()
    assert "Confirm version 2" in page
    client.post(confirm_url(declaration), {"version": 2})
    assert status_of(declaration) == ReviewStatus.CONFIRMED
    assert list(
        ReviewEvent.objects.filter(declaration=declaration).values_list("action", "version_number")
    ) == [(ReviewAction.RETURNED, 1), (ReviewAction.CONFIRMED, 2)]


def test_confirming_a_version_the_desk_has_corrected_since_does_nothing(
    client, omar, rita, establishment
):
    declaration = f.make_declaration(establishment=establishment, by=rita)
    services.correct_declaration(declaration=declaration, corrected_by=rita, data={"room": "909"})

    response = f.login(client, omar).post(confirm_url(declaration), {"version": 1}, follow=True)

    assert "has changed since" in response.content.decode()
    assert status_of(declaration) == ReviewStatus.PENDING


def test_bulk_confirm_with_an_id_that_is_not_a_number_404s_and_confirms_nothing(
    client, omar, rita, establishment
):
    declaration = f.make_declaration(establishment=establishment, by=rita)

    response = f.login(client, omar).post(BULK, {"ids": [declaration.pk, "1 OR 1=1"]})

    assert response.status_code == 404
    assert status_of(declaration) == ReviewStatus.PENDING


def test_the_commander_confirms_from_the_inbox_too(client, cora, rita, establishment):
    declaration = f.make_declaration(establishment=establishment, by=rita)

    f.login(client, cora).post(BULK, {"ids": [declaration.pk]})

    assert status_of(declaration) == ReviewStatus.CONFIRMED
