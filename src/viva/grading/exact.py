"""Short exact results: a number, a formula, one term, a true/false verdict.

Many questions have a *result* ("高度为 h 的满二叉树有多少个结点？" → $2^h-1$), and a student who
says "2 的 h 次方减 1" has given it, in other words than the reference. Embeddings and word overlap
see two short strings that share nothing; a teacher sees the same formula. This module puts
numbers and formulas into one canonical form (ASCII, LaTeX and Chinese words alike), finds the
reference's result (what it states that the question does not), and says whether an answer
states it, states a different one, or neither.

No model here: plain text in, a verdict out.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from viva.grading.models import Span
from viva.grading.text import content_words

_GREEK = dict(
    zip(
        "alpha beta gamma delta epsilon theta lambda mu pi rho sigma tau phi".split(),
        "αβγδεθλμπρστφ",
        strict=True,
    )
)
_EN_NUMBERS = dict(
    zip(
        "zero one two three four five six seven eight nine ten eleven twelve".split(),
        range(13),
        strict=False,
    )
)
_EN_NUMBER = re.compile(r"\b(" + "|".join(_EN_NUMBERS) + r")\b", re.I)
_SUPERSCRIPTS = str.maketrans({"²": "^2", "³": "^3", "⁴": "^4", "ⁿ": "^n", "⁻": "^-", "¹": "^1"})
# Chinese spoken maths, applied after numerals became digits (cn2an)
_ZH_MATH = (
    (re.compile(r"的\s*(\w{1,3}?)\s*次方"), r"^\1"),
    (re.compile(r"的\s*(\w{1,3}?)\s*次幂"), r"^\1"),
    (re.compile(r"的平方"), "^2"),
    (re.compile(r"的立方"), "^3"),
    (re.compile(r"(\w{1,3}?)\s*分之\s*(\w{1,3})"), r"\2/\1"),
    (re.compile(r"根号下?\s*"), "sqrt"),
    (re.compile(r"减去|减"), "-"),
    (re.compile(r"加上|加"), "+"),
    (re.compile(r"乘以|乘上|乘"), "*"),
    (re.compile(r"除以"), "/"),
    (re.compile(r"等于"), "="),
    (re.compile(r"百分之\s*([\d.]+)"), r"\1%"),
)
_LATEX = (
    (re.compile(r"\\(?:d|t)?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}"), r"(\1)/(\2)"),
    (re.compile(r"\\(?:d|t)?frac\s*(\w)(\w)"), r"\1/\2"),  # \frac13
    (re.compile(r"\\sqrt\s*\{([^{}]*)\}"), r"sqrt(\1)"),
    (re.compile(r"\\(?:left|right|big|Big|displaystyle|mathrm|text|operatorname)\b"), ""),
    (re.compile(r"\\(?:times|cdot|ast)|[×·∗]"), "*"),
    (re.compile(r"\\div|÷"), "/"),
    (re.compile(r"\\(?:log|lg|ln)\b"), "log"),
    (re.compile(r"(?:\\Theta|Θ)\s*(?=\()"), "o"),  # O(n^2) answers a Θ(n^2) reference
    (
        re.compile(r"\\(alpha|beta|gamma|delta|epsilon|theta|lambda|mu|pi|rho|sigma|tau|phi)\b"),
        lambda m: _GREEK[m.group(1)],
    ),
    (re.compile(r"√"), "sqrt"),
    (re.compile(r"\\sum\b|∑|Σ"), "sum"),
    (re.compile(r"\bexp\s*\("), "e^("),
    (re.compile(r"\\(?:Omega|omega)|Ω"), "ω"),
    (re.compile(r"\\(?:leq|le)\b|≤"), "<="),
    (re.compile(r"\\(?:geq|ge)\b|≥"), ">="),
    (re.compile(r"[−–—]"), "-"),
)
_SPACE_AROUND = re.compile(r"\s*([\^*/+\-=,<>])\s*|(\()\s*|\s*(\))")
_LOG = re.compile(r"(?<=[a-z0-9)])\s*log|log\s*(?=[a-z0-9(])")
_TOKEN = re.compile(r"[0-9a-zθω_^*/+\-().=%<>,√]+")
_MATHY = re.compile(r"\d|[\^*/+=]|^[oθω]\(")
_PAREN_ATOM = re.compile(r"(?<![a-zθω])\((\w+)\)")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?%?$|^\d+/\d+$")

# the start of a verdict: negative forms first ("不正确" contains "正确")
_FALSE = re.compile(
    r"^\s*(?:不正确|不对|错误|错|否|×|✗|不成立|说法错误|false|incorrect|wrong|no)\b|^\s*(?:不正确|不对|错误|错|否|不成立)",
    re.IGNORECASE,
)
_TRUE = re.compile(
    r"^\s*(?:正确|对|是的|是|√|✓|成立|说法正确|true|correct|right|yes)\b|^\s*(?:正确|对的|对|是的|成立)",
    re.IGNORECASE,
)
_JUDGE = re.compile(
    r"判断|正误|对错|对不对|是否正确|是否成立|true or false|true/false|correct or incorrect|"
    r"right or wrong|\bT/F\b",
    re.IGNORECASE,
)
_LIST_QUESTION = re.compile(
    r"哪些|有哪|哪几|包括什么|包含什么|几个方面|几方面|几种|几类|"
    r"\bwhat are\b|\blist\b|\bname (?:the|some)\b",
    re.IGNORECASE,
)
_ENUM_MARK = re.compile(
    r"[（(]\s*\d{1,2}\s*[）)]|[①-⑳]|(?:^|(?<=[\s。；;]))\d{1,2}\s*[.、)）](?!\d)"
)
SHORT_WORDS = 4  # an answer adding at most this many content words to the question is short


@cache
def _cn2an() -> object:
    import cn2an

    return cn2an


# Words whose numeral is not a number (一共, 二叉树): kept from the converter.
_NOT_NUMBERS = re.compile(
    "一共|一样|一般|一定|一起|一直|一些|一下|一致|统一|唯一|一旦|进一步|一方面|一部分|一切|"
    "一边|万一|一点点|一对一|一对多|多对一|二叉|二分|二维|二元|二进制|二次|一元|三角|四叉|八叉|"
    "十进制|八进制|十六进制|一阶|二阶|一步|同一|单一|一开始|一遍|一句|一种|一条|一半|一组|一对|"
    "一边|一棵|一层|一段|一部|一侧"
)


def _digits(text: str) -> str:
    """Chinese numerals as digits (三次 → 3次, 一千零二十四 → 1024), except in words where
    they are not numbers (一共, 二叉树); the text unchanged where the converter cannot read it."""
    if not re.search(r"[零一二两三四五六七八九十百千万亿]", text):
        return text
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    masked = re.sub("两(?=[个次位种层条倍遍步轮名字])", "二", _NOT_NUMBERS.sub(keep, text))
    try:
        with warnings.catch_warnings():  # it warns on numerals it leaves alone ("千万")
            warnings.simplefilter("ignore")
            converted = str(_cn2an().transform(masked, "cn2an"))  # type: ignore[attr-defined]
    except (ValueError, KeyError, IndexError, TypeError):
        return text
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], converted)


def math_form(text: str) -> str:
    """One canonical form of a text's numbers and formulas: `$2^{h}-1$`, `2^h - 1` and
    `2 的 h 次方减 1` all become `2^h-1`; `O(n \\log n)` and `O(nlogn)` become `o(nlogn)`."""
    text = text.translate(_SUPERSCRIPTS)
    text = unicodedata.normalize("NFKC", text).replace("$", " ")
    for pattern, replacement in _LATEX:
        text = pattern.sub(replacement, text)
    text = _digits(text)
    text = _EN_NUMBER.sub(lambda m: str(_EN_NUMBERS[m.group(1).lower()]), text)
    for pattern, replacement in _ZH_MATH:
        text = pattern.sub(replacement, text)
    text = text.replace("{", "(").replace("}", ")").replace("\\", "").lower()
    text = _SPACE_AROUND.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text)
    text = re.sub(r"log_?\(?(?:2|10|e)\)?\s*(?=[a-z(])", "log", text)  # bases: O(log_2 n)
    text = _LOG.sub("log", text)
    text = re.sub(r"log\s+", "log", text)
    text = re.sub(r"log\((\w+)\)", r"log\1", text)
    for _ in range(3):
        text = _PAREN_ATOM.sub(r"\1", text)
    return text.replace("*", "")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """The mathematical tokens of a canonical text with their offsets in it."""
    found = []
    for match in _TOKEN.finditer(text):
        token = match.group(0).strip(".,=").rstrip("-")
        while token.endswith(")") and token.count(")") > token.count("("):
            token = token[:-1]
        while token.startswith("(") and token.count("(") > token.count(")"):
            token = token[1:]
        if token and _MATHY.search(token) and not token.isalpha():
            found.append((token, match.start(), match.end()))
    return found


def math_tokens(text: str) -> set[str]:
    """The numbers and formulas a text states, in canonical form."""
    return {t for t, _, _ in _tokens(math_form(text))}


def _value(token: str) -> Fraction | None:
    if not _NUMBER.match(token):
        return None
    try:
        if token.endswith("%"):
            return Fraction(token[:-1]) / 100
        return Fraction(token)
    except (ValueError, ZeroDivisionError):
        return None


def _loose(token: str) -> str:
    """A token without grouping parentheses, except an exponent's: n(n-1)/2 = (n(n-1))/2,
    but 2^(h-1) stays apart from 2^h-1."""
    out = []
    depth_kept = []
    for i, ch in enumerate(token):
        if ch == "(":
            before = token[:i]
            keep = before.endswith(("^", "log")) or before in ("o", "ω")
            depth_kept.append(keep)
            if keep:
                out.append(ch)
        elif ch == ")":
            if depth_kept and depth_kept.pop():
                out.append(ch)
        else:
            out.append(ch)
    return "".join(out)


def same_math(a: str, b: str) -> bool:
    """Whether two canonical tokens are the same number or formula (0.75 = 3/4 = 75%)."""
    if a == b or _loose(a) == _loose(b):
        return True
    x, y = _value(a), _value(b)
    return x is not None and x == y


def verdict(text: str) -> bool | None:
    """True/False when the text opens with a verdict (正确/错误/对/错/True/False …)."""
    head = text.strip().lstrip("（(【[*>-•· ").strip()
    if _FALSE.match(head):
        return False
    if _TRUE.match(head):
        return True
    return None


def is_judgement(question: str) -> bool:
    """Whether the question asks for a true/false verdict (判断正误, "True or false?")."""
    return bool(_JUDGE.search(question))


@dataclass(frozen=True, slots=True)
class Exact:
    """What a short answer does with the reference's result."""

    matches: bool  # states the reference's result
    said: str = ""  # when it states a different one: what it says, as written
    expected: str = ""  # ... and what the reference says
    span: Span | None = None
    kind: str = ""  # "number", "term" or "verdict"
    result: tuple[str, ...] = ()  # the reference's result: canonical tokens, or the term's words

    def in_statement(self, text: str) -> bool:
        """Whether a statement of the reference (a key point) states this result."""
        if self.kind == "verdict":
            return verdict(text) is not None
        if self.kind == "term":
            return set(self.result) <= set(content_words(text))
        return any(same_math(t, r) for t in math_tokens(text) for r in self.result)


