"""Rendering untrusted notes and answers (no server needed)."""

from __future__ import annotations

from viva.bank.models import Link, LinkKind
from viva.grading.models import Coverage, Flag, Grade, KeyPointResult, Rating, Span
from viva.web.render import bar_chart, column_chart, evidence_html, markdown_html, sanitise


def test_sanitise_keeps_marks_and_math_and_drops_everything_active() -> None:
    dirty = (
        '<p onclick="x()">a <mark>b</mark> <span class="math inline evil">c</span>'
        '<script>alert(1)</script><a href="javascript:alert(2)">d</a>'
        '<img src="x" onerror="alert(3)"><style>*{}</style><iframe src="http://e"></iframe></p>'
    )
    clean = sanitise(dirty)
    assert "<mark>b</mark>" in clean
    assert 'class="math inline"' in clean
    for bad in ("onclick", "<script", "javascript:", "onerror", "<style", "<iframe", "evil"):
        assert bad not in clean


def test_markdown_follows_links_and_marks_highlights() -> None:
    links = (
        Link("[[#注意力]]", "#注意力", LinkKind.HEADING, False, 3, question_id="abcd1234abcd1234"),
        Link("[[Other#Part]]", "Other#Part", LinkKind.HEADING, False, 4, section=("Other", "Part")),
        Link("![[fig.svg]]", "fig.svg", LinkKind.ASSET, True, 5, file="0123abcd.svg"),
    )
    text = (
        "==关键==，见 [[#注意力]]、[[Other#Part]] 与 [[Missing]]。\n\n![[fig.svg]]\n\n$$\nx^2\n$$"
    )
    html = markdown_html(text, links)
    assert "<mark>关键</mark>" in html
    assert 'href="/bank/q/abcd1234abcd1234"' in html
    assert 'href="/bank?section=Other%20/%20Part"' in html
    assert '<span class="wikilink unresolved">Missing</span>' in html
    assert 'src="/assets/0123abcd.svg"' in html
    assert '<div class="math block">' in html


def _grade(points: tuple[KeyPointResult, ...]) -> Grade:
    return Grade(70, 3, Rating.GOOD, points, (Flag.TOO_SHORT,), (), "zh", 0.7)


def test_evidence_is_escaped_and_overlaps_merge() -> None:
    answer = "用 <b>Dropout</b> 和 L2 正则化防止过拟合"
    points = (
        KeyPointResult("Dropout", Coverage.COVERED, 0.9, Span(2, 16)),
        KeyPointResult("正则化", Coverage.PARTLY, 0.6, Span(10, 24)),
        KeyPointResult("早停", Coverage.MISSED, 0.1, None),
    )
    html = evidence_html(answer, _grade(points))
    assert html.count("<mark") == 1
    assert "&lt;b&gt;" in html
    assert "<b>" not in html
    assert 'title="1. Dropout; 2. 正则化"' in html


def test_charts_escape_labels() -> None:
    svg = bar_chart(
        [("<script>", 0.5), ("机器学习 / 过拟合与正则化的很长的名字", 1.0)], percent=True
    )
    assert "&lt;script&gt;" in svg
    assert "50%" in svg
    assert svg.count("<rect") == 2
    assert column_chart([]) == ""
    assert column_chart([("11-01", 3), ("11-02", 0)], line=True).count("<circle") == 2
