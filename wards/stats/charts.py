"""Small charts drawn on the server as inline SVG: no chart library, no CDN, no script.

Each chart is an ``<svg role="img">`` named by its ``<title>`` and ``<desc>``; every bar or
point carries its own ``<title>`` (a tooltip, and what a screen reader says). The page shows the
same numbers in a table right below the chart, which is the accessible form of the figures.

Colours and sizes are SVG presentation attributes, never ``style`` attributes or a ``<style>``
element: a Content-Security-Policy without 'unsafe-inline' styles lets attributes through.
The SVG is built with ElementTree, so every label is escaped and the output is well-formed XML.
"""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

# Colours of Bootstrap 5's palette that stay apart for the common colour-blindnesses.
PALETTE = ("#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545")
AXIS = "#6c757d"
GRID = "#dee2e6"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float]
    colour: str = PALETTE[0]


def nice_ceiling(value: float, ticks: int = 4) -> tuple[float, float]:
    """An axis maximum at least ``value`` and a step of 1, 2 or 5 × 10ⁿ that divides it."""
    if value <= 0:
        return 1.0, 1.0 / ticks if ticks > 1 else 1.0
    raw = value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if value >= 1 and step < 1:
        step = 1.0
    return step * math.ceil(value / step - 1e-9), step


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _svg(width: int, height: int, *, title: str, desc: str) -> ET.Element:
    n = next(_ids)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width} {height}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"chart-{n}-title chart-{n}-desc",
            "class": "chart",
            "font-family": FONT,
            "font-size": "14",
        },
    )
    ET.SubElement(svg, "title", {"id": f"chart-{n}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"chart-{n}-desc"}).text = desc
    return svg


def _render(svg: ET.Element) -> SafeString:
    # ElementTree escapes every text and attribute it writes, labels typed by users included.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attrs})
    element.text = text
    return element


def _legend(svg: ET.Element, series: Sequence[Series], *, x: float, y: float) -> None:
    legend = ET.SubElement(svg, "g", {"class": "chart-legend"})
    for s in series:
        ET.SubElement(
            legend,
            "rect",
            {
                "x": f"{x:.1f}",
                "y": f"{y - 10:.1f}",
                "width": "12",
                "height": "12",
                "fill": s.colour,
            },
        )
        _text(legend, x + 17, y, s.label, fill="#212529")
        x += 30 + 8 * len(s.label)


def _y_axis(
    svg: ET.Element,
    *,
    left: float,
    top: float,
    width: float,
    height: float,
    top_value: float,
    step: float,
    unit: str,
) -> None:
    grid = ET.SubElement(svg, "g", {"class": "chart-grid", "aria-hidden": "true"})
    steps = round(top_value / step)
    for i in range(steps + 1):
        value = i * step
        y = top + height - height * value / top_value
        ET.SubElement(
            grid,
            "line",
            {
                "x1": f"{left:.1f}",
                "x2": f"{left + width:.1f}",
                "y1": f"{y:.1f}",
                "y2": f"{y:.1f}",
                "stroke": GRID if i else AXIS,
                "stroke-width": "1",
            },
        )
        _text(grid, left - 6, y + 4, _number(value) + unit, fill=AXIS, **{"text-anchor": "end"})


def _x_labels(
    svg: ET.Element, categories: Sequence[str], *, left: float, slot: float, y: float
) -> None:
    """At most about ten labels along the bottom, evenly spread."""
    labels = ET.SubElement(svg, "g", {"class": "chart-x-labels", "aria-hidden": "true"})
    every = max(1, math.ceil(len(categories) / 10))
    for i, category in enumerate(categories):
        if i % every:
            continue
        _text(
            labels,
            left + slot * (i + 0.5),
            y,
            category,
            fill=AXIS,
            **{"text-anchor": "middle"},
        )


def stacked_bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    tick_labels: Sequence[str] | None = None,
    width: int = 800,
    height: int = 300,
) -> SafeString:
    """Vertical bars, one per category, with the series stacked in the given order.

    ``categories`` name the bars in full (the tooltips); ``tick_labels``, if given, are the
    shorter texts under the axis."""
    left, right, top, bottom = 48, 12, 34, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    top_value, step = nice_ceiling(max(totals, default=0))
    svg = _svg(width, height, title=title, desc=desc)
    _legend(svg, series, x=left, y=16)
    _y_axis(
        svg,
        left=left,
        top=top,
        width=plot_w,
        height=plot_h,
        top_value=top_value,
        step=step,
        unit="",
    )
    slot = plot_w / max(len(categories), 1)
    bar_w = max(slot * 0.75, 1)
    bars = ET.SubElement(svg, "g", {"class": "chart-bars"})
    for i, category in enumerate(categories):
        y = top + plot_h
        group = ET.SubElement(bars, "g", {"class": "chart-bar"})
        parts = []
        for s in series:
            value = s.values[i]
            parts.append(f"{s.label}: {_number(value)}")
            if not value:
                continue
            h = plot_h * value / top_value
            y -= h
            ET.SubElement(
                group,
                "rect",
                {
                    "x": f"{left + slot * i + (slot - bar_w) / 2:.2f}",
                    "y": f"{y:.2f}",
                    "width": f"{bar_w:.2f}",
                    "height": f"{h:.2f}",
                    "fill": s.colour,
                },
            )
        ET.SubElement(group, "title").text = f"{category} — " + ", ".join(parts)
    _x_labels(svg, tick_labels or categories, left=left, slot=slot, y=height - 8)
    return _render(svg)


def horizontal_bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    desc: str,
    colour: str = PALETTE[0],
    width: int = 520,
    bar_height: int = 22,
) -> SafeString:
    """One horizontal bar per label, largest scale at the right, the value after each bar."""
    label_w, right, top, gap = 190, 44, 8, 6
    height = top * 2 + len(labels) * (bar_height + gap)
    plot_w = width - label_w - right
    top_value = max(values, default=0) or 1
    svg = _svg(width, max(height, 40), title=title, desc=desc)
    bars = ET.SubElement(svg, "g", {"class": "chart-bars"})
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * (bar_height + gap)
        group = ET.SubElement(bars, "g", {"class": "chart-bar"})
        ET.SubElement(group, "title").text = f"{label}: {_number(value)}"
        short = label if len(label) <= 26 else label[:25] + "…"
        _text(
            group,
            label_w - 8,
            y + bar_height * 0.7,
            short,
            fill="#212529",
            **{"text-anchor": "end"},
        )
        w = plot_w * value / top_value
        ET.SubElement(
            group,
            "rect",
            {
                "x": str(label_w),
                "y": f"{y:.1f}",
                "width": f"{max(w, 0):.2f}",
                "height": str(bar_height),
                "fill": colour,
            },
        )
        _text(group, label_w + w + 6, y + bar_height * 0.7, _number(value), fill="#212529")
    return _render(svg)


