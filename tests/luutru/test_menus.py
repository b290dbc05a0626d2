"""Every role's menu shows only what that role may open."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories as f


def _menu_links(page: str) -> list[str]:
    menu = page.split('<ul class="navbar-nav me-auto">', 1)[1].split("</ul>\n      <div", 1)[0]
    return [href for href in re.findall(r'href="([^"]+)"', menu) if href != "#"]


@pytest.mark.parametrize("who", ["rita", "alice", "omar", "cora", "ivan", "admin_user"])
def test_every_menu_link_opens_for_that_role(client, request, who):
    user = request.getfixturevalue(who)
    f.login(client, user)

    home = client.get(reverse("home"), follow=True)
    assert home.status_code == 200
    links = _menu_links(home.content.decode()) if who != "admin_user" else []

    assert links or who == "admin_user"
    for link in links:
        assert client.get(link, follow=True).status_code == 200, link


def test_the_receptionists_menu_has_no_flags(client, rita):
    f.login(client, rita)

    links = _menu_links(client.get(reverse("guests:desk")).content.decode())

    assert reverse("wards:establishment_flags") not in links
    assert reverse("wards:notifications") in links


def test_the_owners_menu_has_the_flags(client, alice):
    f.login(client, alice)

    links = _menu_links(client.get(reverse("establishments:owner_home")).content.decode())

    assert reverse("wards:establishment_flags") in links
