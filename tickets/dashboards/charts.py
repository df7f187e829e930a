"""Server-rendered SVG charts: a line chart of a trend, a bar chart of a few figures.

The SVG is drawn at a fixed view box and scales with the page; text uses the page's fonts
(CSS `font: inherit`), so Chinese, Japanese and Korean labels render as the rest of the page.
Every label passes through `escape`. The table below each chart is the accessible version:
the SVG carries a title and is otherwise a picture (`role="img"`).
"""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56
COLOURS = ("#1f5fbf", "#c2410c", "#15803d", "#7e22ce")


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _scale(top: float) -> float:
    """A round top of the y axis at or above `top` (1, 2, 5 × 10ⁿ)."""
    if top <= 0:
        return 1.0
    step = 1.0
    while step * 10 < top:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= top:
            return step * factor
    return step * 10


def _frame(title: str, y_label: str, top: float, body: str) -> SafeString:
    plot_h = HEIGHT - TOP - BOTTOM
    ticks = []
    for index in range(5):
        value = top * index / 4
        y = TOP + plot_h - plot_h * index / 4
        shown = f"{value:g}" if value < 1000 else f"{value:,.0f}"
        ticks.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{shown}</text>'
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}{}"
        '<text class="axis-label" x="12" y="{}" transform="rotate(-90 12 {})" '
        'text-anchor="middle">{}</text></svg>',
        WIDTH,
        HEIGHT,
        title,
        title,
        mark_safe("".join(ticks)),  # noqa: S308 (numbers only)
        body,
        TOP + plot_h / 2,
        TOP + plot_h / 2,
        y_label,
    )


def line_chart(
    title: str, points: list[dict], series: list[tuple[str, str]], *, y_label: str
) -> SafeString:
    """`points`: [{"day": date or str, key: number, ...}]; one line per (key, label) of `series`."""
    values = [_number(point.get(key)) for point in points for key, _label in series]
    top = _scale(max([value for value in values if value is not None], default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)
    parts = []
    for index, (key, label) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        coords = [
            f"{LEFT + step * position:.1f},{TOP + plot_h - plot_h * value / top:.1f}"
            for position, point in enumerate(points)
            if (value := _number(point.get(key))) is not None
        ]
        if coords:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{" ".join(coords)}"/>'
            )
        parts.append(
            f'<text x="{LEFT + 150 * index}" y="{HEIGHT - 8}" fill="{colour}">'
            f"■ {escape(label)}</text>"
        )
    every = max(len(points) // 6, 1)
    for position, point in enumerate(points):
        if position % every == 0:
            x = LEFT + step * position
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle">'
                f"{escape(str(point.get('day', '')))[5:]}</text>"
            )
    return _frame(title, y_label, top, mark_safe("".join(parts)))  # noqa: S308 (escaped above)


def bar_chart(title: str, bars: list[tuple[str, object]], *, y_label: str) -> SafeString:
    """One bar per (label, value); values that are not numbers are left out of the drawing."""
    numbers = [(label, _number(value)) for label, value in bars]
    numbers = [(label, value) for label, value in numbers if value is not None]
    top = _scale(max([value for _label, value in numbers], default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(numbers), 1)
    parts = []
    for position, (label, value) in enumerate(numbers):
        height = plot_h * max(value, 0) / top
        x = LEFT + slot * position + slot * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{height:.1f}" fill="{COLOURS[0]}"/>'
            f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - BOTTOM + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return _frame(title, y_label, top, mark_safe("".join(parts)))  # noqa: S308 (escaped above)
