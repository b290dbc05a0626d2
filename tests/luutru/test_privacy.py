from __future__ import annotations

from django.urls import reverse


def test_the_privacy_notice_is_public_in_vietnamese_and_english(client, db, settings):
    settings.GUEST_DATA_RETENTION_DAYS = 365
    vietnamese = client.get(reverse("privacy")).content.decode()
    english = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Law 91/2025" in english
    assert "deleted 365 days after your departure" in english
    assert 'lang="vi"' in vietnamese
    assert "91/2025" in vietnamese
    assert "365 ngày" in vietnamese


def test_every_page_links_to_the_privacy_notice(client, db):
    assert reverse("privacy") in client.get(reverse("login")).content.decode()
