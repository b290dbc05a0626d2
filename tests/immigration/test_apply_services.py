"""immigration.apply.services: the draft's writes are compare-and-set on its state."""

from __future__ import annotations

import pytest

from immigration.access import Applicant
from immigration.apply import services
from immigration.models import Application, State
from immigration.services import StaleState
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_draft_changed_meanwhile_is_not_overwritten(rita, establishment):
    application = f.make_immigration_application(establishment=establishment, by=rita)
    Application.objects.filter(pk=application.pk).update(state=State.WITHDRAWN)
    application.full_name = "Somebody Else"

    with pytest.raises(StaleState):
        services.save_draft(application=application, fields=["full_name"], files={}, by=rita)

    assert Application.objects.get(pk=application.pk).full_name == "John Michael Smith"


def test_saving_the_passport_number_updates_its_search_hash(rita, establishment):
    application = f.make_immigration_application(establishment=establishment, by=rita)
    before = Application.objects.get(pk=application.pk).passport_hash
    application.passport_number = "NEW12345"

    services.save_draft(application=application, fields=["passport_number"], files={}, by=rita)

    stored = Application.objects.get(pk=application.pk)
    assert stored.passport_number == "NEW12345" and stored.passport_hash != before


def test_a_file_of_a_submitted_application_cannot_be_deleted(rita, establishment):
    application = f.make_immigration_application(
        establishment=establishment, by=rita, state=State.SUBMITTED
    )
    attachment = f.make_immigration_attachment(application=application, by=rita)
    with pytest.raises(StaleState):
        services.delete_attachment(attachment=attachment, by=rita)
    assert application.attachments.count() == 1


def test_a_declaration_prefills_what_the_kind_asks_only(rita, establishment):
    declaration = f.make_declaration(
        establishment=establishment, by=rita, kind="foreigner", full_name="SMITH John"
    )
    application = services.create_application(
        applicant=Applicant(establishment=establishment),
        by=rita,
        kind="visa",
        declaration=declaration,
    )

    assert application.full_name == "SMITH John" and application.passport_number
    assert application.signed_by == rita.full_name
    assert application.work_permit_number == ""
