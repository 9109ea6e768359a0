"""Jobs in the personal mode (SQLite, no job queue): the server's own process runs them.

A job is a row the owner polls; the work runs in a spawned process with its own runtime on
the same data (`LocalRunner`), or directly (`run_job`); the result or the error lands in the
row. Polls wait for the job to finish (a bound only so a broken runner fails the test instead
of hanging it: no speed is asserted).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import SEED, write
from viva.errors import VivaError
from viva.service import Job, JobNotFound, Viva
from viva.service.bank import StagedNotes
from viva.service.jobs import STAGING, JobFailed, run_job

PATIENCE = 600  # seconds: a hung runner fails the test rather than hanging it


def wait(viva: Viva, job: Job) -> Job:
    """The job once finished (polled as the pages poll it)."""
    deadline = time.monotonic() + PATIENCE
    while not job.is_finished:
        assert time.monotonic() < deadline, f"job {job.id} never finished: {job}"
        time.sleep(0.1)
        job = viva.job(job.id)
    return job


def staged_note(viva: Viva, text: str, name: str = "net.md") -> StagedNotes:
    """A note unpacked in the staging folder as an upload is (bound for the user's uploads)."""
    batch = viva.settings.home / STAGING / f"upload-{name}"
    staged = write(batch / "key" / name, text)
    return StagedNotes(staged, viva.uploads_dir / "my-notes" / "key" / name)


def test_an_import_job_runs_in_a_process_of_its_own_and_its_report_lands_in_the_database(
    viva: Viva,
) -> None:
    item = staged_note(viva, SEED.read_text(encoding="utf-8"), "seed-note.md")
    job = viva.submit_import([item], bank="mine")
    assert job.kind == "import"
    assert job.state in ("queued", "running", "done")
    done = wait(viva, job)
    assert done.state == "done", done
    report = done.outcome()
    assert report["bank"] == "mine"
    assert report["counts"]["added"] == 41
    assert len(viva.questions(banks=["mine"])) == 41
    assert item.final.read_bytes() == SEED.read_bytes()  # moved into place once committed
    assert not (viva.settings.home / STAGING / "upload-seed-note.md").exists()
    assert done.finished_at is not None
    assert done.to_json()["result"] == report


def test_a_job_is_found_by_its_owner_only(viva: Viva) -> None:
    job = viva.submit_import(
        [staged_note(viva, "## Q\n1. 什么是 TCP？\n> 可靠的字节流。\n")], bank="n"
    )
    other = viva.add_user("other")
    with pytest.raises(JobNotFound):
        other.job(job.id)
    assert wait(viva, job).state == "done"
    with pytest.raises(JobNotFound, match="no job has the id 'nope'"):
        viva.job("nope")


def test_a_failed_job_keeps_the_error_and_status_the_request_would_have_had(viva: Viva) -> None:
    job = viva.submit_transcription(b"not audio at all" * 50, "answer.webm")
    failed = wait(viva, job)
    assert failed.state == "failed"
    assert failed.status is not None
    assert 400 <= failed.status < 500
    assert failed.error
    with pytest.raises(JobFailed) as raised:
        failed.outcome()
    assert raised.value.http_status == failed.status
    assert raised.value.message == failed.error
    # the uploaded audio is not kept: the incoming folder is empty again
    assert not [p for p in viva.recordings_dir.rglob("*") if p.is_file()]


def test_a_job_runs_once_even_when_handed_out_twice(viva: Viva) -> None:
    item = staged_note(viva, "## Q\n1. 什么是 UDP？\n> 无连接。\n")
    # recorded, then run directly in this process (the runner's process may take it first:
    # whichever claims it runs it, the other leaves it alone)
    job = viva.submit_import([item], bank="twice")
    run_job(viva.runtime, job.id)
    run_job(viva.runtime, job.id)
    done = wait(viva, job)
    assert done.state == "done"
    assert done.outcome()["counts"]["added"] == 1
    assert len(viva.questions(banks=["twice"])) == 1


def test_a_bad_bank_name_is_refused_before_a_job_is_made_and_the_upload_goes(viva: Viva) -> None:
    item = staged_note(viva, "## Q\n1. 什么是 IP？\n> 网际协议。\n")
    with pytest.raises(VivaError, match="reserved"):
        viva.submit_import([item], bank="builtin")
    assert not item.staged.exists()
    assert not (viva.settings.home / STAGING / "upload-net.md").exists()


def test_a_job_names_only_files_inside_the_data_dir(viva: Viva, tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere" / "n.md", "## Q\n1. 问？\n> 答。\n")
    with pytest.raises(VivaError, match="outside the data dir"):
        viva.submit_import([StagedNotes(outside, viva.uploads_dir / "x" / "n.md")], bank="x")
    assert outside.exists()  # never removed: only the staging folder's copies are
