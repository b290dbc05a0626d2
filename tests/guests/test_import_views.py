"""The CSV upload page, the batch page and its progress endpoint."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from kombu.exceptions import OperationalError

from guests import tasks
from guests.deadlines import LOCAL_TZ
from guests.imports import parsing
from guests.imports import services as imports
from guests.models import ImportBatch, ImportStatus
from tests import factories as f
from tests.guests.helpers import CITIZEN, FOREIGNER, make_csv

pytestmark = pytest.mark.usefixtures("english", "frozen_clock")

UPLOAD_URL = reverse("guests:import")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.run_import, "delay", lambda *args: calls.append(args))
    return calls


def post_file(client, content: bytes, name: str = "guests.csv"):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, content, "text/csv")})


def make_batch(establishment, user, **fields) -> ImportBatch:
    batch = imports.create_import_batch(
        establishment=establishment,
        uploaded_by=user,
        filename="guests.csv",
        content=make_csv(FOREIGNER),
    )
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)
    batch.refresh_from_db()
    return batch


def test_the_page_lists_the_columns_and_links_the_template(client, rita):
    response = f.login(client, rita).get(UPLOAD_URL)

    assert response.status_code == 200
    assert b"document_number" in response.content
    assert reverse("guests:import_template").encode() in response.content


def test_an_upload_is_stored_and_queued_after_commit(
    client, rita, establishment, enqueued, django_capture_on_commit_callbacks
):
    f.login(client, rita)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, make_csv(FOREIGNER, CITIZEN))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("guests:import_detail", args=[batch.pk])
    assert batch.establishment == establishment
    assert batch.uploaded_by == rita
    assert batch.status == ImportStatus.QUEUED
    assert bytes(batch.content) == make_csv(FOREIGNER, CITIZEN)
    assert enqueued == [(batch.pk, "en")]


def test_the_owner_may_upload_too(client, alice, enqueued):
    response = post_file(f.login(client, alice), make_csv(FOREIGNER))

    assert response.status_code == 302
    assert ImportBatch.objects.get().uploaded_by == alice


def test_an_upload_still_succeeds_when_the_broker_is_down(
    client, rita, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args):
        raise OperationalError("Error 111 connecting to redis")

    monkeypatch.setattr(tasks.run_import, "delay", down)
    f.login(client, rita)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, make_csv(FOREIGNER))

    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.QUEUED
    page = client.get(response["Location"])
    assert b"as soon as the worker is available" in page.content


def test_the_same_file_twice_is_refused_pointing_at_the_earlier_batch(client, rita, enqueued):
    f.login(client, rita)
    post_file(client, make_csv(FOREIGNER))
    first = ImportBatch.objects.get()
    response = post_file(client, make_csv(FOREIGNER), name="again.csv")

    assert ImportBatch.objects.count() == 1
    assert response["Location"] == reverse("guests:import_detail", args=[first.pk])
    page = client.get(response["Location"])
    assert b"already uploaded" in page.content


def test_the_already_uploaded_message_gives_the_earlier_upload_in_local_time(
    client, rita, enqueued
):
    # NOW is 10:00 in Hà Nội, 03:00 UTC.
    f.login(client, rita)
    post_file(client, make_csv(FOREIGNER))
    response = post_file(client, make_csv(FOREIGNER), name="again.csv")

    page = client.get(response["Location"])
    assert b"already uploaded on 15/06/2026 10:00" in page.content
    assert b"03:00" not in page.content


def test_a_file_without_the_columns_is_refused_at_once(client, rita):
    response = post_file(f.login(client, rita), b"kind,full_name,room\ncitizen,A,1\n")

    assert response.status_code == 200
    assert b"The header lacks these columns" in response.content
    assert not ImportBatch.objects.exists()


def test_a_file_over_10_mb_is_refused(client, rita, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_FILE_BYTES", 100)
    response = post_file(f.login(client, rita), make_csv(FOREIGNER, CITIZEN))

    assert b"larger than" in response.content
    assert not ImportBatch.objects.exists()


def test_the_batch_page_shows_the_progress(client, rita, establishment):
    batch = make_batch(
        establishment, rita, status=ImportStatus.CHECKING, processed_rows=500, total_rows=2000
    )
    response = f.login(client, rita).get(reverse("guests:import_detail", args=[batch.pk]))

    assert b'aria-valuenow="25"' in response.content
    assert b"500 of 2000 rows checked" in response.content
    assert b"js/import-progress.js" in response.content
    assert b"Refresh" in response.content


def test_the_batch_page_lists_the_errors_of_a_refused_file(client, rita, establishment):
    batch = make_batch(establishment, rita)
    imports.run_import(batch_id=batch.pk, language="en")
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.FAILED,
        errors={
            "count": 201,
            "items": [{"line": 7, "field": "sex", "message": "Select a valid choice."}],
        },
    )
    response = f.login(client, rita).get(reverse("guests:import_detail", args=[batch.pk]))

    assert b"No guest was filed" in response.content
    assert b"<td>7</td>" in response.content
    assert b"200 more errors" in response.content


def test_the_progress_endpoint_answers_json(client, rita, establishment):
    batch = make_batch(
        establishment, rita, status=ImportStatus.CHECKING, processed_rows=500, total_rows=1000
    )
    response = f.login(client, rita).get(reverse("guests:import_progress", args=[batch.pk]))

    assert response.json() == {
        "status": "checking",
        "status_display": "Checking",
        "processed_rows": 500,
        "total_rows": 1000,
        "filed": 0,
        "percent": 50,
        "finished": False,
    }


def test_the_template_downloads_as_csv(client, rita):
    response = f.login(client, rita).get(reverse("guests:import_template"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8-sig").startswith("kind,full_name,sex")


@pytest.mark.parametrize("name", ["guests:import_detail", "guests:import_progress"])
def test_it_checks_ownership(client, rita, ron, establishment, name):
    batch = make_batch(establishment, rita)
    response = f.login(client, ron).get(reverse(name, args=[batch.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [UPLOAD_URL, reverse("guests:import_template"), reverse("guests:import_detail", args=[1])],
)
def test_an_officer_is_refused(client, omar, url):
    response = f.login(client, omar).get(url)

    assert response.status_code == 403


def test_an_officer_cannot_upload(client, omar):
    response = post_file(f.login(client, omar), make_csv(FOREIGNER))

    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_uploading_the_template_unchanged_files_nothing(client, rita, enqueued):
    desk = f.login(client, rita)
    template = desk.get(reverse("guests:import_template")).content
    response = post_file(desk, template, name="luutru-import-template.csv")

    assert response.status_code == 200
    assert "example guests" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert enqueued == []
