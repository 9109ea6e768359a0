"""Rendering untrusted notes, answers and grades (no server needed)."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

from tests.grades import ANSWER, four_states
from viva.bank.models import Link, LinkKind, Question, SourceRef
from viva.grading.models import Contradiction, Coverage, Flag, Grade, KeyPointResult, Rating, Span
from viva.web.context import templates
from viva.web.i18n import translator
from viva.web.render import column_chart, evidence_html, markdown_html, sanitise


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


def test_column_chart() -> None:
    assert column_chart([]) == ""
    assert column_chart([("11-01", 3), ("11-02", 0)], line=True).count("<circle") == 2


def test_wrong_statements_are_marked_apart_from_evidence() -> None:
    marked = evidence_html(ANSWER, four_states())
    assert marked == (
        '先把 <mark class="evidence" title="1. Query 与 Key 做点积">'
        "Query 和 Key 做点积</mark>，再用 "
        '<mark class="evidence wrong" title="2. 用 softmax 得到注意力权重">ReLU</mark> '
        '<mark class="evidence" title="3. 除以根号 d_k">归一化</mark>。'
    )


def test_a_wrong_statement_inside_evidence_cuts_the_evidence_mark() -> None:
    answer = "先用 <b>ReLU</b> 再加权"
    start = answer.index("ReLU")
    points = (
        KeyPointResult("加权", Coverage.COVERED, 0.9, Span(0, len(answer))),
        KeyPointResult(
            "softmax",
            Coverage.CONTRADICTED,
            0.8,
            contradiction=Contradiction("ReLU", "softmax", Span(start, start + 4), "term"),
        ),
    )
    marked = evidence_html(answer, _grade(points))
    assert marked == (
        '<mark class="evidence" title="1. 加权">先用 &lt;b&gt;</mark>'
        '<mark class="evidence wrong" title="2. softmax">ReLU</mark>'
        '<mark class="evidence" title="1. 加权">&lt;/b&gt; 再加权</mark>'
    )


def _fragment(lang: str, grade: Grade, answer: str) -> str:
    question = Question("abcd1234abcd1234", "b", ("ML",), None, "Q?", "R", SourceRef("a.md", 1))
    return templates.env.get_template("_grade.html").render(
        t=translator(lang),
        lang=lang,
        q=question,
        grade=grade,
        answer=answer,
        marked=evidence_html(answer, grade),
        body="",
    )


def _text(fragment: str) -> str:
    """The fragment's visible text, one line per block, whitespace collapsed."""
    no_tags = re.sub(r"<(h3|li|div|p)\b", "\n<\\1", fragment)
    no_tags = html.unescape(re.sub(r"<[^>]+>", "", no_tags))
    return "\n".join(" ".join(line.split()) for line in no_tags.splitlines() if line.strip())


def test_grade_fragment_shows_what_was_wrong_first_in_chinese() -> None:
    text = _text(_fragment("zh", four_states(), ANSWER))
    assert (
        "你的回答（绿色为依据，红色为答错之处）\n"
        "先把 Query 和 Key 做点积，再用 ReLU 归一化。\n"
        "✗ 答错的要点\n"
        "用 softmax 得到注意力权重\n"
        "你说“ReLU”，参考答案是“softmax”\n"
        "参考答案：点积结果经 softmax 得到注意力权重。\n"
        "✓ 答到的要点\n"
        "Query 与 Key 做点积 92%\n"
        "◐ 部分答到\n"
        "除以根号 d_k\n"
        "○ 遗漏的要点\n"
        "对 Value 加权求和\n"
        "参考：再对 V 加权求和。\n"
    ) in text + "\n"
    assert "作答语言与参考答案不同（仍按内容评分）" in text


def test_grade_fragment_in_english_escapes_what_the_student_said() -> None:
    grade = four_states()
    wrong = replace(
        grade.key_points[1],
        contradiction=Contradiction("<script>x</script>", "softmax", Span(0, 4), "term"),
    )
    grade = replace(grade, key_points=(grade.key_points[0], wrong, *grade.key_points[2:]))
    fragment = _fragment("en", grade, ANSWER)
    assert "<script>" not in fragment
    text = _text(fragment)
    assert "✗ Points you got wrong\n用 softmax 得到注意力权重\n" in text
    assert "You said “<script>x</script>”; the reference says “softmax”" in text
    assert "○ Points you missed\n对 Value 加权求和\nRead: 再对 V 加权求和。" in text
    assert "Not in the reference's language (still graded on content)" in text
    # missed points are read, not skimmed: no small grey text around them
    missed = fragment[fragment.index('data-testid="missed"') :]
    assert "muted" not in missed.split("</ul>")[0]


def test_grade_fragment_without_contradictions_keeps_the_plain_heading() -> None:
    grade = _grade((KeyPointResult("Dropout", Coverage.COVERED, 0.9, Span(0, 3)),))
    text = _text(_fragment("en", grade, "Dropout"))
    assert "Your answer (evidence highlighted)" in text
    assert "got wrong" not in text


def test_every_form_posts_even_before_its_script_is_ready() -> None:
    # a form the page's script has not taken over yet is sent by the browser itself: with no
    # method that is a GET, which puts the answer (or the password) into the address bar,
    # the history and the server's log
    templates = Path(__file__).parents[2] / "src" / "viva" / "web" / "templates"
    forms = [
        (page.name, tag)
        for page in sorted(templates.glob("*.html"))
        for tag in re.findall(r"<form\b[^>]*>", page.read_text(encoding="utf-8"))
    ]
    assert len(forms) > 10
    assert [(name, tag) for name, tag in forms if 'method="post"' not in tag] == []


def test_a_point_that_is_its_whole_sentence_is_not_read_twice() -> None:
    """Key points are whole sentences now: "Read: <the same sentence>" under one says nothing."""
    grade = four_states()
    sentence = "并且我会深入学习线性代数、概率论等基础数学"
    whole = replace(grade.key_points[3], text=sentence, context=sentence + "。")
    grade = replace(grade, key_points=(*grade.key_points[:3], whole))
    text = _text(_fragment("zh", grade, ANSWER))
    assert f"○ 遗漏的要点\n{sentence}\n" in text + "\n"
    assert f"参考：{sentence}" not in text
