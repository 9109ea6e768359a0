"""How the contradiction checks read a point and an answer: its sentences and clauses, the
named subjects in them, the groups of mutually exclusive terms (contrasts.txt), numbers and
comparisons. contrast.py and polarity.py judge; this module only reads."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from viva.bank.segment import words
from viva.grading.exact import math_form
from viva.grading.text import Clause, content_words

LATIN = re.compile(r"[a-z]")
_NUMBER_UNIT = re.compile(r"(?<![0-9a-z_.^/第])(-?\d+(?:\.\d+)?)\s*([\u4e00-\u9fff]|[a-z]{2,})")
_NEGATED_PHRASE = re.compile(r"(?:不|没有|没|无|非|未)[\u4e00-\u9fff]{2}")
_LATIN_THEN_NUMERAL = re.compile(r"([A-Za-z])([零一二两三四五六七八九十百千万])")
_COMPLEXITY = re.compile(r"o\([^()]*(?:\([^()]*\))?[^()]*\)")


@dataclass(frozen=True, slots=True)
class Group:
    alternatives: tuple[tuple[str, ...], ...]
    generic: bool  # everyday words (增大/减小): a swap counts only where the answer is on the point


@cache
def contrast_groups() -> tuple[Group, ...]:
    """The groups of mutually exclusive terms shipped in contrasts.txt."""
    text = resources.files("viva.grading").joinpath("contrasts.txt").read_text("utf-8")
    groups = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        generic = line.startswith("~")
        alternatives = tuple(
            tuple(s.strip().lower() for s in alt.split(",") if s.strip())
            for alt in line.lstrip("~").split("|")
        )
        groups.append(Group(alternatives, generic))
    return tuple(groups)


def members_of(
    group: Group, text: str, tokens: frozenset[str], *, loose: bool = False
) -> dict[int, tuple[str, int]]:
    """The group's alternatives a text names: index -> (spelling, offset). A spelling inside a
    longer spelling of the group ("对称加密" in "非对称加密") names only the longer one."""
    candidates = sorted(
        (
            (-len(spelling), at, spelling, index)
            for index, alt in enumerate(group.alternatives)
            for spelling in alt
            for at in positions_of(spelling, text, tokens, loose=loose)
        ),
    )
    taken: list[tuple[int, int]] = []  # spans of longer (or earlier) spellings already found
    found: dict[int, tuple[str, int]] = {}
    for size, at, spelling, index in candidates:
        if index in found or any(at < b and a < at - size for a, b in taken):
            continue
        found[index] = (spelling, at)
        taken.append((at, at - size))
    return found


def positions_of(
    spelling: str, text: str, tokens: frozenset[str], *, loose: bool = False
) -> list[int]:
    """Every offset where `spelling` occurs as a term (`loose`: a Chinese word of two
    characters anywhere, as in 稀疏图, which segmentation may or may not split)."""
    if LATIN.search(spelling):
        pattern = rf"(?<![a-z0-9]){re.escape(spelling)}(?![a-z0-9])"
        return [m.start() for m in re.finditer(pattern, text)]
    if len(spelling) >= 3 or spelling in tokens or (loose and len(spelling) == 2):
        return [m.start() for m in re.finditer(re.escape(spelling), text)]
    if len(spelling) == 1 and any(len(t) >= 3 and t.endswith(spelling) for t in tokens):
        return [m.start() for m in re.finditer(re.escape(spelling), text)]  # 速度快, 开销大
    return []


@dataclass(frozen=True, slots=True)
class View:
    text: str  # lower-cased
    tokens: frozenset[str]
    words: frozenset[str]  # content words

    @classmethod
    def of(cls, text: str) -> View:
        return cls(
            text.lower(),
            frozenset(words(text, keep_stopwords=True)),
            frozenset(content_words(text)),
        )


@dataclass(frozen=True, slots=True)
class Reading:
    """An answer read once for the checks of all its key points: the question, the whole answer,
    and each window's words and numbers (segmenting them again for every point was the cost)."""

    answer: str
    question: View
    whole: View
    windows: tuple[Clause, ...]
    views: tuple[View, ...]
    numbers: tuple[tuple[tuple[str, str], ...], ...]  # per window: (number, unit)
    stated: frozenset[str]  # every number of the answer, canonical
    # the reference's own negated phrases (不可剥夺, 非抢占): terms, not a negation by the answer
    terms: frozenset[str] = frozenset()
    reference: str = ""  # lower-cased
    sentences: tuple[tuple[int, View], ...] = ()  # the answer's sentences, with their offsets

    @classmethod
    def of(
        cls, question: str, answer: str, windows: Sequence[Clause], reference: str = ""
    ) -> Reading:
        """Read the answer and its windows (clauses and clause pairs, offsets into `answer`)."""
        return cls(
            answer,
            View.of(question),
            View.of(answer),
            tuple(windows),
            tuple(View.of(w.text) for w in windows),
            tuple(tuple(numbers_of(w.text)) for w in windows),
            frozenset(n for n, _ in numbers_of(answer)),
            frozenset(_NEGATED_PHRASE.findall(reference)),
            reference.lower(),
            tuple(_sentences(answer)),
        )


