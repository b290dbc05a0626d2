"""Passport and citizen ID numbers: encrypted at rest, found by keyed hash, masked on every
page but a declaration's own."""

from __future__ import annotations

import base64
import csv
import io

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection
from django.urls import reverse

from guests import documents
from guests.models import Declaration, DeclarationVersion
from guests.services import correct_declaration
from tests import factories as f
from wards.models import AccessLog

NUMBER = "C7654321"


@pytest.fixture
def declaration(establishment, rita):
    return f.make_declaration(
        establishment=establishment,
        by=rita,
        kind="foreigner",
        full_name="Anna SCHMIDT",
        document_number=NUMBER,
        nationality="DE",
    )


def raw(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_a_number_round_trips_and_two_encryptions_differ(db):
    first, second = documents.encrypt(NUMBER), documents.encrypt(NUMBER)
    assert first != second
    assert NUMBER not in first
    assert documents.decrypt(first) == documents.decrypt(second) == NUMBER


def test_the_hash_is_keyed_and_ignores_case_and_spaces(settings):
    assert documents.document_hash(" c765 4321 ") == documents.document_hash(NUMBER)
    before = documents.document_hash(NUMBER)
    settings.DOCUMENT_KEY = base64.b64encode(b"k" * 32).decode()
    assert documents.document_hash(NUMBER) != before


def test_a_number_stored_under_another_key_is_refused_by_name(settings):
    token = documents.encrypt(NUMBER)
    settings.DOCUMENT_KEY = base64.b64encode(b"k" * 32).decode()
    with pytest.raises(documents.DocumentKeyError, match="encrypted with key"):
        documents.decrypt(token)


def test_an_altered_ciphertext_is_refused():
    version, key_id, payload = documents.encrypt(NUMBER).split(":")
    raw_bytes = bytearray(base64.b64decode(payload))
    raw_bytes[-1] ^= 1
    with pytest.raises(documents.DocumentKeyError, match="altered"):
        documents.decrypt(f"{version}:{key_id}:{base64.b64encode(bytes(raw_bytes)).decode()}")


def test_a_key_that_is_not_32_bytes_is_a_configuration_error(settings):
    settings.DOCUMENT_KEY = "short"
    with pytest.raises(ImproperlyConfigured, match="DOCUMENT_KEY"):
        documents.encrypt(NUMBER)


@pytest.mark.django_db
def test_the_database_holds_no_number_in_clear(declaration, rita):
    correct_declaration(declaration=declaration, corrected_by=rita, data={"room": "202"})
    ((stored, stored_hash),) = raw(
        "SELECT document_number, document_hash FROM guests_declaration WHERE id = %s",
        [declaration.pk],
    )
    assert stored.startswith("v1:") and NUMBER not in stored
    assert stored_hash == documents.document_hash(NUMBER)
    versions = raw(
        "SELECT data::text FROM guests_declarationversion WHERE declaration_id = %s",
        [declaration.pk],
    )
    assert len(versions) == 2
    assert all(NUMBER not in text for (text,) in versions)
    # Read back through the models, everything is in clear again.
    assert Declaration.objects.get(pk=declaration.pk).document_number == NUMBER
    assert {
        v.data["document_number"]
        for v in DeclarationVersion.objects.filter(declaration=declaration)
    } == {NUMBER}


@pytest.mark.django_db
def test_a_ciphertext_cannot_be_compared_by_mistake(declaration):
    with pytest.raises(FieldError):
        Declaration.objects.filter(document_number=NUMBER).exists()
    assert Declaration.objects.filter(document_hash=documents.document_hash(NUMBER)).get() == (
        declaration
    )


@pytest.mark.django_db
def test_a_corrected_number_gets_its_new_hash(declaration, rita):
    correct_declaration(declaration=declaration, corrected_by=rita, data={"document_number": "X1"})
    fresh = Declaration.objects.get(pk=declaration.pk)
    assert fresh.document_number == "X1"
    assert fresh.document_hash == documents.document_hash("X1")


@pytest.mark.django_db
def test_the_desk_s_detail_page_shows_the_whole_number(client, declaration, rita):
    f.login(client, rita)
    page = client.get(reverse("guests:detail", args=[declaration.pk])).content.decode()
    assert NUMBER in page


@pytest.mark.django_db
def test_the_officer_s_declaration_page_shows_the_whole_number(client, declaration, omar):
    f.login(client, omar)
    page = client.get(reverse("wards:declaration", args=[declaration.pk])).content.decode()
    assert NUMBER in page


@pytest.mark.django_db
def test_lists_show_the_number_masked(client, declaration, rita, alice, omar):
    masked = "•••••321"
    f.login(client, alice)
    audit = client.get(reverse("guests:audit")).content.decode()
    assert masked in audit and NUMBER not in audit
    export = client.get(reverse("guests:audit_export"))
    exported = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert masked in exported[1] and NUMBER not in str(exported)
    f.login(client, rita)
    desk = client.get(reverse("guests:desk")).content.decode()
    assert NUMBER not in desk
    f.login(client, omar)
    results = client.post(reverse("wards:search"), {"q": NUMBER.lower()}).content.decode()
    assert "Anna SCHMIDT" in results
    assert masked in results and NUMBER not in results


@pytest.mark.django_db
def test_a_document_search_is_logged_masked_with_its_hash(client, declaration, omar):
    f.login(client, omar)
    client.post(reverse("wards:search"), {"q": f" {NUMBER.lower()} "})
    client.post(reverse("wards:search"), {"q": "schmidt"})
    document, name = AccessLog.objects.order_by("id")
    assert (document.query, document.results) == ("•••••321", 1)
    assert document.query_hash == documents.document_hash(NUMBER)
    assert (name.query, name.query_hash) == ("schmidt", "")
    (row,) = raw("SELECT query FROM wards_accesslog WHERE id = %s", [document.pk])
    assert NUMBER not in row[0]
