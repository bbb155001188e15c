"""Charts drawn on the server as SVG: line, bar and funnel (docs/decisions.md: our own small
builder rather than pygal, whose SVG carries an inline <style> our CSP refuses).

Only presentation attributes, no style and no script: the SVG sits inline in the page, scales
with its viewBox (phones included), and names itself for screen readers (<title>, <desc>).
Every text is escaped.
"""

from collections.abc import Sequence
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 480
HEIGHT = 220
MARGIN_LEFT = 40
MARGIN_BOTTOM = 30
MARGIN_TOP = 12
INK = "#5b4a00"
HONEY = "#d9a400"
GRID = "#e6e0cc"
COLOURS = ("#d9a400", "#8a6d00", "#3b6ea5", "#4e8a3b", "#a5463b")
FUNNEL = ("#f6e3a1", "#ecc94b", "#d9a400")
_ids = count(1)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(title: str, description: str, width: int, height: int) -> tuple[str, list[str]]:
    uid = f"chart{next(_ids)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{uid}-t {uid}-d" font-family="sans-serif">'
        f'<title id="{uid}-t">{escape(title)}</title>'
        f'<desc id="{uid}-d">{escape(description)}</desc>'
    )
    return uid, [head]


NICE_STEPS = (1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 250, 400, 500)


def _scale_max(values: Sequence[float]) -> float:
    """The top of the y axis: four whole steps of a round size above the highest value."""
    top = max(values, default=0)
    if top <= 0:
        return 4
    for magnitude in (1, 1000, 1_000_000):
        for step in NICE_STEPS:
            if step * magnitude * 4 >= top:
                return step * magnitude * 4
    return top


def line_chart(
    series: Sequence[tuple[str, Sequence[float]]], labels: Sequence[str], *, title: str
) -> SafeString:
    """Several lines over the same x labels (one colour each, a legend under the chart)."""
    values = [v for _, line in series for v in line]
    top = _scale_max(values)
    legend_height = 20 * ((len(series) + 1) // 2)
    height = HEIGHT + legend_height
    plot_w, plot_h = WIDTH - MARGIN_LEFT - 10, HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    description = "; ".join(
        f"{name}: " + ", ".join(f"{label} {_n(v)}" for label, v in zip(labels, line, strict=False))
        for name, line in series
    )
    _, parts = _open(title, description, WIDTH, height)
    for step in range(5):
        y = MARGIN_TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{_n(y)}" x2="{WIDTH - 10}" y2="{_n(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{_n(y + 4)}" font-size="13" text-anchor="end" '
            f'fill="{INK}">{_n(top * step / 4)}</text>'
        )
    n = max(len(labels), 1)
    xs = [MARGIN_LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2) for i in range(n)]
    for i in sorted({0, n // 2, n - 1}):
        if i < len(labels):
            anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
            parts.append(
                f'<text x="{_n(xs[i])}" y="{HEIGHT - 8}" font-size="13" text-anchor="{anchor}" '
                f'fill="{INK}">{escape(labels[i])}</text>'
            )
    for index, (name, line) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        points = " ".join(
            f"{_n(xs[i])},{_n(MARGIN_TOP + plot_h - plot_h * v / top)}" for i, v in enumerate(line)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5" '
            f'stroke-linejoin="round"/>'
        )
        lx = 10 + (index % 2) * (WIDTH // 2)
        ly = HEIGHT + 14 + 20 * (index // 2)
        parts.append(
            f'<rect x="{lx}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{lx + 18}" y="{ly + 1}" font-size="14" fill="{INK}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> SafeString:
    """Horizontal bars, one per item, the value written at the end of each bar."""
    row = 26
    label_w = 170
    height = max(row * len(items), row) + 8
    top = max((v for _, v in items), default=0) or 1
    description = ", ".join(f"{label} {_n(v)}{unit}" for label, v in items)
    _, parts = _open(title, description, WIDTH, height)
    bar_max = WIDTH - label_w - 64
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        width = bar_max * value / top
        short = label if len(label) <= 19 else label[:18] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" font-size="14" text-anchor="end" '
            f'fill="{INK}">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{_n(max(width, 1))}" height="{row - 8}" '
            f'fill="{HONEY}" rx="2"/>'
            f'<text x="{_n(label_w + max(width, 1) + 6)}" y="{y + 16}" font-size="14" '
            f'fill="{INK}">{_n(value)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def funnel_chart(stages: Sequence[tuple[str, int]], *, title: str) -> SafeString:
    """Centred bars narrowing from the widest stage, each with its count and share."""
    row = 44
    height = row * len(stages) + 8
    total = sum(v for _, v in stages) or 1
    widest = max((v for _, v in stages), default=0) or 1
    description = ", ".join(f"{label} {v} ({round(100 * v / total)}\u00a0%)" for label, v in stages)
    _, parts = _open(title, description, WIDTH, height)
    for i, (label, value) in enumerate(stages):
        width = max((WIDTH - 40) * value / widest, 4)
        x = (WIDTH - width) / 2
        y = 4 + i * row
        parts.append(
            f'<rect x="{_n(x)}" y="{y}" width="{_n(width)}" height="{row - 8}" '
            f'fill="{FUNNEL[i % len(FUNNEL)]}" rx="3"/>'
            f'<text x="{WIDTH // 2}" y="{y + 23}" font-size="15" text-anchor="middle" '
            f'fill="{INK}">'
            f"{escape(label)} · {value} ({round(100 * value / total)}\u00a0%)</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