def _sentences(text: str) -> Iterator[tuple[int, View]]:
    start = 0
    for match in [*_SENTENCE_BREAK.finditer(text.lower()), None]:
        end = match.start() if match else len(text)
        if text[start:end].strip():
            yield start, View.of(text[start:end])
        start = match.end() if match else len(text)


# what makes a one-character everyday word (多, 高, 差) a statement about something: a degree
# word before it ("比较少", "更高") or the end of the phrase after it ("取值多的", "延迟低，")
_DEGREE = ("比较", "较", "更", "越", "很", "太", "最", "偏", "相对", "还", "都", "也", "就", "会")
_PHRASE_END = re.compile(r"$|[的了得些一点，,。；;：:、！？!?)）\s]")
NEGATED_BEFORE = re.compile(
    r"(?:(?:不|没|无|非|未|互不)(?:是|会|能|要|用|需要)?"
    r"|(?:(?<![a-z])(?:not|never|no)|n't)\s+(?:(?:the|a|an|as|so|very|any|much|be|been)\s+)*)$"
)


_GLOSS = re.compile(r"[（(][^（）()]*$")


def plain_use(text: str, at: int, spelling: str) -> bool:
    """`spelling` at `at` says the word itself: not negated just before it ("不相同"), not an
    adverb ("更好地"), and a one-character word only with a degree word before it or the end
    of its phrase after it ("慢开始" names a phase, "多模态" a kind of model)."""
    if NEGATED_BEFORE.search(text[max(0, at - 20) : at]):
        return False
    if _GLOSS.search(text[:at]):
        return False  # "SMO（序列最小优化）": part of a name's gloss
    after = text[at + len(spelling) : at + len(spelling) + 1]
    if after == "地":
        return False
    if len(spelling) == 1 and CJK_RUN.match(spelling):
        before = text[max(0, at - 2) : at]
        return any(before.endswith(d) for d in _DEGREE) or bool(_PHRASE_END.match(after))
    return True


def restates_other(
    reference: str,
    point: str,
    window: str,
    at: int,
    offsets: Sequence[int],
    drop: set[str],
) -> bool:
    """The answer's clause around `at` says what a sentence of the reference other than the
    point's says at one of `offsets` (the same word or number): it shares at least as many
    words (besides `drop`) with that sentence as with the point, and names nothing the sentence
    does not (RoPE's "绝对位置" is not BERT's)."""
    start, end = clause_of(window, at)
    said = set(content_words(window[start:end])) - drop
    if not said or not reference:
        return False
    point_words = set(content_words(point))
    with_point = shared_count(said, point_words - drop)
    for found in offsets:
        begin = 0
        for match in _SENTENCE_BREAK.finditer(reference, 0, found):
            begin = match.end()
        after = _SENTENCE_BREAK.search(reference, found)
        sentence = reference[begin : after.start() if after else len(reference)].strip()
        theirs = set(content_words(sentence))
        if not theirs or (
            shared_count(point_words, theirs) >= 0.8 * len(point_words)
            or shared_count(theirs, point_words) >= 0.8 * len(theirs)
        ):
            continue  # the point's own sentence, or a part of it
        if same_subject(sentence, window) and shared_count(said, theirs - drop) >= max(
            1, with_point
        ):
            return True
    return False


