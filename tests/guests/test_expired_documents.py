"""A guest with an expired passport or an expired visa (an overstay) is filed, never refused:
the desk sees a warning and the police get a flag, at the desk and from a CSV upload."""

from datetime import date, datetime

import pytest
from django.urls import reverse

from guests import services
from guests.deadlines import LOCAL_TZ
from guests.models import Declaration, ImportStatus
from tests import factories as f
from tests.guests.helpers import FOREIGNER, FOREIGNER_URL, foreigner, make_csv, post, run, upload
from wards.models import Flag, FlagKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "frozen_clock")]

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL_TZ)


def kinds(declaration: Declaration) -> set[str]:
    return set(Flag.objects.filter(declaration=declaration).values_list("kind", flat=True))


def test_an_expired_passport_is_filed_with_a_warning_and_a_flag_for_the_police(client, rita, omar):
    desk = f.login(client, rita)
    response = post(desk, FOREIGNER_URL, foreigner(document_expiry="2026-01-01"))

    declaration = Declaration.objects.get()
    assert response.status_code == 302
    assert kinds(declaration) == {FlagKind.DOCUMENT_EXPIRED}
    page = desk.get(response["Location"]).content.decode()
    assert "The passport expired on 01/01/2026." in page
    # The ward's police see it on their flags page.
    police = f.login(client, omar)
    assert "Filed with an expired passport" in police.get(reverse("wards:flags")).content.decode()


def test_a_visa_ended_before_the_arrival_flags_an_overstay(client, rita):
    desk = f.login(client, rita)
    post(desk, FOREIGNER_URL, foreigner(visa_number="DL123", visa_expiry="2026-06-01"))
    assert kinds(Declaration.objects.get()) == {FlagKind.VISA_EXPIRED}


def test_valid_documents_raise_no_document_flag(client, rita):
    desk = f.login(client, rita)
    post(desk, FOREIGNER_URL, foreigner(visa_number="DL123", visa_expiry="2026-07-01"))
    assert kinds(Declaration.objects.get()) == set()


def test_a_csv_row_with_an_expired_passport_and_visa_is_filed_and_flagged(establishment, rita):
    row = FOREIGNER | {"document_expiry": "2025-12-31", "visa_expiry": "01/06/2026"}
    batch = run(upload(establishment, rita, make_csv(row)))

    assert batch.status == ImportStatus.FILED
    assert kinds(Declaration.objects.get()) == {
        FlagKind.LATE,
        FlagKind.DOCUMENT_EXPIRED,
        FlagKind.VISA_EXPIRED,
    }


def test_a_correction_to_an_expired_passport_or_visa_flags_it_once(client, rita):
    desk = f.login(client, rita)
    post(desk, FOREIGNER_URL, foreigner())
    declaration = Declaration.objects.get()
    assert kinds(declaration) == set()

    services.correct_declaration(
        declaration=declaration, corrected_by=rita, data={"document_expiry": date(2026, 1, 1)}
    )
    assert kinds(declaration) == {FlagKind.DOCUMENT_EXPIRED}
    services.correct_declaration(
        declaration=declaration,
        corrected_by=rita,
        data={"visa_number": "DL123", "visa_expiry": date(2026, 6, 1), "room": "202"},
    )
    services.correct_declaration(declaration=declaration, corrected_by=rita, data={"room": "203"})

    assert kinds(declaration) == {FlagKind.DOCUMENT_EXPIRED, FlagKind.VISA_EXPIRED}
    assert Flag.objects.filter(declaration=declaration).count() == 2
