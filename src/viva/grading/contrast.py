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

How a text is read (sentences, clauses, named subjects, groups, numbers, comparisons) is in
reading.py; the polarity checks (negated phrase, dropped negation, denied relation) in
polarity.py; the term, pair, comparison and number checks and `find_contradiction` here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from viva.bank.segment import words
from viva.grading.exact import math_form, same_math
from viva.grading.models import Contradiction, Span
from viva.grading.polarity import (
    denied_relation,
    dropped_negation,
    negated_phrase,
)
from viva.grading.reading import (
    LATIN,
    NEGATED_BEFORE,
    NEGATION_WINDOWS,
    Group,
    Reading,
    View,
    clause_of,
    compared_otherwise,
    comparisons_in,
    contrast_groups,
    members_of,
    names_of,
    numbers_of,
    outermost,
    plain_use,
    positions_of,
    restates_other,
    same_subject,
    share_words,
    shared_count,
)
from viva.grading.text import Clause, content_words

# a window is about the point when their USE cosine reaches this, or they share a content word
ALIGNED = 0.45
_WRITTEN_NUMBER = re.compile(r"-?[0-9零一二两三四五六七八九十百千万亿.]+")


def find_contradiction(
    point: str, reading: Reading, similarity: Sequence[float]
) -> Contradiction | None:
    """The first way the answer contradicts the point (term, number, negation), or None.

    `similarity` holds the USE cosine of the point with each of the reading's windows.
    """
    if not reading.windows:
        return None
    p = View.of(point)
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
        or negated_phrase(point, reading, aligned)
        or dropped_negation(point, reading, aligned)
        or denied_relation(point, reading, aligned)
        or _swapped_comparison(point, reading, aligned)
        or _described_as_the_other(p, reading)
    )


def _swapped_term(
    point: str,
    p: View,
    reading: Reading,
    aligned: Sequence[int],
    similarity: Sequence[float],
) -> Contradiction | None:
    q, whole, windows, views = reading.question, reading.whole, reading.windows, reading.views
    everywhere = sorted(range(len(windows)), key=lambda i: -similarity[i])
    for group in contrast_groups():
        named = members_of(group, p.text, p.tokens)
        if len(named) >= 2:
            found = _swapped_pair(group, named, p, windows, views, aligned)
            found = found or _given_to_the_other(group, point, p, reading, aligned)
            if found is not None:
                return found
            continue
        if len(named) != 1:
            continue
        (expected_index, (expected, _)) = next(iter(named.items()))
        asked = members_of(group, q.text, q.tokens)  # the question's own terms are its subject
        # where the point says its word plainly: not "不相同", "更好地捕捉", "慢开始"
        stated_at = [
            m.start()
            for m in re.finditer(re.escape(expected), p.text)
            if plain_use(p.text, m.start(), expected)
        ]
        if group.generic and not stated_at:
            continue
        if _denied_in_point(p.text, expected):
            continue  # "not connected to the negative terminal": the other one is no error
        if expected_index in members_of(group, whole.text, whole.tokens, loose=True) and (
            not group.generic or _also_said(group, expected_index, p.text, stated_at, whole)
        ):
            continue  # the answer names the point's term (an everyday word: of the same thing)
        for i in aligned if group.generic else everywhere:
            in_window = members_of(group, views[i].text, views[i].tokens)
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


_SET_AGAINST_BEFORE = re.compile(
    r"(?:不像|不同于|不是|而不是|并非|区别于|unlike|rather than|instead of|not)\s*$"
)


_SET_AGAINST_AFTER = re.compile(r"^[^，,。；;]{0,8}?(?:不一样|不同|相反|相比|有区别|区别在)")
_COMPARED_WITH = re.compile(r"(?:跟|和|与|同|比)[^，,。；;]*$")


def _denied_in_point(point: str, spelling: str) -> bool:
    """Every time the point says `spelling`, its clause negates it before the word ("Terminals
    4, 5 and 6 are not connected to the negative battery terminal", "不是 ReLU")."""
    found = [m.start() for m in re.finditer(re.escape(spelling), point)]
    return bool(found) and all(
        _ENGLISH_NOT.search(point[clause_of(point, at)[0] : at])
        if LATIN.search(spelling)
        else NEGATED_BEFORE.search(point[max(0, at - 4) : at])
        for at in found
    )


_ENGLISH_NOT = re.compile(r"\b(?:not|never|no)\b|n't")


