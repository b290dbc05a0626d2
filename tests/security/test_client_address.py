"""The address the access log records (issue: login throttling, item 2).

Before: `X-Forwarded-For: not-an-ip` gave a 500 on POST /wards/search/ and on opening a
declaration (PostgreSQL refused it for the inet column), and behind the proxy any client could
write the address the log kept. After: luutru.clientip takes only the entry the trusted proxy
wrote, validated."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from luutru.clientip import client_ip
from tests import factories as f
from wards.models import AccessLog

SEARCH = reverse("wards:search")


def address(headers: dict, hops: int, settings) -> str | None:
    settings.TRUSTED_PROXY_COUNT = hops
    return client_ip(RequestFactory().get("/", **headers))


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.1"),  # no proxy: the header is the client's own words
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client wrote is left of it
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (1, "not-an-ip", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (2, "198.51.100.1", "10.0.0.1"),  # fewer entries than proxies: not through them
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "198.51.100.1<script>", "10.0.0.1"),
    ],
)
def test_it_takes_the_address_the_trusted_proxy_wrote(settings, hops, forwarded, expected):
    headers = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": forwarded}
    assert address(headers, hops, settings) == expected


def test_a_remote_address_that_is_not_an_address_is_none(settings):
    assert address({"REMOTE_ADDR": "garbage"}, 0, settings) is None


@pytest.mark.parametrize("hops", [0, 1])
def test_a_search_with_a_forged_forwarded_header_is_logged_with_the_real_address(
    settings, client, omar, hops
):
    settings.TRUSTED_PROXY_COUNT = hops
    f.login(client, omar)
    response = client.post(
        SEARCH, {"q": "hoang"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip"
    )
    assert response.status_code == 200
    assert AccessLog.objects.get().ip_address == "10.0.0.1"


def test_opening_a_declaration_with_a_forged_header_is_logged_with_the_proxys_entry(
    settings, client, omar, rita, establishment
):
    settings.TRUSTED_PROXY_COUNT = 1
    declaration = f.make_declaration(establishment=establishment, by=rita)
    f.login(client, omar)
    url = reverse("wards:declaration", args=[declaration.pk])
    assert client.get(url, HTTP_X_FORWARDED_FOR="not-an-ip").status_code == 200
    forged = "203.0.113.66, 198.51.100.23"
    assert client.get(url, HTTP_X_FORWARDED_FOR=forged).status_code == 200
    logged = list(AccessLog.objects.order_by("id").values_list("ip_address", flat=True))
    assert logged == ["127.0.0.1", "198.51.100.23"]
