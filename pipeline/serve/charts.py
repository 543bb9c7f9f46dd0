"""Charts of the HTML report as inline SVG: bars and monthly columns, each with a value axis
(ticks, grid lines and a title naming the unit), so they need no script and no network."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape

EMPTY = '<p class="empty">No data yet.</p>'


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    href: str | None = None  # where the label links to
    lang: str | None = None  # of the label, so a browser picks a font for it


def ticks(largest: float, most: int = 5) -> list[float]:
    """Round tick values from 0 to at least `largest` (steps of 1, 2 or 5 × 10^k), at most
    `most` + 1 of them."""
    if largest <= 0:
        return [0, 1]
    raw = largest / most
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(magnitude * factor for factor in (1, 2, 5, 10) if magnitude * factor >= raw)
    step = max(step, 1)  # counts: no fractional ticks
    return [step * index for index in range(math.ceil(largest / step) + 1)]


def _label(text: str, x: float, y: float, anchor: str, href: str | None, lang: str | None, room: float) -> str:
    """A bar's label, cut to fit `room` pixels (12 px a CJK character), whole in its tooltip."""
    language = f' lang="{lang}"' if lang else ""
    fits = max(2, int(room // 12))
    shown = text if len(text) <= fits else text[:fits - 1] + "…"
    label = f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{language}><title>{escape(text)}</title>{escape(shown)}</text>'
    return f'<a href="{escape(href, quote=True)}">{label}</a>' if href else label


def bars(items: list[Bar], axis_title: str, width: int = 760, bar_height: int = 22, color: str = "#2f6db5",
         label_width: int = 300) -> str:
    """Horizontal bars, one per item, on a value axis titled `axis_title` (say what is
    counted and in which unit)."""
    if not items:
        return EMPTY
    top, plot_width = 6, width - label_width - 40
    scale = ticks(max(item.value for item in items))
    largest = scale[-1]
    bottom = top + len(items) * bar_height
    height = bottom + 40
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for tick in scale:
        x = label_width + plot_width * tick / largest
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}"/>'
                     f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{tick:g}</text>')
    for index, item in enumerate(items):
        y = top + index * bar_height
        length = max(1.0, plot_width * item.value / largest)
        parts.append(_label(item.label, label_width - 8, y + 15, "end", item.href, item.lang, label_width - 12))
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{bar_height - 7}" fill="{color}">'
                     f'<title>{item.value:g}</title></rect>')
    parts.append(f'<line class="axis" x1="{label_width}" y1="{bottom}" x2="{label_width + plot_width}" y2="{bottom}"/>'
                 f'<text class="axis-title" x="{label_width + plot_width / 2:.1f}" y="{bottom + 32}" '
                 f'text-anchor="middle">{escape(axis_title)}</text></svg>')
    return "".join(parts)


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s to `last`'s, none skipped."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def monthly_columns(series: dict[str, tuple[str, dict[date, int]]], axis_title: str, x_title: str,
                    width: int = 760, height: int = 260) -> str:
    """Columns per calendar month, side by side for each series (name → (colour, counts by
    first day of month)), on a continuous month axis: a month with nothing keeps its slot."""
    counted = [month for _, counts in series.values() for month in counts]
    if not counted:
        return EMPTY
    months = months_between(min(counted), max(counted))
    left, right, top, bottom = 48, 10, 10, height - 70
    slot = (width - left - right) / len(months)
    scale = ticks(max(max(counts.values(), default=0) for _, counts in series.values()))
    largest = scale[-1]
    bar = max(1.0, (slot - 2) / len(series))
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for tick in scale:
        y = bottom - (bottom - top) * tick / largest
        parts.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>')
    every = math.ceil(len(months) / 24)  # about 24 month labels at most; Januaries only for long spans
    for index, month in enumerate(months):
        x = left + index * slot
        parts.append(f'<g class="month" data-month="{month:%Y-%m}">')
        for offset, (name, (color, counts)) in enumerate(series.items()):
            value = counts.get(month, 0)
            if value:
                length = (bottom - top) * value / largest
                parts.append(f'<rect x="{x + 1 + offset * bar:.1f}" y="{bottom - length:.1f}" width="{bar:.1f}" '
                             f'height="{length:.1f}" fill="{color}"><title>{month:%Y-%m}: {value} {name}</title></rect>')
        parts.append(f'<line class="axis" x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}"/>')
        if (month.month == 1) if every >= 12 else (index % every == 0):
            parts.append(f'<text class="month" x="{x + slot / 2:.1f}" y="{bottom + 8}" text-anchor="end" '
                         f'transform="rotate(-60 {x + slot / 2:.1f} {bottom + 8})">{month:%Y-%m}</text>')
        parts.append("</g>")
    parts.append(f'<line class="axis" x1="{left}" y1="{bottom}" x2="{width - right}" y2="{bottom}"/>'
                 f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"/>'
                 f'<text class="axis-title" x="14" y="{(top + bottom) / 2:.1f}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {(top + bottom) / 2:.1f})">{escape(axis_title)}</text>'
                 f'<text class="axis-title" x="{left + (width - left - right) / 2:.1f}" y="{height - 4}" '
                 f'text-anchor="middle">{escape(x_title)}</text>')
    legend_x = width - right - 200
    for offset, (name, (color, _)) in enumerate(series.items()):
        parts.append(f'<rect x="{legend_x + offset * 100}" y="{top}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{legend_x + offset * 100 + 14}" y="{top + 9}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
