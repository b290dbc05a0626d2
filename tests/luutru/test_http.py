"""The one check of a "next" target (luutru.http): a path of this site, nothing else."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from luutru.http import safe_next, safe_path

HOSTILE = [
    "",
    "0",
    "home",
    "https://evil.example/",
    "http://testserver/wards/",  # a whole URL, even of this host: a path only
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/wards/\\..\\",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/wards/\r\nSet-Cookie: a=b",
    "\x00/wards/",
    "/wards/\x7f",
    " /wards/",
    "javascript:alert(1)",
    "/" + "a" * 3000,
]


@pytest.fixture
def request_():
    return RequestFactory().get("/")


@pytest.mark.parametrize("target", HOSTILE)
def test_it_refuses_anything_but_a_path_of_this_site(request_, target):
    assert safe_path(request_, target) is None


@pytest.mark.parametrize(
    "target", ["/", "/wards/inbox/", "/wards/inbox/?kind=citizen&after=1.2.3#declaration-4"]
)
def test_it_keeps_a_path_with_its_query_and_fragment(request_, target):
    assert safe_path(request_, target) == target


def test_next_is_read_from_the_post_then_the_query_string():
    factory = RequestFactory()
    assert safe_next(factory.post("/?next=/b/", {"next": "/a/"}), "/home/") == "/a/"
    assert safe_next(factory.post("/?next=/b/"), "/home/") == "/b/"
    assert safe_next(factory.get("/?next=//evil.example/"), "/home/") == "/home/"
    assert safe_next(factory.get("/"), "/home/") == "/home/"
