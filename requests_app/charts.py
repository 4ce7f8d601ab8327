"""Bar charts drawn on the server as SVG geometry: no script, no inline style, a table beside each.

Pure functions from numbers to rectangles and labels; ``templates/requests_app/includes/chart.html``
draws them with CSS classes (the Content-Security-Policy forbids style attributes) and gives each chart a
title, a description and the same numbers as a table for people who cannot see it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    css: str
    value: int
    series: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Row:
    """One line of the table alternative: the category and its value in each series."""

    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    width: int
    height: int
    segments: list[Segment]
    labels: list[Label]
    # The legend and the table's columns, with their CSS classes.
    series: list[tuple[str, str]]
    rows: list[Row]
    gridlines: list[Label]

    @property
    def empty(self) -> bool:
        return not any(row.total for row in self.rows)


def horizontal_bars(
    *, slug: str, title: str, description: str, data: list[tuple[str, int, str]], width: int = 640
) -> Chart:
    """One bar per category (label, value, CSS class), longest value full width; values at bar ends."""
    label_width, bar_height, gap, top = 210, 26, 12, 8
    plot = width - label_width - 60
    largest = max((value for _, value, _ in data), default=0) or 1
    segments, labels = [], []
    for index, (text, value, css) in enumerate(data):
        y = top + index * (bar_height + gap)
        length = plot * value / largest
        segments.append(Segment(label_width, y, round(length, 1), bar_height, css, value, text))
        labels.append(Label(label_width - 8, y + bar_height * 0.7, text, "end"))
        labels.append(Label(label_width + length + 6, y + bar_height * 0.7, str(value)))
    height = top * 2 + len(data) * (bar_height + gap)
    return Chart(
        slug=slug,
        title=title,
        description=description,
        width=width,
        height=height,
        segments=segments,
        labels=labels,
        series=[("Requests", "")],
        rows=[Row(text, (value,)) for text, value, _ in data],
        gridlines=[],
    )


def stacked_columns(
    *,
    slug: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[tuple[str, str, list[int]]],
    width: int = 640,
    height: int = 300,
) -> Chart:
    """One column per category, its series stacked bottom up (name, CSS class, values per category)."""
    left, right, top, bottom = 44, 10, 12, 40
    plot_width, plot_height = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, _, values in series) for i in range(len(categories))]
    largest = max(totals, default=0) or 1
    step = plot_width / max(len(categories), 1)
    column = step * 0.6
    segments, labels = [], []
    for index, category in enumerate(categories):
        x = left + index * step + (step - column) / 2
        base: float = top + plot_height
        for name, css, values in series:
            value = values[index]
            extent = plot_height * value / largest
            if value:
                segments.append(
                    Segment(
                        round(x, 1),
                        round(base - extent, 1),
                        round(column, 1),
                        round(extent, 1),
                        css,
                        value,
                        name,
                    )
                )
            base -= extent
        labels.append(Label(round(x + column / 2, 1), height - bottom + 18, category, "middle"))
    gridlines = [
        Label(
            left - 6,
            round(top + plot_height - plot_height * fraction, 1),
            str(round(largest * fraction)),
            "end",
        )
        for fraction in (0, 0.5, 1)
    ]
    return Chart(
        slug=slug,
        title=title,
        description=description,
        width=width,
        height=height,
        segments=segments,
        labels=labels,
        series=[(name, css) for name, css, _ in series],
        rows=[
            Row(category, tuple(values[index] for _, _, values in series))
            for index, category in enumerate(categories)
        ],
        gridlines=gridlines,
    )


def last_months(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of the ``count`` months up to and including today's, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]
