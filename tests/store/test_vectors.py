"""The embedding cache in the test's database: many keys at once, stored once, read back exactly."""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa

from viva.config import Settings
from viva.store.db import Database
from viva.store.vectors import SqlEmbeddingCache


def test_many_vectors_round_trip_and_are_stored_once(settings: Settings) -> None:
    db = Database(settings.effective_database_url)
    cache = SqlEmbeddingCache(db)
    bound: list[int] = []  # parameters bound by each single statement (not the bulk inserts)

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]  # noqa: ARG001
        if not executemany:
            bound.append(len(parameters or ()))

    rng = np.random.default_rng(0)
    # more keys than one query may bind: a batch of answers brings thousands of words
    vectors = {f"k{i}": rng.random(8, dtype=np.float32) for i in range(40_000)}
    cache.put_vectors("m", vectors)
    cache.put_vectors("m", {"k1": np.zeros(8, dtype=np.float32), "new": np.ones(8, np.float32)})
    found = cache.get_vectors("m", [*vectors, "new", "absent"])
    assert len(found) == 40_001
    assert np.array_equal(found["k1"], vectors["k1"])  # the first stored vector is kept
    assert np.array_equal(found["new"], np.ones(8, np.float32))
    assert cache.get_vectors("other-model", ["k1"]) == {}
    # PostgreSQL binds at most 65,535 parameters per statement: every lookup stays far below
    assert max(bound) <= 501
    db.dispose()
