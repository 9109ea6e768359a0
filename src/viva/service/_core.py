"""The base of the service: settings, the database, the clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from viva.config import Settings
from viva.store.db import Database

if TYPE_CHECKING:
    from viva.grading.scorer import Grader


def now_utc() -> datetime:
    """The current time (the service's only clock; core code takes `now` as an argument)."""
    return datetime.now(UTC)


class Core:
    """What every part of the service shares."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.effective_database_url)
        self._builtin_checked = False
        self._grader: Grader | None = None

    def close(self) -> None:
        """Release the database connections."""
        self.db.dispose()
