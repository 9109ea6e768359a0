"""Boundary fakes: deterministic embedders registered through the real registry."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from viva.grading.embedder import _FACTORIES as FACTORIES
from viva.grading.embedder import Embedder, Vectors, register_embedder


class BigramEmbedder(Embedder):
    """Hashes character bigrams into a vector: similar wording, similar vector. No model files."""

    dim = 64

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id
        self.calls: list[int] = []

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            chars = [c for c in text.lower() if c.isalnum()]
            for a, b in itertools.pairwise(chars):
                slot = int(hashlib.md5((a + b).encode()).hexdigest()[:8], 16) % self.dim
                out[row, slot] += 1.0
            out[row, 0] += 0.01  # never an all-zero row
        return out


@contextmanager
def fake_models() -> Iterator[tuple[BigramEmbedder, BigramEmbedder]]:
    """Replace the e5 and USE backends with fakes for the duration of a test."""
    saved = dict(FACTORIES)
    semantic, fast = BigramEmbedder("fake-e5"), BigramEmbedder("fake-use")
    register_embedder("e5", lambda: semantic)
    register_embedder("use", lambda: fast)
    try:
        yield semantic, fast
    finally:
        for name, factory in saved.items():
            register_embedder(name, factory)
