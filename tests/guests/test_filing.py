"""Filing guests through the two check-in pages, end to end."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from guests.deadlines import LOCAL_TZ
from guests.models import Declaration, DeclarationKind, DeclarationVersion, DocumentType
from guests.mrz import build_td3
from tests import factories as f
from tests.guests.helpers import (
    CITIZEN_URL,
    FOREIGNER_URL,
    citizen,
    foreigner,
    management,
    post,
    stay,
)

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

# 10:00 in Hà Nội.
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def desk(client, rita):
    return f.login(client, rita)


@pytest.mark.django_db
def test_the_foreigner_page_opens_with_focus_in_the_mrz_field_and_arrival_now(desk):
    response = desk.get(FOREIGNER_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<textarea name="guest-0-mrz"[^>]* autofocus[ >]', html)
    assert 'value="2026-06-15T10:00"' in html


@pytest.mark.django_db
def test_the_citizen_page_opens_with_focus_in_the_name(desk):
    html = desk.get(CITIZEN_URL).content.decode()
    assert re.search(r'<input type="text" name="guest-0-full_name"[^>]* autofocus[ >]', html)


@pytest.mark.django_db
def test_it_files_a_foreigner_with_deadline_and_version_1(desk, rita, establishment):
    response = post(desk, FOREIGNER_URL, foreigner())
    assert response.status_code == 302
    assert response.url == FOREIGNER_URL

    declaration = Declaration.objects.get()
    assert declaration.establishment == establishment
    assert declaration.kind == DeclarationKind.FOREIGNER
    assert declaration.full_name == "Anna Maria Eriksson"
    assert declaration.document_number == "L898900C3"
    assert declaration.document_type == DocumentType.PASSPORT
    assert declaration.nationality == "SE"
    assert declaration.arrival == datetime(2026, 6, 15, 9, 30, tzinfo=LOCAL_TZ)
    # Law 47/2014, art. 33: 12 hours after arrival.
    assert declaration.deadline == datetime(2026, 6, 15, 21, 30, tzinfo=LOCAL_TZ)
    assert not declaration.late
    assert declaration.filed_by == rita
    assert declaration.filed_at == NOW

    version = declaration.versions.get()
    assert version.number == 1
    assert version.created_by == rita
    assert version.data["full_name"] == "Anna Maria Eriksson"
    assert version.data["document_number"] == "L898900C3"

    page = desk.get(response.url)
    assert "Filed: Anna Maria Eriksson, room 101." in page.content.decode()


@pytest.mark.django_db
def test_it_files_a_citizen_keeping_the_name_as_typed(desk, establishment):
    response = post(desk, CITIZEN_URL, citizen(full_name="  Nguyễn Thị  Hoà "))
    assert response.status_code == 302

    declaration = Declaration.objects.get()
    assert declaration.kind == DeclarationKind.CITIZEN
    assert declaration.full_name == "Nguyễn Thị  Hoà"
    assert declaration.nationality == "VN"
    assert declaration.document_type == DocumentType.CITIZEN_ID
    assert declaration.reason == "Du lịch"
    # Law on Residence 2020, art. 30(4): before 23:00 of the day of arrival.
    assert declaration.deadline == datetime(2026, 6, 15, 23, 0, tzinfo=LOCAL_TZ)
    assert declaration.versions.count() == 1


@pytest.mark.django_db
def test_a_foreigner_filed_after_the_deadline_is_marked_late_at_once(client, rita, frozen_clock):
    frozen_clock.move_to(datetime(2026, 6, 16, 9, 0, tzinfo=LOCAL_TZ))
    desk = f.login(client, rita)
    post(desk, FOREIGNER_URL, foreigner(), arrival="2026-06-15T20:00")

    declaration = Declaration.objects.get()
    assert declaration.deadline == datetime(2026, 6, 16, 8, 0, tzinfo=LOCAL_TZ)
    assert declaration.late
    page = desk.get(reverse("guests:desk")).content.decode()
    assert "LATE" in page


@pytest.mark.django_db
def test_a_citizen_filed_after_23_00_of_the_arrival_day_is_late(client, rita, frozen_clock):
    frozen_clock.move_to(datetime(2026, 6, 15, 23, 5, tzinfo=LOCAL_TZ))
    desk = f.login(client, rita)
    post(desk, CITIZEN_URL, citizen(), arrival="2026-06-15T22:00")
    assert Declaration.objects.get().late


@pytest.mark.django_db
def test_a_remote_ward_gives_foreigners_24_hours(desk, establishment):
    establishment.ward.remote = True
    establishment.ward.save(update_fields=["remote"])
    post(desk, FOREIGNER_URL, foreigner())
    declaration = Declaration.objects.get()
    assert declaration.deadline == datetime(2026, 6, 16, 9, 30, tzinfo=LOCAL_TZ)
    assert declaration.deadline.astimezone(UTC) - declaration.arrival.astimezone(UTC) == timedelta(
        hours=24
    )


@pytest.mark.django_db
def test_the_same_form_posted_twice_files_one_declaration(desk):
    data = {**management(1), **stay(), **foreigner()}
    first = desk.post(FOREIGNER_URL, data)
    second = desk.post(FOREIGNER_URL, data)
    assert first.status_code == second.status_code == 302
    assert Declaration.objects.count() == 1
    assert DeclarationVersion.objects.count() == 1


@pytest.mark.django_db
def test_a_group_of_three_is_filed_in_one_submit(desk):
    response = post(desk, CITIZEN_URL, citizen(0), citizen(1), citizen(2), room="204")
    assert response.status_code == 302
    assert list(Declaration.objects.order_by("document_number").values_list("room", flat=True)) == [
        "204",
        "204",
        "204",
    ]
    assert DeclarationVersion.objects.count() == 3
    assert len(set(Declaration.objects.values_list("submission_key", flat=True))) == 3


@pytest.mark.django_db
def test_an_error_in_one_guest_of_a_group_files_none_and_keeps_what_was_typed(desk):
    response = post(
        desk,
        CITIZEN_URL,
        citizen(0, full_name="Trần Văn Ánh", sex="M", document_number="001090012340"),
        citizen(1, birth_date="2099-01-01"),
        citizen(2),
    )
    assert response.status_code == 400
    assert Declaration.objects.count() == 0
    formset = response.context["formset"]
    assert formset.forms[1].errors["birth_date"] == ["The date of birth cannot be in the future."]
    html = response.content.decode()
    assert 'value="Trần Văn Ánh"' in html
    assert 'value="001090012340"' in html


@pytest.mark.django_db
def test_a_blank_extra_guest_form_is_ignored(desk):
    data = {**management(2), **stay(), **citizen(0)}
    data.update({f"guest-1-{name}": "" for name in ("full_name", "sex", "birth_date")})
    assert desk.post(CITIZEN_URL, data).status_code == 302
    assert Declaration.objects.count() == 1


@pytest.mark.django_db
def test_add_another_guest_re_renders_with_one_more_empty_form(desk):
    data = {**management(1), **stay(room="305"), **citizen(0), "action": "add"}
    response = desk.post(CITIZEN_URL, data)
    assert response.status_code == 200
    assert Declaration.objects.count() == 0
    formset = response.context["formset"]
    assert len(formset.forms) == 2
    html = response.content.decode()
    assert 'value="305"' in html
    assert 'name="guest-1-full_name"' in html
    assert "is-invalid" not in html


@pytest.mark.django_db
def test_the_same_document_cannot_be_staying_twice(desk):
    post(desk, FOREIGNER_URL, foreigner())
    response = post(desk, FOREIGNER_URL, foreigner(full_name="Someone Else"))
    assert response.status_code == 400
    errors = response.context["formset"].forms[0].errors["document_number"]
    assert errors == [
        "A guest with this document is already staying here: check them out first, or check "
        "the number."
    ]
    assert Declaration.objects.count() == 1


@pytest.mark.django_db
def test_the_same_document_may_stay_again_after_check_out(desk, rita):
    post(desk, FOREIGNER_URL, foreigner())
    Declaration.objects.update(departed_at=NOW, departed_by=rita)
    assert post(desk, FOREIGNER_URL, foreigner()).status_code == 302
    assert Declaration.objects.count() == 2


@pytest.mark.django_db
def test_the_same_document_twice_in_one_group_is_refused(desk):
    response = post(desk, CITIZEN_URL, citizen(0), citizen(1, document_number="001190012340"))
    assert response.status_code == 400
    assert response.context["formset"].forms[1].errors["document_number"] == [
        "The same document is entered for two guests."
    ]


@pytest.mark.django_db
def test_an_arrival_in_the_future_is_refused_but_clock_skew_is_tolerated(desk):
    response = post(desk, CITIZEN_URL, citizen(), arrival="2026-06-15T10:10")
    assert response.status_code == 400
    assert response.context["stay"].errors["arrival"] == [
        "The arrival cannot be in the future: file the guest when they arrive."
    ]
    assert post(desk, CITIZEN_URL, citizen(), arrival="2026-06-15T10:04").status_code == 302


@pytest.mark.django_db
def test_the_expected_departure_must_be_after_the_arrival(desk):
    response = post(desk, CITIZEN_URL, citizen(), expected_departure="2026-06-15T09:30")
    assert response.status_code == 400
    assert response.context["stay"].errors["expected_departure"] == [
        "The expected departure must be after the arrival."
    ]


@pytest.mark.django_db
def test_an_expired_passport_and_a_short_visa_are_warnings_not_errors(desk):
    response = post(
        desk,
        FOREIGNER_URL,
        foreigner(document_expiry="2026-01-01", visa_expiry="2026-06-16"),
    )
    assert response.status_code == 302
    page = desk.get(response.url).content.decode()
    assert "The passport expired on 01/01/2026." in page
    assert "The visa ends on 16/06/2026, before the expected departure." in page


# --- MRZ ----------------------------------------------------------------------------------------


def _zone(**overrides) -> str:
    fields = {
        "surname": "Müller",
        "given_names": "Jürgen Karl",
        "document_number": "C01X00T47",
        "nationality_code": "D",
        "birth_date": date(1985, 2, 28),
        "sex": "M",
        "expiry_date": date(2031, 5, 31),
    }
    fields.update(overrides)
    return build_td3(**fields)


@pytest.mark.django_db
def test_fill_from_mrz_fills_the_guest_and_files_nothing(desk):
    data = {
        **management(1),
        **stay(room="12"),
        **foreigner(full_name="", sex="", birth_date="", nationality="", document_number=""),
        "guest-0-mrz": _zone(),
        "action": "mrz-0",
    }
    response = desk.post(FOREIGNER_URL, data)
    assert response.status_code == 200
    assert Declaration.objects.count() == 0
    form = response.context["formset"].forms[0]
    assert form["full_name"].value() == "MUELLER JUERGEN KARL"
    assert form["sex"].value() == "M"
    assert form["birth_date"].value() == "1985-02-28"
    assert form["nationality"].value() == "DE"
    assert form["document_number"].value() == "C01X00T47"
    assert form["document_expiry"].value() == "2031-05-31"
    html = response.content.decode()
    assert "is-invalid" not in html
    assert 'value="12"' in html

    # What was filled is filed by the next Enter.
    data = {key: value for key, value in response.context["formset"].forms[0].data.items()}
    data.pop("action")
    assert desk.post(FOREIGNER_URL, data).status_code == 302
    assert Declaration.objects.get().full_name == "MUELLER JUERGEN KARL"


@pytest.mark.django_db
def test_fill_from_mrz_maps_a_stateless_holder_to_the_icao_code(desk):
    data = {**management(1), **stay(), **foreigner(), "action": "mrz-0"}
    data["guest-0-mrz"] = _zone(nationality_code="XXA", issuing_state="UTO")
    form = desk.post(FOREIGNER_URL, data).context["formset"].forms[0]
    assert form["nationality"].value() == "XXA"


@pytest.mark.django_db
def test_an_unknown_nationality_code_in_the_zone_is_said_and_focused(desk):
    data = {**management(1), **stay(), **foreigner(nationality=""), "action": "mrz-0"}
    data["guest-0-mrz"] = _zone(nationality_code="UTO", issuing_state="UTO")
    response = desk.post(FOREIGNER_URL, data)
    form = response.context["formset"].forms[0]
    assert form["full_name"].value() == "MUELLER JUERGEN KARL"  # the rest is filled
    assert form["nationality"].value() == ""
    assert form.errors["nationality"] == [
        "The zone's nationality code “UTO” is not a country we know: "
        "choose the nationality from the list."
    ]
    assert "autofocus" in str(form["nationality"])
    assert "autofocus" not in str(form["visa_number"])
    assert Declaration.objects.count() == 0


@pytest.mark.django_db
def test_a_known_nationality_code_goes_on_to_the_visa(desk):
    data = {**management(1), **stay(), **foreigner(nationality=""), "action": "mrz-0"}
    data["guest-0-mrz"] = _zone()
    form = desk.post(FOREIGNER_URL, data).context["formset"].forms[0]
    assert not form.errors
    assert "autofocus" in str(form["visa_number"])


@pytest.mark.django_db
def test_a_wrong_check_digit_is_an_error_on_the_mrz_field(desk):
    line1, line2 = _zone().splitlines()
    # The date of birth's check digit is position 20 (index 19).
    wrong = str((int(line2[19]) + 1) % 10)
    data = {**management(1), **stay(), **foreigner(), "action": "mrz-0"}
    data["guest-0-mrz"] = f"{line1}\n{line2[:19]}{wrong}{line2[20:]}"
    response = desk.post(FOREIGNER_URL, data)
    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    assert form.errors["mrz"] == ["The date of birth does not match its check digit."]
    # What was typed is kept, the zone too.
    assert form["full_name"].value() == "  Anna Maria Eriksson "
    assert form["mrz"].value() == data["guest-0-mrz"]
    assert Declaration.objects.count() == 0


# --- who may file -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_owners_and_police_may_not_file(client, alice, omar):
    f.login(client, alice)
    assert client.get(FOREIGNER_URL).status_code == 403
    assert post(client, CITIZEN_URL, citizen()).status_code == 403
    f.login(client, omar)
    assert client.get(CITIZEN_URL).status_code == 403
    assert Declaration.objects.count() == 0


@pytest.mark.django_db
def test_it_files_for_the_receptionists_own_establishment(client, ron, other_establishment):
    f.login(client, ron)
    post(client, CITIZEN_URL, citizen())
    assert Declaration.objects.get().establishment == other_establishment


@pytest.mark.django_db
def test_an_entry_date_after_the_arrival_files_nothing_and_says_so_on_the_entry_date(desk):
    response = post(desk, FOREIGNER_URL, foreigner(0), foreigner(1, entry_date="2026-06-16"))

    assert response.status_code == 400
    assert Declaration.objects.count() == 0
    forms = response.context["formset"].forms
    assert forms[1].errors["entry_date"] == [
        "The date of entry cannot be after the arrival (15/06/2026)."
    ]
    assert not forms[0].errors

    assert post(desk, FOREIGNER_URL, foreigner(0, entry_date="2026-06-15")).status_code == 302
    assert Declaration.objects.count() == 1


@pytest.mark.django_db
def test_a_formula_for_a_name_or_a_room_files_nothing(desk):
    response = post(desk, CITIZEN_URL, citizen(0, full_name="@SUM(A1:A9)"), room="=1+1")

    assert response.status_code == 400
    assert Declaration.objects.count() == 0
    assert "full_name" in response.context["formset"].forms[0].errors
    assert "room" in response.context["stay"].errors
