"""A sponsoring organisation's public registration."""

from __future__ import annotations

import pytest
from django.urls import reverse

from immigration.models import Sponsor, SponsorKind, SponsorStatus
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
URL = reverse("immigration:sponsor_apply")


def data(home, **changes) -> dict:
    return {
        "submission": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "name": "  Trường  Quốc tế Hà Nội ",
        "kind": SponsorKind.SCHOOL,
        "registration_number": "0101 234 567",
        "address": "5 Trần Phú, Ba Đình",
        "province": home.pk,
        "contact_name": "Lê Thị Hoa",
        "contact_phone": "+84 24 3825 1234",
        "contact_email": "Hoa@Truong.EXAMPLE.vn",
        **changes,
    }


def test_it_shows_the_form_with_the_provinces_and_a_fresh_token(client, ward):
    f.make_province(code=79, name="Thành phố Hồ Chí Minh")
    page = client.get(URL).content.decode()
    assert "Thành phố Hồ Chí Minh" in page and "Thành phố Hà Nội" in page
    assert 'name="submission"' in page
    assert "Register a sponsoring organisation" in page


def test_it_files_a_pending_registration_normalised(client, ward):
    response = client.post(URL, data(ward.province), follow=True)
    assert response.redirect_chain[-1][0] == reverse("immigration:sponsor_applied")
    sponsor = Sponsor.objects.get()
    assert sponsor.status == SponsorStatus.PENDING
    assert sponsor.name == "Trường Quốc tế Hà Nội"
    assert sponsor.registration_number == "0101234567"
    assert sponsor.contact_phone == "02438251234"
    assert sponsor.contact_email == "Hoa@truong.example.vn"
    assert sponsor.province == ward.province
    page = response.content.decode()
    assert "Trường Quốc tế Hà Nội" in page and "Hoa@truong.example.vn" in page


def test_a_branch_code_is_written_with_its_dash(client, ward):
    client.post(URL, data(ward.province, registration_number="0101234567001"))
    assert Sponsor.objects.get().registration_number == "0101234567-001"


@pytest.mark.parametrize(
    "field, value, error",
    [
        ("registration_number", "12345", "10-digit code"),
        ("contact_phone", "12", "Vietnamese phone number"),
        ("contact_email", "not-an-address", "valid email"),
        ("kind", "", "This field is required"),
        ("province", "999999", "Select a valid choice"),
        ("province", "9" * 400, "Select a valid choice"),
    ],
)
def test_it_refuses_bad_input_and_keeps_what_was_typed(client, ward, field, value, error):
    response = client.post(URL, data(ward.province, **{field: value}))
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    assert "5 Trần Phú, Ba Đình" in page  # kept
    assert not Sponsor.objects.exists()


def test_the_same_page_sent_twice_files_one_registration(client, ward):
    first = client.post(URL, data(ward.province))
    second = client.post(URL, data(ward.province))
    assert first["Location"] == second["Location"] == reverse("immigration:sponsor_applied")
    assert Sponsor.objects.count() == 1


def test_an_identical_pending_registration_from_another_page_is_refused(client, ward):
    client.post(URL, data(ward.province))
    other = type(client)()
    response = other.post(
        URL, data(ward.province, submission="aa" * 16, name="TRƯỜNG QUỐC TẾ HÀ NỘI")
    )
    assert response.status_code == 200
    assert "has already registered with the same code and e-mail" in response.content.decode()
    assert Sponsor.objects.count() == 1


def test_a_refused_organisation_may_register_again(client, ward):
    f.make_sponsor(
        province=ward.province,
        status=SponsorStatus.REFUSED,
        refusal_reason="Thiếu giấy phép.",
        name="Trường Quốc tế Hà Nội",
        registration_number="0101234567",
        contact_email="hoa@truong.example.vn",
    )
    response = client.post(URL, data(ward.province))
    assert response.status_code == 302
    assert Sponsor.objects.filter(status=SponsorStatus.PENDING).count() == 1


def test_the_public_menu_links_to_the_registration(client, ward):
    assert URL in client.get(reverse("login")).content.decode()
