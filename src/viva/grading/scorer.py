"""The grader: score answers against references, key point by key point.

For each statement S (the whole reference, and each key point) and an answer A, seven signals:

- `e5`: cosine of S and A under multilingual-e5 (whole answer);
- `use`: cosine of S and A under USE-multilingual;
- `use_best`: the best USE cosine of S with a clause or a pair of clauses of A (also the evidence);
- `recall`: share of S's content words that A uses, *not counting words of the question* (a
  student who restates the question has said nothing yet). A word in the other script of the
  answer's words also counts when it translates one of them: a Chinese note answered in English
  ("梯度" for "gradient"), see `TRANSLATION`;
- `bigram`: the same for character bigrams (Chinese words the segmenter splits differently);
- `length`: how long A is next to S (capped at 1);
- `question_e5`: cosine of the question and A (restating the question is not answering).

A logistic calibration (calibration.py) turns them into P(S is stated by A). The score mixes the
whole-answer probability with the mean key-point probability. Embeddings of references and key
points are cached by content, so after the first time only the answer is embedded.

A calibration of the "fast" profile does not use the two e5 signals: e5 is then never loaded or
run, and the columns are zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from viva.grading.calibration import FEATURES, Calibration
from viva.grading.contrast import find_contradiction
from viva.grading.embedder import Embedder, EmbeddingCache, Vectors, embed_cached, get_embedder
from viva.grading.exact import Exact, judge_exact, math_tokens
from viva.grading.exemplars import MIN_EXEMPLARS, ExemplarSource, exemplar_signals
from viva.grading.feedback import feedback_lines
from viva.grading.keypoints import key_points_from_reference, usable_key_points
from viva.grading.models import (
    Contradiction,
    Coverage,
    Flag,
    Grade,
    KeyPointResult,
    Rating,
    Span,
)
from viva.grading.text import (
    Clause,
    bigrams,
    clauses,
    content_terms,
    content_words,
    is_chinese,
    is_no_answer,
    language,
    windows,
)

MAX_ANSWER_CHARS = 20_000
# USE word cosine at which a Chinese word and an English word count as a translation. Chosen on
# 50 general computing terms and their translations (not on any evaluation set): at 0.65, 90% of
# translations match and 0.08% of non-translated pairs do (tests/grading/test_real_models.py).
TRANSLATION = 0.65
TOO_SHORT = 0.15  # answer content words / reference content words
TOO_LONG = 4.0
POINTS_SHARE = 0.8  # the key points' share of the score; the whole-answer match has the rest
HARD_MAX = 64  # a contradicted point keeps the rating at Hard or below
RESULT_FLOOR = 0.6  # an answer that states the reference's result (and nothing wrong)
WRONG_RESULT_CAP = 0.3  # an answer whose result is not the reference's
OTHER_SCRIPT_CHARS = 10  # Chinese characters that make a reference Chinese (beside its terms)


@dataclass(frozen=True, slots=True)
class GradeRequest:
    """One answer to grade: the question, its reference (plain text), key points, the answer."""

    question: str
    reference: str
    answer: str
    key_points: tuple[str, ...] = ()  # empty: derived from the reference
    lang: str | None = None  # the feedback's language ("zh"/"en"); None: the answer's


@dataclass(frozen=True, slots=True)
class _Text:
    text: str
    words: frozenset[str]
    grams: frozenset[str]
    size: int  # content words, repeats counted
    surfaces: dict[str, str]  # word key -> the word as written (lower-cased)


def _analyse(text: str) -> _Text:
    found = content_terms(text)
    surfaces = dict(reversed(found))  # the first way each key was written
    return _Text(text, frozenset(surfaces), frozenset(bigrams(text)), len(found), surfaces)


def _cross_script(statement: _Text, answer: _Text, question: _Text) -> dict[str, list[str]]:
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


class Grader:
    """Grades answers with the embedders and calibration it is given (models load lazily)."""

    def __init__(
        self,
        calibration: Calibration,
        *,
        cache: EmbeddingCache | None = None,
        exemplars: ExemplarSource | None = None,
        semantic: str = "e5",
        fast: str = "use",
    ) -> None:
        self.calibration = calibration
        self.cache = cache
        self.exemplars = exemplars
        self._semantic_name = semantic
        self._fast_name = fast

    def grade(self, request: GradeRequest) -> Grade:
        """Grade one answer."""
        return self.grade_many([request])[0]

    def grade_many(self, requests: Sequence[GradeRequest]) -> list[Grade]:
        """Grade answers together (embeddings are computed in batches)."""
        return self.grade_with_signals(requests)[0]

    def grade_with_signals(
        self, requests: Sequence[GradeRequest]
    ) -> tuple[list[Grade], npt.NDArray[np.float64]]:
        """Grades, and each answer's whole-reference signal row (what calibration is fitted
        on; zeros for an empty answer), from one embedding pass."""
        prepared = [_Prepared.make(r) for r in requests]
        live = [p for p in prepared if p.answer_text]
        if live:
            self._embed(live)
        rows = [
            p.signals[0][0] if p.signals is not None else np.zeros(len(FEATURES)) for p in prepared
        ]
        return [self._finish(p) for p in prepared], np.asarray(rows, dtype=np.float64)

    # --- signals --------------------------------------------------------------------------
    def _embed(self, items: Sequence[_Prepared]) -> None:
        use_semantic = self.calibration.needs_semantic
        semantic = get_embedder(self._semantic_name) if use_semantic else None
        fast = get_embedder(self._fast_name)
        statements = [s.text for p in items for s in p.statements]
        answers = [p.answer_text for p in items]
        pieces = [w.text for p in items for w in p.windows]
        semantic_vectors: tuple[Vectors, Vectors, Vectors] | None = None
        if semantic is not None:
            semantic_vectors = (
                embed_cached(semantic, statements, self.cache),
                embed_cached(semantic, [p.question.text for p in items], self.cache),
                embed_cached(semantic, answers, None),  # answers rarely repeat: no cache
            )
        fast_statements = embed_cached(fast, statements, self.cache)
        fast_all = embed_cached(fast, answers + pieces, None)  # answers rarely repeat
        # words that might be translations: a small vocabulary that repeats, so cached
        wanted = sorted(
            {
                w
                for p in items
                for crossing in p.crossings
                for word, partners in crossing.items()
                for w in (word, *partners)
            }
        )
        word_vectors = dict(zip(wanted, embed_cached(fast, wanted, self.cache), strict=True))
        fast_answers, fast_pieces = fast_all[: len(items)], fast_all[len(items) :]
        s_at = w_at = 0
        for i, item in enumerate(items):
            n, m = len(item.statements), len(item.windows)
            item.signals, item.window_sims = _signals(
                item,
                semantic=None
                if semantic_vectors is None
                else (
                    semantic_vectors[0][s_at : s_at + n],
                    semantic_vectors[1][i],
                    semantic_vectors[2][i],
                ),
                fast_s=fast_statements[s_at : s_at + n],
                fast_a=fast_answers[i],
                fast_w=fast_pieces[w_at : w_at + m],
                word_vectors=word_vectors,
            )
            s_at += n
            w_at += m
        if self.exemplars is not None and self.calibration.exemplar_weights is not None:
            models = [(fast, fast_answers)]
            if semantic_vectors is not None and semantic is not None:
                models.insert(0, (semantic, semantic_vectors[2]))
            self._exemplar_signals(items, models)

    def _exemplar_signals(
        self, items: Sequence[_Prepared], models: Sequence[tuple[Embedder, Vectors]]
    ) -> None:
        assert self.exemplars is not None
        for i, item in enumerate(items):
            found = [
                e
                for e in self.exemplars.exemplars_for(item.request.question)
                if e.answer.strip() != item.answer_text
            ]
            if len(found) < MIN_EXEMPLARS:
                continue
            texts = [e.answer for e in found]
            item.exemplar = exemplar_signals(
                [(answers[i], embed_cached(model, texts, self.cache)) for model, answers in models],
                [e.score for e in found],
            )

    def _finish(self, item: _Prepared) -> Grade:
        request = item.request
        lang = language(item.answer_text or request.question)
        feedback_lang = request.lang or ("en" if lang == "en" else "zh")
        points = item.statements[1:] or item.statements[:1]  # no key points: the reference is one
        offset = 1 if len(item.statements) > 1 else 0
        flags = list(item.flags)
        if not item.answer_text or is_no_answer(item.answer_text):
            unanswered = tuple(
                KeyPointResult(
                    s.text, Coverage.MISSED, 0.0, None, _keywords(s), _context(s.text, item)
                )
                for s in points
            )
            flags.insert(0, Flag.NO_ANSWER)
            return self._grade(0.0, 0.0, unanswered, tuple(flags), lang, feedback_lang, item)
        assert item.signals is not None
        assert item.window_sims is not None
        signals, best = item.signals
        probability = self.calibration.probability(signals)
        whole = float(probability[0])
        if item.exemplar is not None:
            with_exemplars = self.calibration.exemplar_probability(
                np.concatenate([signals[0], item.exemplar])
            )
            if with_exemplars is not None:
                whole = with_exemplars
        exact = judge_exact(request.question, request.reference, item.answer_text)
        holders = [exact is not None and exact.in_statement(s.text) for s in points]
        if exact is not None and not any(holders):
            holders[0] = True  # the result is the reference's: its first point carries it
        results = [
            self._point(item, k + offset, statement, float(probability[k + offset]), best)
            if not holders[k]
            else self._result_point(item, k + offset, statement, best, exact)
            for k, statement in enumerate(points)
        ]
        raw = score_from_points(results, whole)
        if (
            exact is not None
            and exact.matches
            and not any(r.coverage is Coverage.CONTRADICTED for r in results)
        ):
            raw = max(raw, RESULT_FLOOR)
        if exact is not None and not exact.matches:
            raw = min(raw, WRONG_RESULT_CAP)
        answer_words = item.answer.words
        own_words = answer_words - item.question.words
        states_result = exact is not None and exact.matches
        if (
            not states_result
            and answer_words
            and len(own_words) <= max(1.0, 0.2 * len(answer_words))
            and not (math_tokens(item.answer_text) - math_tokens(request.question))
        ):
            flags.append(Flag.REPEATS_QUESTION)
            raw = min(raw, 0.1)
        elif (
            not states_result
            and whole < 0.1
            and signals[0, FEATURE_RECALL] == 0
            and signals[0, FEATURE_USE] < 0.25
        ):
            flags.append(Flag.OFF_TOPIC)
            raw = min(raw, 0.1)
        ratio = item.answer.size / max(1, item.statements[0].size)
        if ratio < TOO_SHORT and not states_result:
            flags.append(Flag.TOO_SHORT)
        elif ratio > TOO_LONG:
            flags.append(Flag.TOO_LONG)
        chinese_reference = sum(map(is_chinese, request.reference)) >= OTHER_SCRIPT_CHARS
        if (lang == "en" and chinese_reference) or (lang == "zh" and not chinese_reference):
            flags.append(Flag.OTHER_LANGUAGE)
        return self._grade(raw, whole, tuple(results), tuple(flags), lang, feedback_lang, item)

    def _point(
        self,
        item: _Prepared,
        index: int,
        statement: _Text,
        p: float,
        best: list[Clause | None],
    ) -> KeyPointResult:
        """A key point's state from its probability and the contradiction checks."""
        cal = self.calibration
        assert item.window_sims is not None
        contradiction = find_contradiction(
            statement.text,
            item.request.question,
            item.answer_text,
            item.windows,
            [float(v) for v in item.window_sims[index]],
        )
        if contradiction is not None:
            contradiction = _shifted(contradiction, item.offset)
            coverage = Coverage.CONTRADICTED
        elif p >= cal.covered:
            coverage = Coverage.COVERED
        elif p >= cal.partly:
            coverage = Coverage.PARTLY
        else:
            coverage = Coverage.MISSED
        evidence = None
        clause = best[index]
        if contradiction is not None:
            evidence = contradiction.span
        elif coverage is not Coverage.MISSED and clause is not None:
            evidence = Span(clause.start + item.offset, clause.end + item.offset)
        return KeyPointResult(
            statement.text,
            coverage,
            round(p, 3),
            evidence,
            _keywords(statement),
            _context(statement.text, item),
            contradiction,
        )

    def _result_point(
        self,
        item: _Prepared,
        index: int,
        statement: _Text,
        best: list[Clause | None],
        exact: Exact | None,
    ) -> KeyPointResult:
        """A key point that holds the reference's result, judged by the result the answer
        states (the same number, formula, term or verdict, or another one)."""
        assert exact is not None
        context = _context(statement.text, item)
        if exact.matches:
            clause = best[index]
            evidence = (
                Span(clause.start + item.offset, clause.end + item.offset) if clause else None
            )
            return KeyPointResult(
                statement.text, Coverage.COVERED, 1.0, evidence, _keywords(statement), context
            )
        span = exact.span or Span(0, len(item.answer_text))
        contradiction = Contradiction(exact.said, exact.expected, span, exact.kind)
        contradiction = _shifted(contradiction, item.offset)
        return KeyPointResult(
            statement.text,
            Coverage.CONTRADICTED,
            0.0,
            contradiction.span,
            _keywords(statement),
            context,
            contradiction,
        )

    def _grade(
        self,
        raw: float,
        whole: float,
        results: tuple[KeyPointResult, ...],
        flags: tuple[Flag, ...],
        lang: str,
        feedback_lang: str,
        item: _Prepared,
    ) -> Grade:
        score = round(100 * min(1.0, max(0.0, raw)))
        if any(r.coverage is Coverage.CONTRADICTED for r in results):
            score = min(score, HARD_MAX)
        cuts = self.calibration.rating_cuts
        rating = (
            Rating.AGAIN
            if score < cuts[0]
            else Rating.HARD
            if score < cuts[1]
            else Rating.GOOD
            if score < cuts[2]
            else Rating.EASY
        )
        return Grade(
            score=score,
            grade=min(5, round(score / 20)),
            rating=rating,
            key_points=results,
            flags=flags,
            feedback=feedback_lines(
                score, results, flags, feedback_lang, item.statements[0].text, lang
            ),
            language=lang,
            similarity=round(whole, 3),
        )


