"""The application form's ward: searched on the server (wards.directory), not listed whole in
the page; the JSON endpoint for the page's script, and the "Find the ward" button without it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from establishments.models import Application
from luutru import directory
from tests import factories as f

from .helpers import application_data

URL = reverse("establishments:apply")
SEARCH = reverse("establishments:ward_search")

pytestmark = pytest.mark.django_db


@pytest.fixture
def wards():
    hanoi = f.make_province(code=1, name="Thành phố Hà Nội")
    danang = f.make_province(code=48, name="Thành phố Đà Nẵng")
    thanh_hoa = f.make_province(code=38, name="Tỉnh Thanh Hóa")
    return {
        "hoan_kiem": f.make_ward(code=70, name="Phường Hoàn Kiếm", province=hanoi),
        "ba_dinh": f.make_ward(code=4, name="Phường Ba Đình", province=hanoi),
        "hoang_mai": f.make_ward(code=331, name="Phường Hoàng Mai", province=hanoi),
        "hai_chau": f.make_ward(code=20194, name="Phường Hải Châu", province=danang),
        "hoa_khanh": f.make_ward(code=20197, name="Phường Hòa Khánh", province=danang),
        "tien_trang": f.make_ward(code=16000, name="Xã Tiên Trang", province=thanh_hoa),
        "kinh_bac": f.make_ward(code=9169, name="Phường Kinh Bắc", province=thanh_hoa),
    }


def names(client, query: str) -> list[tuple[str, bool]]:
    data = client.get(SEARCH, {"q": query}).json()
    return [(row["label"], row["exact"]) for row in data["results"]]


def test_accents_case_and_the_ward_type_may_be_left_out(client, wards):
    assert names(client, "hoan kiem") == [("Phường Hoàn Kiếm — Thành phố Hà Nội", True)]
    assert names(client, "PHƯỜNG HOÀN KIẾM") == [("Phường Hoàn Kiếm — Thành phố Hà Nội", True)]


def test_exact_then_prefix_then_word_matches_and_a_province_finds_its_wards(client, wards):
    # No ward is named "hoa": the three names beginning with it come first (by province, then
    # name), then the wards of Thanh Hóa, whose province has the word.
    assert [label for label, _ in names(client, "hoa")] == [
        "Phường Hòa Khánh — Thành phố Đà Nẵng",
        "Phường Hoàn Kiếm — Thành phố Hà Nội",
        "Phường Hoàng Mai — Thành phố Hà Nội",
        "Phường Kinh Bắc — Tỉnh Thanh Hóa",
        "Xã Tiên Trang — Tỉnh Thanh Hóa",
    ]
    assert [label for label, _ in names(client, "da nang")] == [
        "Phường Hải Châu — Thành phố Đà Nẵng",
        "Phường Hòa Khánh — Thành phố Đà Nẵng",
    ]
    assert all(not exact for _, exact in names(client, "da nang"))


def test_letters_inside_a_word_do_not_match(client, wards):
    # Both words begin words of "Tiên Trang", in the other order: a loose match, listed but
    # never chosen. Letters inside a word ("oan" in "Hoàn") match nothing.
    assert names(client, "Tràng Tiền") == [("Xã Tiên Trang — Tỉnh Thanh Hóa", False)]
    assert names(client, "oan") == []


def test_a_name_from_before_the_mergers_lists_the_closest_never_exact(client, wards):
    data = client.get(SEARCH, {"q": "Hàng Bạc"}).json()
    assert data["closest"] is True
    assert [(row["label"], row["exact"]) for row in data["results"]] == [
        ("Phường Kinh Bắc — Tỉnh Thanh Hóa", False)
    ]


def test_empty_long_and_odd_queries(client, wards):
    assert client.get(SEARCH).json() == {"count": 0, "closest": False, "results": []}
    assert client.get(SEARCH, {"q": "  ,;  "}).json()["results"] == []
    assert client.get(SEARCH, {"q": "<script>"}).json()["results"] == []
    response = client.get(SEARCH, {"q": "hoan kiem " * 500})
    assert response.status_code == 200
    assert client.post(SEARCH, {"q": "hoan"}).status_code == 405


def test_at_most_twenty_results_with_the_total(client):
    province = f.make_province(code=2, name="Tỉnh Hà Giang")
    for n in range(30):
        f.make_ward(code=1000 + n, name=f"Xã Minh Tân {n}", province=province)
    data = client.get(SEARCH, {"q": "minh tan"}).json()
    assert data["count"] == 30
    assert len(data["results"]) == directory.MAX_RESULTS == 20


def test_the_answer_is_public_and_cacheable(client, wards):
    response = client.get(SEARCH, {"q": "hoan kiem"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert "Set-Cookie" not in response


def test_the_page_holds_no_ward_list_only_the_placeholder(client, wards):
    html = client.get(URL).content.decode()
    select = re.search(r'<select name="ward".*?</select>', html, re.S).group(0)
    assert select.count("<option") == 1
    assert f'data-endpoint="{SEARCH}"' in select
    assert "js/ward-search.js" in html
    assert "Phường Ba Đình" not in html


def test_a_form_shown_again_after_an_error_keeps_the_chosen_ward(client, wards):
    data = application_data(wards["hai_chau"]) | {"owner_email": "not an address"}
    html = client.post(URL, data).content.decode()
    select = re.search(r'<select name="ward".*?</select>', html, re.S).group(0)
    assert select.count("<option") == 2
    assert re.search(
        rf'<option value="{wards["hai_chau"].pk}" selected>Phường Hải Châu — Thành phố Đà Nẵng',
        select,
    )


def test_any_ward_is_accepted_and_one_that_does_not_exist_is_refused(client, wards):
    page = client.get(URL)
    token = page.context["form"].initial["submission"]
    response = client.post(URL, {"submission": token, **application_data(wards["kinh_bac"])})
    assert response.status_code == 302
    assert Application.objects.get().ward == wards["kinh_bac"]

    for wrong in ("999999", "²", "-1", "abc"):
        refused = client.post(URL, application_data(wards["kinh_bac"]) | {"ward": wrong})
        assert refused.status_code == 200
        assert "ward" in refused.context["form"].errors
    assert Application.objects.count() == 1


def test_without_javascript_find_fills_the_list_and_keeps_what_was_typed(client, wards):
    typed = application_data(wards["ba_dinh"]) | {"ward": "", "ward_search": "hoan kiem"}
    response = client.post(URL, typed | {"find_ward": "1"})

    assert response.status_code == 200
    assert Application.objects.count() == 0
    html = response.content.decode()
    assert "This field is required" not in html
    assert typed["name"] in html and typed["owner_email"] in html
    # The one exact name is chosen; the applicant still sends the form themselves.
    select = re.search(r'<select name="ward".*?</select>', html, re.S).group(0)
    assert f'<option value="{wards["hoan_kiem"].pk}" selected>' in select

    loose = client.post(URL, typed | {"ward_search": "da nang", "find_ward": "1"})
    select = re.search(r'<select name="ward".*?</select>', loose.content.decode(), re.S).group(0)
    assert select.count("<option") == 3
    assert "selected>" not in select.replace('value="" selected>', "")
    assert "2 wards match" in loose.content.decode()
