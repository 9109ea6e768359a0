"""Hostile notes (issue #13, items 2 and 5): no memory blow-up from YAML, no quadratic pass.

Tests must not time anything against a wall clock (machines are noisy): the parse's work is
compared at two sizes of the same pattern, best of a few runs, and must grow far less than
quadratically. `bench/import_bench.py` prints the absolute seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viva.bank._frontmatter import MAX_TAG_CHARS, MAX_TAGS
from viva.bank.markdown import parse_note, plain_text
from viva.bank.models import NoteProblem
from viva.bank.vault import Vault, VaultNote, build_questions

ALIAS_BOMB = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "tags: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "---\n"
    "## S\n\n1. Q?\n> A\n"
)


def test_front_matter_aliases_are_refused_with_file_and_line() -> None:
    note = parse_note(ALIAS_BOMB, "bomb.md")
    assert note.tags == ()
    assert [q.prompt for q in note.questions] == ["Q?"]  # the body still imports
    (problem,) = note.problems
    assert (problem.file, problem.line, problem.category) == ("bomb.md", 2, "front-matter")
    assert "anchor or alias" in problem.message


def test_front_matter_tags_are_capped_in_number_and_length() -> None:
    many = ", ".join(f"t{n}" for n in range(MAX_TAGS + 10))
    long = "x" * (MAX_TAG_CHARS + 1)
    note = parse_note(f"---\ntags: [{many}, {long}]\n---\n", "tags.md")
    assert len(note.tags) == MAX_TAGS
    assert long not in note.tags
    messages = sorted(p.message for p in note.problems)
    assert messages == [
        f"1 tag(s) longer than {MAX_TAG_CHARS} characters were ignored (shorten them to keep them)",
        f"{MAX_TAGS + 10} tags: only the first {MAX_TAGS} were kept (remove some to keep the rest)",
    ]


def _best_of(work: Callable[[], object], runs: int = 5) -> float:
    """The least CPU time of a few runs (CPU time: other processes' load does not count)."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def _ratio(small: Callable[[], object], large: Callable[[], object], runs: int = 5) -> float:
    """CPU time of `large` over `small`, best of interleaved runs, with a 2 ms floor (below it a
    timer measures the machine, not the work)."""
    small_s = large_s = float("inf")
    for _ in range(runs):
        small_s = min(small_s, _best_of(small, runs=1))
        large_s = min(large_s, _best_of(large, runs=1))
    return large_s / max(small_s, 2e-3)


PATTERNS = {
    "brackets": "[",
    "image brackets": "![",
    "links": "[a](",
    "emphasis": "*a ",
    "underscores": "_a ",
    "dollars": "$a ",
    "highlights": "==a ",
    "double colons": "a:: ",
    "backticks": "`a ",
    "nested quotes": ">",
    "wiki links": "[[a",
}
SHAPES = {
    "paragraph": "{}",
    "heading": "## {}",
    "list item": "1. {}?",
    "card": "Q::{}",
    "quoted answer": "- Q?\n> {}",
}


def _import(text: str) -> None:
    """Parse and resolve, as an import does (links and images are looked up in the answers)."""
    build_questions(Vault([VaultNote(parse_note(text, "n.md"), Path("/vault/n.md"))]), "b")


def _scaling(text_of: Callable[[int], str]) -> float:
    small, large = text_of(10_000), text_of(100_000)
    return _ratio(lambda: _import(small), lambda: _import(large))


def test_pathological_lines_parse_in_linear_time() -> None:
    # 10x the input may cost ~10x; quadratic work would cost ~100x (the line of 100,000 "["
    # took 30 s before). 45x leaves room for a noisy machine.
    slow = {}
    for pattern, unit in PATTERNS.items():
        for shape, template in SHAPES.items():

            def text_of(size: int, unit: str = unit, template: str = template) -> str:
                return template.format(unit * (size // len(unit)))

            ratio = _scaling(text_of)
            if ratio > 45:
                slow[f"{pattern} in a {shape}"] = round(ratio, 1)
    assert slow == {}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    units=st.lists(
        st.sampled_from(["[", "]", "(", ")", "*", "_", "$", "==", "::", "`", "> ", "!", "#", "a "]),
        min_size=1,
        max_size=4,
    ),
    shape=st.sampled_from(sorted(SHAPES)),
)
def test_generated_pathological_inputs_scale_linearly(units: list[str], shape: str) -> None:
    unit = "".join(units)
    template = SHAPES[shape]

    def text_of(size: int) -> str:
        return template.format(unit * (size // len(unit)))

    assert _scaling(text_of) < 45


def test_plain_text_of_bracket_and_emphasis_runs_is_linear() -> None:
    for unit in ("[", "![", "*a ", "_a ", "[a](", "**a "):
        small, large = unit * (10_000 // len(unit)), unit * (100_000 // len(unit))
        ratio = _ratio(lambda small=small: plain_text(small), lambda large=large: plain_text(large))
        assert ratio < 45, unit


def test_problems_have_file_and_line() -> None:
    note = parse_note("---\na: &x 1\n---\n", "x.md")
    assert all(isinstance(p, NoteProblem) and p.line == 2 for p in note.problems)
