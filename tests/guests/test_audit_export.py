"""The CSV export of the owner's audit."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from django.urls import reverse

from guests.deadlines import LOCAL_TZ
from tests import factories as f
from tests.guests.helpers import declare

pytestmark = pytest.mark.usefixtures("english")

EXPORT = reverse("guests:audit_export")


@pytest.fixture
def owner(client, alice):
    return f.login(client, alice)


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def rows(response) -> list[dict[str, str]]:
    text = content(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.django_db
def test_a_receptionist_cannot_export_the_audit(client, rita):
    f.login(client, rita)
    assert client.get(EXPORT).status_code == 403


@pytest.mark.django_db
def test_a_ward_officer_cannot_export_an_establishments_audit(client, omar):
    f.login(client, omar)
    assert client.get(EXPORT).status_code == 403


@pytest.mark.django_db
def test_it_checks_ownership(owner, establishment, rita, other_establishment, ron):
    declare(establishment, rita, name="Khách của Alice")
    declare(other_establishment, ron, name="Khách của Bob")
    assert [row["Full name"] for row in rows(owner.get(EXPORT))] == ["Khách của Alice"]


@pytest.mark.django_db
def test_another_establishments_staff_filter_exports_nothing_and_shows_the_error(
    owner, other_establishment, ron
):
    declare(other_establishment, ron, name="Khách của Bob")
    response = owner.get(EXPORT, {"staff": ron.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('guests:audit')}?staff={ron.pk}"


@pytest.mark.django_db
def test_the_export_is_utf8_with_a_bom_and_keeps_vietnamese_names(owner, establishment, rita):
    declare(establishment, rita, name="Nguyễn Thị Ánh Hồng")
    response = owner.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    body = content(response)
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Nguyễn Thị Ánh Hồng".encode() in body


@pytest.mark.django_db
def test_the_export_is_streamed_and_not_kept_in_any_cache(owner):
    response = owner.get(EXPORT)
    assert response.streaming
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_header_names_every_column(owner, establishment, rita):
    declare(establishment, rita)
    header = next(csv.reader(io.StringIO(content(owner.get(EXPORT)).decode("utf-8-sig"))))
    assert header == [
        "Declaration id",
        "Filed at",
        "Filed by",
        "Kind",
        "Full name",
        "Sex",
        "Date of birth",
        "Nationality",
        "Document type",
        "Document number",
        "Room",
        "Arrival",
        "Expected departure",
        "Departed at",
        "Deadline",
        "Late",
        "Review status",
        "Versions",
    ]


@pytest.mark.django_db
def test_the_export_masks_the_document_number_and_has_local_times(owner, establishment, rita):
    declare(
        establishment,
        rita,
        document_number="B1234567",
        late=True,
        versions=2,
        filed_at=datetime(2026, 6, 15, 23, 30, tzinfo=LOCAL_TZ),
    )
    (row,) = rows(owner.get(EXPORT))
    # A file leaves the portal: only a declaration's own page shows the whole number.
    assert row["Document number"] == "•••••567"
    assert row["Filed at"] == "2026-06-15 23:30"
    assert row["Late"] == "yes"
    assert row["Versions"] == "2"
    assert row["Kind"] == "Foreigner"
    assert row["Review status"] == "Pending review"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "+1", "-1", "@x"])
def test_a_cell_that_would_run_as_a_formula_is_escaped(owner, establishment, rita, name):
    declare(establishment, rita, name=name, room=name)
    (row,) = rows(owner.get(EXPORT))
    assert row["Full name"] == "'" + name
    assert row["Room"] == "'" + name


@pytest.mark.django_db
def test_the_export_obeys_the_filters_across_all_pages(owner, establishment, rita):
    for i in range(60):
        declare(establishment, rita, name=f"Late {i:02d}", late=True)
    declare(establishment, rita, name="On time")
    exported = rows(owner.get(EXPORT, {"late": "yes", "sort": "name", "page": "2"}))
    assert [row["Full name"] for row in exported] == [f"Late {i:02d}" for i in range(60)]


@pytest.mark.django_db
def test_the_audit_links_to_the_export_with_its_filters(owner, establishment, rita):
    declare(establishment, rita, late=True)
    page = owner.get(reverse("guests:audit"), {"late": "yes", "page": "1"}).content.decode()
    assert f'href="{EXPORT}?late=yes"' in page
