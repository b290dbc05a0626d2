"""What the browser journey (tests/browser/test_immigration_journey.py) found on the immigration
pages, held in place without a browser."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from immigration.models import Kind, State
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_it_gives_a_stay_extension_its_end_only(client, rita, establishment, omar):
    """A stay extension asks only for an end date: the summary says "until", not "– day"."""
    application = f.make_immigration_application(
        establishment=establishment,
        by=rita,
        kind=Kind.STAY_EXTENSION,
        state=State.SUBMITTED,
        requested_from=None,
    )
    confirmation = f.make_residence_confirmation(application=application, by=rita)
    until = application.requested_until.strftime("%d/%m/%Y")

    f.login(client, rita)
    page = client.get(reverse("immigration:detail", args=[application.pk])).content.decode()
    assert f"until {until}" in page
    assert not re.search(r">\s*–\s*" + re.escape(until), page)

    f.login(client, omar)
    url = reverse("immigration:confirmation", args=[confirmation.pk])
    page = client.get(url).content.decode()
    assert f"until {until}" in page
    assert "— –" not in page


def test_it_shows_a_visa_application_its_whole_period(client, rita, establishment):
    application = f.make_immigration_application(
        establishment=establishment, by=rita, kind=Kind.VISA
    )
    f.login(client, rita)
    page = client.get(reverse("immigration:detail", args=[application.pk])).content.decode()
    start = application.requested_from.strftime("%d/%m/%Y")
    end = application.requested_until.strftime("%d/%m/%Y")
    assert f"{start} – {end}" in page


def test_it_keeps_the_applicants_actions_off_the_pages_grey(client, rita, establishment):
    """axe-core's colour-contrast: Bootstrap's outline red is 4.29:1 on the page's grey, and
    the pink of <code> 4.26:1 under the heading; on a card (white) they reach 4.5:1."""
    application = f.make_immigration_application(establishment=establishment, by=rita)
    f.login(client, rita)
    page = client.get(reverse("immigration:detail", args=[application.pk])).content.decode()
    withdraw = reverse("immigration:withdraw", args=[application.pk])
    actions = re.search(r'<div class="card-body[^"]*">\s*(?:(?!</div>).)*' + withdraw, page, re.S)
    assert actions is not None
    assert f"<code>{application.reference}</code></p>" not in page
