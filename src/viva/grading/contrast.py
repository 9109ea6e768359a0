"""Contradictions: where an answer states a key point wrongly.

Similarity cannot tell "除以根号 d_k 防止 softmax 饱和" from "乘 d_k，再用 ReLU": the words
around the mistake are the point's own. Real students get points wrong in a few recurring ways,
and each is checked on the part of the answer that talks about the point (a window that matches
it, or shares its words):

- a swapped term: the point names one member of a group of mutually exclusive terms
  (contrasts.txt: softmax/ReLU, encoder/decoder, 栈/队列, 增大/减小 …) and the answer names another
  member there, and never the point's;
- an everyday opposite (多/少, 快/慢, 共享/独立, 一定会/不一定 …) said of what the point's clause is
  about: a shared word, the same named subject, a plain statement, not the same comparison seen
  from the other side; the point's own word said of the same thing clears it;
- pairs said the other way round: two terms or names the point gives different roles ("GPT
  擅长生成，BERT 擅长分类"), each said with the other's role, or one of them given the other's
  term ("UDP 是面向连接的" against "TCP 面向连接……；UDP 无连接……");
- a comparison the other way round: "非对称加密比对称加密快" against "对称加密速度快";
- a denial: "可解释性跟训练范式没什么关系" against a point that ties the two together;
- a flipped polarity: the answer negates a phrase the point states plainly ("越不容易过拟合"
  against "越容易过拟合"), or states plainly what the point negates ("在参数空间上" against
  "而不是参数空间上") — not where the negation is a condition (如果不是), a question (能不能),
  a contrast with something else (不像 ARM), or says the same as the point (只公开 / 不公开);
- a wrong number: the point says "三次握手" and the answer "两次握手" (same unit, another number,
  and the point's number nowhere in the answer); complexities alike (O(1) against O(n)).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from viva.bank.segment import words
from viva.grading.exact import math_form, same_math
from viva.grading.models import Contradiction, Span
from viva.grading.text import Clause, content_words

# a window is about the point when their USE cosine reaches this, or they share a content word
ALIGNED = 0.45

_LATIN = re.compile(r"[a-z]")
_NUMBER_UNIT = re.compile(r"(?<![0-9a-z_.^/第])(-?\d+(?:\.\d+)?)\s*([\u4e00-\u9fff]|[a-z]{2,})")
_NEGATED_PHRASE = re.compile(r"(?:不|没有|没|无|非|未)[\u4e00-\u9fff]{2}")
_LATIN_THEN_NUMERAL = re.compile(r"([A-Za-z])([零一二两三四五六七八九十百千万])")
_WRITTEN_NUMBER = re.compile(r"-?[0-9零一二两三四五六七八九十百千万亿.]+")
_COMPLEXITY = re.compile(r"o\([^()]*(?:\([^()]*\))?[^()]*\)")


@dataclass(frozen=True, slots=True)
class _Group:
    alternatives: tuple[tuple[str, ...], ...]
    generic: bool  # everyday words (增大/减小): a swap counts only where the answer is on the point


@cache
def contrast_groups() -> tuple[_Group, ...]:
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
        groups.append(_Group(alternatives, generic))
    return tuple(groups)


def _members(
    group: _Group, text: str, tokens: frozenset[str], *, loose: bool = False
) -> dict[int, tuple[str, int]]:
    """The group's alternatives a text names: index -> (spelling, offset). A spelling inside a
    longer spelling of the group ("对称加密" in "非对称加密") names only the longer one."""
    candidates = sorted(
        (
            (-len(spelling), at, spelling, index)
            for index, alt in enumerate(group.alternatives)
            for spelling in alt
            for at in _positions(spelling, text, tokens, loose=loose)
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


def _positions(
    spelling: str, text: str, tokens: frozenset[str], *, loose: bool = False
) -> list[int]:
    """Every offset where `spelling` occurs as a term (`loose`: a Chinese word of two
    characters anywhere, as in 稀疏图, which segmentation may or may not split)."""
    if _LATIN.search(spelling):
        pattern = rf"(?<![a-z0-9]){re.escape(spelling)}(?![a-z0-9])"
        return [m.start() for m in re.finditer(pattern, text)]
    if len(spelling) >= 3 or spelling in tokens or (loose and len(spelling) == 2):
        return [m.start() for m in re.finditer(re.escape(spelling), text)]
    if len(spelling) == 1 and any(len(t) >= 3 and t.endswith(spelling) for t in tokens):
        return [m.start() for m in re.finditer(re.escape(spelling), text)]  # 速度快, 开销大
    return []


@dataclass(frozen=True, slots=True)
class _View:
    text: str  # lower-cased
    tokens: frozenset[str]
    words: frozenset[str]  # content words

    @classmethod
    def of(cls, text: str) -> _View:
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
    question: _View
    whole: _View
    windows: tuple[Clause, ...]
    views: tuple[_View, ...]
    numbers: tuple[tuple[tuple[str, str], ...], ...]  # per window: (number, unit)
    stated: frozenset[str]  # every number of the answer, canonical
    # the reference's own negated phrases (不可剥夺, 非抢占): terms, not a negation by the answer
    terms: frozenset[str] = frozenset()
    reference: str = ""  # lower-cased
    sentences: tuple[tuple[int, _View], ...] = ()  # the answer's sentences, with their offsets

    @classmethod
    def of(
        cls, question: str, answer: str, windows: Sequence[Clause], reference: str = ""
    ) -> Reading:
        """Read the answer and its windows (clauses and clause pairs, offsets into `answer`)."""
        return cls(
            answer,
            _View.of(question),
            _View.of(answer),
            tuple(windows),
            tuple(_View.of(w.text) for w in windows),
            tuple(tuple(_numbers(w.text)) for w in windows),
            frozenset(n for n, _ in _numbers(answer)),
            frozenset(_NEGATED_PHRASE.findall(reference)),
            reference.lower(),
            tuple(_sentences(answer)),
        )


def _sentences(text: str) -> Iterator[tuple[int, _View]]:
    start = 0
    for match in [*_SENTENCE_BREAK.finditer(text.lower()), None]:
        end = match.start() if match else len(text)
        if text[start:end].strip():
            yield start, _View.of(text[start:end])
        start = match.end() if match else len(text)


def find_contradiction(
    point: str, reading: Reading, similarity: Sequence[float]
) -> Contradiction | None:
    """The first way the answer contradicts the point (term, number, negation), or None.

    `similarity` holds the USE cosine of the point with each of the reading's windows.
    """
    if not reading.windows:
        return None
    p = _View.of(point)
    own = p.words - reading.question.words
    aligned = [
        i
        for i, v in enumerate(reading.views)
        if similarity[i] >= ALIGNED or (own and own & v.words)
    ]
    aligned.sort(key=lambda i: -similarity[i])
    return (
        _swapped_term(point, p, reading, aligned, similarity)
        or _swapped_names(p, reading, aligned)
        or _wrong_number(point, reading, aligned)
        or _negated_phrase(point, reading, aligned)
        or _dropped_negation(point, reading, aligned)
        or _denied_relation(point, reading, aligned)
        or _swapped_comparison(point, reading, aligned)
        or _described_as_the_other(p, reading)
    )


def _swapped_term(
    point: str,
    p: _View,
    reading: Reading,
    aligned: Sequence[int],
    similarity: Sequence[float],
) -> Contradiction | None:
    q, whole, windows, views = reading.question, reading.whole, reading.windows, reading.views
    everywhere = sorted(range(len(windows)), key=lambda i: -similarity[i])
    for group in contrast_groups():
        named = _members(group, p.text, p.tokens)
        if len(named) >= 2:
            found = _swapped_pair(group, named, p, windows, views, aligned)
            found = found or _given_to_the_other(group, point, p, reading, aligned)
            if found is not None:
                return found
            continue
        if len(named) != 1:
            continue
        (expected_index, (expected, _)) = next(iter(named.items()))
        asked = _members(group, q.text, q.tokens)  # the question's own terms are its subject
        # where the point says its word plainly: not "不相同", "更好地捕捉", "慢开始"
        stated_at = [
            m.start()
            for m in re.finditer(re.escape(expected), p.text)
            if _plain_use(p.text, m.start(), expected)
        ]
        if group.generic and not stated_at:
            continue
        if _denied_in_point(p.text, expected):
            continue  # "not connected to the negative terminal": the other one is no error
        if expected_index in _members(group, whole.text, whole.tokens, loose=True) and (
            not group.generic or _also_said(group, expected_index, p.text, stated_at, whole)
        ):
            continue  # the answer names the point's term (an everyday word: of the same thing)
        for i in aligned if group.generic else everywhere:
            in_window = _members(group, views[i].text, views[i].tokens)
            said = {k: v for k, v in in_window.items() if k != expected_index and k not in asked}
            if said:
                spelling, at = next(iter(said.values()))
                if _set_against(views[i].text, at, len(spelling)):
                    continue  # "跟 GPT 那种只有解码器的不一样": named as the other thing
                if group.generic and not any(
                    _same_statement(group, p.text, p_at, views[i].text, at, len(spelling))
                    for p_at in stated_at
                ):
                    continue
                if _said_elsewhere(reading.reference, p.text, views[i].text, at, spelling):
                    continue  # "the longer string, the lower pitch": the reference's other half
                start = windows[i].start + at
                return Contradiction(
                    windows[i].text[at : at + len(spelling)],
                    expected,
                    Span(start, start + len(spelling)),
                    "term",
                )
    return None


# what makes a one-character everyday word (多, 高, 差) a statement about something: a degree
# word before it ("比较少", "更高") or the end of the phrase after it ("取值多的", "延迟低，")
_DEGREE = ("比较", "较", "更", "越", "很", "太", "最", "偏", "相对", "还", "都", "也", "就", "会")
_PHRASE_END = re.compile(r"$|[的了得些一点，,。；;：:、！？!?)）\s]")
_NEGATED_BEFORE = re.compile(
    r"(?:(?:不|没|无|非|未|互不)(?:是|会|能|要|用|需要)?"
    r"|(?:(?<![a-z])(?:not|never|no)|n't)\s+(?:(?:the|a|an|as|so|very|any|much|be|been)\s+)*)$"
)
_GLOSS = re.compile(r"[（(][^（）()]*$")
_SET_AGAINST_BEFORE = re.compile(
    r"(?:不像|不同于|不是|而不是|并非|区别于|unlike|rather than|instead of|not)\s*$"
)
_SET_AGAINST_AFTER = re.compile(r"^[^，,。；;]{0,8}?(?:不一样|不同|相反|相比|有区别|区别在)")
_COMPARED_WITH = re.compile(r"(?:跟|和|与|同|比)[^，,。；;]*$")


def _plain_use(text: str, at: int, spelling: str) -> bool:
    """`spelling` at `at` says the word itself: not negated just before it ("不相同"), not an
    adverb ("更好地"), and a one-character word only with a degree word before it or the end
    of its phrase after it ("慢开始" names a phase, "多模态" a kind of model)."""
    if _NEGATED_BEFORE.search(text[max(0, at - 20) : at]):
        return False
    if _GLOSS.search(text[:at]):
        return False  # "SMO（序列最小优化）": part of a name's gloss
    after = text[at + len(spelling) : at + len(spelling) + 1]
    if after == "地":
        return False
    if len(spelling) == 1 and _CJK_RUN.match(spelling):
        before = text[max(0, at - 2) : at]
        return any(before.endswith(d) for d in _DEGREE) or bool(_PHRASE_END.match(after))
    return True


def _denied_in_point(point: str, spelling: str) -> bool:
    """Every time the point says `spelling`, its clause negates it before the word ("Terminals
    4, 5 and 6 are not connected to the negative battery terminal", "不是 ReLU")."""
    found = [m.start() for m in re.finditer(re.escape(spelling), point)]
    return bool(found) and all(
        _ENGLISH_NOT.search(point[_clause_of(point, at)[0] : at])
        if _LATIN.search(spelling)
        else _NEGATED_BEFORE.search(point[max(0, at - 4) : at])
        for at in found
    )


_ENGLISH_NOT = re.compile(r"\b(?:not|never|no)\b|n't")


def _set_against(text: str, at: int, size: int) -> bool:
    """The answer names the term only to set it against another ("不像 ReLU", "跟 GPT 那种
    只有解码器的不一样", "rather than UDP")."""
    start, end = _clause_of(text, at)
    if _SET_AGAINST_BEFORE.search(text[start:at]):
        return True
    compared = _COMPARED_WITH.search(text[start:at])
    return bool(compared and _SET_AGAINST_AFTER.search(text[at + size : end]))


def _same_statement(
    group: _Group, point: str, p_at: int, window: str, w_at: int, w_size: int
) -> bool:
    """An everyday opposite counts only as a statement about what the point says it of: the
    answer's clause shares a word with the point's clause (besides the group's own words),
    says its word plainly, and does not swap the two sides of a comparison ("几何重数小于代数
    重数" is said as well by "代数重数大于几何重数")."""
    if not _plain_use(window, w_at, window[w_at : w_at + w_size]):
        return False
    spellings = {s for alt in group.alternatives for s in alt} | _JOINING_WORDS
    ps, pe = _clause_of(point, p_at)
    ws, we = _clause_of(window, w_at)
    p_before = set(content_words(point[ps:p_at])) - spellings
    p_after = set(content_words(point[p_at:pe])) - spellings
    w_before = set(content_words(window[ws:w_at])) - spellings
    w_after = set(content_words(window[w_at + w_size : we])) - spellings
    if not _share(p_before | p_after, w_before | w_after):
        return False  # "延迟低" against "带宽利用率较高": said of something else
    p_noun, w_noun = _noun_after(point, p_at), _noun_after(window, w_at)
    if p_noun and w_noun and not _share({p_noun}, {w_noun}):
        return False  # "more vitamin C" against "fewer drops": said of something else
    if not _same_subject(point[ps:pe], window[ws:we]):
        return False  # "动态规划的子问题是独立的" against "分治的子问题相互独立"
    said = [c for c in _comparisons(window) if c.start <= w_at < c.end]
    if said:  # a comparison: opposite only if it ranks the two the other way round
        return _compared_otherwise(point, _comparisons(point[ps:pe]), said[0]) is not None
    return not (_share(p_before, w_after) and _share(p_after, w_before))


def _said_elsewhere(reference: str, point: str, window: str, at: int, spelling: str) -> bool:
    """The answer says `spelling` (at `at` in `window`) as the reference itself says it outside
    the point, of the same things: a reference that states both sides ("If the string is
    shorter, the pitch is higher. If it is longer, the pitch is lower.") is restated, not
    contradicted, by "the longer string has a lower pitch"."""
    tokens = frozenset(words(reference, keep_stopwords=True))
    return _restates_other(
        reference,
        point,
        window,
        at,
        [f for f in _positions(spelling, reference, tokens) if _plain_use(reference, f, spelling)],
        {spelling},
    )


def _restates_other(
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
    start, end = _clause_of(window, at)
    said = set(content_words(window[start:end])) - drop
    if not said or not reference:
        return False
    point_words = set(content_words(point))
    with_point = _overlap(said, point_words - drop)
    for found in offsets:
        begin = 0
        for match in _SENTENCE_BREAK.finditer(reference, 0, found):
            begin = match.end()
        after = _SENTENCE_BREAK.search(reference, found)
        sentence = reference[begin : after.start() if after else len(reference)].strip()
        theirs = set(content_words(sentence))
        if not theirs or (
            _overlap(point_words, theirs) >= 0.8 * len(point_words)
            or _overlap(theirs, point_words) >= 0.8 * len(theirs)
        ):
            continue  # the point's own sentence, or a part of it
        if _same_subject(sentence, window) and _overlap(said, theirs - drop) >= max(1, with_point):
            return True
    return False


_SENTENCE_BREAK = re.compile(r"[。；;！？!?\n]|\.(?=\s|$)")


def _overlap(a: set[str], b: set[str]) -> int:
    """How many words of `a` have a counterpart in `b` (the same, or one inside the other)."""
    return sum(
        any(x == y or (min(len(x), len(y)) >= 2 and (x in y or y in x)) for y in b) for x in a
    )


# words that join clauses in English: shared, they say nothing about what is compared
_JOINING_WORDS = frozenset(
    "when if then because so but while since although though which that what how why where "
    "who whether".split()
)
_NEXT_WORD = re.compile(r"[a-z]+\s+([a-z][a-z-]*)")


def _noun_after(text: str, at: int) -> str | None:
    """The content word right after an English word at `at` ("more vitamin", "a lower pitch"),
    which is what the word says something of; None when a function word or nothing follows."""
    match = _NEXT_WORD.match(text, at)
    if not match:
        return None
    found = content_words(match.group(1))
    return found[0] if found and found[0] not in _JOINING_WORDS else None


def _same_subject(point_clause: str, clause: str) -> bool:
    """The two clauses are not about different named things: when both name terms (Latin
    names, domain terms), they name one in common."""
    named_p, named_w = set(_names(point_clause)), set(_names(clause))
    return not (named_p and named_w) or _share(named_p, named_w)


def _also_said(
    group: _Group, index: int, point: str, stated_at: Sequence[int], whole: _View
) -> bool:
    """The answer says the point's own everyday word of what the point says it of (so an
    opposite elsewhere is about something else): "取最大的特征值" does not say that the
    projected variance is the largest."""
    spellings = {s for alt in group.alternatives for s in alt}
    for spelling in group.alternatives[index]:
        for at in _positions(spelling, whole.text, whole.tokens, loose=True):
            ws, we = _clause_of(whole.text, at)
            if we - ws < 8 and ws > 0:  # "…随机访问，O(1)": a short clause goes with the one before
                ws = _clause_of(whole.text, ws - 1)[0]
            said = set(content_words(whole.text[ws:we])) - spellings
            for p_at in stated_at:
                ps, pe = _clause_of(point, p_at)
                if _share(set(content_words(point[ps:pe])) - spellings, said, 1) and _same_subject(
                    point[ps:pe], whole.text[ws:we]
                ):
                    return True
    return False


def _share(a: set[str], b: set[str], shortest: int = 2) -> bool:
    """Some word of `a` and some word of `b` are one inside the other (泛化 / 泛化能力), the
    shorter of at least `shortest` characters."""
    return any(
        x == y or (min(len(x), len(y)) >= shortest and (x in y or y in x)) for x in a for y in b
    )


# a full stop ends an English clause too, but not inside "0.5" or "e.g."
_SUBJECT_BREAK = re.compile(r"[，,。；;！？!?\n]|\.(?=\s|$)")


def _subject_before(text: str, at: int, spellings: set[str]) -> str | None:
    """The name said last before offset `at` in its clause ("UDP 是面向连接的" -> udp)."""
    start = 0
    for match in _SUBJECT_BREAK.finditer(text, 0, at):
        start = match.end()
    best, subject = -1, None
    for name, offsets in _outermost(_names(text[start:at])).items():
        if name in spellings or any(name in s or s in name for s in spellings):
            continue
        if offsets[-1] > best:
            best, subject = offsets[-1], name
    return subject


def _given_to_the_other(
    group: _Group, point: str, p: _View, reading: Reading, aligned: Sequence[int]
) -> Contradiction | None:
    """The point gives each of two named things its own term of a group ("TCP 面向连接……；UDP
    无连接……") and the answer gives one of them the other's ("UDP 是面向连接的")."""
    spellings = {s for alt in group.alternatives for s in alt}
    owner: dict[str, int] = {}  # subject -> the index of its term in the point
    where: dict[str, tuple[int, int]] = {}  # subject -> its clause in the point
    for index, alternative in enumerate(group.alternatives):
        for spelling in alternative:
            for at in _positions(spelling, p.text, p.tokens):
                if not _plain_use(p.text, at, spelling):
                    continue
                subject = _subject_before(p.text, at, spellings)
                if subject is None:
                    continue
                if owner.setdefault(subject, index) != index:
                    return None  # one thing with both terms: no roles to swap
                where.setdefault(subject, _clause_of(p.text, at))
    if len(set(owner.values())) < 2:
        return None
    for i in aligned[:NEGATION_WINDOWS]:
        view, window = reading.views[i], reading.windows[i]
        for index, (spelling, _) in _members(group, view.text, view.tokens).items():
            for at in _positions(spelling, view.text, view.tokens):
                if not _plain_use(view.text, at, spelling) or _set_against(
                    view.text, at, len(spelling)
                ):
                    continue
                subject = _subject_before(view.text, at, spellings)
                if subject is None or owner.get(subject, index) == index:
                    continue
                said_at = view.text.rfind(subject, 0, at)
                start, end = where[subject]
                return Contradiction(
                    window.text[said_at : at + len(spelling)],
                    point[start:end].strip(),
                    Span(window.start + said_at, window.start + at + len(spelling)),
                    "term",
                )
    return None


# what a sentence must say of the point, in words, to be its description (and by how many
# words it must beat the sentence on the point's own term)
DESCRIBED = 3
_CLAUSE_END_MARK = re.compile(r"[，,：:。；;！？!?\n]")


def _described_as_the_other(p: _View, reading: Reading) -> Contradiction | None:
    """The point says what one of two named things does ("后剪枝：先生成完整的树，再……"), and the
    answer says it of the other ("预剪枝是先把树完整地生成出来，然后再剪掉……；后剪枝则是在生长
    过程中提前停止"): the answer's sentence that describes the point best names the other term,
    and none naming the point's own term comes near it."""
    for group in contrast_groups():
        if group.generic:
            continue
        named = _members(group, p.text, p.tokens)
        if len(named) != 1:
            continue
        ((own, (spelling, at)),) = named.items()
        if _CLAUSE_END_MARK.search(p.text, 0, at):
            continue  # "出现超时时，……，重新慢开始": the term is not what the point describes
        spellings = {s for alt in group.alternatives for s in alt}
        description = {
            w
            for w in p.words - reading.question.words
            if not any(w in s or s in w for s in spellings)
        }
        if len(description) < DESCRIBED:
            continue
        best_own, best_other = 0, (0, "", 0)
        for start, view in reading.sentences:
            found = _members(group, view.text, view.tokens)
            if len(found) == 1:
                ((index, (said, at)),) = found.items()
                overlap = _overlap(description, set(view.words))
                if index == own:
                    best_own = max(best_own, overlap)
                elif overlap > best_other[0]:
                    best_other = (overlap, said, start + at)
        overlap, said, at = best_other
        if overlap >= DESCRIBED and overlap >= best_own + 2 and overlap > 2 * best_own:
            return Contradiction(
                reading.answer[at : at + len(said)], spelling, Span(at, at + len(said)), "term"
            )
    return None


def _swapped_pair(
    group: _Group,
    named: dict[int, tuple[str, int]],
    p: _View,
    windows: Sequence[Clause],
    views: Sequence[_View],
    aligned: Sequence[int],
) -> Contradiction | None:
    """Two terms of a group the point pairs with their roles ("GPT 用解码器，BERT 用编码器",
    "公钥加密、私钥解密"), said in the answer with the roles the other way round: each term
    stands where the other stood, next to the same words."""
    spellings = {sp for alt in group.alternatives for sp in alt}
    for i in aligned:
        found = _members(group, views[i].text, views[i].tokens)
        if set(found) != set(named):
            continue
        shared = [w for w in p.words & views[i].words if w not in spellings and len(w) > 1]
        if len(shared) < 2:
            continue
        point_roles = {k: _role(p.text, at, len(sp), shared) for k, (sp, at) in named.items()}
        window_roles = {
            k: _role(views[i].text, at, len(sp), shared) for k, (sp, at) in found.items()
        }
        pairs = [(a, b) for a in named for b in named if a < b]
        for a, b in pairs:
            for side in (0, 1):
                pa, pb = point_roles[a][side], point_roles[b][side]
                wa, wb = window_roles[a][side], window_roles[b][side]
                if pa and pb and pa != pb and (wa, wb) == (pb, pa):
                    # the answer puts term a where the reference has term b
                    spelling, at = found[a]
                    start = windows[i].start + at
                    return Contradiction(
                        windows[i].text[at : at + len(spelling)],
                        named[b][0],
                        Span(start, start + len(spelling)),
                        "term",
                    )
    return None


def _role(text: str, at: int, size: int, anchors: Sequence[str]) -> tuple[str, str]:
    """The shared words nearest before and after a term: what the text says it does."""
    before = after = ""
    best_before, best_after = -1, len(text) + 1
    for word in anchors:
        for match in re.finditer(re.escape(word), text):
            if match.end() <= at and match.start() > best_before:
                best_before, before = match.start(), word
            elif match.start() >= at + size and match.start() < best_after:
                best_after, after = match.start(), word
    return before, after


def _numbers(text: str) -> list[tuple[str, str]]:
    """(number, unit) pairs of a text in canonical form, and complexities as ("o(...)", "o")."""
    # "TCP三次握手": a Chinese numeral after a Latin word is a count, not part of a name (x2)
    form = math_form(_LATIN_THEN_NUMERAL.sub(r"\1 \2", text))
    found = [(m.group(1), m.group(2)) for m in _NUMBER_UNIT.finditer(form)]
    found += [(m.group(0), "o") for m in _COMPLEXITY.finditer(form)]
    return found


def _wrong_number(point: str, reading: Reading, aligned: Sequence[int]) -> Contradiction | None:
    wanted = _numbers(point)
    if not wanted:
        return None
    windows, answer = reading.windows, reading.answer
    for number, unit in wanted:
        if any(same_math(number, s) for s in reading.stated):
            continue
        for i in aligned:
            for said, said_unit in reading.numbers[i]:
                if said == "1" and unit == "个":
                    continue  # "一个": an article as often as a count
                if said_unit == unit and not same_math(said, number):
                    at, size = _find_number(windows[i].text, said, unit)
                    if at >= 0 and _number_elsewhere(
                        reading, point, windows[i].text, at, said, unit
                    ):
                        continue  # "10 and 30 centimeters": the reference's other numbers
                    start = windows[i].start + max(at, 0)
                    size = size if at >= 0 else len(windows[i].text)
                    where, length = _find_number(point, number, unit)
                    expected = point[where : where + length] if where >= 0 else number + unit
                    return Contradiction(
                        answer[start : start + size],
                        expected,
                        Span(start, start + size),
                        "number",
                    )
    return None


def _number_elsewhere(
    reading: Reading, point: str, window: str, at: int, number: str, unit: str
) -> bool:
    """The answer's number is one the reference gives outside the point, said of the same
    things (see `_restates_other`)."""
    reference, offsets, start = reading.reference, [], 0
    while (found := _find_number(reference[start:], number, unit))[0] >= 0:
        offsets.append(start + found[0])
        start += found[0] + max(1, found[1])
    drop = {unit} | set(content_words(number))
    return _restates_other(reference, point.lower(), window.lower(), at, offsets, drop)


def _find_number(text: str, canonical: str, unit: str) -> tuple[int, int]:
    """Where a canonical number is written in `text` with its unit ("三次", "O(n)"), and how
    long that is; (-1, 0) when it cannot be found."""
    if canonical.startswith("o("):
        match = re.search(r"[OoΘθ]\s*\([^()]*(?:\([^()]*\))?[^()]*\)", text)
        return (match.start(), len(match.group(0))) if match else (-1, 0)
    for match in _WRITTEN_NUMBER.finditer(text):
        after = text[match.end() :].lstrip()
        if after.lower().startswith(unit) and same_math(math_form(match.group(0)), canonical):
            return match.start(), len(text[match.start() :]) - len(after) + len(unit)
    return -1, 0


_NOT_NEGATIONS = frozenset(
    "不同 不断 不仅 不但 不管 不论 不少 不过 不错 不久 不如 不停 不时 不妨 不得不 不然 不光 "
    "无论 非常 未来 无数 不足 无限 非线性 无监督 非对称 非对称加密 非聚簇索引 不一定".split()
)


# Names a point can pair with roles: Latin technical words (GPT, prefix-tuning, Query) and the
# domain dictionary's terms; a role is a word of the point said in the same clause as the name.
_NAME = re.compile(r"(?<![a-z0-9_])[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*(?![a-z0-9_])")
# English joins clauses with words as often as with commas: "has more vitamin C because it took
# fewer drops" states two things
_CLAUSE_BREAK = re.compile(
    r"[，,。；;！？!?\n]|\.(?=\s|$)"
    r"|\s(?=(?:because|so|but|and|while|whereas|since|although|though|if|when|then|which)\s)"
)
_COMMON_NAMES = frozenset(
    "a an and are as at be by can do does for from how in is it its of on or that the this to "
    "was were will with not no use used using each every all one two more most less than".split()
)


def _names(text: str) -> dict[str, list[int]]:
    """Every name of a text with its offsets (text lower-cased)."""
    found: dict[str, list[int]] = {}
    for match in _NAME.finditer(text):
        word = match.group(0)
        if len(word) >= 2 and word not in _COMMON_NAMES:
            found.setdefault(word, []).append(match.start())
    for term in _domain_terms():
        if _CJK_RUN.search(term):
            at = text.find(term)
            while at >= 0:
                found.setdefault(term, []).append(at)
                at = text.find(term, at + 1)
    return found


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]")


@cache
def _domain_terms() -> tuple[str, ...]:
    from viva.bank.segment import domain_words

    return tuple(sorted((w.lower() for w in domain_words() if len(w) >= 2), key=len))


def _clause_of(text: str, at: int) -> tuple[int, int]:
    """The clause around offset `at`: between the nearest breaks (，。；…)."""
    start = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, at):
        start = match.end()
    after = _CLAUSE_BREAK.search(text, at)
    return start, after.start() if after else len(text)


