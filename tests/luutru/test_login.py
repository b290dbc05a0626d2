from __future__ import annotations

from django.test import Client
from django.urls import reverse

from luutru.models import Session
from tests import factories as f


def post_login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_logs_in_with_the_right_password_and_issues_a_new_session_key(client, omar):
    client.get(reverse("login"))
    before = client.cookies.get("sessionid")
    response = post_login(client, "omar", f.PASSWORD)
    assert response.status_code == 302
    assert client.session.session_key != (before.value if before else None)
    # The session row carries the user, so an account can be ended everywhere at once.
    assert Session.objects.get(session_key=client.session.session_key).user == omar


def test_it_gives_the_same_answer_for_an_unknown_user_and_a_wrong_password(client, omar):
    unknown = post_login(client, "nobody-here", "whatever-password")
    wrong = post_login(client, "omar", "whatever-password")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].errors == wrong.context["form"].errors


def test_disabling_an_account_ends_its_sessions(client, omar):
    f.login(client, omar)
    assert client.get(reverse("account")).status_code == 200
    omar.disable()
    assert not Session.objects.filter(user=omar).exists()
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_disabled_account_cannot_log_in(client, omar):
    omar.disable()
    response = post_login(client, "omar", f.PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_anonymous_visitors_are_sent_to_login(client, db):
    for name in ("home", "account", "guests:desk", "wards:officer_home"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_login_page_is_in_vietnamese_by_default_and_english_on_request(client, db):
    vietnamese = client.get(reverse("login"))
    assert 'lang="vi"' in vietnamese.content.decode()
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in english.content.decode()
    assert "Log in" in english.content.decode()


def test_the_health_check_answers_without_login(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
