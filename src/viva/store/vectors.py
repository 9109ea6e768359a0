"""The embedding cache in the database: reference answers and key points are embedded once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import sqlalchemy as sa

from viva.grading.embedder import Vectors
from viva.store.db import Connections
from viva.store.schema import embeddings

_CHUNK = 500


class SqlEmbeddingCache:
    """Implements grading's EmbeddingCache protocol on the `embeddings` table."""

    def __init__(self, db: Connections) -> None:
        self.db = db

    def get_vectors(self, model_id: str, keys: Sequence[str]) -> Mapping[str, Vectors]:
        """Stored vectors for the keys that have one."""
        found: dict[str, Vectors] = {}
        with self.db.reader() as conn:
            for start in range(0, len(keys), _CHUNK):
                chunk = list(keys[start : start + _CHUNK])
                rows = conn.execute(
                    sa.select(embeddings.c.key, embeddings.c.vector).where(
                        embeddings.c.model_id == model_id, embeddings.c.key.in_(chunk)
                    )
                )
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype="<f4").copy()
        return found

    def put_vectors(self, model_id: str, vectors: Mapping[str, Vectors]) -> None:
        """Store new vectors (a key already stored by another process is left as it is)."""
        if not vectors:
            return
        keys = list(vectors)
        with self.db.transaction() as conn:
            existing: set[str] = set()
            for start in range(0, len(keys), _CHUNK):  # bound parameters are limited per query
                existing.update(
                    conn.execute(
                        sa.select(embeddings.c.key).where(
                            embeddings.c.model_id == model_id,
                            embeddings.c.key.in_(keys[start : start + _CHUNK]),
                        )
                    ).scalars()
                )
            rows = [
                {
                    "model_id": model_id,
                    "key": key,
                    "dim": int(vector.shape[0]),
                    "vector": np.asarray(vector, dtype="<f4").tobytes(),
                }
                for key, vector in vectors.items()
                if key not in existing
            ]
            if rows:
                conn.execute(embeddings.insert(), rows)