# a reply to a yes/no question: the word, then a stop ("No. John changed 2 variables…",
# "不能。因为…"); negative forms first
_POLAR = re.compile(
    r"^\s*(no|yes|不是|是的|是|否|不对|对|不能|能|不会|会|不可以|可以)\s*(?:[.,!;:，。！；：]|$|because\b)",
    re.IGNORECASE,
)
_POLAR_NO = frozenset("no 不是 否 不对 不能 不会 不可以".split())


def polar(text: str) -> bool | None:
    """The yes (True) or no (False) a text opens with as a reply of its own, or None."""
    match = _POLAR.match(text)
    return None if match is None else match.group(1).lower() not in _POLAR_NO


def judge_exact(question: str, reference: str, answer: str) -> Exact | None:
    """Whether the answer states the reference's result (a verdict, a number or formula, or a
    one-term answer), states a different one, or neither (None). A reference that opens with a
    yes or a no of its own makes the question a yes/no one: an answer opening with the other
    reply states a different result (agreeing, it is graded on what follows)."""
    reply, replied = _POLAR.match(reference), _POLAR.match(answer)
    if not is_judgement(question) and reply and replied and polar(reference) != polar(answer):
        return Exact(
            False,
            replied.group(1),
            reply.group(1),
            Span(replied.start(1), replied.end(1)),
            "verdict",
            ("verdict",),
        )
    if is_judgement(question):
        expected, given = verdict(reference), verdict(answer)
        if expected is not None and given is not None:
            if given == expected:
                return Exact(True, kind="verdict", result=("verdict",))
            head = answer.strip()
            at = answer.find(head[:1]) if head else 0
            size = _verdict_length(head)
            return Exact(
                False,
                head[:size],
                reference.strip()[: _verdict_length(reference.strip())],
                Span(at, at + size),
                "verdict",
                ("verdict",),
            )
    short = len(set(content_words(answer)) - set(content_words(question))) <= SHORT_WORDS
    if not short or _LIST_QUESTION.search(question):
        # a longer answer is judged point by point, and a list question ("有哪些") has items,
        # not a result
        return None
    answer = _ENUM_MARK.sub(lambda m: " " * len(m.group(0)), answer)  # (1) (2) are not numbers
    asked = math_tokens(question)
    results = result_tokens(question, reference)
    if results:
        stated = [t for t in _sides(answer) if t not in asked]
        if any(same_math(t, r) for t in stated for r in results):
            return Exact(True, kind="number", result=tuple(results))
        if short and stated:
            quoted = _surface(answer, stated[0])
            expected_text = _surface(reference, results[-1])
            return Exact(
                False, quoted, expected_text, _span(answer, quoted), "number", tuple(results)
            )
    if short and not math_tokens(answer):
        lead = _lead(reference)
        said_words = set(content_words(answer)) - set(content_words(question))
        if said_words and said_words <= set(content_words(lead)):
            return Exact(True, kind="term", result=tuple(sorted(said_words)))
    return None


