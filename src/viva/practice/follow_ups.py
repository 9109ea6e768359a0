"""Follow-up questions a panel would ask, built from the question's material — never by reciting
the reference's answer.

No language model ships offline (see DESIGN.md), so a follow-up is a template filled with what
the bank's structure and simple language processing give: the missed point's *topic* (the
author's bold lead "位置编码：…", else a noun phrase of the point found by rjieba's tagger), the
two terms a comparison question names, the student's own words (only a span the grade found as
evidence), or the wording of a contradiction. The rules, each pinned by a test:

- never reveal the missing answer: only a topic is named, and not when it is the whole point;
- never claim the student said what they did not: a quote is a span of the answer;
- never show link, embed, formula or HTML source, never cut a word or a formula;
- never probe a point the answer already covered (its topic in the answer counts as covered);
- no template twice in one interview (`used`): Chinese and English each have enough of them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache

from viva.grading.models import Contradiction, Coverage, Flag, Grade, KeyPointResult

# --- the templates ----------------------------------------------------------------------
# kind -> (id, template). Ids are stable: an interview stores the ids it used.
_ZH: dict[str, tuple[tuple[str, str], ...]] = {
    "topic": (
        ("zh.topic.1", "能具体讲讲{topic}吗？"),
        ("zh.topic.2", "关于{topic}，你是怎么理解的？"),
        ("zh.topic.3", "{topic}方面，你能补充一些吗？"),
        ("zh.topic.4", "那{topic}呢？你怎么看？"),
        ("zh.topic.5", "我们聊聊{topic}：你对它了解多少？"),
        ("zh.topic.6", "刚才的回答没有谈到{topic}，能补充一下吗？"),
        ("zh.topic.7", "你能谈谈{topic}吗？"),
    ),
    "how": (
        ("zh.how.1", "{topic}具体是怎么做的？"),
        ("zh.how.2", "{topic}是怎么起作用的？能讲讲原理吗？"),
        ("zh.how.3", "能说说{topic}的具体过程吗？"),
    ),
    "why": (
        ("zh.why.1", "为什么需要{topic}？"),
        ("zh.why.2", "{topic}解决的是什么问题？"),
        ("zh.why.3", "为什么要引入{topic}？"),
    ),
    "example": (
        ("zh.example.1", "能结合一个具体例子说说{topic}吗？"),
        ("zh.example.2", "能举个例子说明{topic}吗？"),
    ),
    "compare": (
        ("zh.compare.1", "在{aspect}上，{a}和{b}有什么不同？"),
        ("zh.compare.2", "{a}和{b}在{aspect}方面各是怎样的？"),
        ("zh.compare.3", "能从{aspect}的角度比较一下{a}和{b}吗？"),
    ),
    "aspect": (
        ("zh.aspect.1", "在{aspect}方面，你能再补充一下吗？"),
        ("zh.aspect.2", "从{aspect}的角度看，你会怎么回答这个问题？"),
    ),
    "expand": (
        ("zh.expand.1", "你提到“{said}”，能再展开讲讲吗？"),
        ("zh.expand.2", "你刚才说“{said}”，能说得更具体一些吗？"),
        ("zh.expand.3", "关于你说的“{said}”，能再详细解释一下吗？"),
    ),
    "more": (
        ("zh.more.1", "除了你刚才说的，还有其他方面吗？"),
        ("zh.more.2", "还有吗？再想想还有哪些要点。"),
        ("zh.more.3", "你说的这些之外，还有别的值得一提的吗？"),
    ),
    "retry": (
        ("zh.retry.1", "这个问题能换个角度再回答一次吗？比如先说结论，再说理由。"),
        ("zh.retry.2", "不着急，可以先说说你知道的部分。"),
        ("zh.retry.3", "能说说你目前的思路吗？不完整也没关系。"),
    ),
    "detail": (
        ("zh.detail.1", "能举一个具体的例子吗？"),
        ("zh.detail.2", "能再说得具体一些吗？"),
        ("zh.detail.3", "能结合你自己的经历说说吗？"),
        ("zh.detail.4", "这一点能再展开讲讲吗？"),
    ),
    "refocus": (
        ("zh.refocus.1", "你的回答好像离题了。我们回到刚才的问题，能直接回答一下吗？"),
        ("zh.refocus.2", "这和问题关系不大。能围绕问题本身再回答一次吗？"),
        ("zh.refocus.3", "我们先回到问题本身：你能直接回答刚才的问题吗？"),
    ),
    "deeper": (
        ("zh.deeper.1", "好，我们接着问下一个问题：{prompt}"),
        ("zh.deeper.2", "回答得不错。下一个问题：{prompt}"),
        ("zh.deeper.3", "好的，我们再看一个问题：{prompt}"),
    ),
    "linked": (
        ("zh.linked.1", "说到这里，再问一个相关的问题：{prompt}"),
        ("zh.linked.2", "和这个相关的还有一个问题：{prompt}"),
    ),
}
_EN: dict[str, tuple[tuple[str, str], ...]] = {
    "topic": (
        ("en.topic.1", "Could you tell me more about {topic}?"),
        ("en.topic.2", "How do you understand {topic}?"),
        ("en.topic.3", "What about {topic}? How does it fit in?"),
        ("en.topic.4", "Let's talk about {topic}: what do you know about it?"),
        ("en.topic.5", "You did not touch on {topic}. Could you add something about it?"),
        ("en.topic.6", "If you had to add a word on {topic}, what would you say?"),
        ("en.topic.7", "Where does {topic} come in here?"),
    ),
    "how": (
        ("en.how.1", "How does {topic} work in practice?"),
        ("en.how.2", "Could you walk me through how {topic} is done?"),
        ("en.how.3", "What is the mechanism behind {topic}?"),
    ),
    "why": (
        ("en.why.1", "Why is {topic} needed?"),
        ("en.why.2", "What problem does {topic} solve?"),
        ("en.why.3", "Why does {topic} matter here?"),
    ),
    "example": (
        ("en.example.1", "Can you give me a concrete example of {topic}?"),
        ("en.example.2", "Could you illustrate {topic} with an example?"),
    ),
    "compare": (
        ("en.compare.1", "How do {a} and {b} differ in {aspect}?"),
        ("en.compare.2", "When it comes to {aspect}, how do {a} and {b} compare?"),
        ("en.compare.3", "Could you compare {a} and {b} in terms of {aspect}?"),
    ),
    "aspect": (
        ("en.aspect.1", "What would you add about {aspect}?"),
        ("en.aspect.2", "How would you answer this from the point of view of {aspect}?"),
    ),
    "expand": (
        ("en.expand.1", "You mentioned “{said}”. Could you expand on that?"),
        ("en.expand.2", "You said “{said}”. Could you be more specific?"),
        ("en.expand.3", "About “{said}”: could you explain that in more detail?"),
    ),
    "more": (
        ("en.more.1", "Besides what you said, is there anything else?"),
        ("en.more.2", "Anything more? Think about what else belongs in the answer."),
        ("en.more.3", "Is there another point you would add?"),
    ),
    "retry": (
        (
            "en.retry.1",
            "Could you try that again from another angle? Say the conclusion first, "
            "then the reasons.",
        ),
        ("en.retry.2", "Take your time: start with the part you do know."),
        ("en.retry.3", "What is your thinking so far? It does not have to be complete."),
    ),
    "detail": (
        ("en.detail.1", "Can you give me a concrete example?"),
        ("en.detail.2", "Could you be a bit more specific?"),
        ("en.detail.3", "Could you tie that to your own experience?"),
        ("en.detail.4", "Could you say more about that?"),
    ),
    "refocus": (
        ("en.refocus.1", "That seems a little off the question. Could you answer it directly?"),
        ("en.refocus.2", "Let's come back to the question itself. How would you answer it?"),
        ("en.refocus.3", "I think we drifted. Could you go back to what I asked?"),
    ),
    "deeper": (
        ("en.deeper.1", "Good. Another question in the same area: {prompt}"),
        ("en.deeper.2", "Well answered. Next: {prompt}"),
        ("en.deeper.3", "All right, one more: {prompt}"),
    ),
    "linked": (
        ("en.linked.1", "On a related note: {prompt}"),
        ("en.linked.2", "A related question: {prompt}"),
    ),
}
# a contradicted point is challenged, not corrected: the student gets a chance to fix it
_CHALLENGE_ZH = {
    "term": (
        ("zh.challenge.term.1", "你刚才说的是“{said}”，确定吗？再想想这里应该是什么。"),
        ("zh.challenge.term.2", "“{said}”——你确定是这个吗？"),
    ),
    "number": (
        ("zh.challenge.number.1", "你刚才说是“{said}”，再算一下，这个数对吗？"),
        ("zh.challenge.number.2", "“{said}”这个数，你有把握吗？"),
    ),
    "negation": (
        ("zh.challenge.negation.1", "你刚才说“{said}”，再想想，真的是这样吗？"),
        ("zh.challenge.negation.2", "“{said}”——这个说法你确定吗？"),
    ),
    "verdict": (
        ("zh.challenge.verdict.1", "你的判断是“{said}”，再想想，理由站得住吗？"),
        ("zh.challenge.verdict.2", "你认为“{said}”，能说说依据吗？"),
    ),
}
_CHALLENGE_EN = {
    "term": (
        (
            "en.challenge.term.1",
            "You said “{said}” — are you sure? Think again about what belongs there.",
        ),
        ("en.challenge.term.2", "“{said}” — is that really the one?"),
    ),
    "number": (
        ("en.challenge.number.1", "You said “{said}” — could you check that number again?"),
        ("en.challenge.number.2", "Are you confident about “{said}”?"),
    ),
    "negation": (
        ("en.challenge.negation.1", "You said “{said}” — are you sure that holds?"),
        ("en.challenge.negation.2", "“{said}” — would you stand by that?"),
    ),
    "verdict": (
        (
            "en.challenge.verdict.1",
            "Your verdict was “{said}” — are you sure? Walk me through why.",
        ),
        ("en.challenge.verdict.2", "You concluded “{said}”. What is your reasoning?"),
    ),
}


def templates(lang: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """Every template of a language by kind (challenges under "challenge")."""
    pool = dict(_EN if lang == "en" else _ZH)
    challenges = _CHALLENGE_EN if lang == "en" else _CHALLENGE_ZH
    pool["challenge"] = tuple(t for group in challenges.values() for t in group)
    return pool


@dataclass(frozen=True, slots=True)
class Probe:
    """A follow-up: what the panel says, what kind of question it is, the template it used and
    the key point it is graded against (None: graded against the whole question)."""

    prompt: str
    kind: str
    template: str
    point: KeyPointResult | None = None


# --- cleaning and cutting text ----------------------------------------------------------
_MARKUP = re.compile(r"\[\[|\]\]|!\[|\$|<|>|\\|==|\*\*|`|\|")
_CJK = re.compile(r"[\u3400-\u9fff]")
_PUNCT_SPLIT = re.compile(r"[，,。；;！!？?、：:\n（）()]")
# clause ends: a list joined by 、 is part of its clause
_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?：:\n（）()]")


def has_markup(text: str) -> bool:
    """True when text holds link, embed, formula, emphasis or HTML source."""
    return bool(_MARKUP.search(text))


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def _width(text: str) -> int:
    """Length as a reader feels it: a CJK character 1, a Latin word 2."""
    cjk = len(_CJK.findall(text))
    latin = len(re.findall(r"[A-Za-z0-9][A-Za-z0-9+#.\-]*", text))
    return cjk + 2 * latin


def _words(text: str) -> list[str]:
    """Words in order with the spaces between them kept (so they join back exactly)."""
    from viva.bank.segment import _jieba

    out: list[str] = []
    for piece in re.split(r"(\s+)", text):
        if not piece:
            continue
        if piece.isspace():
            out.append(piece)
        elif _CJK.search(piece):
            out.extend(_jieba().cut(piece, True))  # type: ignore[attr-defined]
        else:
            out.append(piece)
    return out


def balanced(text: str) -> str:
    """Text without a bracket left open or closed at its ends ("矩阵）通常…" -> "通常…")."""
    text = text.strip()
    for opening, closing in (("（", "）"), ("(", ")"), ("“", "”"), ("[", "]")):
        depth = 0
        for index, char in enumerate(text):
            if char == opening:
                depth += 1
            elif char == closing:
                if depth == 0:  # closed but never opened here: drop what comes before
                    return balanced(text[index + 1 :])
                depth -= 1
        if depth > 0:  # opened but not closed: drop from the last opening on
            return balanced(text[: text.rfind(opening)])
    return text.strip(" ，,、；;：:")


def clip_words(text: str, limit: int) -> str:
    """At most `limit` (see `_width`), cut only between words; "…" marks a cut."""
    text = text.strip()
    if _width(text) <= limit:
        return text
    kept = ""
    for word in _words(text):
        if _width(kept + word) > limit:
            break
        kept += word
    kept = kept.rstrip(" ，,、；;：:的和与及或")
    return kept + "…" if kept else ""


_LEADING = re.compile(r"^(?:包括|和|以及|并且|但是|而且|而|所以|因此|例如|比如|如|即|也|还|并|是)")


def quote_of(evidence: str, keywords: Sequence[str], limit: int = 22) -> str | None:
    """The part of an answer span worth quoting: its clause with the most of the point's
    keywords, whole when one fits (a list joined by 、 stays in its clause), else cut between
    words. None when the span holds markup (a formula, a link)."""
    if has_markup(evidence):
        return None
    clauses = [c.strip() for c in _CLAUSE_SPLIT.split(evidence) if c.strip()]
    if not clauses:
        return None
    wanted = [k.casefold() for k in keywords]

    def hits(clause: str) -> int:
        return sum(k in clause.casefold() for k in wanted)

    whole = [c for c in clauses if _width(c) <= limit]
    best = max(whole or clauses, key=lambda c: (hits(c), -abs(len(c) - 12)))
    if whole and hits(best) < max(hits(c) for c in clauses):
        best = max(clauses, key=lambda c: (hits(c), -abs(len(c) - 12)))
    best = _LEADING.sub("", balanced(best)).strip()
    quoted = clip_words(best, limit)
    return quoted if _width(quoted.rstrip("…")) >= 8 else None  # a statement, not a fragment


def _clause_around(text: str, start: int, end: int) -> str:
    """The clause of `text` that holds [start, end)."""
    before = [m.end() for m in _CLAUSE_SPLIT.finditer(text, 0, start)]
    after = _CLAUSE_SPLIT.search(text, end)
    return text[before[-1] if before else 0 : after.start() if after else len(text)].strip()


# --- topics -------------------------------------------------------------------------------
# a lead that names an aspect, not a concept: asked as "在开销方面…", or to compare two terms
_ASPECTS = frozenset(
    "场景 适用场景 应用场景 开销 可靠性 速度 效率 性能 复杂度 时间复杂度 空间复杂度 目的 原因 "
    "定义 方法 方式 优点 缺点 优势 劣势 特点 作用 实现 实现方式 过程 流程 结论 区别 联系 关系 "
    "本质 原理 思路 核心 代价 连接 顺序 结构 安全性 稳定性 扩展性 适用性 功能 用途 局限 局限性 "
    "scenario scenarios cost overhead reliability speed efficiency performance complexity "
    "key points key point example examples note notes tip tips "
    "purpose reason definition method advantages disadvantages features use uses "
    "structure ordering safety".split()
)
# nouns too general to be a topic on their own
_VAGUE = frozenset(
    "模型 方法 信息 能力 数据 问题 过程 任务 结果 方式 部分 元素 时候 情况 方面 内容 东西 "
    "技术 领域 系统 作用 目标 基础 情况下 程度 特征 效果 价值 意义 一种 这种 那种 我们 "
    "关键内容 关键信息 关键 关键问题 关键技术 因素 方向 老师 导师 同学 学校 时间 大量时间 全局 "
    "局部 网络 任务数据集 "
    "model method information ability data problem process task result way part thing".split()
)
_VAGUE_PART = re.compile(r"广义|狭义|其他|其它|一些|相关|以下|如下|总结|注意")
# "位置编码的目的": a topic, but "为什么需要位置编码的目的" is not a question
_ASPECT_END = re.compile(r"(?:目的|原因|作用|方式|意义|优势|特点|区别|能力|过程)$")
_TRAILING = re.compile(r"(?:详述|详解|说明|介绍|简介|概述|分析|解释)$")
_LEAD = re.compile(
    r"^\s*(?:\d{1,2}[.)、]\s*|[-*•]\s*)?(?P<lead>[^：:。，,；;！？!?\n]{1,24}?)\s*[：:]"
)
_NOUN_TAGS = frozenset(("n", "nz", "nt", "ns", "nr", "eng", "j"))
_PERSON = re.compile(r"[我你您他她]")
_NOT_TOPIC = frozenset("时 时候 中 上 下 里 前 后 之间 方面 一方面".split())
_EN_STOP = frozenset(
    "a an the of to in on for and or is are was were be been by with as at from that this "
    "these those it its into than then so such what how why which who do does did can could "
    "you your we our they their i my also more most much many very only just not no but if "
    "when where while there here use uses used using get gets make makes made let lets keep "
    "keeps give gives take takes like about each every one two both all any some other "
    "comes come should would will may might must means mean computes compute adjusts adjust "
    "picks pick learns learn learned doesn don't isn't aren't has have had being become "
    "becomes say says said show shows help helps allow allows need needs called".split()
)


# a topic that is a means to an end (a mechanism, a method): "how" and "why" questions fit it
_MECHANISM = re.compile(
    r"(?:机制|编码|算法|方法|归一化|注意力|控制|协议|策略|技术|正则化|采样|剪枝|初始化|"
    r"蒸馏|量化|微调|缓存|连接|传播|下降|调度|置换|分页|索引|加密|哈希|池化|卷积|嵌入|"
    r"mechanism|method|algorithm|encoding|normali[sz]ation|regulari[sz]ation|attention|"
    r"dropout|sampling|caching|tuning|descent|propagation)$",
    re.IGNORECASE,
)
_LATIN_EDGE = re.compile(r"[A-Za-z0-9)]")


def _fill(template: str, **values: str) -> str:
    """Fill a template, with a space between a Latin word and Chinese next to it ("SJF 的")."""
    text = template
    for key, value in values.items():
        slot = "{" + key + "}"
        at = text.find(slot)
        if at < 0:
            continue
        before, after = text[:at], text[at + len(slot) :]
        left = " " if before and _CJK.match(before[-1]) and _LATIN_EDGE.match(value[:1]) else ""
        right = " " if after and _CJK.match(after[0]) and _LATIN_EDGE.match(value[-1:]) else ""
        text = before + left + value + right + after
    return text


@dataclass(frozen=True, slots=True)
class Topic:
    """What a key point is about, in a few words."""

    text: str
    is_aspect: bool = False  # a generic aspect ("开销"), not a concept
    is_term: bool = False  # a technical term: how / why / example questions read naturally


@cache
def _domain_words() -> frozenset[str]:
    from viva.bank.segment import domain_words

    return frozenset(w.casefold() for w in domain_words())


def _lead_of(point: KeyPointResult) -> str | None:
    """The author's lead of the point's line ("位置编码的实现方式：…" -> "位置编码的实现方式")."""
    head = point.text[:12]
    lines = [ln for ln in point.context.split("\n") if head and head in ln] or [point.text]
    for line in (*lines, point.text):
        found = _LEAD.match(line)
        if found is None:
            continue
        lead = re.sub(r"[（(][^）)]*[）)]", "", found.group("lead")).strip(" *_")
        lead = _TRAILING.sub("", lead).strip()
        if lead and not has_markup(lead) and 1 <= _width(lead) <= 12 and _is_phrase(lead):
            return lead
    return None


def _is_phrase(lead: str) -> bool:
    """A lead that names something ("位置编码的实现方式"), not a clause ("这种范式专注两个…")."""
    if _PERSON.search(lead):
        return False
    if not _CJK.search(lead):
        return len(lead.split()) <= 5
    from viva.bank.segment import _jieba

    tags = [tag for _, tag in _jieba().tag(lead)]  # type: ignore[attr-defined]
    if len(tags) > 1 and tags[-1] == "a":
        return False  # "损失不同", "目标不同": a thing and what is said of it, a clause
    return not any(tag in ("r", "p", "d", "m", "ul", "uv", "v") for tag in tags)


def _is_term(text: str) -> bool:
    folded = text.casefold()
    if _CJK.search(text) is None and " " not in text.strip():
        # one English word: a term when it looks like one (TCP, L2, k-means, softmax is in
        # the dictionary), not "starting" or "learned"
        return bool(re.fullmatch(r"[A-Z0-9][A-Z0-9+#.\-]+|\w*\d\w*|\w+-\w+", text)) or (
            folded in _domain_words()
        )
    if re.search(r"[A-Za-z]{2,}|[A-Za-z]\d", text) and _CJK.search(text) is None:
        return folded not in _ASPECTS and folded not in _VAGUE
    return any(w in folded for w in _domain_words()) or bool(re.search(r"[A-Za-z]{2,}", text))


def _zh_chunks(text: str) -> list[str]:
    """Noun phrases of a Chinese (or mixed) clause: runs of nouns, domain terms and Latin
    terms (a space inside "Encoder 层" joins)."""
    from viva.bank.segment import _jieba

    jieba = _jieba()
    domain = _domain_words()
    chunks: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            chunks.append("".join(current).strip())
            current.clear()

    for word, tag in jieba.tag(text):  # type: ignore[attr-defined]
        folded = word.casefold()
        if folded in domain or tag == "":
            is_noun = True  # a domain word the dictionary added
        elif tag in ("a", "b") and len(word) == 1 and not current:
            is_noun = True  # "高" of 高维空间: kept only if a noun follows (see below)
        elif word == " ":
            is_noun = bool(current)
        elif _PERSON.search(word) or word in _NOT_TOPIC:
            is_noun = False
        else:
            is_noun = tag in _NOUN_TAGS
        if is_noun:
            current.append(word)
        else:
            close()
    close()
    # a one-character modifier with no noun after it is not a phrase
    chunks = [c for c in chunks if len(c) > 1]
    cleaned = [re.sub(r"(?:上|中|里|时|下)$", "", c).strip() for c in chunks]
    return [c for c in cleaned if c and not _FILLER_PART.search(c)]


def _en_chunks(text: str) -> list[str]:
    """Runs of content words of an English clause (at most four words)."""
    chunks: list[str] = []
    for clause in _PUNCT_SPLIT.split(text):
        run: list[str] = []
        for word in re.findall(r"[A-Za-z][A-Za-z0-9+#.\-]*|\d+", clause):
            if word.casefold() in _EN_STOP or word.endswith("ly"):
                if run:
                    chunks.append(" ".join(run[:4]))
                run = []
            else:
                run.append(word)
        if run:
            chunks.append(" ".join(run[:4]))
    return chunks


_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")
_FILLER_PART = re.compile(r"大量|一些|所有|每个|任意|各种|很多|不同|二者|两者|前者|后者")


def _score(chunk: str, question: str, position: int) -> float:
    folded = chunk.casefold()
    if folded in _VAGUE or len(folded) < 2:
        return -1.0
    score = min(_width(chunk), 8) / 2 - 0.75 * position  # the subject comes first
    term = _is_term(chunk)
    if term:
        score += 3
    elif _width(chunk) < 4:
        return -1.0  # "报文", "上下文", "复杂性": too bare to ask about
    if not _CJK.search(chunk):
        return -1.0  # "TCP", "TLS", "GLUE": a protocol or benchmark the point mentions, too
        # broad or too incidental to ask about (an author's lead may still name one)
    if _NAME.fullmatch(chunk) and folded not in question.casefold():
        score -= 4  # "Vapnik", "Anthropic": a name, not a topic
    if folded in _normal(question):
        return -1.0  # the question's own subject: asking about it asks the question again
    return score


def topic_of(point: KeyPointResult, question: str) -> Topic | None:
    """The topic of a key point: its lead, else its best noun phrase; None when none reads
    as a topic (a bare formula, a clause of verbs)."""
    lead = _lead_of(point)
    if lead is not None:
        folded = lead.casefold()
        if folded in _ASPECTS:
            if compared(question) is not None:  # "在开销上，TCP 和 UDP 有什么不同？"
                return Topic(lead, is_aspect=True)
        elif (
            folded not in _VAGUE
            and not _VAGUE_PART.search(lead)
            and (_width(lead) >= 3 or _is_term(lead))  # "协商：…" is too bare a topic
        ):
            return Topic(lead, is_term=_is_term(lead) and not _ASPECT_END.search(lead))
    text = point.context if point.text.endswith("…") and point.context else point.text
    if has_markup(text):
        text = re.sub(r"\$[^$]*\$|\[\[[^\]]*\]\]|!\[[^\]]*\]\([^)]*\)|<[^>]*>", " ", text)
    # the subject of the point's first clause: what the point is about, not an example in it
    first = re.split(r"[，,。；;：:！!？?]", text, maxsplit=1)[0]
    chunks = (_zh_chunks(first) if _CJK.search(first) else _en_chunks(first))[:2]
    scored = [(c, _score(c, question, i)) for i, c in enumerate(chunks) if 2 <= _width(c) <= 14]
    scored = [(c, s) for c, s in scored if s > 0 and not has_markup(c)]
    if not scored:
        return None
    best = max(scored, key=lambda cs: cs[1])[0]
    return Topic(best, is_term=_is_term(best))


def reveals(topic: Topic, point: KeyPointResult, question: str) -> bool:
    """True when naming the topic would say the point itself (the reference is "QKV", the
    point is one term): nothing of the point would be left to ask about."""
    from viva.grading.text import content_words

    rest = set(content_words(point.text)) - set(content_words(topic.text))
    rest -= set(content_words(question))
    return len(rest) < 2


def is_said(topic: Topic, answer: str) -> bool:
    """True when the answer already talks about the topic (so it is not probed)."""
    from viva.grading.text import content_words

    if _normal(topic.text) in _normal(answer):
        return True
    words = set(content_words(topic.text))
    said = set(content_words(answer))
    return bool(words) and len(words & said) / len(words) >= 0.6


# comparison questions: "TCP 和 UDP 有什么区别", "What is the difference between A and B"
_COMPARE_ZH = re.compile(
    r"(?P<a>[A-Za-z0-9\u4e00-\u9fff+#.\-]{1,12}?)\s*(?:和|与|跟|同)\s*"
    r"(?P<b>[A-Za-z0-9\u4e00-\u9fff+#.\-]{1,12}?)\s*(?:有什么|有何|的)?(?:区别|不同|差异|异同)"
)
_COMPARE_EN = re.compile(
    r"difference between (?P<a>[\w+#.\- ]{1,30}?) and (?P<b>[\w+#.\- ]{1,30}?)[?,.]|"
    r"(?P<c>[\w+#.\-]{1,20}) (?:and|vs\.?|versus) (?P<d>[\w+#.\-]{1,20}) differ",
    re.IGNORECASE,
)


def compared(question: str) -> tuple[str, str] | None:
    """The two things a comparison question sets against each other."""
    found = _COMPARE_ZH.search(question)
    if found:
        return found.group("a"), found.group("b")
    found = _COMPARE_EN.search(question)
    if found:
        a, b = found.group("a") or found.group("c"), found.group("b") or found.group("d")
        return a.strip(), b.strip()
    return None


# questions about the student themself: the reference is someone else's story, so its topics
# are not the student's; the panel asks for details and examples of what the student said
_PERSONAL = re.compile(
    r"你的|你在|你为什么|你最|你是|你有什么|你打算|你做|你遇到|你对导师|介绍一下你|自我介绍|"
    r"您的|您在|报考|读研|你会|如果让你|你自己|"
    r"\byour\b|\byourself\b|\byou (?:have|did|do|like|handle|choose)",
    re.IGNORECASE,
)
_TECHNICAL = re.compile(r"理解|看法|什么是|原理|区别|explain|what is|difference", re.IGNORECASE)


def is_personal(question: str) -> bool:
    """A question about the student's own life, work or plans ("你的毕业设计…")."""
    return bool(_PERSONAL.search(question)) and not _TECHNICAL.search(question)