def _clause_role(text: str, at: int, size: int, anchors: Sequence[str]) -> str:
    """The anchor word said after a name in its own clause ("GPT 擅长生成" -> 生成)."""
    _, end = _clause_of(text, at)
    best, role = end + 1, ""
    for word in anchors:
        found = text.find(word, at + size, end)
        if 0 <= found < best:
            best, role = found, word
    return role


def _swapped_names(p: _View, reading: Reading, aligned: Sequence[int]) -> Contradiction | None:
    """Two names the point gives different roles ("GPT 擅长生成，BERT 擅长分类";
    "prefix-tuning 每层都加参数，prompt-tuning 只在输入加"), said in one window of the answer
    with the roles the other way round. Each name must occur once in the point and in the
    window, and each role word once in each, so that "the other way round" is unambiguous."""
    point_names = {n: at for n, at in _names(p.text).items() if len(at) == 1}
    point_names = _outermost(point_names)
    if len(point_names) < 2:
        return None
    for i in aligned:
        view = reading.views[i]
        window_names = {n: at for n, at in _names(view.text).items() if len(at) == 1}
        common = sorted(set(point_names) & set(window_names))
        if len(common) < 2:
            continue
        shared = {
            w
            for w in (p.words & view.words) | set(common)
            if len(w) > 1 and p.text.count(w) == 1 and view.text.count(w) == 1
        }
        for a in common:
            for b in common:
                if a >= b:
                    continue
                anchors = [w for w in shared if not (w in a or a in w or w in b or b in w)]
                if len(anchors) < 2:
                    continue
                pa = _clause_role(p.text, point_names[a][0], len(a), anchors)
                pb = _clause_role(p.text, point_names[b][0], len(b), anchors)
                wa = _clause_role(view.text, window_names[a][0], len(a), anchors)
                wb = _clause_role(view.text, window_names[b][0], len(b), anchors)
                if pa and pb and pa != pb and (wa, wb) == (pb, pa):
                    at = window_names[a][0]
                    start = reading.windows[i].start + at
                    return Contradiction(
                        reading.windows[i].text[at : at + len(a)],
                        b,
                        Span(start, start + len(a)),
                        "term",
                    )
    return None


