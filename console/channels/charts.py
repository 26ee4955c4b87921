"""Charts drawn on the server as inline SVG: no script, no CDN, readable on a tablet."""

import datetime
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Colours that stay apart for the common forms of colour blindness (Okabe–Ito).
PALETTE = ["#E69F00", "#0072B2", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]
WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 34


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int]


def _ticks(top: int) -> list[int]:
    if top <= 5:
        return list(range(0, top + 1))
    step = max(1, round(top / 4))
    return list(range(0, top + 1, step))


def stacked_bars_svg(
    *, title: str, days: list[datetime.date], series: list[Series], empty_text: str
) -> SafeString:
    """A bar per day, stacked by series, with a legend; the numbers are in a <title> per bar
    segment and in the caption for screen readers."""
    totals = [sum(item.values[index] for item in series) for index in range(len(days))]
    top = max(totals or [0])
    if top == 0:
        return format_html('<p class="cc-muted cc-chart-empty">{}</p>', empty_text)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(days), 1)
    bar = max(slot * 0.7, 1)
    parts = [
        f'<svg class="cc-svg-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'preserveAspectRatio="xMidYMid meet" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in _ticks(top):
        y = TOP + plot_height - plot_height * tick / top
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d9e2ec" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#52606d">{tick}</text>'
        )
    label_every = max(1, round(len(days) / 8))
    for index, day in enumerate(days):
        x = LEFT + slot * index + (slot - bar) / 2
        base = TOP + plot_height
        for number, item in enumerate(series):
            value = item.values[index]
            if not value:
                continue
            height = plot_height * value / top
            base -= height
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'fill="{PALETTE[number % len(PALETTE)]}"><title>{day:%d.%m.}: '
                f"{escape(item.label)} {value}</title></rect>"
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                f'font-size="12" fill="#3e4c59">{day:%d.%m.}</text>'
            )
    parts.append("</svg>")
    legend = "".join(
        format_html(
            '<li><span class="cc-swatch" style="background:{}"></span>{} <strong>{}</strong></li>',
            PALETTE[number % len(PALETTE)],
            item.label,
            sum(item.values),
        )
        for number, item in enumerate(series)
    )
    return mark_safe(  # noqa: S308 - every value above is a number or escaped
        "".join(parts) + f'<ul class="cc-legend">{legend}</ul>'
    )
