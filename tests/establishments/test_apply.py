from __future__ import annotations

import pytest
from django.urls import reverse

from establishments.models import Application, ApplicationStatus, Kind

from .helpers import application_data, make_application

URL = reverse("establishments:apply")


def submit(client, data):
    # The page is fetched first, as a browser would, so the submission carries its token.
    page = client.get(URL)
    token = page.context["form"].initial["submission"]
    return client.post(URL, {"submission": token, **data}), token


@pytest.mark.django_db
def test_it_is_open_to_visitors_who_are_not_logged_in(client, ward):
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Register an establishment" in response.content


@pytest.mark.django_db
def test_it_files_the_application_and_shows_the_confirmation(client, ward):
    response, _token = submit(client, application_data(ward))
    assert response.status_code == 302
    assert response.url == reverse("establishments:applied")

    application = Application.objects.get()
    assert application.status == ApplicationStatus.PENDING
    assert application.ward == ward
    assert application.name == "Khách sạn Hoa Sen"
    assert application.address == "12 Hàng Bạc"
    assert application.owner_name == "Nguyễn Thị Lan"
    assert application.owner_phone == "0912345678"
    assert application.owner_email == "lan@example.vn"
    assert application.star_rating == 3
    assert application.room_count == 24

    page = client.get(response.url).content.decode()
    assert "Khách sạn Hoa Sen" in page
    assert "will review it" in page
    assert "lan@example.vn" in page


@pytest.mark.django_db
def test_it_shows_field_errors_and_keeps_what_was_typed(client, ward):
    data = application_data(
        ward, owner_phone="12345", business_registration_number="12-34", room_count="0"
    )
    response, _token = submit(client, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"owner_phone", "business_registration_number", "room_count"}
    html = response.content.decode()
    assert 'value="12345"' in html
    assert 'value="Khách sạn  Hoa Sen"' in html
    assert 'value="lan@Example.VN"' in html
    assert f'<option value="{ward.pk}" selected>' in html
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_it_requires_a_business_registration_number_except_for_a_private_home(client, ward):
    response, _token = submit(client, application_data(ward, business_registration_number=""))
    assert "business_registration_number" in response.context["form"].errors

    data = application_data(ward, kind=Kind.PRIVATE_HOME, business_registration_number="")
    response, _token = submit(client, data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.business_registration_number == ""
    assert application.star_rating is None  # only hotels are rated


@pytest.mark.django_db
def test_it_refuses_an_exact_duplicate_of_a_pending_application(client, ward):
    make_application(
        ward=ward, name="KHÁCH SẠN HOA SEN", address="12 hàng bạc", owner_email="LAN@example.vn"
    )
    response, _token = submit(client, application_data(ward))
    assert response.status_code == 200
    assert "have not decided yet" in response.content.decode()
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_it_accepts_a_new_application_once_the_earlier_one_was_refused(client, ward):
    make_application(
        ward=ward,
        name="Khách sạn Hoa Sen",
        address="12 Hàng Bạc",
        owner_email="lan@example.vn",
        status=ApplicationStatus.REFUSED,
        refusal_reason="Wrong ward",
    )
    response, _token = submit(client, application_data(ward))
    assert response.status_code == 302
    assert Application.objects.count() == 2


@pytest.mark.django_db
def test_a_double_submitted_page_files_one_application_and_confirms_both_times(client, ward):
    response, token = submit(client, application_data(ward))
    assert response.status_code == 302
    again = client.post(URL, {"submission": token, **application_data(ward)})
    assert again.status_code == 302
    assert again.url == reverse("establishments:applied")
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_it_ignores_ids_and_statuses_smuggled_into_the_form(client, ward):
    data = application_data(ward, status=ApplicationStatus.APPROVED, id="999")
    response, _token = submit(client, data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == ApplicationStatus.PENDING
    assert application.pk != 999


@pytest.mark.django_db
def test_it_refuses_a_ward_that_does_not_exist(client, ward):
    response, _token = submit(client, application_data(ward, ward="987654"))
    assert "ward" in response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["9" * 19, "9" * 5000, "²"])
def test_it_refuses_a_ward_id_no_key_could_be_and_shows_the_form_again(client, ward, value):
    # int() refuses strings of more than 4,300 digits: the form must say "no such ward",
    # not fail while it draws the ward's <select> again.
    response, _token = submit(client, application_data(ward, ward=value))
    assert response.status_code == 200
    assert "ward" in response.context["form"].errors
