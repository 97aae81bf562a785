"""Charts of a performance series as inline SVG: no JavaScript, readable on a phone.

The page draws what the published file says (suppressed values included): a
month with a suppressed count has no bar, and the chart says so in its legend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 44


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: Any
    label: str


@dataclass
class Chart:
    """Geometry of one chart; the template draws it."""

    width: int = WIDTH
    height: int = HEIGHT
    bars: list[list[Bar]] = field(default_factory=list)  # one list per series
    points: list[str] = field(default_factory=list)  # polyline "x,y" per series
    dots: list[list[Bar]] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, label)
    months: list[tuple[float, str]] = field(default_factory=list)  # (x, label)
    missing: int = 0
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right: int = WIDTH - RIGHT

    @property
    def empty(self) -> bool:
        return not any(self.bars) and not any(self.dots)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return float(step * 4)
    magnitude = 10 ** (len(str(int(value))) - 1)
    return float((int(value / magnitude) + 1) * magnitude)


def _month_labels(months: list[str], x_of: Any) -> list[tuple[float, str]]:
    every = max(1, (len(months) + 3) // 4)
    return [(x_of(i), m) for i, m in enumerate(months) if i % every == 0 or i == len(months) - 1]


def bars(months: list[str], series: list[list[Any]], *, ceiling: float | None = None) -> Chart:
    """Grouped bars: one group per month, one bar per series; None is drawn as missing."""
    chart = Chart()
    values = [v for s in series for v in s if isinstance(v, int | float)]
    top = ceiling or _nice_max(max(values, default=0))
    plot_w = chart.right - chart.left
    plot_h = chart.baseline - TOP
    slot = plot_w / max(len(months), 1)
    bar_w = max(1.0, slot * 0.8 / max(len(series), 1))

    def x_of(i: int) -> float:
        return chart.left + slot * i + slot / 2

    for index, values_ in enumerate(series):
        row = []
        for i, value in enumerate(values_):
            if value is None:
                chart.missing += 1
                continue
            h = plot_h * float(value) / top
            x = chart.left + slot * i + slot * 0.1 + bar_w * index
            row.append(
                Bar(
                    round(x, 1),
                    round(chart.baseline - h, 1),
                    round(bar_w, 1),
                    round(h, 1),
                    value,
                    months[i],
                )
            )
        chart.bars.append(row)
    chart.ticks = [(round(chart.baseline - plot_h * k / 4, 1), _fmt(top * k / 4)) for k in range(5)]
    chart.months = _month_labels(months, x_of)
    return chart


def line(
    months: list[str], values: list[Any], *, ceiling: float = 1.0, percent: bool = True
) -> Chart:
    """A line through the months that have a value (a share from 0 to 1, or a number)."""
    chart = Chart()
    numbers = [v for v in values if isinstance(v, int | float)]
    top = ceiling if percent else _nice_max(max(numbers, default=0))
    plot_w = chart.right - chart.left
    plot_h = chart.baseline - TOP
    slot = plot_w / max(len(months), 1)

    def x_of(i: int) -> float:
        return chart.left + slot * i + slot / 2

    dots = []
    for i, value in enumerate(values):
        if value is None:
            chart.missing += 1
            continue
        y = chart.baseline - plot_h * float(value) / top
        label = f"{float(value) * 100:.0f}%" if percent else _fmt(float(value))
        dots.append(Bar(round(x_of(i), 1), round(y, 1), 0, 0, label, months[i]))
    chart.dots.append(dots)
    chart.points.append(" ".join(f"{d.x},{d.y}" for d in dots))
    chart.ticks = [
        (
            round(chart.baseline - plot_h * k / 4, 1),
            f"{top * k / 4 * 100:.0f}%" if percent else _fmt(top * k / 4),
        )
        for k in range(5)
    ]
    chart.months = _month_labels(months, x_of)
    return chart


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
