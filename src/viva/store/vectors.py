"""The embedding cache in the database: reference answers and key points are embedded once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import sqlalchemy as sa

from viva.grading.embedder import Vectors
from viva.store.db import Connections, upsert
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
        with self.db.transaction() as conn:
            rows = [
                {
                    "model_id": model_id,
                    "key": key,
                    "dim": int(vector.shape[0]),
                    "vector": np.asarray(vector, dtype="<f4").tobytes(),
                }
                for key, vector in vectors.items()
            ]
            # one insert that skips a key already there: two writers racing on one text
            # (another process, another user) cannot both insert it
            for start in range(0, len(rows), _CHUNK):
                upsert(conn, embeddings, rows[start : start + _CHUNK], key=("model_id", "key"))