def score_from_points(points: Sequence[KeyPointResult], whole: float) -> float:
    """The score rule (0-1), documented in the README: each key point earns 1 when covered, 1/2
    when partly covered, 0 when missed, and costs 1/2 when contradicted; the points' share
    (at least 0) fills POINTS_SHARE of the score and the whole-answer match the rest. So every
    point covered gives at least 0.8, and the whole answer moves a score only within its band."""
    if not points:
        return (1 - POINTS_SHARE) * whole
    credit = {
        Coverage.COVERED: 1.0,
        Coverage.PARTLY: 0.5,
        Coverage.MISSED: 0.0,
        Coverage.CONTRADICTED: -0.5,
    }
    share = max(0.0, sum(credit[p.coverage] for p in points) / len(points))
    return POINTS_SHARE * share + (1 - POINTS_SHARE) * whole


def _shifted(contradiction: Contradiction, offset: int) -> Contradiction:
    """The contradiction with its span in the answer as given (before stripping)."""
    span = Span(contradiction.span.start + offset, contradiction.span.end + offset)
    return Contradiction(contradiction.said, contradiction.expected, span, contradiction.kind)


FEATURE_USE = FEATURES.index("use")
FEATURE_RECALL = FEATURES.index("recall")


def _keywords(statement: _Text) -> tuple[str, ...]:
    return tuple(dict.fromkeys(content_words(statement.text)))


