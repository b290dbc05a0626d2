"""The immigration office's list of sponsoring organisations, and its decisions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from immigration.models import Sponsor, SponsorStaff, SponsorStatus
from luutru.models import Role
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
LIST = reverse("immigration:sponsors")


@pytest.fixture
def pending(ward):
    return f.make_sponsor(
        province=ward.province,
        status=SponsorStatus.PENDING,
        name="Công ty Bình Minh",
        contact_email="lan@binhminh.example.vn",
        contact_name="Phạm Thị Lan",
    )


@pytest.fixture
def elsewhere():
    province = f.make_province(code=79, name="Thành phố Hồ Chí Minh")
    return f.make_sponsor(province=province, status=SponsorStatus.PENDING, name="Công ty Sài Gòn")


def detail(sponsor) -> str:
    return reverse("immigration:sponsor", args=[sponsor.pk])


def approve(sponsor) -> str:
    return reverse("immigration:sponsor_approve", args=[sponsor.pk])


def refuse(sponsor) -> str:
    return reverse("immigration:sponsor_refuse", args=[sponsor.pk])


def test_it_lists_pending_oldest_first_then_the_decided(client, ivan, ward, elsewhere):
    now = timezone.now()
    f.make_sponsor(province=ward.province, status=SponsorStatus.PENDING, name="Mới")
    older = f.make_sponsor(province=ward.province, status=SponsorStatus.PENDING, name="Cũ")
    Sponsor.objects.filter(pk=older.pk).update(applied_at=now - timedelta(days=3))
    f.make_sponsor(province=ward.province, name="Đã duyệt", decided_at=now, decided_by=ivan)
    page = f.login(client, ivan).get(LIST).content.decode()
    assert page.index("Cũ") < page.index("Mới") < page.index("Đã duyệt")
    assert "Công ty Sài Gòn" not in page  # another province's office


def test_the_detail_shows_the_registration(client, ivan, pending):
    page = f.login(client, ivan).get(detail(pending)).content.decode()
    assert "Công ty Bình Minh" in page and "lan@binhminh.example.vn" in page
    assert approve(pending) in page and refuse(pending) in page


def test_it_checks_the_province(client, ivan, elsewhere):
    f.login(client, ivan)
    assert client.get(detail(elsewhere)).status_code == 404
    assert client.post(approve(elsewhere)).status_code == 404
    assert client.post(refuse(elsewhere), {"reason": "Không"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.status == SponsorStatus.PENDING


@pytest.mark.parametrize("who", ["omar", "alice", "sam"])
def test_other_roles_get_a_403(client, request, pending, who):
    f.login(client, request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(pending)).status_code == 403
    assert client.post(approve(pending)).status_code == 403


def test_approval_opens_one_account_and_mails_its_link_shown_once(client, ivan, pending):
    f.login(client, ivan)
    response = client.post(approve(pending), follow=True)
    pending.refresh_from_db()
    assert pending.status == SponsorStatus.ACTIVE
    assert pending.decided_by == ivan and pending.decided_at is not None
    member = SponsorStaff.objects.select_related("user").get(sponsor=pending)
    account = member.user
    assert account.role == Role.SPONSOR
    assert account.email == "lan@binhminh.example.vn"
    assert account.full_name == "Phạm Thị Lan"
    assert not account.has_usable_password()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lan@binhminh.example.vn"]
    (link,) = re.findall(r"https?://\S+/reset/\S+", mail.outbox[0].body) or re.findall(
        r"https?://\S+", mail.outbox[0].body
    )
    page = response.content.decode()
    assert account.username in page
    assert link in page  # shown this once
    assert link not in client.get(detail(pending)).content.decode()  # and not again


def test_the_link_sets_the_password_and_the_account_applies(client, ivan, pending):
    f.login(client, ivan).post(approve(pending))
    link = re.findall(r"https?://testserver(\S+)", mail.outbox[0].body)[0]
    anonymous = Client()
    form = anonymous.get(link, follow=True)
    assert form.status_code == 200
    account = SponsorStaff.objects.get(sponsor=pending).user
    response = anonymous.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "Cẩn-thận-2026!", "new_password2": "Cẩn-thận-2026!"},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.has_usable_password()
    # Approved: the organisation now applies (past the second factor).
    assert f.login(Client(), account).get(reverse("immigration:applications")).status_code == 200


def test_two_officers_deciding_at_once_one_wins(client, ivan, ward, pending):
    colleague = f.make_immigration_officer(province=ward.province, username="ivy")
    f.login(client, ivan).post(approve(pending))
    other = f.login(Client(), colleague)
    response = other.post(refuse(pending), {"reason": "Muộn"}, follow=True)
    assert "already been decided" in response.content.decode()
    again = other.post(approve(pending), follow=True)
    assert "already been decided" in again.content.decode()
    pending.refresh_from_db()
    assert pending.status == SponsorStatus.ACTIVE
    assert SponsorStaff.objects.filter(sponsor=pending).count() == 1
    assert len(mail.outbox) == 1


def test_refusal_needs_a_reason_and_mails_it(client, ivan, pending):
    f.login(client, ivan)
    response = client.post(refuse(pending), {"reason": "   "})
    assert response.status_code == 400
    assert "Give the reason for the refusal." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == SponsorStatus.PENDING

    response = client.post(refuse(pending), {"reason": "Mã số thuế không khớp."}, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    pending.refresh_from_db()
    assert pending.status == SponsorStatus.REFUSED
    assert pending.refusal_reason == "Mã số thuế không khớp."
    assert not SponsorStaff.objects.filter(sponsor=pending).exists()
    assert mail.outbox[0].to == ["lan@binhminh.example.vn"]
    assert "Mã số thuế không khớp." in mail.outbox[0].body


def test_the_office_menu_links_to_the_list(client, ivan):
    assert LIST in f.login(client, ivan).get(reverse("immigration:queue")).content.decode()


def test_the_list_runs_a_fixed_number_of_queries(client, ivan, ward, django_assert_max_num_queries):
    now = timezone.now()
    for n in range(4):
        f.make_sponsor(province=ward.province, status=SponsorStatus.PENDING, name=f"Chờ {n}")
        f.make_sponsor(province=ward.province, name=f"Xong {n}", decided_at=now, decided_by=ivan)
    f.login(client, ivan)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200