# --- choosing the follow-up ---------------------------------------------------------------
def _pick(
    lang: str,
    kinds: Sequence[str],
    used: Collection[str],
    rng: random.Random,
    fill: Callable[[str], str],
) -> tuple[str, str, str] | None:
    """A template of these kinds not used yet in the interview, at random:
    (prompt, kind, template id)."""
    pool = templates(lang)
    options = [(kind, tid, text) for kind in kinds for tid, text in pool[kind] if tid not in used]
    if not options:
        return None
    kind, tid, text = rng.choice(options)
    return fill(text), kind, tid


def challenge(
    lang: str, contradiction: Contradiction, used: Collection[str], answer: str = ""
) -> Probe | None:
    """Question what the answer got wrong, quoting what it said (never the right answer): a
    short span ("不能尝试") is quoted with the rest of its clause ("不能尝试 LSTM 来预测…")."""
    said = contradiction.said
    if contradiction.kind == "negation" and answer and _width(said) < 6:
        clause = _clause_around(answer, contradiction.span.start, contradiction.span.end)
        said = _LEADING.sub("", clause).strip() or said
    said = clip_words(balanced(said), 24)
    if not said or has_markup(said):
        return None
    if contradiction.kind == "number" and not re.search(
        r"\d|[零一二三四五六七八九十百千万]{2,}", said
    ):
        return None  # "一个" is a word, not a figure to check
    groups = _CHALLENGE_EN if lang == "en" else _CHALLENGE_ZH
    group = groups.get(contradiction.kind, groups["negation"])
    free = [(tid, text) for tid, text in group if tid not in used]
    if not free:
        return None
    tid, text = free[0]
    return Probe(text.format(said=said), "challenge", tid)


