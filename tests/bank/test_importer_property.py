"""Arbitrary text and Markdown fragments: the importer imports them or raises our own error."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from viva.bank.markdown import parse_note
from viva.bank.models import NoteProblem
from viva.bank.vault import Vault, VaultNote, build_questions
from viva.errors import VivaError

FRAGMENTS = [
    "---\n",
    "tags: [a\n",
    "## ",
    "### ",
    "# ",
    "1. ",
    "2) ",
    "- ",
    "> ",
    ">",
    ">\t- ",
    "\t",
    "==",
    "**",
    "*",
    "$",
    "$$",
    "\\",
    "[[",
    "]]",
    "![[",
    "#",
    "|",
    "| --- | --- |\n",
    "|:--|",
    "| 问题 | 答案 |\n",
    "<br>",
    "\\|",
    "?",
    "？",
    "::",
    ":::",
    "\n",
    "\n\n",
    "Q: ",
    "A: ",
    "问：",
    "答：",
    "```",
    "~~~",
    "<script>",
    "[x](y)",
    "![i](",
    ")",
    "过拟合",
    "Transformer 的 self-attention",
    " ",
    "\r\n",
    "\u3000",
    "\x00",
    "\ufeff",
    "^",
    "%%",
]

notes = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60).map(
    "".join
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=notes, second=notes)
@example(first="", second="![i](\x00[x](y):::---\n")  # a NUL in an image's path
@example(first="", second="1. Q?\n> ![x](" + "a" * 5000 + ".png)\n")  # a name too long to exist
def test_any_text_imports_or_raises_our_error(first: str, second: str) -> None:
    from pathlib import Path

    try:
        parsed = [
            VaultNote(parse_note(first, "a.md"), Path("/vault/a.md")),
            VaultNote(parse_note(second, "dir/b.md"), Path("/vault/dir/b.md")),
        ]
        questions, counts, problems = build_questions(Vault(parsed), "bank")
    except VivaError as err:  # an error of ours must say where
        assert ":" in err.message  # noqa: PT017 (a property over any input, not one raise)
        return
    assert sum(counts.values()) == len(questions)
    for q in questions:
        assert q.prompt
        assert q.source.file in {"a.md", "dir/b.md"}
        assert q.source.line >= 1
        assert len(q.id) == 16
    for problem in problems:
        assert isinstance(problem, NoteProblem)
        assert problem.line is None or problem.line >= 1
