"""From the public form to the owner's first login."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from establishments.models import Establishment, Staff
from luutru.models import Role, User
from tests import factories as f

from .helpers import application_data, links_in

NEW_PASSWORD = "a long and unusual passphrase 42"


@pytest.mark.django_db
def test_an_approved_application_ends_with_the_owner_enrolling_a_second_factor(omar, ward):
    applicant = Client()
    token = applicant.get(reverse("establishments:apply")).context["form"].initial["submission"]
    response = applicant.post(
        reverse("establishments:apply"), {"submission": token, **application_data(ward)}
    )
    assert response.status_code == 302

    officer = f.login(Client(), omar)
    listing = officer.get(reverse("establishments:applications"))
    (application,) = listing.context["pending"]
    officer.post(reverse("establishments:approve", args=[application.pk]), {"confirmed": "yes"})

    establishment = Establishment.objects.get(application=application)
    staff = Staff.objects.filter(establishment=establishment)
    assert staff.count() == 2
    assert User.objects.filter(staff__establishment=establishment).count() == 2
    assert len(mail.outbox) == 1
    owner_link, desk_link = links_in(mail.outbox[0].body)
    owner = User.objects.get(staff__establishment=establishment, role=Role.OWNER)

    # The owner follows the link, sets a password: the link then stops working.
    path = urlsplit(owner_link).path
    form_page = applicant.get(path, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = applicant.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert applicant.get(path, follow=True).context["validlink"] is False

    # The password logs in, and the middleware sends the owner to enrol a second factor.
    login = applicant.post(
        reverse("login"), {"username": owner.username, "password": NEW_PASSWORD}, follow=True
    )
    assert login.redirect_chain[-1][0].startswith(reverse("otp_enrol"))
    assert login.context["user"] == owner

    # The front desk's link is still good until it is used.
    assert applicant.get(urlsplit(desk_link).path, follow=True).context["validlink"]
