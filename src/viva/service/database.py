"""The database's schema: where it stands, and the explicit upgrade (`viva db ...`).

A PostgreSQL database serves many processes: it is upgraded once, before they start, and a
process that finds it behind refuses to run. A SQLite file upgrades itself when opened.
"""

from __future__ import annotations

from viva.config import Settings
from viva.store.db import Database, SchemaStatus

__all__ = ["SchemaStatus", "database_status", "upgrade_database"]


def database_status(settings: Settings) -> SchemaStatus:
    """The schema revision of the configured database and the one this Viva needs."""
    database = Database(settings.effective_database_url)
    try:
        return database.status()
    finally:
        database.dispose()


def upgrade_database(settings: Settings) -> tuple[SchemaStatus, SchemaStatus]:
    """Migrate the configured database to the newest schema; the status before and after.
    With the job queue (`VIVA_JOBS=queue`), its tables are made too.

    Safe to run from several processes at once (they queue on a lock) and again when already
    current (nothing happens)."""
    database = Database(settings.effective_database_url)
    try:
        statuses = database.upgrade()
    finally:
        database.dispose()
    if settings.jobs == "queue":
        from viva.service.jobs import prepare_queue

        prepare_queue(settings)
    return statuses