_SENTENCE_END = re.compile(r"[。；;！!？?\n]+|\.(?=\s|$)")
_ASIDE = re.compile(r"（[^（）]*）|\([^()]*[\u4e00-\u9fff][^()]*\)")
_CONCLUSION = re.compile(
    r"所以|因此|因而|故|于是|即|总共|一共|总计|最终|综上|总(?=时间|复杂度|的|体)|"
    r"\b(?:so|thus|therefore|hence|gives|giving)\b",
    re.I,
)
_NEGATED = re.compile(r"\s*(?:not\b|rather than|而不是|不是|而非|并非)", re.I)


def _sentences(text: str) -> list[str]:
    text = text.replace("...", " ").replace("…", " ")
    return [p.strip() for p in _SENTENCE_END.split(text) if p.strip()]


def _lead(reference: str) -> str:
    """Where an answer key names its result: the first sentence's conclusion ("因此由运行态转为
    就绪态"), else its first clause."""
    sentences = _sentences(reference)
    if not sentences:
        return ""
    first = sentences[0]
    markers = list(_CONCLUSION.finditer(first))
    if markers:
        return first[markers[-1].end() :]
    return re.split(r"[,，](?![^（(]*[）)])", first)[0]


def _sides(text: str) -> list[str]:
    """Math tokens in order, each side of an equation a token of its own ("E(X)=np=3" gives
    "e(x)", "np", "3")."""
    out: list[str] = []
    for token, _, _ in _tokens(math_form(text)):
        parts = [p for p in token.split("=") if p and _MATHY.search(p)]
        out.extend(parts or [token])
    return list(dict.fromkeys(out))