_SENTENCE_BREAK = re.compile(r"[。；;！？!?\n]|\.(?=\s|$)")


def shared_count(a: set[str], b: set[str]) -> int:
    """How many words of `a` have a counterpart in `b` (the same, or one inside the other)."""
    return sum(
        any(x == y or (min(len(x), len(y)) >= 2 and (x in y or y in x)) for y in b) for x in a
    )


def same_subject(point_clause: str, clause: str) -> bool:
    """The two clauses are not about different named things: when both name terms (Latin
    names, domain terms), they name one in common."""
    named_p, named_w = set(names_of(point_clause)), set(names_of(clause))
    return not (named_p and named_w) or share_words(named_p, named_w)


def share_words(a: set[str], b: set[str], shortest: int = 2) -> bool:
    """Some word of `a` and some word of `b` are one inside the other (泛化 / 泛化能力), the
    shorter of at least `shortest` characters."""
    return any(
        x == y or (min(len(x), len(y)) >= shortest and (x in y or y in x)) for x in a for y in b
    )


def numbers_of(text: str) -> list[tuple[str, str]]:
    """(number, unit) pairs of a text in canonical form, and complexities as ("o(...)", "o")."""
    # "TCP三次握手": a Chinese numeral after a Latin word is a count, not part of a name (x2)
    form = math_form(_LATIN_THEN_NUMERAL.sub(r"\1 \2", text))
    found = [(m.group(1), m.group(2)) for m in _NUMBER_UNIT.finditer(form)]
    found += [(m.group(0), "o") for m in _COMPLEXITY.finditer(form)]
    return found


# Names a point can pair with roles: Latin technical words (GPT, prefix-tuning, Query) and the
# domain dictionary's terms; a role is a word of the point said in the same clause as the name.
_NAME = re.compile(r"(?<![a-z0-9_])[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*(?![a-z0-9_])")


# English joins clauses with words as often as with commas: "has more vitamin C because it took
# fewer drops" states two things
CLAUSE_BREAK = re.compile(
    r"[，,。；;！？!?\n]|\.(?=\s|$)"
    r"|\s(?=(?:because|so|but|and|while|whereas|since|although|though|if|when|then|which)\s)"
)


_COMMON_NAMES = frozenset(
    "a an and are as at be by can do does for from how in is it its of on or that the this to "
    "was were will with not no use used using each every all one two more most less than".split()
)


def names_of(text: str) -> dict[str, list[int]]:
    """Every name of a text with its offsets (text lower-cased)."""
    found: dict[str, list[int]] = {}
    for match in _NAME.finditer(text):
        word = match.group(0)
        if len(word) >= 2 and word not in _COMMON_NAMES:
            found.setdefault(word, []).append(match.start())
    for term in _domain_terms():
        if CJK_RUN.search(term):
            at = text.find(term)
            while at >= 0:
                found.setdefault(term, []).append(at)
                at = text.find(term, at + 1)
    return found


CJK_RUN = re.compile(r"[\u4e00-\u9fff]")


@cache
def _domain_terms() -> tuple[str, ...]:
    from viva.bank.segment import domain_words

    return tuple(sorted((w.lower() for w in domain_words() if len(w) >= 2), key=len))


def clause_of(text: str, at: int) -> tuple[int, int]:
    """The clause around offset `at`: between the nearest breaks (，。；…)."""
    start = 0
    for match in CLAUSE_BREAK.finditer(text, 0, at):
        start = match.end()
    after = CLAUSE_BREAK.search(text, at)
    return start, after.start() if after else len(text)


def outermost(names: dict[str, list[int]]) -> dict[str, list[int]]:
    """Drop a name found inside a longer one at the same place (注意力 in 自注意力)."""
    spans = [(at[0], at[0] + len(n), n) for n, at in names.items()]
    keep = {}
    for start, end, name in spans:
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans):
            keep[name] = names[name]
    return keep