def probe_point(
    point: KeyPointResult,
    *,
    question: str,
    answer: str,
    reference: str = "",
    grade: Grade,
    lang: str,
    used: Collection[str],
    rng: random.Random,
) -> Probe | None:
    """A follow-up about one key point the answer missed, said in part, or got wrong."""
    if point.coverage is Coverage.COVERED:
        return None  # never probe what was said
    if point.coverage is Coverage.CONTRADICTED and point.contradiction is not None:
        wrong = _normal(point.contradiction.said)
        # a figure is checked against its own sentence: "3" is elsewhere in many references
        scope = point.context if point.contradiction.kind == "number" else reference
        if wrong and wrong in _normal(scope or point.context):
            return None  # the reference says the same: not a mistake to challenge
        found = challenge(lang, point.contradiction, used, answer)
        return None if found is None else Probe(found.prompt, found.kind, found.template, point)
    if point.coverage is Coverage.PARTLY and point.evidence is not None:
        said = quote_of(answer[point.evidence.start : point.evidence.end], point.keywords)
        if said:
            picked = _pick(lang, ("expand",), used, rng, lambda t: _fill(t, said=said))
            if picked:
                return Probe(*picked, point)
    if is_personal(question):
        picked = _pick(lang, ("detail",), used, rng, lambda t: t)
        return None if picked is None else Probe(*picked, point)
    topic = topic_of(point, question)
    if topic is None or reveals(topic, point, question) or is_said(topic, answer):
        return _fallback(
            point, question=question, answer=answer, grade=grade, lang=lang, used=used, rng=rng
        )
    pair = compared(question)
    if topic.is_aspect:
        if pair is not None:
            a, b = pair
            picked = _pick(
                lang,
                ("compare",),
                used,
                rng,
                lambda t: _fill(t, aspect=topic.text, a=a, b=b),
            )
        else:
            picked = _pick(lang, ("aspect",), used, rng, lambda t: _fill(t, aspect=topic.text))
    else:
        if topic.is_term and _MECHANISM.search(topic.text):
            kinds: tuple[str, ...] = ("topic", "how", "why", "example")
        elif topic.is_term:
            kinds = ("topic", "example")
        else:
            kinds = ("topic",)  # "为什么需要网络状态？" is not a question a panel asks
        picked = _pick(lang, kinds, used, rng, lambda t: _fill(t, topic=topic.text))
    if picked is None:
        return _fallback(
            point, question=question, answer=answer, grade=grade, lang=lang, used=used, rng=rng
        )
    return Probe(*picked, point)


