"""What the grader compares: a request's texts analysed, and the signals of each statement.

For each statement S (the whole reference, or the note's key points joined, and each key point)
and an answer A, seven signals (calibration.FEATURES):

- `e5`: cosine of S and A under multilingual-e5 (whole answer);
- `use`: cosine of S and A under USE-multilingual (for a key point, the better of that and the
  best window: a short point compares with a clause as the reference compares with the answer);
- `use_best`: the best USE cosine of S with a clause or a pair of clauses of A (also the
  evidence); a window counts fully only for the key points that match it nearly as well as the
  best one does;
- `recall`: share of S's content words that A uses, *not counting words of the question* (a
  student who restates the question has said nothing yet). A word in the other script of the
  answer's words also counts when it translates one of them: a Chinese note answered in English
  ("梯度" for "gradient"), see `TRANSLATION`;
- `bigram`: the same for character bigrams (Chinese words the segmenter splits differently);
- `length`: how long A is next to S (capped at 1);
- `question_e5`: cosine of the question and A (restating the question is not answering).

Without e5 (the "fast" profile) the two e5 columns are zero, and its calibration does not use
them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from viva.grading.embedder import Vectors
from viva.grading.keypoints import key_points_from_reference, usable_key_points
from viva.grading.models import Flag, GradeRequest
from viva.grading.text import (
    Clause,
    bigrams,
    clauses,
    content_terms,
    is_chinese,
    windows,
)

MAX_ANSWER_CHARS = 20_000
# USE word cosine at which a Chinese word and an English word count as a translation. Chosen on
# 50 general computing terms and their translations (not on any evaluation set): at 0.65, 90% of
# translations match and 0.08% of non-translated pairs do (tests/grading/test_real_models.py).
TRANSLATION = 0.65
ALIGN_MARGIN = 0.05  # a window counts fully for every key point this close to its best one


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    words: frozenset[str]
    grams: frozenset[str]
    size: int  # content words, repeats counted
    surfaces: dict[str, str]  # word key -> the word as written (lower-cased)


def analyse(text: str) -> Text:
    found = content_terms(text)
    surfaces = dict(reversed(found))  # the first way each key was written
    return Text(text, frozenset(surfaces), frozenset(bigrams(text)), len(found), surfaces)


def _cross_script(statement: Text, answer: Text, question: Text) -> dict[str, list[str]]:
    """Each content word of the statement the answer does not use, with the answer's words in
    the other script that might translate it (all as written); words with none are left out."""
    content = statement.words - question.words or statement.words
    chinese = [w for w in answer.surfaces.values() if is_chinese(w)]
    latin = [w for w in answer.surfaces.values() if not is_chinese(w)]
    found: dict[str, list[str]] = {}
    for key in sorted(content - answer.words):
        word = statement.surfaces[key]
        partners = latin if is_chinese(word) else chinese
        if partners:
            found[word] = partners
    return found


class Prepared:
    """A request with its texts analysed (a mutable scratch object of the grader)."""

    def __init__(
        self,
        request: GradeRequest,
        question: Text,
        statements: list[Text],
        answer: Text,
        answer_text: str,
        offset: int,
        pieces: list[Clause],
        flags: tuple[Flag, ...],
    ) -> None:
        self.request = request
        self.question = question
        self.statements = statements
        self.answer = answer
        self.answer_text = answer_text
        self.offset = offset
        self.windows = pieces
        self.flags = flags
        # per statement: its words the answer might have said in the other script
        self.crossings = [_cross_script(st, answer, question) for st in statements]
        self.signals: tuple[npt.NDArray[np.float64], list[Clause | None]] | None = None
        self.window_sims: npt.NDArray[np.float64] | None = None  # statements x windows (USE)
        self.exemplar: npt.NDArray[np.float64] | None = None
        # (weight, score) of the nearest answer the student graded themselves (a dispute)
        self.dispute: tuple[float, float] = (0.0, 0.0)
        self.dispute_by_teacher = False  # that answer was scored by a teacher of the class

    @classmethod
    def make(cls, request: GradeRequest) -> Prepared:
        flags: tuple[Flag, ...] = ()
        raw = request.answer
        if len(raw) > MAX_ANSWER_CHARS:
            raw = raw[:MAX_ANSWER_CHARS]
            flags = (Flag.TRUNCATED,)
        text = raw.strip()
        offset = raw.find(text[0]) if text else 0
        points = usable_key_points(
            request.key_points, request.reference, request.question
        ) or key_points_from_reference(request.reference, request.question)
        # the whole answer is matched with what the note marks as mattering (its key points,
        # when it marks them), not with every aside of a long reference
        whole = "；".join(points) if request.key_points and points else request.reference
        statements = [analyse(whole), *(analyse(k) for k in points)]
        parts = clauses(text) if text else []
        return cls(
            request,
            analyse(request.question),
            statements,
            analyse(text),
            text,
            offset,
            windows(parts, text) if parts else [],
            flags,
        )


def compute_signals(
    item: Prepared,
    *,
    semantic: tuple[Vectors, Vectors, Vectors] | None,
    fast_s: Vectors,
    fast_a: Vectors,
    fast_w: Vectors,
    word_vectors: dict[str, Vectors],
) -> tuple[tuple[npt.NDArray[np.float64], list[Clause | None]], npt.NDArray[np.float64]]:
    """One row of signals per statement, the answer piece that best states it, and the USE
    cosine of each statement with each answer window.

    `semantic` holds the e5 vectors of the statements, the question and the answer; without
    them (the fast profile) the two e5 columns are zero, and its calibration does not use them.
    """
    rows = []
    best: list[Clause | None] = []
    question_words = item.question.words
    question_grams = item.question.grams
    answer = item.answer
    by_window = fast_s @ fast_w.T if len(item.windows) else np.zeros((len(item.statements), 0))
    aligned = _exclusive(np.asarray(by_window, dtype=np.float64))
    question_e5 = 0.0
    statement_e5 = [0.0] * len(item.statements)
    if semantic is not None:
        sem_s, sem_q, sem_a = semantic
        question_e5 = float(sem_q @ sem_a)
        statement_e5 = [float(v) for v in sem_s @ sem_a]
    for k, statement in enumerate(item.statements):
        content = statement.words - question_words or statement.words
        grams = statement.grams - question_grams or statement.grams
        stated = len(content & answer.words) + _translated(item.crossings[k], word_vectors)
        recall = stated / len(content) if content else 0.0
        gram_recall = len(grams & answer.grams) / len(grams) if grams else 0.0
        length = min(1.0, len(answer.words) / max(1, len(statement.words)))
        window_scores = aligned[k]
        if window_scores.size:
            index = int(np.argmax(window_scores))
            use_best = float(window_scores[index])
            best.append(item.windows[index])
        else:
            use_best = 0.0
            best.append(None)
        # a key point is short: the answer's best-matching window, not the whole answer, is what
        # compares with it as the whole answer compares with the whole reference
        use_whole = float(fast_s[k] @ fast_a)
        rows.append(
            [
                statement_e5[k],
                use_whole if k == 0 else max(use_whole, use_best),
                use_best,
                recall,
                gram_recall,
                length,
                question_e5,
            ]
        )
    return (np.asarray(rows, dtype=np.float64), best), np.asarray(by_window, dtype=np.float64)


def _exclusive(by_window: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each key point's window cosines, lowered where another key point matches that window
    better: a clause is evidence for the point it states, not for every point on its topic
    (rows: the whole reference, then the key points; the reference row is left as it is)."""
    out = np.array(by_window, dtype=np.float64)
    if by_window.shape[0] < 3 or by_window.shape[1] == 0:
        return out
    points = by_window[1:]
    top = points.max(axis=0)
    out[1:] = points - np.maximum(0.0, top - points - ALIGN_MARGIN)
    return out


def _translated(crossing: dict[str, list[str]], vectors: dict[str, Vectors]) -> int:
    """How many of a statement's unused words the answer says in the other script."""
    return sum(
        max(float(vectors[word] @ vectors[p]) for p in partners) >= TRANSLATION
        for word, partners in crossing.items()
    )
