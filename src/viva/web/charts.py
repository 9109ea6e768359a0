"""Charts as HTML that reflows: labels are text at the page's own size, readable on a phone.

(The SVG charts in `render` scale their text with the drawing: at 390 px wide a 640-wide chart
shrinks its labels to 7 px.) Values are escaped here; widths and heights are percentages.
"""

from __future__ import annotations

import html
from collections.abc import Sequence


def bar_rows(
    items: Sequence[tuple[str, float]], *, maximum: float | None = None, percent: bool = False
) -> str:
    """One row per item: the label on its own line above a bar and its value."""
    if not items:
        return ""
    top = maximum or max((v for _, v in items), default=1.0) or 1.0
    rows = []
    for label, value in items:
        share = max(0.0, min(value, top)) / top * 100
        shown = f"{value:.0%}" if percent else f"{value:g}"
        rows.append(
            f'<li><span class="bar-label">{html.escape(label)}</span>'
            f'<span class="bar-track"><span class="bar" style="width: {share:.1f}%"></span></span>'
            f'<span class="bar-value">{shown}</span></li>'
        )
    return f'<ol class="bar-rows" role="list">{"".join(rows)}</ol>'


def column_bars(items: Sequence[tuple[str, float]], *, labels: int = 5) -> str:
    """Columns over labelled days; about `labels` day labels are written, each column has its
    value as a tooltip."""
    if not items:
        return ""
    top = max((v for _, v in items), default=1.0) or 1.0
    every = max(1, -(-len(items) // labels))
    columns = []
    for index, (label, value) in enumerate(items):
        height = max(0.0, value) / top * 100
        text = html.escape(label) if index % every == 0 or index == len(items) - 1 else ""
        columns.append(
            f'<li title="{html.escape(label)}: {value:g}">'
            f'<span class="column" style="height: {height:.1f}%"></span>'
            f'<span class="column-label">{text}</span></li>'
        )
    return (
        f'<div class="column-bars"><span class="column-top">{top:g}</span>'
        f'<ol role="list">{"".join(columns)}</ol></div>'
    )