def _outermost(names: dict[str, list[int]]) -> dict[str, list[int]]:
    """Drop a name found inside a longer one at the same place (注意力 in 自注意力)."""
    spans = [(at[0], at[0] + len(n), n) for n, at in names.items()]
    keep = {}
    for start, end, name in spans:
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans):
            keep[name] = names[name]
    return keep


# A negation and what it negates: 不容易过拟合, 不需要预训练, 没有关系, isn't stable.
_ANSWER_NEGATION = re.compile(
    r"(?:并不|根本不|从不|从来不|并没有|没有|不|没|无法|并非|未|无需|无须|不再)"
)
_MODALS = (
    "需要",
    "能够",
    "可以",
    "一定",
    "应该",
    "具有",
    "具备",
    "存在",
    "属于",
    "涉及",
    "需",
    "用",
    "会",
    "能",
    "是",
    "太",
    "必",
    "可",
    "要",
    "应",
    "该",
    "再",
    "太会",
    "怎么",
)
_NEGATIVE_POLARITY = re.compile(
    r"不|没|无|非|未|缺乏|缺少|缺失|避免|防止|难以|忽略|丢失|失去|禁止|阻止|减少|降低|抑制|"
    r"缓解|消除|去掉|去除|排除|放弃|\b(?:no|not|never|without|lack|lacks|avoid|avoids|prevent|"
    r"prevents|cannot|neither|nor)\b|n't"
)
_CONDITIONAL = re.compile(
    r"如果|若|假如|假设|要是|否则|不然|是否|能否|是不是|有没有|只要|除非|一旦|就算|即使|哪怕|"
    r"\b(?:if|unless|whether|otherwise|when|once)\b"
)
_RESTRICTIVE = re.compile(r"只|仅|\b(?:only|just|solely)\b")
_COMPLEMENTS = frozenset("好完够到对清全掉")
_BEFORE = frozenset(("之前", "以前", "前的", "之后", "以后"))
_CONTRASTED = re.compile(r"^[，,\s]*(?:而是|而|只|仅|只是|但|但是|而且|反而|rather|but|only)")
_LATIN_NEGATION = re.compile(
    r"\b(?:not|never|cannot|without)\s+(?:be\s+|been\s+|a\s+|an\s+|the\s+)?([a-z][a-z\-]{3,})"
    r"|\b[a-z]+n't\s+(?:be\s+|a\s+|an\s+|the\s+)?([a-z][a-z\-]{3,})"
)
MIN_NEGATED = 2
NEGATION_WINDOWS = 4


