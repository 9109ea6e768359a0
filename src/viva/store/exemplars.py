"""Graded exemplars in the database (grading's ExemplarSource)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from viva.grading.exemplars import Exemplar, exemplar_key
from viva.store.db import Connections
from viva.store.schema import exemplars


class SqlExemplars:
    """Reads exemplars by question; `save` files new ones (a re-graded answer is updated)."""

    def __init__(self, db: Connections) -> None:
        self.db = db

    def exemplars_for(self, question: str) -> Sequence[Exemplar]:
        """The graded answers to this question."""
        with self.db.reader() as conn:
            rows = conn.execute(
                sa.select(exemplars.c.answer, exemplars.c.score).where(
                    exemplars.c.key == exemplar_key(question)
                )
            )
            return [Exemplar(answer, float(score)) for answer, score in rows]

    def save(self, items: Sequence[tuple[str, str, float]], *, source: str, now: datetime) -> int:
        """Store (question, answer, score) triples in one transaction; returns how many."""
        with self.db.transaction() as conn:
            for question, answer, score in items:
                key = exemplar_key(question)
                updated = conn.execute(
                    exemplars.update()
                    .where(exemplars.c.key == key, exemplars.c.answer == answer)
                    .values(score=score, source=source, created_at=now)
                )
                if updated.rowcount == 0:
                    conn.execute(
                        exemplars.insert().values(
                            key=key, answer=answer, score=score, source=source, created_at=now
                        )
                    )
        return len(items)
