"""How alike two Chinese words sound: toneless pinyin syllables, initials and finals.

Whisper base mishears accented Mandarin in predictable ways: it keeps the syllable and picks
another character (签去 for 前驱), or it confuses sounds that second-language speakers and
regional accents also merge. Only those well-known confusions count as *near* here — flat and
retroflex sibilants (z/zh, c/ch, s/sh), aspiration (b/p, d/t, g/k, j/q, z/c, zh/ch), n/l and
l/r, f/h, front and back nasals (an/ang, en/eng, in/ing, ian/iang, uan/uang), ü against u and
iu, o against uo, and the apical vowel of zhi/chi/shi/zi/ci/si/ri against e. A nasal coda heard
or not (变换 / 变化, 预 / 运: a weak -n, as in many southern and second-language accents) is a
confusion too, but a looser one: it costs more than a near syllable, so a two-character term
never absorbs it (值加 stays, not 之间) and a longer one at most once. Anything else is a
different syllable. Tones are ignored: an accent moves them first.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, cast

from pypinyin import Style, pinyin

NEAR = 0.5  # the cost of a near syllable; an identical one costs 0, a different one is refused
CODA = 0.75  # a nasal coda heard or not (变换 / 变化): nearer than different, farther than near
GAP = 1.0  # the cost of a syllable said or heard but missing on the other side

_INITIALS = tuple("zh ch sh b p m f d t n l g k h j q x r z c s".split())  # two letters first
_NEAR_INITIALS = frozenset(
    frozenset(pair)
    for pair in (
        ("z", "zh"), ("c", "ch"), ("s", "sh"),  # flat / retroflex
        ("b", "p"), ("d", "t"), ("g", "k"), ("j", "q"), ("z", "c"), ("zh", "ch"),  # aspiration
        ("n", "l"), ("l", "r"), ("f", "h"),
    )
)  # fmt: skip
_NEAR_FINALS = frozenset(
    frozenset(pair)
    for pair in (
        ("an", "ang"), ("en", "eng"), ("in", "ing"), ("ian", "iang"), ("uan", "uang"),
        ("v", "u"), ("v", "iu"), ("o", "uo"),
    )
)  # fmt: skip
_CODA_FINALS = frozenset(
    frozenset(pair)
    for pair in (("a", "an"), ("ia", "ian"), ("ua", "uan"), ("e", "en"), ("i", "in"), ("u", "un"),
                 ("v", "vn"))
)  # fmt: skip
_APICAL = frozenset(("z", "c", "s", "zh", "ch", "sh", "r"))  # their "i" is no [i]
# Zero-initial spellings written out as finals: yi → i, wu → u, yu → v (ü), you → iu …
_ZERO = {
    "yi": "i", "ya": "ia", "yo": "io", "ye": "ie", "yao": "iao", "you": "iu", "yan": "ian",
    "yin": "in", "yang": "iang", "ying": "ing", "yong": "iong", "yu": "v", "yue": "ve",
    "yuan": "van", "yun": "vn", "wu": "u", "wa": "ua", "wo": "uo", "wai": "uai", "wei": "ui",
    "wan": "uan", "wen": "un", "wang": "uang", "weng": "ueng",
}  # fmt: skip

Syllable = tuple[str, str]  # (initial, final), toneless; ü written v


@cache
def split(syllable: str) -> Syllable:
    """A toneless pinyin syllable as (initial, final): "zhu" → ("zh", "u"), "xu" → ("x", "v")."""
    if syllable in _ZERO:
        return "", _ZERO[syllable]
    for initial in _INITIALS:
        if syllable.startswith(initial) and len(syllable) > len(initial):
            final = syllable[len(initial) :]
            if initial in ("j", "q", "x") and final.startswith("u"):
                final = "v" + final[1:]  # ju, qu, xu are written without the dots
            return initial, final
    return "", syllable


def syllables(text: str) -> tuple[Syllable, ...]:
    """The syllables of Chinese text, one per character, as read in context (率 is lü in
    学习率, 重 is chong in 冲突 and 重复); a character without a reading gives ("", "")."""
    found = pinyin(text, style=Style.NORMAL, errors=_no_reading)
    return tuple(split(s[0]) if s[0] else ("", "") for s in found)


def _none(chars: str) -> list[list[str]]:
    return [[""] for _ in chars]  # one empty reading per character keeps the alignment


_no_reading = cast("Any", _none)  # pypinyin's stub types `errors` as returning a str


@cache
def cost(heard: Syllable, meant: Syllable) -> float | None:
    """0 for the same syllable, NEAR for one near confusion, CODA for a nasal coda heard or
    not, None for a different one."""
    if heard == meant:
        return 0.0
    (i1, f1), (i2, f2) = heard, meant
    if f1 == f2 and frozenset((i1, i2)) in _NEAR_INITIALS:
        return NEAR
    if i1 == i2 and (
        frozenset((f1, f2)) in _NEAR_FINALS or (i1 in _APICAL and {f1, f2} == {"i", "e"})
    ):
        return NEAR
    if i1 == i2 and frozenset((f1, f2)) in _CODA_FINALS:
        return CODA
    return None


def distance(heard: Sequence[Syllable], meant: Sequence[Syllable]) -> float:
    """Edit distance from the heard syllables to a term's.

    Substitutions cost 0 or NEAR (a different syllable is never substituted), a missing or
    extra syllable costs GAP. Returns infinity when no alignment exists.
    """
    inf = float("inf")
    row = [j * GAP for j in range(len(meant) + 1)]
    for syllable in heard:
        previous, row[0] = row[0], row[0] + GAP
        for j, target in enumerate(meant, 1):
            step = cost(syllable, target)
            diagonal = previous + step if step is not None else inf
            previous, row[j] = row[j], min(row[j] + GAP, row[j - 1] + GAP, diagonal)
    return row[-1]


@cache
def keys(syllable: Syllable) -> frozenset[str]:
    """Coarse keys of a syllable: two syllables near each other share one (the candidates
    worth an edit distance are found through them)."""
    initial, final = syllable
    for group in ("z zh c ch s sh j q x", "n l r", "b p", "d t", "g k", "f h"):
        if initial in group.split():
            initial = group.split()[0]
            break
    final = final.replace("ng", "n").replace("uo", "o").replace("iu", "u").replace("v", "u")
    found = {f"{initial}-{final}"}
    if final.endswith("n") and len(final) > 1:  # a nasal coda heard or not
        found.add(f"{initial}-{final[:-1]}")
    if initial in ("z", "n") and final in ("i", "e"):  # the apical i is near e
        found.add(f"{initial}-{'e' if final == 'i' else 'i'}")
    return frozenset(found)