def _context(point: str, item: _Prepared) -> str:
    """The sentence of the reference that contains the point (the point itself if none does)."""
    reference = item.request.reference
    at = reference.find(point)
    if at < 0:
        return point
    for clause in clauses(reference):
        if clause.start <= at < clause.end + 1:
            start = reference.rfind("。", 0, clause.start) + 1
            ends = [i for i in (reference.find(c, at) for c in "。！？\n") if i >= 0]
            end = min(ends) + 1 if ends else len(reference)
            return reference[start:end].strip()
    return point


class _Prepared:
    """A request with its texts analysed (a mutable scratch object, private to the grader)."""

    def __init__(
        self,
        request: GradeRequest,
        question: _Text,
        statements: list[_Text],
        answer: _Text,
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

    @classmethod
    def make(cls, request: GradeRequest) -> _Prepared:
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
        statements = [_analyse(request.reference), *(_analyse(k) for k in points)]
        parts = clauses(text) if text else []
        return cls(
            request,
            _analyse(request.question),
            statements,
            _analyse(text),
            text,
            offset,
            windows(parts, text) if parts else [],
            flags,
        )


def _signals(
    item: _Prepared,
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
        window_scores = by_window[k]
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


def _translated(crossing: dict[str, list[str]], vectors: dict[str, Vectors]) -> int:
    """How many of a statement's unused words the answer says in the other script."""
    return sum(
        max(float(vectors[word] @ vectors[p]) for p in partners) >= TRANSLATION
        for word, partners in crossing.items()
    )


def signals_for_fitting(
    grader: Grader, requests: Sequence[GradeRequest]
) -> npt.NDArray[np.float64]:
    """The whole-reference signal row of each request (what calibration is fitted on)."""
    return grader.grade_with_signals(requests)[1]
