"""Limits on what a request may carry and on how long a session may lie idle: a body refused
before it is read, a session cookie that ends with the browser, a desk PC's session logged out
after an idle hour, and a CSRF failure in the site's own page (Django's has inline styles,
which the CSP blocks)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

MB = 1024 * 1024
LOGIN = reverse("login")
IMPORT = reverse("guests:import")


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads a byte of it."""

    read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        raise AssertionError("the body was read")


def wsgi_post(path: str, length: int) -> tuple[str, dict[str, str], bytes]:
    """POST straight to the WSGI application, as gunicorn would hand it over, with a body
    announced as ``length`` bytes that must not be read."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        "CONTENT_LENGTH": str(length),
        "wsgi.input": UnreadableBody(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    started: dict = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, dict(headers)

    body = b"".join(WSGIHandler()(environ, start_response))
    return started["status"], started["headers"], body


@pytest.mark.django_db
def test_a_300_mb_post_to_the_login_page_is_refused_without_reading_it():
    status, headers, body = wsgi_post(LOGIN, 300 * MB)

    assert status.startswith("413")
    assert headers["Connection"] == "close"
    assert "1 MB" in body.decode()


@pytest.mark.django_db
def test_an_upload_page_is_refused_past_its_own_larger_limit():
    status, _, _ = wsgi_post(IMPORT, settings.UPLOAD_BODY_MAX_BYTES + 1)

    assert status.startswith("413")


@pytest.mark.django_db
def test_a_nonsense_content_length_is_a_bad_request():
    client = Client()
    response = client.generic("POST", LOGIN, b"", CONTENT_LENGTH="lots")

    assert response.status_code == 400


@pytest.mark.django_db
def test_a_2_mb_form_post_is_refused_but_a_2_mb_csv_reaches_the_upload_form(client, rita):
    f.login(client, rita)
    big = SimpleUploadedFile("guests.csv", b"x" * (2 * MB), "text/csv")
    assert client.post(reverse("guests:file_citizen"), {"file": big}).status_code == 413

    big.seek(0)
    response = client.post(IMPORT, {"file": big})
    # Through the body limit: the upload form reads the file and explains what is wrong.
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_a_csv_over_the_files_own_limit_gets_the_forms_message(client, rita):
    f.login(client, rita)
    content = b"x" * (10 * MB + 100)
    response = client.post(IMPORT, {"file": SimpleUploadedFile("g.csv", content, "text/csv")})

    assert response.status_code == 200
    assert "10 MB" in response.content.decode()


@pytest.mark.django_db
def test_the_session_cookie_ends_with_the_browser(client, rita):
    response = client.post(LOGIN, {"username": rita.username, "password": f.PASSWORD})

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


@pytest.mark.django_db
def test_a_session_left_idle_past_the_timeout_is_logged_out(client, rita):
    desk = reverse("guests:desk")
    idle = settings.SESSION_IDLE_TIMEOUT
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        f.login(client, rita)
        assert client.get(desk).status_code == 200

        # Used now and then: each use keeps it open.
        for _ in range(3):
            traveller.shift(idle - timedelta(minutes=5))
            assert client.get(desk).status_code == 200

        traveller.shift(idle + timedelta(minutes=1))
        response = client.get(desk, follow=True)

    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    assert "without activity" in response.content.decode() or "không hoạt động" in (
        response.content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title"), [("vi", "Biểu mẫu đã hết hạn"), ("en", "The form has expired")]
)
def test_a_csrf_failure_gets_the_sites_own_page(language, title):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(LOGIN, {"username": "rita", "password": "x"})

    assert response.status_code == 403
    html = response.content.decode()
    assert title in html
    assert "style=" not in html and "<style" not in html
    assert 'rel="stylesheet"' in html


@pytest.mark.parametrize(
    ("language", "message"),
    [("vi", "Vui lòng gửi tối đa 20 biểu mẫu."), ("en", "Please submit at most 20 forms.")],
)
@pytest.mark.django_db
def test_the_room_size_limit_is_said_in_the_pages_language(language, message, establishment):
    from django.utils import translation

    from guests.forms import MAX_GUESTS, CitizenFormSet

    data = {"guest-TOTAL_FORMS": str(MAX_GUESTS + 1), "guest-INITIAL_FORMS": "0"}
    with translation.override(language):
        formset = CitizenFormSet(data, prefix="guest", form_kwargs={"establishment": establishment})
        assert list(formset.non_form_errors()) == [message]
