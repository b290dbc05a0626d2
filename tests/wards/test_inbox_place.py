"""After a decision the inbox comes back where the officer was: the same filter and page,
at the next card."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from guests.models import Declaration, ReviewStatus
from luutru.models import Role
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english")

INBOX = reverse("wards:inbox")


@pytest.fixture
def second(ward):
    return f.make_establishment(ward=ward, name="Nhà nghỉ Hồ Tây")


def test_confirm_comes_back_to_the_filtered_inbox_at_the_next_card(
    client, omar, rita, establishment, second
):
    a = f.make_declaration(establishment=establishment, by=rita, full_name="An A", room="101")
    b = f.make_declaration(establishment=establishment, by=rita, full_name="Binh B", room="102")
    c = f.make_declaration(establishment=establishment, by=rita, full_name="Chi C", room="103")
    f.make_declaration(
        establishment=second,
        by=f.make_staff(establishment=second, role=Role.RECEPTIONIST, username="sam"),
        full_name="Other O",
    )
    f.login(client, omar)
    here = f"{INBOX}?establishment={establishment.pk}&kind="
    page = client.get(here)
    rows = page.context["rows"]
    assert [row.full_name for row in rows] == [d.full_name for d in rows]
    assert {row.full_name for row in rows} == {"An A", "Binh B", "Chi C"}
    html = page.content.decode()
    first, following = rows[0], rows[1]
    assert f'id="declaration-{following.pk}"' in html
    assert f'name="anchor" value="{following.pk}"' in html

    response = client.post(
        reverse("wards:declaration_confirm", args=[first.pk]),
        {"next": here, "anchor": str(following.pk)},
    )

    assert response.status_code == 302
    assert response.url == f"{here}#declaration-{following.pk}"
    assert Declaration.objects.get(pk=first.pk).review_status == ReviewStatus.CONFIRMED
    assert {a.pk, b.pk, c.pk} >= {first.pk, following.pk}


def test_the_last_card_anchors_to_the_one_before(client, omar, rita, establishment):
    f.make_declaration(establishment=establishment, by=rita, full_name="An A", room="101")
    f.make_declaration(establishment=establishment, by=rita, full_name="Binh B", room="102")
    rows = f.login(client, omar).get(INBOX).context["rows"]
    assert rows[-1].anchor_after == rows[-2].pk


def test_return_from_the_declaration_page_keeps_the_inbox_filter(client, omar, rita, establishment):
    declaration = f.make_declaration(establishment=establishment, by=rita)
    f.login(client, omar)
    here = f"{INBOX}?establishment={establishment.pk}&kind=citizen"
    inbox_html = client.get(here).content.decode()
    detail = reverse("wards:declaration", args=[declaration.pk])
    link = f"{detail}?next={quote(here, safe='')}"
    assert f'href="{link}#return"'.replace("&", "&amp;") in inbox_html or (
        f'href="{link}#return"' in inbox_html
    )

    page = client.get(link).content.decode()
    assert f'name="next" value="{here}"'.replace("&", "&amp;") in page

    response = client.post(
        reverse("wards:declaration_return", args=[declaration.pk]),
        {"reason": "Sai số giấy tờ", "version": 1, "next": here},
    )
    assert response.status_code == 302
    assert response.url == here
    assert Declaration.objects.get(pk=declaration.pk).review_status == ReviewStatus.RETURNED


@pytest.mark.parametrize(
    "target",
    ["https://evil.test/", "//evil.test/wards/inbox/", "/admin/", "/elsewhere/?x=1"],
)
def test_only_the_inbox_of_this_site_is_a_place_to_come_back_to(
    client, omar, rita, establishment, target
):
    declaration = f.make_declaration(establishment=establishment, by=rita)
    f.login(client, omar)
    page = client.get(reverse("wards:declaration", args=[declaration.pk]), {"next": target})
    assert f'name="next" value="{INBOX}"' in page.content.decode()
    response = client.post(
        reverse("wards:declaration_confirm", args=[declaration.pk]),
        {"next": target, "anchor": "javascript:alert(1)"},
    )
    assert response.url == INBOX


def test_another_wards_declaration_is_still_a_404(client, omar, other_establishment):
    ron = f.make_staff(establishment=other_establishment, role=Role.RECEPTIONIST, username="ron2")
    theirs = f.make_declaration(establishment=other_establishment, by=ron)
    f.login(client, omar)
    here = f"{INBOX}?establishment={other_establishment.pk}"
    detail = reverse("wards:declaration", args=[theirs.pk])
    assert client.get(detail, {"next": here}).status_code == 404
    response = client.post(
        reverse("wards:declaration_confirm", args=[theirs.pk]), {"next": here, "anchor": "1"}
    )
    assert response.status_code == 404