def _set_against(text: str, at: int, size: int) -> bool:
    """The answer names the term only to set it against another ("不像 ReLU", "跟 GPT 那种
    只有解码器的不一样", "rather than UDP")."""
    start, end = clause_of(text, at)
    if _SET_AGAINST_BEFORE.search(text[start:at]):
        return True
    compared = _COMPARED_WITH.search(text[start:at])
    return bool(compared and _SET_AGAINST_AFTER.search(text[at + size : end]))


def _same_statement(
    group: Group, point: str, p_at: int, window: str, w_at: int, w_size: int
) -> bool:
    """An everyday opposite counts only as a statement about what the point says it of: the
    answer's clause shares a word with the point's clause (besides the group's own words),
    says its word plainly, and does not swap the two sides of a comparison ("几何重数小于代数
    重数" is said as well by "代数重数大于几何重数")."""
    if not plain_use(window, w_at, window[w_at : w_at + w_size]):
        return False
    spellings = {s for alt in group.alternatives for s in alt} | _JOINING_WORDS
    ps, pe = clause_of(point, p_at)
    ws, we = clause_of(window, w_at)
    p_before = set(content_words(point[ps:p_at])) - spellings
    p_after = set(content_words(point[p_at:pe])) - spellings
    w_before = set(content_words(window[ws:w_at])) - spellings
    w_after = set(content_words(window[w_at + w_size : we])) - spellings
    if not share_words(p_before | p_after, w_before | w_after):
        return False  # "延迟低" against "带宽利用率较高": said of something else
    p_noun, w_noun = _noun_after(point, p_at), _noun_after(window, w_at)
    if p_noun and w_noun and not share_words({p_noun}, {w_noun}):
        return False  # "more vitamin C" against "fewer drops": said of something else
    if not same_subject(point[ps:pe], window[ws:we]):
        return False  # "动态规划的子问题是独立的" against "分治的子问题相互独立"
    said = [c for c in comparisons_in(window) if c.start <= w_at < c.end]
    if said:  # a comparison: opposite only if it ranks the two the other way round
        return compared_otherwise(point, comparisons_in(point[ps:pe]), said[0]) is not None
    return not (share_words(p_before, w_after) and share_words(p_after, w_before))


