from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from establishments import services
from establishments.models import Application, ApplicationStatus, Establishment
from tests import factories as f

from .helpers import make_application


@pytest.mark.django_db
def test_a_duplicate_that_slips_past_the_form_is_refused_by_the_database(ward):
    first = make_application(ward=ward)
    data = {name: getattr(first, name) for name in services.APPLICATION_FIELDS if name != "ward"}
    data |= {"ward": ward, "name": first.name.upper(), "owner_email": "MINH@example.vn"}
    with pytest.raises(services.DuplicateApplication):
        services.submit_application(data=data)
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_approving_a_decided_application_raises_and_writes_nothing(ward, omar):
    application = make_application(ward=ward)
    services.approve_application(application=application, officer=omar, base_url="http://x/")
    stale = Application.objects.get(pk=application.pk)
    stale.status = ApplicationStatus.PENDING  # what a second officer's page still shows
    with pytest.raises(services.AlreadyDecided):
        services.approve_application(application=stale, officer=omar, base_url="http://x/")
    with pytest.raises(services.AlreadyDecided):
        services.refuse_application(application=stale, officer=omar, reason="No")
    assert Establishment.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_approving_at_the_same_moment_open_one_establishment():
    ward = f.make_ward()
    omar = f.make_officer(ward=ward, username="omar")
    cora = f.make_officer(ward=ward, username="cora")
    application = make_application(ward=ward)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(officer):
        try:
            barrier.wait()
            services.approve_application(
                application=Application.objects.get(pk=application.pk),
                officer=officer,
                base_url="http://x/",
            )
            outcomes.append("approved")
        except services.AlreadyDecided:
            outcomes.append("already decided")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(who,)) for who in (omar, cora)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already decided", "approved"]
    assert Establishment.objects.count() == 1
    assert len(mail.outbox) == 1
