"""The grader: score answers against references, key point by key point.

The signals of each statement (signals.py) become probabilities through the calibration
(calibration.py); each key point is then covered, partly, missed or contradicted (contrast.py
finds wrong statements, exact.py judges short results), and the score rule (score.py) turns the
states into the score. Embeddings of references and key points are cached by content, so after
the first time only the answer is embedded.

A calibration of the "fast" profile does not use the two e5 signals: e5 is then never loaded or
run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from viva.grading.calibration import FEATURES, Calibration
from viva.grading.contrast import find_contradiction
from viva.grading.embedder import Embedder, EmbeddingCache, Vectors, embed_cached, get_embedder
from viva.grading.exact import Exact, judge_exact, math_tokens
from viva.grading.exemplars import (
    MIN_EXEMPLARS,
    ExemplarSource,
    dispute_pull,
    exemplar_signals,
)
from viva.grading.feedback import feedback_lines
from viva.grading.keypoints import sentence_of
from viva.grading.models import (
    Contradiction,
    Coverage,
    Flag,
    Grade,
    KeyPointResult,
    Rating,
    Span,
)
from viva.grading.models import GradeRequest as GradeRequest  # the grader's input, here too
from viva.grading.reading import Reading
from viva.grading.score import (
    score_from_points,
)
from viva.grading.signals import Prepared, Text, compute_signals
from viva.grading.text import (
    Clause,
    content_words,
    is_chinese,
    is_no_answer,
    language,
)

TOO_SHORT = 0.15  # answer content words / reference content words
TOO_LONG = 4.0
LONG_ANSWER_WORDS = 60  # never too long under this: a sentence is not long beside a terse reference
OTHER_LANGUAGE_WORDS = 3  # "O(logn)" is a formula, not an English answer
OTHER_SCRIPT_CHARS = 10  # Chinese characters that make a reference Chinese (beside its terms)


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
        prepared = [Prepared.make(r) for r in requests]
        live = [p for p in prepared if p.answer_text]
        if live:
            self._embed(live)
        rows = [
            p.signals[0][0] if p.signals is not None else np.zeros(len(FEATURES)) for p in prepared
        ]
        return [self._finish(p) for p in prepared], np.asarray(rows, dtype=np.float64)

    # --- signals --------------------------------------------------------------------------
    def _embed(self, items: Sequence[Prepared]) -> None:
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
            item.signals, item.window_sims = compute_signals(
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
        if self.exemplars is not None:
            models = [(fast, fast_answers)]
            if semantic_vectors is not None and semantic is not None:
                models.insert(0, (semantic, semantic_vectors[2]))
            self._exemplar_signals(items, models, fast, fast_answers)

    def _exemplar_signals(
        self,
        items: Sequence[Prepared],
        models: Sequence[tuple[Embedder, Vectors]],
        fast: Embedder,
        fast_answers: Vectors,
    ) -> None:
        assert self.exemplars is not None
        for i, item in enumerate(items):
            graded = self.exemplars.exemplars_for(item.request.question)
            disputes = [e for e in graded if e.is_dispute]
            if disputes:  # the student's own scores: the same answer included
                vectors = embed_cached(fast, [e.answer for e in disputes], self.cache)
                similarities = [float(v) for v in vectors @ fast_answers[i]]
                item.dispute = dispute_pull(similarities, [e.score for e in disputes])
                nearest = max(range(len(disputes)), key=lambda n: similarities[n])
                item.dispute_by_teacher = disputes[nearest].is_teacher
            if self.calibration.exemplar_weights is None:
                continue
            found = [e for e in graded if e.answer.strip() != item.answer_text]
            if len(found) < MIN_EXEMPLARS:
                continue
            texts = [e.answer for e in found]
            item.exemplar = exemplar_signals(
                [(answers[i], embed_cached(model, texts, self.cache)) for model, answers in models],
                [e.score for e in found],
            )

    def _finish(self, item: Prepared) -> Grade:
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
        reading = Reading.of(request.question, item.answer_text, item.windows, request.reference)
        results = [
            self._point(item, k + offset, statement, float(probability[k + offset]), best, reading)
            if not holders[k]
            else self._result_point(item, k + offset, statement, best, exact)
            for k, statement in enumerate(points)
        ]
        raw = score_from_points(
            results,
            whole,
            marked=bool(request.key_points),
            mix=self.calibration.mix,
            result=None if exact is None else exact.matches,
        )
        answer_words = item.answer.words
        own_words = answer_words - item.question.words - _PARTICLES
        # a reference that adds nothing to the question's words ("The bulb will light." to
        # "…light a bulb or run a motor. What will happen…?") is answered by choosing among them
        reference_adds = bool(item.statements[0].words - item.question.words - _PARTICLES)
        states_result = exact is not None and exact.matches
        if (
            not states_result
            and answer_words
            and not own_words
            and reference_adds
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
        elif ratio > TOO_LONG and item.answer.size >= LONG_ANSWER_WORDS:
            flags.append(Flag.TOO_LONG)
        chinese_reference = sum(map(is_chinese, request.reference)) >= OTHER_SCRIPT_CHARS
        english_words = len(_LATIN_WORDS.findall(item.answer_text))
        if (lang == "en" and chinese_reference and english_words >= OTHER_LANGUAGE_WORDS) or (
            lang == "zh" and not chinese_reference
        ):
            flags.append(Flag.OTHER_LANGUAGE)
        weight, own = item.dispute
        if weight > 0:  # the student scored a nearly identical answer: follow their score
            raw += weight * (own - raw)
            flags.append(Flag.TEACHER_SCORE if item.dispute_by_teacher else Flag.YOUR_SCORE)
        return self._grade(raw, whole, tuple(results), tuple(flags), lang, feedback_lang, item)

    def _point(
        self,
        item: Prepared,
        index: int,
        statement: Text,
        p: float,
        best: list[Clause | None],
        reading: Reading,
    ) -> KeyPointResult:
        """A key point's state from its probability and the contradiction checks."""
        cal = self.calibration
        assert item.window_sims is not None
        contradiction = find_contradiction(
            statement.text, reading, [float(v) for v in item.window_sims[index]]
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
        item: Prepared,
        index: int,
        statement: Text,
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
        item: Prepared,
    ) -> Grade:
        score = round(100 * min(1.0, max(0.0, raw)))
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
            feedback=feedback_lines(score, results, flags, feedback_lang, item.request.reference),
            language=lang,
            similarity=round(whole, 3),
        )


def _shifted(contradiction: Contradiction, offset: int) -> Contradiction:
    """The contradiction with its span in the answer as given (before stripping)."""
    span = Span(contradiction.span.start + offset, contradiction.span.end + offset)
    return Contradiction(contradiction.said, contradiction.expected, span, contradiction.kind)


FEATURE_USE = FEATURES.index("use")
FEATURE_RECALL = FEATURES.index("recall")


_LATIN_WORDS = re.compile(r"[A-Za-z]{2,}")
_PARTICLES = frozenset("呢 吗 吧 啊 呀 哦 嘛 啦 么 嗯 呃".split())


def _keywords(statement: Text) -> tuple[str, ...]:
    return tuple(dict.fromkeys(content_words(statement.text)))


def _context(point: str, item: Prepared) -> str:
    """The sentence of the reference that contains the point (the point itself if none does)."""
    return sentence_of(point, item.request.reference) or point


def signals_for_fitting(
    grader: Grader, requests: Sequence[GradeRequest]
) -> npt.NDArray[np.float64]:
    """The whole-reference signal row of each request (what calibration is fitted on)."""
    return grader.grade_with_signals(requests)[1]