def _fallback(
    point: KeyPointResult,
    *,
    question: str,  # noqa: ARG001 - kept for symmetry: a later kind may name the question
    answer: str = "",
    grade: Grade,
    lang: str,
    used: Collection[str],
    rng: random.Random,
) -> Probe | None:
    """No topic can be named: ask for more (something was said) or for another try."""
    kinds = ("more",) if grade.covered else ("retry",)  # "anything else?" needs something
    picked = _pick(lang, kinds, _retry_used(used, answer, lang), rng, lambda t: t)
    return None if picked is None else Probe(*picked, point)


# "不着急…" and "你目前的思路…" answer a short or empty answer, not a long one that missed
_GENTLE = ("retry.2", "retry.3")
LONG_ANSWER = 30


def _retry_used(used: Collection[str], answer: str, lang: str) -> Collection[str]:
    """The templates to treat as used: the gentle retries too after a long answer."""
    if _width(answer) < LONG_ANSWER:
        return used
    return {*used, *(f"{lang if lang == 'en' else 'zh'}.{g}" for g in _GENTLE)}


OFF_SIMILARITY = 0.25  # below this the answer is about something else (off-topic ones ~0.1)
OFF_SIMILARITY_PERSONAL = 0.15
_SELF_INTRODUCTION = re.compile(r"自我介绍|介绍一下你自己|introduce yourself", re.IGNORECASE)