def _negated_phrase(point: str, reading: Reading, aligned: Sequence[int]) -> Contradiction | None:
    """The answer negates a phrase the point states plainly: "VC 维越大越不容易过拟合" against
    "越容易过拟合", "不需要预训练" against "先预训练再微调". The phrase must be the point's
    own words (two characters or more, a content word among them), said in the point with no
    negation or negative verb near it (缺乏, 避免, 防止 … negate in their own way), and said in a
    window of the answer that is about the point."""
    p = point.lower()
    for i in aligned[:NEGATION_WINDOWS]:
        window = reading.windows[i]
        text = reading.views[i].text
        for run, at, lead in _negations_in(text):
            phrase = _longest_prefix_in(run, p)
            if not phrase:
                continue
            size = lead + len(phrase)
            if any(term in text[max(0, at - 2) : at + size + 2] for term in reading.terms):
                continue  # the reference's own term (不可剥夺)
            where = p.find(phrase)
            if not _has_content(phrase) or _NEGATIVE_POLARITY.search(phrase):
                continue
            start_p, end_p = _clause_of(p, where)
            point_clause = p[start_p:end_p]
            start_a, end_a = _clause_of(text, at)
            said_clause = text[start_a:end_a]
            if _NEGATIVE_POLARITY.search(point_clause) or _CONDITIONAL.search(point_clause):
                continue  # the point's own clause negates, or only asks (是否编码了)
            identity = re.match(r"(?:并|根本)?不是|并非|not\b", text[at : at + size])
            if _CONDITIONAL.search(said_clause) or (
                identity and _CONTRASTED.search(text[end_a : end_a + 12])
            ):
                continue  # "如果不是安全状态就…", "不是 A，而是 B": a condition or a contrast
            if _reversed(point_clause, said_clause):
                continue  # "UDP 比 TCP 更不可靠" says "TCP 比 UDP 可靠" the other way round
            if _RESTRICTIVE.search(point_clause):
                continue  # "只公开 g 的幂" is said as well by "指数不公开"
            tail = text[at + size : at + size + 2]
            if tail[:1] in _COMPLEMENTS or tail in _BEFORE:
                continue  # "没拟合好的残差", "没篡改之前": not a denial of the phrase
            rest = text[:at] + text[at + size :]
            if _plainly_said(phrase, rest):
                continue  # "线性不可分的变成可分的": the answer says it plainly too
            others = set(content_words(point_clause)) - set(content_words(phrase))
            if others and not others & set(content_words(window.text)):
                continue  # another subject ("A 不能为零" beside "ΔW 为零")
            if _polarity_elsewhere(reading, p, text, at, phrase, negated=True):
                continue  # the reference denies it too, of what this clause is about
            start = window.start + at
            return Contradiction(
                window.text[at : at + size],
                point[where : where + len(phrase)],
                Span(start, start + size),
                "negation",
            )
    return None


