"""The server-drawn SVG charts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from wards.stats import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}g[@class='chart-bar']")


def test_a_stacked_bar_chart_has_one_bar_per_category_and_one_rect_per_nonzero_value():
    root = parse(
        charts.stacked_bar_chart(
            ["2026-03-01", "2026-03-02", "2026-03-03"],
            [charts.Series("Foreigners", [1, 0, 4]), charts.Series("Citizens", [2, 0, 0])],
            title="Guests per day",
            desc="Stacked bars",
        )
    )

    assert root.tag == f"{SVG}svg"
    assert len(bars(root)) == 3
    assert [len(bar.findall(f"{SVG}rect")) for bar in bars(root)] == [2, 0, 1]
    assert bars(root)[0].find(f"{SVG}title").text == "2026-03-01 — Foreigners: 1, Citizens: 2"


def test_a_chart_is_named_by_its_title_and_description():
    root = parse(charts.stacked_bar_chart(["a"], [charts.Series("x", [1])], title="T", desc="D"))

    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.text, desc.text) == ("T", "D")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_a_chart_has_no_style_attribute_or_element():
    svg = charts.line_chart(["a", "b"], [1, 2], title="T", desc="D")
    root = parse(svg)
    assert root.find(f".//{SVG}style") is None
    assert all("style" not in element.attrib for element in root.iter())


def test_a_horizontal_bar_chart_has_one_bar_per_label_and_escapes_the_labels():
    root = parse(
        charts.horizontal_bar_chart(
            ["France", "<script>alert(1)</script> & co", "Đức"], [20, 3, 0], title="T", desc="D"
        )
    )

    assert len(bars(root)) == 3
    widths = [float(bar.find(f"{SVG}rect").get("width")) for bar in bars(root)]
    assert widths[0] > widths[1] > widths[2] == 0
    assert bars(root)[1].find(f"{SVG}title").text == "<script>alert(1)</script> & co: 3"


def test_a_line_chart_breaks_the_line_where_a_value_is_missing():
    root = parse(
        charts.line_chart(
            ["1", "2", "3", "4", "5"],
            [10, 20, None, 30, 40],
            title="T",
            desc="D",
            unit="%",
            max_value=100,
        )
    )

    assert len(root.findall(f".//{SVG}circle")) == 4
    assert len(root.findall(f".//{SVG}polyline")) == 2


def test_charts_with_no_data_are_still_valid():
    parse(charts.stacked_bar_chart([], [charts.Series("x", [])], title="T", desc="D"))
    parse(charts.horizontal_bar_chart([], [], title="T", desc="D"))
    parse(charts.line_chart(["a"], [None], title="T", desc="D"))


def test_the_axis_maximum_is_a_round_number_at_least_the_largest_value():
    assert charts.nice_ceiling(0) == (1.0, 0.25)
    assert charts.nice_ceiling(7) == (8, 2)
    assert charts.nice_ceiling(100) == (100, 25) or charts.nice_ceiling(100)[0] >= 100
    assert charts.nice_ceiling(1234)[0] >= 1234
