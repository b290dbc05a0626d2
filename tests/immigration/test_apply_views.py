"""The applicant's pages (immigration.apply.views): each checks who may open it, and does
what the applicant expects of it."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from guests.models import Declaration
from immigration.models import Application, Attachment, AttachmentKind, Kind, State
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Monday


def jpeg(name: str = "passport.jpg", tail: bytes = b"") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue() + tail, content_type="image/jpeg")


def foreign_guest(establishment, by, number: str = "K1234567", **visa) -> Declaration:
    declaration = f.make_declaration(
        establishment=establishment,
        by=by,
        kind="foreigner",
        full_name="SMITH John",
        nationality="GB",
        document_number=number,
    )
    values = {
        "document_expiry": date(2030, 5, 1),
        "visa_number": "VS998877",
        "visa_expiry": date(2026, 12, 20),
        "entry_date": date(2026, 11, 20),
        "entry_port": "Nội Bài",
        **visa,
    }
    Declaration.objects.filter(pk=declaration.pk).update(**values)
    declaration.refresh_from_db()
    return declaration


def draft(establishment, by, **fields) -> Application:
    """An empty draft, as "New application" makes one without a guest."""
    now = timezone.now()
    return Application.objects.create(
        reference=f"XNC01-2026-{Application.objects.count():06d}",
        kind=fields.pop("kind", Kind.STAY_EXTENSION),
        province=establishment.ward.province,
        establishment=establishment,
        created_by=by,
        created_at=now,
        updated_at=now,
        **fields,
    )


# --- the list ---------------------------------------------------------------------------------


def test_it_lists_the_lodging_applications_and_its_staying_foreign_guests(
    client, rita, ron, establishment, other_establishment
):
    mine = f.make_immigration_application(establishment=establishment, by=rita, full_name="Anna")
    f.make_immigration_application(establishment=other_establishment, by=ron, full_name="Zed")
    guest = foreign_guest(establishment, rita)
    f.login(client, rita)

    page = client.get(reverse("immigration:applications")).content.decode()

    assert mine.reference in page and "Zed" not in page
    assert "SMITH John" in page
    assert f"{reverse('immigration:new')}?declaration={guest.pk}&amp;kind=stay_extension" in page


def test_it_shows_a_sponsor_its_own_applications(client, sam, sponsor, alice, establishment):
    own = f.make_immigration_application(sponsor=sponsor, by=sam, full_name="Kim Ji")
    f.make_immigration_application(establishment=establishment, by=alice, full_name="Hotelguest")
    f.login(client, sam)

    page = client.get(reverse("immigration:applications")).content.decode()

    assert own.reference in page and "Hotelguest" not in page


def test_it_runs_a_fixed_number_of_queries(
    client, rita, establishment, django_assert_max_num_queries
):
    for n in range(5):
        f.make_immigration_application(establishment=establishment, by=rita, full_name=f"G{n}")
        foreign_guest(establishment, rita, number=f"K000{n}")
    f.login(client, rita)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("immigration:applications")).status_code == 200


@pytest.mark.parametrize("who", ["omar", "cora", "ivan", "admin_user"])
def test_it_refuses_the_police_and_the_office(client, who, request):
    f.login(client, request.getfixturevalue(who))
    for name in ("immigration:applications", "immigration:new"):
        assert client.get(reverse(name)).status_code == 403


def test_it_refuses_a_sponsor_not_approved_yet(client, ward):
    pending = f.make_sponsor(province=ward.province, status="pending")
    account = f.make_sponsor_account(sponsor=pending, username="pat")
    f.login(client, account)
    assert client.get(reverse("immigration:applications")).status_code == 403
    assert client.get(reverse("immigration:new")).status_code == 403


# --- a new application ------------------------------------------------------------------------


def test_the_link_from_a_guest_presets_the_guest_and_the_kind(client, rita, establishment):
    guest = foreign_guest(establishment, rita)
    f.login(client, rita)

    url = reverse("immigration:new") + f"?declaration={guest.pk}&kind=stay_extension"
    response = client.get(url)

    assert "For SMITH John, room 101" in response.content.decode()
    form = response.context["form"]
    assert (form["kind"].value(), form["declaration"].value()) == ("stay_extension", guest.pk)


def test_it_starts_a_draft_prefilled_from_the_declaration(client, rita, establishment):
    guest = foreign_guest(establishment, rita)
    f.login(client, rita)

    response = client.post(
        reverse("immigration:new") + f"?declaration={guest.pk}&kind=stay_extension",
        {"kind": "stay_extension", "declaration": guest.pk},
    )

    application = Application.objects.get()
    assert response["Location"] == reverse("immigration:edit", args=[application.pk])
    assert application.state == State.DRAFT and application.reference.startswith("XNC01-")
    assert (application.establishment, application.province) == (
        establishment,
        establishment.ward.province,
    )
    assert (application.full_name, application.sex, application.nationality) == (
        "SMITH John",
        "M",
        "GB",
    )
    assert application.birth_date == date(1990, 1, 1)
    assert (application.passport_number, application.passport_expiry) == (
        "K1234567",
        date(2030, 5, 1),
    )
    assert (application.permit_type, application.permit_number, application.permit_expiry) == (
        "visa",
        "VS998877",
        date(2026, 12, 20),
    )
    assert (application.entry_date, application.entry_port) == (date(2026, 11, 20), "Nội Bài")
    assert (application.address, application.ward) == (establishment.address, establishment.ward)
    assert application.sponsor_name == establishment.name
    assert application.declaration == guest and application.created_by == rita


def test_the_page_points_to_the_guests_open_application(client, rita, establishment):
    guest = foreign_guest(establishment, rita)
    f.login(client, rita)
    client.post(reverse("immigration:new"), {"kind": "stay_extension", "declaration": guest.pk})
    application = Application.objects.get()

    page = client.get(reverse("immigration:new"), {"declaration": guest.pk}).content.decode()

    assert "already has an open application" in page and application.reference in page


def test_the_edit_page_shows_the_prefilled_identity_as_a_summary(client, rita, establishment):
    guest = foreign_guest(establishment, rita)
    f.login(client, rita)
    client.post(reverse("immigration:new"), {"kind": "stay_extension", "declaration": guest.pk})
    application = Application.objects.get()

    page = client.get(reverse("immigration:edit", args=[application.pk])).content.decode()

    assert "<details>" in page and "Edit the identity" in page  # closed: nothing to ask
    assert "K1234567" in page


def test_a_sponsor_starts_an_application_with_its_own_details(client, sam, sponsor):
    f.login(client, sam)

    client.post(reverse("immigration:new"), {"kind": "residence_card"})

    application = Application.objects.get()
    assert application.sponsor == sponsor and application.establishment is None
    assert (application.sponsor_name, application.sponsor_phone) == (
        sponsor.name,
        sponsor.contact_phone,
    )
    assert application.signed_by == sam.full_name and application.kind == Kind.RESIDENCE_CARD


def test_another_lodgings_guest_is_a_404(client, rita, ron, other_establishment):
    theirs = foreign_guest(other_establishment, ron)
    f.login(client, rita)
    url = reverse("immigration:new") + f"?declaration={theirs.pk}&kind=stay_extension"
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "stay_extension"}).status_code == 404
    # Posted in the form instead of the link: not one of the choices.
    response = client.post(
        reverse("immigration:new"), {"kind": "stay_extension", "declaration": theirs.pk}
    )
    assert response.status_code == 200 and not Application.objects.exists()


def test_a_guest_who_left_a_citizen_or_a_bad_id_is_a_404(client, rita, establishment):
    left = foreign_guest(establishment, rita)
    Declaration.objects.filter(pk=left.pk).update(departed_at=timezone.now())
    citizen = f.make_declaration(establishment=establishment, by=rita)
    f.login(client, rita)
    for value in (left.pk, citizen.pk, "abc", "9" * 40, "²"):
        assert client.get(reverse("immigration:new"), {"declaration": value}).status_code == 404


def test_a_sponsor_has_no_declarations_to_start_from(client, sam, rita, establishment):
    guest = foreign_guest(establishment, rita)
    f.login(client, sam)
    assert client.get(reverse("immigration:new"), {"declaration": guest.pk}).status_code == 404


# --- the draft --------------------------------------------------------------------------------


def test_a_draft_keeps_partial_input(client, rita, establishment):
    application = draft(establishment, rita)
    f.login(client, rita)

    response = client.post(
        reverse("immigration:edit", args=[application.pk]),
        {"action": "save", "full_name": "  Maria   Rossi ", "occupation": "Chef"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.full_name, application.occupation) == ("Maria Rossi", "Chef")
    assert application.state == State.DRAFT and application.passport_number == ""


@pytest.mark.usefixtures("frozen_clock")
def test_what_is_typed_must_make_sense(client, rita, establishment):
    application = draft(establishment, rita, full_name="Maria Rossi")
    f.login(client, rita)

    response = client.post(
        reverse("immigration:edit", args=[application.pk]),
        {
            "action": "save",
            "full_name": "Maria Bianchi",
            "birth_date": "2030-01-01",
            "passport_expiry": "2026-12-01",
            "entry_date": "2026-11-01",
            "requested_until": "2026-12-01",
            "passport_number": "??",
            "sponsor_phone": "call me",
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {
        "birth_date",
        "passport_expiry",
        "requested_until",
        "passport_number",
        "sponsor_phone",
    }
    assert "The passport has expired" in str(form.errors["passport_expiry"])
    page = response.content.decode()
    assert 'value="Maria Bianchi"' in page  # kept
    application.refresh_from_db()
    assert application.full_name == "Maria Rossi"  # nothing saved


@pytest.mark.usefixtures("frozen_clock")
def test_the_period_must_be_in_order(client, rita, establishment):
    application = draft(establishment, rita, kind=Kind.VISA)
    f.login(client, rita)
    response = client.post(
        reverse("immigration:edit", args=[application.pk]),
        {"action": "save", "requested_from": "2027-02-01", "requested_until": "2027-01-01"},
    )
    assert "must end after it starts" in str(response.context["form"].errors["requested_until"])


def test_each_kind_asks_its_own_fields(client, rita, establishment):
    f.login(client, rita)
    visa = draft(establishment, rita, kind=Kind.VISA)
    card = draft(establishment, rita, kind=Kind.RESIDENCE_CARD)
    extension = draft(establishment, rita, kind=Kind.STAY_EXTENSION)
    fields = {
        app.kind: set(client.get(reverse("immigration:edit", args=[app.pk])).context["form"].fields)
        for app in (visa, card, extension)
    }
    assert "entries" in fields[Kind.VISA] and "entries" not in fields[Kind.RESIDENCE_CARD]
    assert "work_permit_number" in fields[Kind.RESIDENCE_CARD]
    assert "requested_from" not in fields[Kind.STAY_EXTENSION]


def test_a_submitted_application_is_not_editable(client, rita, establishment):
    application = f.make_immigration_application(
        establishment=establishment, by=rita, state=State.SUBMITTED
    )
    f.login(client, rita)
    url = reverse("immigration:edit", args=[application.pk])

    for response in (client.get(url), client.post(url, {"action": "save", "full_name": "X"})):
        assert response["Location"] == reverse("immigration:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.full_name == "John Michael Smith"
    page = client.get(reverse("immigration:detail", args=[application.pk])).content.decode()
    assert "can no longer be changed" in page


def test_another_lodgings_or_sponsors_application_is_a_404(
    client, rita, ron, sam, sponsor, other_establishment, ward
):
    theirs = f.make_immigration_application(establishment=other_establishment, by=ron)
    other_sponsor = f.make_sponsor(province=ward.province)
    other_account = f.make_sponsor_account(sponsor=other_sponsor)
    sponsors = f.make_immigration_application(sponsor=other_sponsor, by=other_account)
    attachment = f.make_immigration_attachment(application=theirs, by=ron)
    sponsors_file = f.make_immigration_attachment(application=sponsors, by=other_account)
    for user, application, stored in ((rita, theirs, attachment), (sam, sponsors, sponsors_file)):
        f.login(client, user)
        for name in ("immigration:detail", "immigration:edit", "immigration:withdraw"):
            assert client.get(reverse(name, args=[application.pk])).status_code == 404, name
        for name in ("immigration:edit", "immigration:submit", "immigration:withdraw"):
            response = client.post(reverse(name, args=[application.pk]), {"confirm": "on"})
            assert response.status_code == 404, name
        assert client.get(reverse("immigration:attachment", args=[stored.pk])).status_code == 404
        response = client.post(reverse("immigration:attachment_delete", args=[stored.pk]))
        assert response.status_code == 404
    assert Attachment.objects.count() == 2
    assert Application.objects.filter(state=State.DRAFT).count() == 2


@pytest.mark.parametrize("who", ["omar", "ivan"])
def test_the_police_and_the_office_get_a_403_on_the_applicant_pages(
    client, who, rita, establishment, request
):
    application = f.make_immigration_application(
        establishment=establishment, by=rita, state=State.SUBMITTED
    )
    f.login(client, request.getfixturevalue(who))
    for name in ("immigration:detail", "immigration:edit", "immigration:withdraw"):
        assert client.get(reverse(name, args=[application.pk])).status_code == 403
    assert client.post(reverse("immigration:submit", args=[application.pk])).status_code == 403


# --- uploads ----------------------------------------------------------------------------------


def test_it_stores_an_upload_reencoded(client, rita, establishment):
    application = draft(establishment, rita)
    f.login(client, rita)

    client.post(
        reverse("immigration:edit", args=[application.pk]),
        {"action": "save", "passport_page": jpeg(tail=b"TRAILING")},
    )

    stored = Attachment.objects.get()
    assert (stored.kind, stored.name, stored.content_type) == (
        AttachmentKind.PASSPORT_PAGE,
        "passport.jpg",
        "image/jpeg",
    )
    assert b"TRAILING" not in stored.content and stored.size == len(stored.content)
    assert stored.uploaded_by == rita


def test_a_bad_file_is_an_error_on_its_field_and_keeps_the_rest(client, rita, establishment):
    application = draft(establishment, rita)
    kept = f.make_immigration_attachment(application=application, by=rita, kind="photo")
    f.login(client, rita)

    response = client.post(
        reverse("immigration:edit", args=[application.pk]),
        {
            "action": "save",
            "full_name": "Maria Rossi",
            "passport_page": SimpleUploadedFile("scan.jpg", b"\x00junk" * 50),
            "supporting": SimpleUploadedFile("letter.pdf", b""),
        },
    )

    form = response.context["form"]
    assert "not a JPEG, PNG or WebP image" in str(form.errors["passport_page"])
    assert "empty" in str(form.errors["supporting"])
    assert 'value="Maria Rossi"' in response.content.decode()
    assert list(Attachment.objects.all()) == [kept]


def test_a_file_over_5_mb_is_an_error_on_its_field_not_a_refused_request(
    client, rita, establishment
):
    application = draft(establishment, rita)
    f.login(client, rita)
    big = jpeg(tail=b"\0" * (6 * 1024 * 1024))

    response = client.post(
        reverse("immigration:edit", args=[application.pk]),
        {"action": "save", "full_name": "Maria Rossi", "supporting": big},
    )

    assert response.status_code == 200
    assert "larger than 5 MB" in str(response.context["form"].errors["supporting"])
    assert not Attachment.objects.exists()


def test_the_files_of_an_application_have_a_total_limit(client, rita, establishment, settings):
    application = draft(establishment, rita)
    f.make_immigration_attachment(application=application, by=rita)
    settings.IMMIGRATION_APPLICATION_MAX_BYTES = Attachment.objects.get().size + 100
    f.login(client, rita)

    response = client.post(
        reverse("immigration:edit", args=[application.pk]), {"action": "save", "photo": jpeg()}
    )

    assert "in all" in str(response.context["form"].errors["photo"])
    assert Attachment.objects.count() == 1


def test_a_file_is_deleted_while_editable_only(client, rita, establishment):
    application = draft(establishment, rita)
    stored = f.make_immigration_attachment(application=application, by=rita)
    submitted = f.make_immigration_application(
        establishment=establishment, by=rita, state=State.SUBMITTED
    )
    locked = f.make_immigration_attachment(application=submitted, by=rita)
    f.login(client, rita)

    response = client.post(reverse("immigration:attachment_delete", args=[stored.pk]))
    assert response["Location"] == reverse("immigration:edit", args=[application.pk])
    assert not Attachment.objects.filter(pk=stored.pk).exists()

    client.post(reverse("immigration:attachment_delete", args=[locked.pk]))
    assert Attachment.objects.filter(pk=locked.pk).exists()


# --- download ---------------------------------------------------------------------------------


def test_a_file_is_served_as_a_download(client, rita, establishment):
    application = draft(establishment, rita)
    stored = f.make_immigration_attachment(application=application, by=rita)
    f.login(client, rita)

    response = client.get(reverse("immigration:attachment", args=[stored.pk]))

    assert response.status_code == 200 and response.content == stored.content
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="passport_page.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))


def test_the_office_downloads_the_files_of_a_submitted_application_only(
    client, rita, ivan, establishment
):
    submitted = f.make_immigration_application(
        establishment=establishment, by=rita, state=State.SUBMITTED
    )
    seen = f.make_immigration_attachment(application=submitted, by=rita)
    unseen = f.make_immigration_attachment(application=draft(establishment, rita), by=rita)
    f.login(client, ivan)
    assert client.get(reverse("immigration:attachment", args=[seen.pk])).status_code == 200
    assert client.get(reverse("immigration:attachment", args=[unseen.pk])).status_code == 404
    assert client.post(reverse("immigration:attachment_delete", args=[seen.pk])).status_code == 403


def test_another_provinces_office_gets_a_404(client, rita, establishment):
    submitted = f.make_immigration_application(
        establishment=establishment, by=rita, state=State.SUBMITTED
    )
    stored = f.make_immigration_attachment(application=submitted, by=rita)
    stranger = f.make_immigration_officer(province=f.make_province(code=79, name="TP HCM"))
    f.login(client, stranger)
    assert client.get(reverse("immigration:attachment", args=[stored.pk])).status_code == 404


# --- submission -------------------------------------------------------------------------------


def test_submission_names_every_missing_piece(client, rita, establishment):
    application = draft(establishment, rita, full_name="Maria Rossi")
    f.login(client, rita)

    response = client.post(reverse("immigration:submit", args=[application.pk]))

    assert response.status_code == 200
    missing = [piece.name for piece in response.context["missing"]]
    assert missing == [
        "sex",
        "birth_date",
        "nationality",
        "passport_number",
        "passport_expiry",
        "permit_type",
        "permit_expiry",
        "entry_date",
        "purpose",
        "requested_until",
        "address",
        "ward",
        "sponsor_name",
        "sponsor_address",
        "sponsor_phone",
        "signed_by",
        "passport_page",
        "photo",
        "supporting",
    ]
    form = response.context["form"]
    assert all(name in form.errors for name in missing)
    page = response.content.decode()
    assert "19 things are missing" in page and "At least one supporting document" in page
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_saving_and_submitting_from_the_form_keeps_what_was_typed(client, rita, establishment):
    application = draft(establishment, rita)
    f.login(client, rita)

    response = client.post(
        reverse("immigration:edit", args=[application.pk]),
        {"action": "submit", "full_name": "Maria Rossi", "photo": jpeg("me.png")},
    )

    assert response.status_code == 200
    # me.png is a JPEG: refused for its name, but the typed name stays on the page.
    assert "name it" in str(response.context["form"].errors["photo"])

    response = client.post(
        reverse("immigration:edit", args=[application.pk]),
        {"action": "submit", "full_name": "Maria Rossi", "photo": jpeg("me.jpg")},
    )
    application.refresh_from_db()
    assert application.full_name == "Maria Rossi" and application.attachments.count() == 1
    assert "photo" not in [piece.name for piece in response.context["missing"]]


def complete(establishment, by, **fields) -> Application:
    application = f.make_immigration_application(establishment=establishment, by=by, **fields)
    for kind in ("passport_page", "photo", "supporting"):
        f.make_immigration_attachment(application=application, by=by, kind=kind)
    return application


def test_a_complete_draft_is_submitted(client, rita, establishment, frozen_clock):
    application = complete(establishment, rita)
    f.login(client, rita)

    response = client.post(reverse("immigration:submit", args=[application.pk]))

    assert response["Location"] == reverse("immigration:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert timezone.localtime(application.due_at).date() == date(2026, 12, 15)
    page = client.get(response["Location"]).content.decode()
    assert "Submitted to the immigration office." in page
    assert "The office answers by the end of <strong>14/12/2026</strong>" in page


def test_a_visa_needs_no_supporting_document(client, rita, establishment):
    application = f.make_immigration_application(
        establishment=establishment, by=rita, kind=Kind.VISA, entries="single"
    )
    for kind in ("passport_page", "photo"):
        f.make_immigration_attachment(application=application, by=rita, kind=kind)
    f.login(client, rita)
    client.post(reverse("immigration:submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_a_card_for_work_with_a_permit_needs_the_permit_number(client, rita, establishment):
    application = complete(establishment, rita, kind=Kind.RESIDENCE_CARD, purpose="LD2")
    f.login(client, rita)
    response = client.post(reverse("immigration:submit", args=[application.pk]))
    assert [piece.name for piece in response.context["missing"]] == ["work_permit_number"]


def test_resubmission_after_a_request_resets_the_deadline(
    client, rita, ivan, establishment, frozen_clock
):
    application = complete(establishment, rita, state=State.SUBMITTED)
    first_due = application.due_at
    from immigration.services import transition

    frozen_clock.shift(timedelta(days=3))
    transition(application, State.INFO_REQUESTED, actor=ivan, info_request="Bản sao hợp đồng")
    f.login(client, rita)
    page = client.get(reverse("immigration:detail", args=[application.pk])).content.decode()
    assert "The immigration office asks:" in page and "Bản sao hợp đồng" in page

    response = client.post(
        reverse("immigration:edit", args=[application.pk]),
        {**editable_values(application), "action": "submit"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.RESUBMITTED
    assert application.due_at > first_due
    assert timezone.localtime(application.due_at).date() == date(2026, 12, 18)


def editable_values(application: Application) -> dict:
    """What the edit page posts back for an application left as it is."""
    from immigration.apply.forms import ApplicationForm

    form = ApplicationForm(application=application)
    return {
        name: form[name].value()
        for name in form.fields
        if form[name].value() not in (None, "")
        and name not in ("passport_page", "photo", "supporting")
    }


def test_a_submission_that_comes_second_is_told_so(client, rita, establishment):
    application = complete(establishment, rita)
    f.login(client, rita)
    page = client.get(reverse("immigration:detail", args=[application.pk]))
    assert page.status_code == 200
    # Another tab withdrew it meanwhile.
    Application.objects.filter(pk=application.pk).update(state=State.WITHDRAWN)

    response = client.post(reverse("immigration:submit", args=[application.pk]), follow=True)

    assert "can no longer be changed" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN


# --- withdrawal -------------------------------------------------------------------------------


def test_withdrawal_asks_for_confirmation_first(client, rita, establishment):
    application = complete(establishment, rita, state=State.SUBMITTED)
    f.login(client, rita)
    url = reverse("immigration:withdraw", args=[application.pk])

    assert "Yes, withdraw this application" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 200
    application.refresh_from_db()
    assert application.state == State.SUBMITTED

    response = client.post(url, {"confirm": "on"})
    assert response["Location"] == reverse("immigration:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    assert application.events.last().actor == rita


def test_a_decided_application_cannot_be_withdrawn(client, rita, establishment):
    application = f.make_immigration_application(
        establishment=establishment, by=rita, state=State.APPROVED
    )
    f.login(client, rita)
    response = client.post(
        reverse("immigration:withdraw", args=[application.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.APPROVED


# --- the application's page -------------------------------------------------------------------


def test_the_page_shows_the_summary_the_files_and_the_timeline(client, rita, establishment):
    application = complete(establishment, rita, state=State.SUBMITTED)
    f.login(client, rita)

    page = client.get(reverse("immigration:detail", args=[application.pk])).content.decode()

    assert application.reference in page and "John Michael Smith" in page
    assert "passport_page.jpg" in page
    assert reverse("immigration:attachment", args=[application.attachments.first().pk]) in page
    assert "Submitted" in page and "Withdraw" in page
    assert reverse("immigration:edit", args=[application.pk]) not in page