def _said_elsewhere(reference: str, point: str, window: str, at: int, spelling: str) -> bool:
    """The answer says `spelling` (at `at` in `window`) as the reference itself says it outside
    the point, of the same things: a reference that states both sides ("If the string is
    shorter, the pitch is higher. If it is longer, the pitch is lower.") is restated, not
    contradicted, by "the longer string has a lower pitch"."""
    tokens = frozenset(words(reference, keep_stopwords=True))
    return restates_other(
        reference,
        point,
        window,
        at,
        [f for f in positions_of(spelling, reference, tokens) if plain_use(reference, f, spelling)],
        {spelling},
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


def _also_said(group: Group, index: int, point: str, stated_at: Sequence[int], whole: View) -> bool:
    """The answer says the point's own everyday word of what the point says it of (so an
    opposite elsewhere is about something else): "取最大的特征值" does not say that the
    projected variance is the largest."""
    spellings = {s for alt in group.alternatives for s in alt}
    for spelling in group.alternatives[index]:
        for at in positions_of(spelling, whole.text, whole.tokens, loose=True):
            ws, we = clause_of(whole.text, at)
            if we - ws < 8 and ws > 0:  # "…随机访问，O(1)": a short clause goes with the one before
                ws = clause_of(whole.text, ws - 1)[0]
            said = set(content_words(whole.text[ws:we])) - spellings
            for p_at in stated_at:
                ps, pe = clause_of(point, p_at)
                if share_words(
                    set(content_words(point[ps:pe])) - spellings, said, 1
                ) and same_subject(point[ps:pe], whole.text[ws:we]):
                    return True
    return False


# a full stop ends an English clause too, but not inside "0.5" or "e.g."
_SUBJECT_BREAK = re.compile(r"[，,。；;！？!?\n]|\.(?=\s|$)")


def _subject_before(text: str, at: int, spellings: set[str]) -> str | None:
    """The name said last before offset `at` in its clause ("UDP 是面向连接的" -> udp)."""
    start = 0
    for match in _SUBJECT_BREAK.finditer(text, 0, at):
        start = match.end()
    best, subject = -1, None
    for name, offsets in outermost(names_of(text[start:at])).items():
        if name in spellings or any(name in s or s in name for s in spellings):
            continue
        if offsets[-1] > best:
            best, subject = offsets[-1], name
    return subject


def _given_to_the_other(
    group: Group, point: str, p: View, reading: Reading, aligned: Sequence[int]
) -> Contradiction | None:
    """The point gives each of two named things its own term of a group ("TCP 面向连接……；UDP
    无连接……") and the answer gives one of them the other's ("UDP 是面向连接的")."""
    spellings = {s for alt in group.alternatives for s in alt}
    owner: dict[str, int] = {}  # subject -> the index of its term in the point
    where: dict[str, tuple[int, int]] = {}  # subject -> its clause in the point
    for index, alternative in enumerate(group.alternatives):
        for spelling in alternative:
            for at in positions_of(spelling, p.text, p.tokens):
                if not plain_use(p.text, at, spelling):
                    continue
                subject = _subject_before(p.text, at, spellings)
                if subject is None:
                    continue
                if owner.setdefault(subject, index) != index:
                    return None  # one thing with both terms: no roles to swap
                where.setdefault(subject, clause_of(p.text, at))
    if len(set(owner.values())) < 2:
        return None
    for i in aligned[:NEGATION_WINDOWS]:
        view, window = reading.views[i], reading.windows[i]
        for index, (spelling, _) in members_of(group, view.text, view.tokens).items():
            for at in positions_of(spelling, view.text, view.tokens):
                if not plain_use(view.text, at, spelling) or _set_against(
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


def _described_as_the_other(p: View, reading: Reading) -> Contradiction | None:
    """The point says what one of two named things does ("后剪枝：先生成完整的树，再……"), and the
    answer says it of the other ("预剪枝是先把树完整地生成出来，然后再剪掉……；后剪枝则是在生长
    过程中提前停止"): the answer's sentence that describes the point best names the other term,
    and none naming the point's own term comes near it."""
    for group in contrast_groups():
        if group.generic:
            continue
        named = members_of(group, p.text, p.tokens)
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
            found = members_of(group, view.text, view.tokens)
            if len(found) == 1:
                ((index, (said, at)),) = found.items()
                overlap = shared_count(description, set(view.words))
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
    group: Group,
    named: dict[int, tuple[str, int]],
    p: View,
    windows: Sequence[Clause],
    views: Sequence[View],
    aligned: Sequence[int],
) -> Contradiction | None:
    """Two terms of a group the point pairs with their roles ("GPT 用解码器，BERT 用编码器",
    "公钥加密、私钥解密"), said in the answer with the roles the other way round: each term
    stands where the other stood, next to the same words."""
    spellings = {sp for alt in group.alternatives for sp in alt}
    for i in aligned:
        found = members_of(group, views[i].text, views[i].tokens)
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


def _wrong_number(point: str, reading: Reading, aligned: Sequence[int]) -> Contradiction | None:
    wanted = numbers_of(point)
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
    things (see `restates_other`)."""
    reference, offsets, start = reading.reference, [], 0
    while (found := _find_number(reference[start:], number, unit))[0] >= 0:
        offsets.append(start + found[0])
        start += found[0] + max(1, found[1])
    drop = {unit} | set(content_words(number))
    return restates_other(reference, point.lower(), window.lower(), at, offsets, drop)


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


def _clause_role(text: str, at: int, size: int, anchors: Sequence[str]) -> str:
    """The anchor word said after a name in its own clause ("GPT 擅长生成" -> 生成)."""
    _, end = clause_of(text, at)
    best, role = end + 1, ""
    for word in anchors:
        found = text.find(word, at + size, end)
        if 0 <= found < best:
            best, role = found, word
    return role


def _swapped_names(p: View, reading: Reading, aligned: Sequence[int]) -> Contradiction | None:
    """Two names the point gives different roles ("GPT 擅长生成，BERT 擅长分类";
    "prefix-tuning 每层都加参数，prompt-tuning 只在输入加"), said in one window of the answer
    with the roles the other way round. Each name must occur once in the point and in the
    window, and each role word once in each, so that "the other way round" is unambiguous."""
    point_names = {n: at for n, at in names_of(p.text).items() if len(at) == 1}
    point_names = outermost(point_names)
    if len(point_names) < 2:
        return None
    for i in aligned:
        view = reading.views[i]
        window_names = {n: at for n, at in names_of(view.text).items() if len(at) == 1}
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


def _swapped_comparison(
    point: str, reading: Reading, aligned: Sequence[int]
) -> Contradiction | None:
    """The answer compares two things the other way round from the point: "非对称加密比
    对称加密快" against "对称加密速度快" or "对称加密比非对称加密快"; "UDP 比 TCP 可靠"
    against "TCP 比 UDP 可靠". A point that says the quality of one thing must say it of that
    one only (in the clause before its word)."""
    p = point.lower()
    point_comparisons = comparisons_in(p)
    for i in aligned[:NEGATION_WINDOWS]:
        text = reading.views[i].text
        for said in comparisons_in(text):
            expected = compared_otherwise(p, point_comparisons, said)
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
