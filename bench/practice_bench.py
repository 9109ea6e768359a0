"""Practice speed: the due queue and `viva plan` for 20,000 questions with 200,000 review logs.

Builds a bank of 20,000 questions (the import benchmark's generated vault), gives 15,000 of them
a review history (200,000 logs in all, memories from real FSRS reviews), then times the
service calls the CLI makes. Targets (issue 5): due queue <= 0.5 s, plan <= 2 s.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from import_bench import make_vault
from viva.config import load_settings
from viva.grading.models import Rating
from viva.service import Viva
from viva.store.schema import memories, reviews

STUDIED = 15_000
LOGS = 200_000


def main() -> None:
    rng = random.Random(3)
    now = datetime(2026, 11, 29, 8, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        vault = Path(tmp) / "vault"
        make_vault(vault)
        viva = Viva(load_settings({"VIVA_HOME": str(Path(tmp) / "home"), "VIVA_BUILTIN_BANK": "0"}))
        viva.import_notes([vault])
        questions = viva.questions()
        scheduler = viva.scheduler()
        studied = [q for q in questions if q.has_reference][:STUDIED]
        memory_rows, log_rows = [], []
        per_question = LOGS // len(studied)
        for q in studied:
            at = now - timedelta(days=rng.randint(20, 60))
            memory = None
            for _ in range(per_question):
                rating = Rating(rng.choice([1, 3, 3, 3, 4]))
                review = scheduler.review(memory, rating, now=at)
                log_rows.append(
                    {
                        "question_id": q.id,
                        "reviewed_at": at,
                        "rating": int(rating),
                        "card_before": None if memory is None else memory.card,
                        "card_after": review.after.card,
                        "is_cram": False,
                    }
                )
                memory = review.after
                at = min(now, max(at + timedelta(hours=1), memory.due))
            assert memory is not None
            memory_rows.append(
                {"question_id": q.id, "card": memory.card, "due": memory.due, "updated_at": now}
            )
        with viva.db.transaction() as conn:
            conn.execute(memories.insert(), memory_rows)
            conn.execute(reviews.insert(), log_rows)
        start = time.perf_counter()
        queue = viva.drill_queue(new=20, now=now)
        queue_s = time.perf_counter() - start
        start = time.perf_counter()
        plan = viva.plan(date(2027, 3, 20), now=now)
        plan_s = time.perf_counter() - start
        viva.close()
    print(
        f"bank: {len(questions)} questions, {len(memory_rows)} studied, {len(log_rows)} review logs"
    )
    print(f"due queue (viva drill): {queue_s:.2f} s  ({len(queue)} questions)  target <= 0.5 s")
    print(
        f"viva plan to 2027-03-20: {plan_s:.2f} s  ({plan.days_left} days, "
        f"{plan.reviews_per_day:.0f} reviews/day)  target <= 2 s"
    )


if __name__ == "__main__":
    main()