def result_tokens(question: str, reference: str) -> list[str]:
    """The reference's result: the numbers and formulas of its first sentence that states any
    the question does not, after its conclusion word (所以, so) if it has one, leaving out
    asides in parentheses and what it says the result is not ("O(n), not O(n log n)")."""
    asked = math_tokens(question)
    for sentence in _sentences(reference):
        sentence = _ASIDE.sub(" ", sentence)
        markers = list(_CONCLUSION.finditer(sentence))
        tail = sentence[markers[-1].end() :] if markers else ""
        for text in (tail, sentence) if tail else (sentence,):
            found = _clause_result(text, question, asked)
            if found:
                return found
    return []


def _clause_result(text: str, question: str, asked: set[str]) -> list[str]:
    """The result of one sentence: of its clauses that state numbers or formulas (leaving out
    what it says the result is not), the one that shares most words with the question
    ("平均时间复杂度为 O(n log n)" rather than "最坏情况为 O(n^2)"); its first and last side."""
    words = set(content_words(question))
    best: tuple[int, list[str]] | None = None
    for clause in re.split(r"[,，、：:]", text):
        if _NEGATED.match(clause):
            continue
        found = [t for t in _sides(clause) if t not in asked]
        if not found:
            continue
        overlap = len(words & set(content_words(clause)))
        if best is None or overlap >= best[0]:  # a tie goes to the later clause: the conclusion
            best = (overlap, found)
    if best is None:
        return []
    return list(dict.fromkeys((best[1][0], best[1][-1])))


def _verdict_length(text: str) -> int:
    match = _FALSE.match(text) or _TRUE.match(text)
    return match.end() if match else min(len(text), 2)


def _surface(text: str, token: str) -> str:
    """The stretch of `text` that reads as `token` (for quoting it back); the token if none."""
    for match in re.finditer(r"[^\u4e00-\u9fff，。；、！？]+|[\u4e00-\u9fff]+", text):
        piece = match.group(0).strip()
        if piece and token in math_form(piece):
            return piece
    return token


def _span(answer: str, said: str) -> Span | None:
    at = answer.find(said)
    return None if at < 0 else Span(at, at + len(said))
