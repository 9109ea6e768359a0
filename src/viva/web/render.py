"""HTML made from untrusted notes and answers: Markdown rendering, sanitising, evidence marks.

Notes come from anyone's vault (or a classmate's zip): everything rendered from them goes
through nh3 (ammonia) with a short allow-list, so a `<script>`, an `onerror=` or a
`javascript:` link in a note renders inert.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from viva.bank.markdown import sanitise_html

if TYPE_CHECKING:
    from viva.bank.models import Link, Question
    from viva.grading.models import Grade

_CLASSES = {"span": {"math", "inline", "wikilink", "unresolved"}, "div": {"math", "block"}}
_HIGHLIGHT = re.compile(r"==(?=\S)((?:[^=\n]|=(?!=))+?)(?<=\S)==")
_WIKI = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")


def sanitise(fragment: str) -> str:
    """Keep only harmless markup: no scripts, styles, event handlers or javascript: URLs."""
    return sanitise_html(fragment, classes=_CLASSES)


@cache
def _parser() -> object:
    from viva.bank.markdown import markdown_parser  # the importer's own configuration

    return markdown_parser()


def markdown_html(markdown: str, links: Sequence[Link] = ()) -> str:
    """A note's Markdown as safe HTML: highlights as <mark>, wiki links followed, math kept
    for KaTeX (rendered in the browser), images served from the data dir."""
    resolved = {link.raw: link for link in links}

    def wiki(match: re.Match[str]) -> str:
        raw = match.group(0)
        link = resolved.get(raw)
        label = match.group(2).split("|", 1)[-1].split("#")[-1] or match.group(2)
        if link is not None and link.kind.value == "asset" and link.file:
            return f"![{_escape_md(label)}](/assets/{quote(link.file)})"
        if link is not None and link.question_id:
            return f"[{_escape_md(label)}](/bank/q/{link.question_id})"
        if link is not None and link.section:
            section = quote(" / ".join(link.section))
            return f"[{_escape_md(label)}](/bank?section={section})"
        return f'<span class="wikilink unresolved">{html.escape(label)}</span>'

    text = _WIKI.sub(wiki, markdown)
    text = _HIGHLIGHT.sub(lambda m: f"<mark>{m.group(1)}</mark>", text)
    for link in links:  # Markdown images of vault files: point them at the copied asset
        if link.kind.value == "asset" and link.file and not link.raw.startswith("![["):
            target = link.target
            text = text.replace(f"]({target})", f"](/assets/{quote(link.file)})")
    rendered: str = _parser().render(text)  # type: ignore[attr-defined]
    return sanitise(rendered)


def _escape_md(text: str) -> str:
    return re.sub(r"([\[\]\\*_`])", r"\\\1", text)


def question_html(question: Question) -> str:
    """The rendered reference answer of a question ('' when the note has none)."""
    if not question.reference:
        return ""
    return markdown_html(question.reference, question.links)


def evidence_html(answer: str, grade: Grade) -> str:
    """The student's answer, escaped, with each stated point's evidence marked and each
    contradicted point's wrong statement marked apart (`<mark class="evidence wrong">`).

    Overlapping spans of one kind merge; each mark names the key points it concerns (title
    attribute). Where a wrong statement overlaps evidence, the wrong statement shows.
    """
    stated: list[tuple[int, int, str]] = []
    wrong: list[tuple[int, int, str]] = []
    for number, point in enumerate(grade.key_points, 1):
        found = point.contradiction
        span = found.span if found is not None else point.evidence
        if span is None or point.is_missed:
            continue
        start = max(0, min(len(answer), span.start))
        end = max(start, min(len(answer), span.end))
        if end > start:
            kind = wrong if found is not None or not point.is_stated else stated
            kind.append((start, end, f"{number}. {point.text}"))
    regions = [(*r, "evidence") for r in _merged(stated)]
    regions += [(*r, "evidence wrong") for r in _merged(wrong)]
    cuts = sorted({0, len(answer), *(r[0] for r in regions), *(r[1] for r in regions)})
    pieces: list[tuple[int, int, tuple[int, int, list[str], str] | None]] = []
    for start, end in itertools.pairwise(cuts):
        inside = [r for r in regions if r[0] <= start and end <= r[1]]
        region = max(inside, key=lambda r: r[3] == "evidence wrong", default=None)
        if pieces and pieces[-1][2] is region:
            pieces[-1] = (pieces[-1][0], end, region)
        else:
            pieces.append((start, end, region))
    out: list[str] = []
    for start, end, region in pieces:
        text = html.escape(answer[start:end])
        if region is None:
            out.append(text)
            continue
        title = html.escape("; ".join(region[2]), quote=True)
        out.append(f'<mark class="{region[3]}" title="{title}">{text}</mark>')
    return "".join(out)


def _merged(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, list[str]]]:
    merged: list[tuple[int, int, list[str]]] = []
    for start, end, label in sorted(spans):
        if merged and start <= merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), [*last[2], label])
        else:
            merged.append((start, end, [label]))
    return merged


# --- charts: small server-side SVGs (no chart library to vendor, readable without JS) -----


def column_chart(
    items: Sequence[tuple[str, float]], *, width: int = 640, height: int = 180, line: bool = False
) -> str:
    """Columns (or a line with points) over labelled days, as an inline SVG."""
    if not items:
        return ""
    top = max((v for _, v in items), default=1.0) or 1.0
    pad_left, pad_bottom, pad_top = 36, 28, 12
    inner_w = width - pad_left - 8
    inner_h = height - pad_bottom - pad_top
    step = inner_w / len(items)
    parts = [
        f'<line class="axis" x1="{pad_left}" y1="{pad_top + inner_h}" '
        f'x2="{width - 8}" y2="{pad_top + inner_h}"></line>',
        f'<text x="{pad_left - 6}" y="{pad_top + 8}" text-anchor="end">{top:g}</text>',
        f'<text x="{pad_left - 6}" y="{pad_top + inner_h}" text-anchor="end">0</text>',
    ]
    points = []
    label_every = max(1, len(items) // 6)
    for i, (label, value) in enumerate(items):
        h = inner_h * value / top
        x = pad_left + i * step
        y = pad_top + inner_h - h
        if line:
            points.append((x + step / 2, y))
        else:
            parts.append(
                f'<rect x="{x + step * 0.15:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
                f'height="{h:.1f}"><title>{html.escape(label)}: {value:g}</title></rect>'
            )
        if i % label_every == 0 or i == len(items) - 1:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 8}" text-anchor="middle">'
                f"{html.escape(label)}</text>"
            )
    if line:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}"></polyline>')
        parts.extend(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4"><title>{v:g}</title></circle>'
            for (x, y), (_, v) in zip(points, items, strict=True)
        )
    return (
        f'<svg class="chart columns" viewBox="0 0 {width} {height}" role="img">'
        f"{''.join(parts)}</svg>"
    )
