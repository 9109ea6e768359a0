"""The drill page's two counts agree with the home page's, without computing recall."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from viva.config import load_settings
from viva.service import Viva


def test_drill_counts_match_the_dashboard(env: dict[str, str]) -> None:
    viva = Viva(load_settings({**env, "VIVA_BUILTIN_BANK": "1"}))
    try:
        now = datetime.now(UTC)
        assert viva.drill_counts(now=now) == (0, 10)
        queue = viva.drill_queue(new=5, now=now)
        for question in queue[:3]:  # studied days ago: due again now
            viva.review(question.id, 3, now=now - timedelta(days=3))
        for question in queue[3:5]:  # new today: they use up today's limit
            viva.review(question.id, 3, now=now)
        board = viva.dashboard(now=now)
        assert viva.drill_counts(now=now) == (board.due_now, board.new_available) == (3, 8)
        viva.set_preferences(new_per_day=1)
        assert viva.drill_counts(now=now) == (3, 0)
    finally:
        viva.close()
