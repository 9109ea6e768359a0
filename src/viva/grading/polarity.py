"""Contradictions of polarity: the answer negates a phrase the point states plainly, states
plainly what the point negates, or denies a relation the point draws (see contrast.py for the
whole list of checks)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from viva.bank.segment import words
from viva.grading.models import Contradiction, Span
from viva.grading.reading import (
    CJK_RUN,
    CLAUSE_BREAK,
    CONDITIONAL,
    NEGATED_BEFORE,
    NEGATION_WINDOWS,
    Reading,
    clause_of,
    contrast_groups,
    members_of,
    restates_other,
    reversed_comparison,
    share_words,
)
from viva.grading.text import content_words

_NOT_NEGATIONS = frozenset(
    "不同 不断 不仅 不但 不管 不论 不少 不过 不错 不久 不如 不停 不时 不妨 不得不 不然 不光 "
    "无论 非常 未来 无数 不足 无限 非线性 无监督 非对称 非对称加密 非聚簇索引 不一定".split()
)


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


_RESTRICTIVE = re.compile(r"只|仅|\b(?:only|just|solely)\b")
_COMPLEMENTS = frozenset("好完够到对清全掉")
_BEFORE = frozenset(("之前", "以前", "前的", "之后", "以后"))
_CONTRASTED = re.compile(r"^[，,\s]*(?:而是|而|只|仅|只是|但|但是|而且|反而|rather|but|only)")
_LATIN_NEGATION = re.compile(
    r"\b(?:not|never|cannot|without)\s+(?:be\s+|been\s+|a\s+|an\s+|the\s+)?([a-z][a-z\-]{3,})"
    r"|\b[a-z]+n't\s+(?:be\s+|a\s+|an\s+|the\s+)?([a-z][a-z\-]{3,})"
)


MIN_NEGATED = 2


def negated_phrase(point: str, reading: Reading, aligned: Sequence[int]) -> Contradiction | None:
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
            start_p, end_p = clause_of(p, where)
            point_clause = p[start_p:end_p]
            start_a, end_a = clause_of(text, at)
            said_clause = text[start_a:end_a]
            if _NEGATIVE_POLARITY.search(point_clause) or CONDITIONAL.search(point_clause):
                continue  # the point's own clause negates, or only asks (是否编码了)
            identity = re.match(r"(?:并|根本)?不是|并非|not\b", text[at : at + size])
            if CONDITIONAL.search(said_clause) or (
                identity and _CONTRASTED.search(text[end_a : end_a + 12])
            ):
                continue  # "如果不是安全状态就…", "不是 A，而是 B": a condition or a contrast
            if reversed_comparison(point_clause, said_clause):
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
    if not CJK_RUN.search(run):
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
        if bool(NEGATED_BEFORE.search(before) or _NEGATIVE_POLARITY.search(before[-4:])) is negated:
            offsets.append(found)
        found = reference.find(phrase, found + 1)
    drop = set(content_words(phrase))
    return bool(offsets) and restates_other(reference, point, window, at, offsets, drop)


def _of_the_other(point_clause: str, clause: str) -> bool:
    """The answer's clause says its phrase of the other member of a pair the point's clause
    names ("connected to the positive terminal" where the point says "not connected to the
    negative battery terminal"): no denial of the point's statement."""
    p_tokens = frozenset(words(point_clause, keep_stopwords=True))
    c_tokens = frozenset(words(clause, keep_stopwords=True))
    for group in contrast_groups():
        named = members_of(group, point_clause, p_tokens)
        if len(named) != 1:
            continue
        said = members_of(group, clause, c_tokens)
        if said and not set(said) & set(named):
            return True
    return False


def _has_content(phrase: str) -> bool:
    return bool(content_words(phrase))


def dropped_negation(point: str, reading: Reading, aligned: Sequence[int]) -> Contradiction | None:
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
            start_a, end_a = clause_of(text, where)
            before = text[start_a:where]  # "不像 ARM 要付授权费": a negation anywhere before
            if _NEGATIVE_POLARITY.search(before) or CONDITIONAL.search(text[start_a:end_a]):
                continue
            if any(r.startswith(phrase) for r, _, _ in _negations_in(reading.whole.text)):
                continue  # the answer negates it too, elsewhere: it knows both cases
            if _polarity_elsewhere(reading, p, text, where, phrase, negated=False):
                continue  # the reference says it plainly too, of what this clause is about
            if _of_the_other(p[clause_of(p, at)[0] : clause_of(p, at)[1]], text[start_a:end_a]):
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


def denied_relation(point: str, reading: Reading, aligned: Sequence[int]) -> Contradiction | None:
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
            start_a, end_a = clause_of(text, match.start())
            if CONDITIONAL.search(text[start_a:end_a]):
                continue
            what = set(content_words(match.group(1) or match.group(2) or ""))
            subject = set(content_words(text[start_a : match.start()]))
            # denied of the point's own words; or of the question's two things, both of
            # which the point ties ("LightGBM 和 GBDT 没什么关系")
            if not share_words(what, own) and not (
                share_words(what, said) and share_words(subject, said)
            ):
                continue
            if not any(
                share_words(what, set(content_words(clause)))
                and not _NEGATIVE_POLARITY.search(clause)
                for clause in CLAUSE_BREAK.split(p)
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
