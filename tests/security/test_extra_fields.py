"""Fields a form does not have are ignored: posting the review status, the late mark, the
deadline, who filed, the establishment, a role or an account status changes nothing, whoever
posts them. Each test reads the rows back from the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from establishments.models import Application, ApplicationStatus, Staff
from guests.models import Declaration, ReviewStatus
from luutru.models import Role, User
from tests import factories as f
from tests.establishments.helpers import application_data
from wards.models import FeedbackStatus, FeedbackThread, Flag, Inspection, Notice

from .probe import filing_input, send, stay_input

CITIZEN = {
    "full_name": "Phạm Thu Hà",
    "sex": "F",
    "birth_date": "1990-01-01",
    "document_number": "001190012345",
    "reason": "",
}
SOON = (timezone.now() + timedelta(days=300)).isoformat()


def stray_declaration_fields(other_user, other_establishment) -> dict[str, str]:
    """What a receptionist might add to a filing or a correction, as raw POST fields and as
    the guest-0- fields of the formset."""
    fields = {
        "review_status": ReviewStatus.CONFIRMED,
        "late": "false",
        "deadline": SOON,
        "filed_by": str(other_user.pk),
        "filed_by_id": str(other_user.pk),
        "establishment": str(other_establishment.pk),
        "establishment_id": str(other_establishment.pk),
        "filed_at": "2020-01-01T00:00",
        "departed_at": "2020-01-02T00:00",
        "kind": "foreigner",
        "nationality": "FR",
        "document_hash": "0" * 64,
        "reviewed_at": SOON,
    }
    return {**fields, **{f"guest-0-{name}": value for name, value in fields.items()}}


def test_a_filing_ignores_the_review_status_late_mark_deadline_filer_and_establishment(
    clients, rita, ron, other_establishment, establishment
):
    # Filed 30 hours after arrival: late for a citizen whatever the form says.
    data = {
        **filing_input(CITIZEN, arrived_hours_ago=30),
        **stray_declaration_fields(ron, other_establishment),
    }
    response = send(clients["rita"], "POST", reverse("guests:file_citizen"), data)
    assert response.status_code == 302
    declaration = Declaration.objects.get()
    assert declaration.establishment == establishment
    assert declaration.filed_by == rita
    assert declaration.review_status == ReviewStatus.PENDING
    assert declaration.late is True
    assert declaration.deadline < timezone.now()
    assert declaration.kind == "citizen" and declaration.nationality == "VN"
    assert declaration.departed_at is None
    assert abs(declaration.filed_at - timezone.now()) < timedelta(minutes=1)
    assert declaration.document_hash != "0" * 64


def test_a_correction_ignores_them_too(clients, rita, ron, establishment, other_establishment):
    declaration = f.make_declaration(
        establishment=establishment,
        by=rita,
        full_name="Phạm Thu Hà",
        document_number="001190012345",
        arrival=timezone.now() - timedelta(hours=1),
    )
    before = Declaration.objects.values().get(pk=declaration.pk)
    data = {
        "action": "correct",
        **{k: v for k, v in CITIZEN.items()},
        "full_name": "Phạm Thu Hằng",
        **stay_input(),
        **stray_declaration_fields(ron, other_establishment),
    }
    response = send(clients["rita"], "POST", reverse("guests:correct", args=[declaration.pk]), data)
    assert response.status_code == 302
    after = Declaration.objects.values().get(pk=declaration.pk)
    assert after["full_name"] == "Phạm Thu Hằng"  # the correction itself went through
    for name in (
        "establishment_id",
        "filed_by_id",
        "review_status",
        "late",
        "deadline",
        "filed_at",
        "departed_at",
        "kind",
        "nationality",
        "document_hash",
    ):
        assert after[name] == before[name], name


@pytest.mark.parametrize("decision", ["declaration_confirm", "declaration_return"])
def test_a_review_ignores_guest_fields_posted_with_it(clients, establishment, rita, decision):
    declaration = f.make_declaration(
        establishment=establishment, by=rita, document_number="001190012345"
    )
    before = Declaration.objects.values().get(pk=declaration.pk)
    data = {
        "version": "1",
        "reason": "Sai ngày sinh",
        "full_name": "Someone Else",
        "document_number": "079190099999",
        "room": "999",
        "birth_date": "1950-01-01",
        "arrival": "2020-01-01T00:00",
        "establishment": "1",
        "filed_by": "1",
        "late": "true",
    }
    response = send(
        clients["omar"], "POST", reverse(f"wards:{decision}", args=[declaration.pk]), data
    )
    assert response.status_code == 302
    after = Declaration.objects.values().get(pk=declaration.pk)
    assert after["review_status"] != before["review_status"]  # the decision was made
    changed = {k for k in before if before[k] != after[k]}
    # Only the review's own columns change (status and its due-time bookkeeping).
    assert changed <= {"review_status", "review_due_at", "correction_due_at"}, changed
    assert declaration.versions.count() == 1


def test_an_owner_cannot_make_a_staff_account_anything_but_a_receptionist_of_theirs(
    clients, alice, establishment, other_establishment
):
    data = {
        "full_name": "Lê Văn Tâm",
        "username": "tam",
        "email": "",
        "role": Role.WARD_COMMANDER,
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "",
        "establishment": str(other_establishment.pk),
        "password": "chosen-by-the-owner",
        "receptionist_2fa_required": "",
    }
    response = send(clients["alice"], "POST", reverse("establishments:staff_add"), data)
    assert response.status_code == 302
    user = User.objects.get(username="tam")
    assert user.role == Role.RECEPTIONIST
    assert not user.is_staff and not user.is_superuser
    assert user.is_active
    assert not user.has_usable_password()
    assert Staff.objects.get(user=user).establishment == establishment
    establishment.refresh_from_db()
    assert establishment.receptionist_2fa_required is True


def test_an_applicant_cannot_post_an_approved_or_active_application(ward, omar, client):
    data = {
        **application_data(ward),
        "status": "active",
        "decided_by": str(omar.pk),
        "decided_at": "2026-01-01T00:00",
        "code": "70-0001",
        "refusal_reason": "x",
    }
    response = send(client, "POST", reverse("establishments:apply"), data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == ApplicationStatus.PENDING
    assert application.decided_by is None and application.decided_at is None
    assert application.refusal_reason == ""
    assert not hasattr(application, "establishment") or application.establishment is None


def test_the_establishment_side_cannot_choose_where_feedback_goes_or_its_status(
    clients, establishment, other_establishment, other_ward, ron
):
    data = {
        "category": "question",
        "subject": "Hỏi",
        "body": "Nội dung",
        "establishment": str(other_establishment.pk),
        "ward": str(other_ward.pk),
        "status": FeedbackStatus.CLOSED,
        "created_by": str(ron.pk),
    }
    assert send(clients["rita"], "POST", reverse("wards:feedback_new"), data).status_code == 302
    thread = FeedbackThread.objects.get()
    assert (thread.establishment, thread.ward) == (establishment, establishment.ward)
    assert thread.status == FeedbackStatus.OPEN
    assert thread.created_by.username == "rita"


def test_the_police_cannot_post_for_another_ward_or_officer(
    clients, world, ward, other_ward, otto, cora, establishment
):
    omar = clients["omar"]
    notice = {
        "category": "advisory",
        "title": "Thông báo",
        "body": "Nội dung",
        "audience": "all",
        "ward": str(other_ward.pk),
        "author": str(otto.pk),
        "published_at": "2020-01-01T00:00",
    }
    assert send(omar, "POST", reverse("wards:notice_new"), notice).status_code == 302
    published = Notice.objects.latest("pk")
    assert published.ward == ward and published.author.username == "omar"
    assert abs(published.published_at - timezone.now()) < timedelta(minutes=1)

    inspection = {
        "date": timezone.localdate().isoformat(),
        "findings": "Đầy đủ",
        "officer": str(cora.pk),
        "establishment": "1",
        "created_at": "2020-01-01T00:00",
    }
    url = reverse("wards:inspection_new", args=[establishment.pk])
    assert send(omar, "POST", url, inspection).status_code == 302
    recorded = Inspection.objects.get()
    assert recorded.officer.username == "omar" and recorded.establishment == establishment

    resolution = {"resolution": "Đã nhắc", "resolved_by": str(cora.pk), "resolved_at": SOON}
    url = reverse("wards:resolve_flag", args=[world.flag.pk])
    assert send(omar, "POST", url, resolution).status_code == 302
    flag = Flag.objects.get(pk=world.flag.pk)
    assert flag.resolved_by.username == "omar"
    assert abs(flag.resolved_at - timezone.now()) < timedelta(minutes=1)

    settings = {"remote": "on", "ward": str(other_ward.pk), "code": "1", "name": "X"}
    assert send(clients["cora"], "POST", reverse("wards:settings"), settings).status_code == 302
    ward.refresh_from_db()
    other_ward.refresh_from_db()
    assert ward.remote is True and other_ward.remote is False
    assert ward.name == "Phường Hoàn Kiếm"
