"""Which questions a drill asks, in which order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from viva.bank.models import Question
from viva.practice.scheduler import Memory, Scheduler


def drill_queue(
    questions: Sequence[Question],
    memories: Mapping[str, Memory],
    scheduler: Scheduler,
    *,
    now: datetime,
    limit: int | None = None,
    new_limit: int = 10,
    cram: bool = False,
) -> list[Question]:
    """Due questions first (most overdue first), then up to `new_limit` new ones.

    With `cram`, every question already studied is asked, the least likely to be recalled
    first, whether it is due or not (the night before the interview); new ones follow.
    Questions without a reference answer cannot be graded and are left out.
    """
    gradable = [q for q in questions if q.has_reference]
    new = [q for q in gradable if q.id not in memories][: max(0, new_limit)]
    if cram:
        studied = sorted(
            (q for q in gradable if q.id in memories),
            key=lambda q: scheduler.recall(memories[q.id], now),
        )
        queue = studied + new
    else:
        due = sorted(
            (q for q in gradable if q.id in memories and memories[q.id].due <= now),
            key=lambda q: memories[q.id].due,
        )
        queue = due + new
    return queue if limit is None else queue[: max(0, limit)]


def due_count(memories: Mapping[str, Memory], ids: Sequence[str], now: datetime) -> int:
    """How many of the questions `ids` are due at `now`."""
    return sum(1 for qid in ids if qid in memories and memories[qid].due <= now)