def _negations_in(text: str) -> list[tuple[str, int, int]]:
    """(negated phrase, offset of the negation, length of negation + phrase) of a window."""
    out = []
    for match in _ANSWER_NEGATION.finditer(text):
        at = match.start()
        if any(text.startswith(word, at) for word in _NOT_NEGATIONS):
            continue
        if at > 0 and text[at - 1] == text[match.end() : match.end() + 1]:
            continue  # 能不能, 是不是, 有没有: a question, not a denial
        rest = text[match.end() :]
        for modal in ("", *_MODALS):
            if not rest.startswith(modal):
                continue
            run = re.match(r"[\u4e00-\u9fff]+", rest[len(modal) :])
            if run is None:
                continue
            out.append((run.group(0), at, match.end() - at + len(modal)))
    for match in _LATIN_NEGATION.finditer(text):
        word = match.group(1) or match.group(2)
        out.append((word, match.start(), match.end() - match.start() - len(word)))
    return out


def _longest_prefix_in(run: str, point: str) -> str:
    """The longest start of `run` the point says (a Latin word must be a whole word)."""
    if not _CJK_RUN.search(run):
        return run if re.search(rf"(?<![a-z]){re.escape(run)}(?![a-z])", point) else ""
    for end in range(len(run), MIN_NEGATED - 1, -1):
        if run[:end] in point:
            return run[:end]
    return ""