CONDITIONAL = re.compile(
    r"如果|若|假如|假设|要是|否则|不然|是否|能否|是不是|有没有|只要|除非|一旦|就算|即使|哪怕|"
    r"\b(?:if|unless|whether|otherwise|when|once)\b"
)


NEGATION_WINDOWS = 4


@cache
def _comparatives() -> tuple[tuple[str, int, Group], ...]:
    """The everyday words a comparison can end on ("比 UDP 快"), longest first, each with
    its alternative's index and its group."""
    found = [
        (spelling, index, group)
        for group in contrast_groups()
        if group.generic
        for index, alternative in enumerate(group.alternatives)
        for spelling in alternative
        if CJK_RUN.match(spelling) and len(spelling) <= 3
    ]
    return tuple(sorted(found, key=lambda f: -len(f[0])))


@cache
def _comparison_pattern() -> re.Pattern[str]:
    """ "比 B（更）快": what the thing is compared with, and the word it ends on."""
    words = "|".join(re.escape(spelling) for spelling, _, _ in _comparatives())
    return re.compile(
        rf"(?<![对相无类好])比(?![较如例特重率值赛方起])([^，,。；;！？!?比]{{1,15}}?)"
        rf"(?:更|还|要|稍|略|都)?({words})"
        r"(?=$|[的了得些一点，,。；;：:、！？!?)）\s])"
    )


@dataclass(frozen=True, slots=True)
class _Comparison:
    more: str  # the first content word of what is ranked higher ("非对称" of 非对称加密)
    less: str  # and of what it is compared with
    index: int  # which alternative of the group the comparison ends on
    group: Group
    start: int  # the clause's start
    end: int  # the end of the comparison's word


def comparisons_in(text: str) -> list[_Comparison]:
    """Every "A 比 B 快" of a text (lower-cased), as the first content words of A and B."""
    found = []
    words = {spelling: (index, group) for spelling, index, group in _comparatives()}
    for match in _comparison_pattern().finditer(text):
        index, group = words[match.group(2)]
        start, end = clause_of(text, match.start())
        if CONDITIONAL.search(text[start:end]):
            continue
        if NEGATED_BEFORE.search(match.group(1)):
            continue  # "比 B 更不 X" where 不 X is no word of the group
        more = content_words(text[start : match.start()])
        if not more and start > 0:  # "UDP 是面向连接的，比 TCP 更可靠": the subject carries over
            start = clause_of(text, start - 1)[0]
            more = content_words(text[start : match.start()])
        less = content_words(match.group(1))
        if more and less and more[0] != less[0]:
            found.append(_Comparison(more[0], less[0], index, group, start, match.end()))
    return found


def reversed_comparison(point_clause: str, clause: str) -> bool:
    """Both clauses compare the same two things in the opposite order."""
    own, said = comparisons_in(point_clause), comparisons_in(clause)
    return bool(own and said and (own[0].more, own[0].less) == (said[0].less, said[0].more))


def compared_otherwise(
    point: str, point_comparisons: Sequence[_Comparison], said: _Comparison
) -> tuple[int, int] | None:
    """Where the point says the other way round what the answer's comparison says, or None."""
    for own in point_comparisons:
        if own.group is not said.group:
            continue
        same_word = own.index == said.index
        if (same_word and (own.more, own.less) == (said.less, said.more)) or (
            not same_word and (own.more, own.less) == (said.more, said.less)
        ):
            return own.start, own.end
    if point_comparisons:
        return None
    for p_index, alternative in enumerate(said.group.alternatives):
        for spelling in alternative:
            for m in re.finditer(re.escape(spelling), point):
                if not plain_use(point, m.start(), spelling):
                    continue
                ps, _ = clause_of(point, m.start())
                said_of = content_words(point[ps : m.start()])
                # the point says the word of what the answer ranks lower, or the opposite
                # word of what it ranks higher, and not of the other
                ranked, other = (
                    (said.less, said.more) if p_index == said.index else (said.more, said.less)
                )
                if ranked in said_of and other not in said_of:
                    return ps, m.start() + len(spelling)
    return None
