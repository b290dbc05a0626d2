from __future__ import annotations

import re

import pytest
from django.template import loader
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import factories as f


def _vi(client: Client) -> Client:
    client.cookies["django_language"] = "vi"
    return client


def _en(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_a_403_is_in_the_layout_with_the_users_menu_in_vietnamese(client, rita):
    f.login(_vi(client), rita)

    # A receptionist is not an owner: the owner's audit is refused.
    response = client.get(reverse("guests:audit"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "Bạn không được mở trang này" in page
    assert "403 Forbidden" not in page
    assert 'class="navbar' in page
    assert reverse("guests:desk") in page  # her own menu
    assert "Đăng xuất" in page


def test_a_403_is_in_english_for_an_english_reader(client, rita):
    f.login(_en(client), rita)

    response = client.get(reverse("guests:audit"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "You may not open this page" in page
    assert reverse("guests:desk") in page
    assert "Log out" in page


@pytest.mark.parametrize(
    ("language", "text"), [("vi", "Không tìm thấy trang"), ("en", "Page not found")]
)
def test_a_404_is_in_the_layout_with_the_users_menu(
    client, alice, ron, other_establishment, language, text, settings
):
    settings.DEBUG = False
    client.cookies["django_language"] = language
    f.login(client, alice)
    theirs = f.make_declaration(establishment=other_establishment, by=ron)

    # Another establishment's declaration: a 404, in the layout, with alice's menu.
    response = client.get(reverse("guests:detail", args=[theirs.pk]))

    assert response.status_code == 404
    page = response.content.decode()
    assert text in page
    assert reverse("guests:audit") in page


@pytest.mark.parametrize(
    ("language", "text"),
    [("vi", "Đã có lỗi ở phía chúng tôi"), ("en", "Something went wrong on our side")],
)
@pytest.mark.urls("tests.luutru.error_urls")
def test_a_500_with_debug_off_is_the_sites_page(rita, language, text, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    f.login(client, rita)

    response = client.get("/broken/")

    assert response.status_code == 500
    page = response.content.decode()
    assert text in page
    assert 'class="navbar' in page
    assert f'lang="{language}"' in page


def test_the_500_page_renders_without_a_request_or_the_database():
    # No db fixture: pytest-django refuses any query, so the page makes none.
    with translation.override("vi"):
        page = loader.get_template("500.html").render()

    assert "Đã có lỗi ở phía chúng tôi" in page
    assert "bootstrap.min.css" in page


def test_the_400_page_renders_without_a_request_in_both_languages():
    with translation.override("vi"):
        vi = loader.get_template("400.html").render()
    with translation.override("en"):
        en = loader.get_template("400.html").render()

    assert "Không hiểu được yêu cầu" in vi
    assert "The request could not be understood" in en
    assert not re.search(r"\{%|\{\{", vi)