def _plainly_said(phrase: str, text: str) -> bool:
    """`text` says `phrase` with no negation just before it."""
    at = text.find(phrase)
    while at >= 0:
        if not _NEGATIVE_POLARITY.search(text[max(0, at - 3) : at]):
            return True
        at = text.find(phrase, at + 1)
    return False


def _polarity_elsewhere(
    reading: Reading, point: str, window: str, at: int, phrase: str, *, negated: bool
) -> bool:
    """The reference, outside the point, says `phrase` negated (or plainly) as the answer does,
    of the same things: "Bulbs B and C don't affect it. Bulbs B and C … affect each other" is
    restated, not contradicted, by "A is on its own path so it will not affect the others"."""
    reference, offsets = reading.reference, []
    found = reference.find(phrase)
    while found >= 0:
        before = reference[max(0, found - 20) : found]
        if (
            bool(_NEGATED_BEFORE.search(before) or _NEGATIVE_POLARITY.search(before[-4:]))
            is negated
        ):
            offsets.append(found)
        found = reference.find(phrase, found + 1)
    drop = set(content_words(phrase))
    return bool(offsets) and _restates_other(reference, point, window, at, offsets, drop)


def _of_the_other(point_clause: str, clause: str) -> bool:
    """The answer's clause says its phrase of the other member of a pair the point's clause
    names ("connected to the positive terminal" where the point says "not connected to the
    negative battery terminal"): no denial of the point's statement."""
    p_tokens = frozenset(words(point_clause, keep_stopwords=True))
    c_tokens = frozenset(words(clause, keep_stopwords=True))
    for group in contrast_groups():
        named = _members(group, point_clause, p_tokens)
        if len(named) != 1:
            continue
        said = _members(group, clause, c_tokens)
        if said and not set(said) & set(named):
            return True
    return False