def is_beside_the_point(grade: Grade, answer: str, question: str = "") -> bool:
    """An answer about something else: flagged off the question, or one of some length that
    states no key point, in part or wrongly (a panel brings the student back to the question
    instead of chasing a point the answer never came near)."""
    if _width(answer) < 16:
        return False
    if _SELF_INTRODUCTION.search(question):
        return False  # anything about oneself belongs in a self-introduction
    if Flag.OFF_TOPIC in grade.flags:
        return True
    touched = [k for k in grade.key_points if k.coverage is not Coverage.MISSED]
    # the reference of a personal question is someone else's story: only an answer very far
    # from it (a hobby for "why is your GPA low") is off the question
    limit = OFF_SIMILARITY_PERSONAL if is_personal(question) else OFF_SIMILARITY
    # an answer that is wrong on the question's own matter is challenged, not sent back
    return bool(grade.key_points) and not touched and grade.similarity < limit


def probe_answer(
    grade: Grade,
    *,
    question: str,
    answer: str,
    lang: str,
    used: Collection[str],
    rng: random.Random,
) -> Probe | None:
    """A follow-up about the answer as a whole: off the question (an answer of some length:
    a short one is met with another try), or nothing to point at."""
    if is_beside_the_point(grade, answer, question):
        kinds: tuple[str, ...] = ("refocus",)
    else:
        kinds = ("detail",) if is_personal(question) else ("retry",)
    picked = _pick(lang, kinds, _retry_used(used, answer, lang), rng, lambda t: t)
    return None if picked is None else Probe(*picked)


def lead_in(kind: str, prompt: str, lang: str, used: Collection[str], rng: random.Random) -> Probe:
    """A bank question asked as a follow-up ("好，再深入一点：…"); the bare prompt when every
    lead-in was used."""
    picked = _pick(lang, (kind,), used, rng, lambda t: t.format(prompt=prompt))
    if picked is None:
        return Probe(prompt, kind, f"{lang}.{kind}.bare")
    return Probe(*picked)
