"""Every page carries a Content-Security-Policy without 'unsafe-inline', and nothing a logged-in
user sees is cached. The pages themselves hold no inline script, style or event handler, so
the policy breaks nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories as f

INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle=\"", re.I),
    re.compile(r"\son[a-z]+=\"", re.I),
]


def assert_no_inline_code(html: str, url: str) -> None:
    for pattern in INLINE:
        match = pattern.search(html)
        assert match is None, f"{url}: {match.group(0) if match else ''}"


def test_the_policy_forbids_inline_code_and_other_origins(client, db):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_pages_of_a_logged_in_user_are_not_cached(client, rita):
    f.login(client, rita)
    response = client.get(reverse("guests:desk"))
    assert "no-store" in response["Cache-Control"]


PUBLIC = ["login", "password_reset", "establishments:apply", "privacy"]
DESK = [
    "guests:desk",
    "guests:file_foreigner",
    "guests:file_citizen",
    "guests:register",
    "guests:register_history",
    "guests:import",
    "wards:my_notices",
    "wards:my_feedback",
    "wards:feedback_new",
    "account",
]
OWNER = [
    "establishments:owner_home",
    "establishments:staff",
    "guests:audit",
    "guests:audit_summary",
    "wards:establishment_flags",
]
POLICE = [
    "wards:officer_home",
    "wards:inbox",
    "wards:search",
    "wards:board",
    "wards:flags",
    "wards:notices",
    "wards:notice_new",
    "wards:feedback",
    "wards:notifications",
    "establishments:applications",
]
COMMANDER = ["wards:stats", "wards:access_log", "wards:beats", "wards:settings"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_have_no_inline_code(client, db, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200
    assert_no_inline_code(response.content.decode(), url)


@pytest.mark.parametrize(
    "who, names", [("rita", DESK), ("alice", OWNER), ("omar", POLICE), ("cora", COMMANDER)]
)
def test_logged_in_pages_have_no_inline_code(client, request, establishment, rita, who, names):
    user = request.getfixturevalue(who)
    f.make_declaration(establishment=establishment, by=rita, full_name="Nguyễn Thị Hoa")
    f.login(client, user)
    for name in names:
        url = reverse(name)
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_inline_code(response.content.decode(), url)


def test_the_enrolment_page_has_no_inline_code(client, omar):
    f.login(client, omar, verified=False)
    response = client.get(reverse("otp_enrol"))
    assert response.status_code == 200
    assert_no_inline_code(response.content.decode(), "otp_enrol")