def line_chart(
    categories: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    desc: str,
    unit: str = "",
    max_value: float | None = None,
    tick_labels: Sequence[str] | None = None,
    colour: str = PALETTE[4],
    width: int = 800,
    height: int = 200,
) -> SafeString:
    """A line through the values; a ``None`` (nothing to measure that day) breaks the line."""
    left, right, top, bottom = 48, 12, 14, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for v in values if v is not None]
    top_value, step = nice_ceiling(max_value if max_value is not None else max(known, default=0))
    svg = _svg(width, height, title=title, desc=desc)
    _y_axis(
        svg,
        left=left,
        top=top,
        width=plot_w,
        height=plot_h,
        top_value=top_value,
        step=step,
        unit=unit,
    )
    slot = plot_w / max(len(categories), 1)
    runs: list[list[str]] = [[]]
    points = ET.SubElement(svg, "g", {"class": "chart-points"})
    for i, (category, value) in enumerate(zip(categories, values, strict=True)):
        if value is None:
            runs.append([])
            continue
        x = left + slot * (i + 0.5)
        y = top + plot_h - plot_h * value / top_value
        runs[-1].append(f"{x:.2f},{y:.2f}")
        point = ET.SubElement(
            points,
            "circle",
            {"cx": f"{x:.2f}", "cy": f"{y:.2f}", "r": "3", "fill": colour},
        )
        ET.SubElement(point, "title").text = f"{category}: {_number(round(value, 1))}{unit}"
    for run in runs:
        if len(run) > 1:
            ET.SubElement(
                svg,
                "polyline",
                {
                    "points": " ".join(run),
                    "fill": "none",
                    "stroke": colour,
                    "stroke-width": "2",
                    "class": "chart-line",
                },
            )
    _x_labels(svg, tick_labels or categories, left=left, slot=slot, y=height - 8)
    return _render(svg)
