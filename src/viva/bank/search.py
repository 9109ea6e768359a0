"""Full-text search over questions and answers: BM25 (bm25s) on segmented words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from viva.bank.markdown import plain_text
from viva.bank.models import Question
from viva.bank.segment import words

PROMPT_WEIGHT = 2  # a match in the question counts as much as two in the answer


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A question that matches a search, with its BM25 score."""

    question: Question
    score: float


def search_questions(
    questions: Sequence[Question], text: str, *, limit: int = 10
) -> list[SearchHit]:
    """The questions that best match `text`, best first; empty when nothing matches."""
    query = words(text)
    if not query or not questions:
        return []
    import bm25s  # deferred: numpy/scipy load only when someone searches

    corpus = [
        words(" ".join([q.prompt] * PROMPT_WEIGHT + [plain_text(q.reference or "")]))
        for q in questions
    ]
    vocabulary = {w for doc in corpus for w in doc}
    query = [w for w in query if w in vocabulary]
    if not query:
        return []
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    scores = retriever.get_scores(query)
    ranked = sorted(
        (i for i in range(len(questions)) if scores[i] > 0), key=lambda i: (-scores[i], i)
    )
    return [SearchHit(questions[i], float(scores[i])) for i in ranked[:limit]]