def _has_content(phrase: str) -> bool:
    return bool(content_words(phrase))


def _dropped_negation(point: str, reading: Reading, aligned: Sequence[int]) -> Contradiction | None:
    """The answer states plainly what the point negates: "在参数空间上做梯度下降" against "在函数
    空间而不是参数空间上", "需要大量标注数据" against "不需要大量标注数据". The negated phrase must
    be said in a window about the point with no negation or negative verb just before it, and
    not as a condition."""
    p = point.lower()
    for run, at, lead in _negations_in(p):
        for i in aligned[:NEGATION_WINDOWS]:
            text = reading.views[i].text
            phrase = _longest_prefix_in(run, text)
            if len(phrase) < MIN_NEGATED + 1 or not _has_content(phrase):
                continue
            if set(content_words(phrase)) <= reading.question.words:
                continue  # "对角化" in answers to "什么样的矩阵可以对角化？": the question's topic
            if _plainly_said(phrase, p[:at] + " " + p[at + lead + len(phrase) :]):
                continue  # "不安全状态不一定会死锁，但安全状态一定不会": the point says both
            where = text.find(phrase)
            start_a, end_a = _clause_of(text, where)
            before = text[start_a:where]  # "不像 ARM 要付授权费": a negation anywhere before
            if _NEGATIVE_POLARITY.search(before) or _CONDITIONAL.search(text[start_a:end_a]):
                continue
            if any(r.startswith(phrase) for r, _, _ in _negations_in(reading.whole.text)):
                continue  # the answer negates it too, elsewhere: it knows both cases
            if _polarity_elsewhere(reading, p, text, where, phrase, negated=False):
                continue  # the reference says it plainly too, of what this clause is about
            if _of_the_other(p[_clause_of(p, at)[0] : _clause_of(p, at)[1]], text[start_a:end_a]):
                continue  # "connected to the positive" against "not connected to the negative"
            window = reading.windows[i]
            return Contradiction(
                window.text[where : where + len(phrase)],
                point[at : at + lead + len(phrase)],
                Span(window.start + where, window.start + where + len(phrase)),
                "negation",
            )
    return None


