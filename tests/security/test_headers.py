"""Transport and browser security as production configures it, and on every page.

tests/luutru/test_headers.py checks the Content-Security-Policy of the login page and that
pages hold no inline code; here: the production settings themselves (read from a fresh
interpreter with DEBUG off, as the containers start), what a browser receives with them
(HSTS, cookie flags, the redirect to HTTPS), the security headers on every page of every role
and on the error pages, and `Cache-Control: no-store` on every page that shows personal data,
including the public page that shows an applicant's e-mail address.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.establishments.helpers import application_data

from .conftest import ROLE_OF, page_urls
from .probe import send

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-for-this-test-only-0123456789",
    "DOCUMENT_KEY": "cHJvZHVjdGlvbi1saWtlIGRvY3VtZW50IGtleSEhISE=",
    "ALLOWED_HOSTS": "luutru.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://luutru.example.vn",
    "DATABASE_URL": "postgresql://luutru:secret@postgres:5432/luutru",
    "REDIS_URL": "redis://redis:6379/0",
    "BEHIND_TLS_PROXY": "1",
    # Even when someone turns the log up to debug, SQL parameters (guests' names) stay out.
    "LOG_LEVEL": "DEBUG",
}
NAMES = [
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SAMESITE",
    "LOGGING",
]
SCRIPT = f"""
import json, django
from django.conf import settings
django.setup()
print(json.dumps({{name: getattr(settings, name) for name in {NAMES!r}}}, default=str))
"""


@pytest.fixture(scope="module")
def production() -> dict:
    """The settings as a production container computes them from its environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO", "SECURE_", "DEBUG", "LOG_"))
    }
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="luutru.settings")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_for_a_year_with_subdomains_and_preload(production):
    assert production["DEBUG"] is False
    assert production["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_cookies_are_secure_http_only_and_same_site(production):
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert production["LANGUAGE_COOKIE_SECURE"] is True
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"


def test_sql_and_its_parameters_stay_out_of_the_log_even_at_debug_level(production):
    logging = production["LOGGING"]
    assert logging["root"]["level"] == "DEBUG"
    assert logging["loggers"]["django.db.backends"]["level"] in ("WARNING", "ERROR", "CRITICAL")


@pytest.fixture
def as_production(settings, production):
    for name in NAMES:
        if name not in ("DEBUG", "LOGGING", "SECURE_PROXY_SSL_HEADER"):
            setattr(settings, name, production[name])
    settings.SECURE_PROXY_SSL_HEADER = tuple(production["SECURE_PROXY_SSL_HEADER"])
    return settings


HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def test_a_browser_gets_hsts_and_is_sent_from_http_to_https(as_production, client, db):
    response = client.get(reverse("login"), **HTTPS)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
    plain = client.get(reverse("login"))
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")


def test_the_session_and_csrf_cookies_a_browser_gets_are_secure_and_http_only(as_production, rita):
    client = Client(**HTTPS)
    page = client.get(reverse("login"))
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(reverse("login"), {"username": "rita", "password": f.PASSWORD})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    language = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert language.cookies["django_language"]["secure"] is True


def check_security_headers(response, where: str) -> list[str]:
    problems = []
    policy = response.get("Content-Security-Policy", "")
    if "default-src 'self'" not in policy or "unsafe-" in policy:
        problems.append(f"{where}: Content-Security-Policy {policy!r}")
    expected = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    for header, value in expected.items():
        if response.get(header) != value:
            problems.append(f"{where}: {header} {response.get(header)!r}")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append(f"{where}: Permissions-Policy {response.get('Permissions-Policy')!r}")
    return problems


def test_every_page_of_every_role_has_the_headers_and_is_not_cached(clients, world, establishment):
    problems = []
    pages = 0
    for who in [*ROLE_OF, "anonymous"]:
        client = clients[who]
        for name, url in page_urls(who, world, establishment):
            response = send(client, "GET", url)
            if response.status_code != 200:
                continue  # a redirect: its target is in the list too
            pages += 1
            problems += check_security_headers(response, f"{who} {name}")
            if who == "anonymous":
                continue  # the public pages show nobody's data (but see the application below)
            cache = response.get("Cache-Control", "")
            if "no-store" not in cache or "private" not in cache and "no-cache" not in cache:
                problems.append(f"{who} {name}: Cache-Control {cache!r}")
    assert not problems, "\n".join(problems)
    assert pages >= 60, pages


@pytest.mark.parametrize(
    "who, url",
    [
        ("anonymous", "/no-such-page/"),
        ("rita", "/guests/999999999/"),
        ("rita", "/wards/inbox/"),
        ("omar", "/guests/file/citizen/"),
        ("anonymous", "/healthz"),
    ],
)
def test_error_pages_and_json_have_the_headers(clients, world, who, url):
    response = send(clients[who], "GET", url)
    assert response.status_code in (200, 403, 404)
    assert not check_security_headers(response, url)
    if who != "anonymous":
        assert "no-store" in response["Cache-Control"]


def test_the_page_that_shows_an_applicants_e_mail_is_not_cached(client, ward):
    # Registration is public: the applicant is anonymous, often on a shared computer.
    data = application_data(ward, owner_email="lan.private@example.vn")
    form = client.get(reverse("establishments:apply"))
    assert "no-store" in form["Cache-Control"]
    response = client.post(reverse("establishments:apply"), data, follow=True)
    assert "lan.private@example.vn" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # The form shown again with an error holds the owner's name, phone and e-mail.
    again = client.post(reverse("establishments:apply"), {**data, "room_count": "0"})
    assert "lan.private@example.vn" in again.content.decode()
    assert "no-store" in again["Cache-Control"]
