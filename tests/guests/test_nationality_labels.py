from __future__ import annotations

import pytest
from django.utils import translation

from guests.forms import nationality_choices


def _countries() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in nationality_choices()[1][1]]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_two_countries_share_a_label(language: str) -> None:
    with translation.override(language):
        labels = [name for _code, name in _countries()]
    assert len(labels) == len(set(labels))


def test_the_vietnamese_labels_that_were_ambiguous_or_wrong_are_distinct_and_correct() -> None:
    with translation.override("vi"):
        names = dict(_countries())
    assert names["IS"] == "Ai-xơ-len"
    assert names["IE"] == "Ai-len"
    assert names["NE"] == "Ni-giê"
    assert names["NG"] == "Nigeria"
    assert names["JE"] == "Jersey"
    assert names["AT"] == "Áo"
    assert names["SZ"] == "Eswatini"
    assert names["RE"] == "Réunion"