# "X 跟 Y 没关系", "对 Y 没有影响", "has nothing to do with Y": the answer denies that the point's
# subject bears on Y, where the point says it does
_DENIED_RELATION = re.compile(
    r"(?:跟|和|与|对|同)([^，,。；;！？!?]{1,20}?)(?:其实|根本|也|都|并|完全|一点)?"
    r"(?:没有?|无|毫无)(?:什么|太大|多大|任何|啥)?(?:的)?(?:关系|影响|威胁|作用|帮助|关联|联系)"
    r"|(?:nothing to do with|unrelated to|no (?:effect|impact|influence|bearing) on)\s+"
    r"([^,.;!?]{1,40})"
)
_POINT_DENIES = re.compile(
    r"无关|没有?关系|不影响|没有?影响|不依赖|不相关|与[^，,。；;]{1,12}无|independent|unrelated|"
    r"no (?:effect|impact)|does not (?:depend|affect)|doesn't (?:depend|affect)"
)


def _denied_relation(point: str, reading: Reading, aligned: Sequence[int]) -> Contradiction | None:
    """The answer says the point's matter has nothing to do with something the point ties it
    to: "可解释性跟训练范式没什么关系" against "可解释性要按两种训练范式分别理解", "BN 对损失曲面
    没有影响" against "BN 让损失曲面更平滑". What it is denied of must be the point's own words
    (or, when it is the question's, the subject must be the point's too), the point's clause
    about it must not negate, and the point must not itself deny a relation."""
    p = point.lower()
    if _POINT_DENIES.search(p):
        return None
    said = set(content_words(p))
    own = said - reading.question.words
    for i in aligned[:NEGATION_WINDOWS]:
        text = reading.views[i].text
        for match in _DENIED_RELATION.finditer(text):
            start_a, end_a = _clause_of(text, match.start())
            if _CONDITIONAL.search(text[start_a:end_a]):
                continue
            what = set(content_words(match.group(1) or match.group(2) or ""))
            subject = set(content_words(text[start_a : match.start()]))
            # denied of the point's own words; or of the question's two things, both of
            # which the point ties ("LightGBM 和 GBDT 没什么关系")
            if not _share(what, own) and not (_share(what, said) and _share(subject, said)):
                continue
            if not any(
                _share(what, set(content_words(clause))) and not _NEGATIVE_POLARITY.search(clause)
                for clause in _CLAUSE_BREAK.split(p)
            ):
                continue  # the point's own clause about it negates too
            window = reading.windows[i]
            return Contradiction(  # "LLM 的可解释性跟训练范式没什么关系": from its clause start
                window.text[start_a : match.end()],
                point,
                Span(window.start + start_a, window.start + match.end()),
                "negation",
            )
    return None


@cache
def _comparatives() -> tuple[tuple[str, int, _Group], ...]:
    """The everyday words a comparison can end on ("比 UDP 快"), longest first, each with
    its alternative's index and its group."""
    found = [
        (spelling, index, group)
        for group in contrast_groups()
        if group.generic
        for index, alternative in enumerate(group.alternatives)
        for spelling in alternative
        if _CJK_RUN.match(spelling) and len(spelling) <= 3
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
    group: _Group
    start: int  # the clause's start
    end: int  # the end of the comparison's word


def _comparisons(text: str) -> list[_Comparison]:
    """Every "A 比 B 快" of a text (lower-cased), as the first content words of A and B."""
    found = []
    words = {spelling: (index, group) for spelling, index, group in _comparatives()}
    for match in _comparison_pattern().finditer(text):
        index, group = words[match.group(2)]
        start, end = _clause_of(text, match.start())
        if _CONDITIONAL.search(text[start:end]):
            continue
        if _NEGATED_BEFORE.search(match.group(1)):
            continue  # "比 B 更不 X" where 不 X is no word of the group
        more = content_words(text[start : match.start()])
        if not more and start > 0:  # "UDP 是面向连接的，比 TCP 更可靠": the subject carries over
            start = _clause_of(text, start - 1)[0]
            more = content_words(text[start : match.start()])
        less = content_words(match.group(1))
        if more and less and more[0] != less[0]:
            found.append(_Comparison(more[0], less[0], index, group, start, match.end()))
    return found


def _swapped_comparison(
    point: str, reading: Reading, aligned: Sequence[int]
) -> Contradiction | None:
    """The answer compares two things the other way round from the point: "非对称加密比
    对称加密快" against "对称加密速度快" or "对称加密比非对称加密快"; "UDP 比 TCP 可靠"
    against "TCP 比 UDP 可靠". A point that says the quality of one thing must say it of that
    one only (in the clause before its word)."""
    p = point.lower()
    point_comparisons = _comparisons(p)
    for i in aligned[:NEGATION_WINDOWS]:
        text = reading.views[i].text
        for said in _comparisons(text):
            expected = _compared_otherwise(p, point_comparisons, said)
            if expected is None:
                continue
            window = reading.windows[i]
            return Contradiction(
                window.text[said.start : said.end],
                point[expected[0] : expected[1]],
                Span(window.start + said.start, window.start + said.end),
                "term",
            )
    return None


def _reversed(point_clause: str, clause: str) -> bool:
    """Both clauses compare the same two things in the opposite order."""
    own, said = _comparisons(point_clause), _comparisons(clause)
    return bool(own and said and (own[0].more, own[0].less) == (said[0].less, said[0].more))


def _compared_otherwise(
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
                if not _plain_use(point, m.start(), spelling):
                    continue
                ps, _ = _clause_of(point, m.start())
                said_of = content_words(point[ps : m.start()])
                # the point says the word of what the answer ranks lower, or the opposite
                # word of what it ranks higher, and not of the other
                ranked, other = (
                    (said.less, said.more) if p_index == said.index else (said.more, said.less)
                )
                if ranked in said_of and other not in said_of:
                    return ps, m.start() + len(spelling)
    return None
