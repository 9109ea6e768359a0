"""Make `tests/data/release-0009/`: a data dir written by the release before users (schema 0009).

Run it with that release's code, not this tree's (the upgrade test reads what it wrote):

    git worktree add /tmp/viva-0009 <commit with schema 0009>
    PYTHONPATH=/tmp/viva-0009/src python tests/data/make_release_home.py tests/data/release-0009

It imports notes (and the built-in bank, then hides it), reviews (one undone), stores
preferences, an edit, a question of one's own, a disputed grade, a finished and a live
interview, a recording with its file, a web upload's folder, and the two files that later
became rows: a calibration and fitted FSRS parameters. No model is loaded.
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from viva.config import load_settings
from viva.grading.calibration import calibration_file, default_calibration
from viva.service import Viva
from viva.store.exemplars import save_dispute
from viva.store.interviews import save_interview
from viva.store.live_interviews import create_live
from viva.store.recordings import save_recording

HERE = Path(__file__).parent
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def main(target: Path, database_url: str | None = None) -> None:
    if target.exists():
        shutil.rmtree(target)
    env = {"VIVA_HOME": str(target), "VIVA_BUILTIN_BANK": "1"}
    if database_url:  # the same data on PostgreSQL (to try the migration there by hand)
        env["VIVA_DATABASE_URL"] = database_url
    settings = load_settings(env)
    viva = Viva(settings)
    viva.import_notes([HERE / "seed-note.txt"], bank="notes")
    extra = target.parent / "extra-note.md"
    extra.write_text("# 网络\n## TCP 和 UDP 的区别？\nTCP 面向连接，可靠；UDP 无连接。\n", "utf-8")
    try:
        viva.import_notes([extra], bank="extra")
    finally:
        extra.unlink()
    mine = viva.questions(banks=["notes"])
    builtin = viva.questions(banks=["builtin"])
    for n, (question, rating) in enumerate(
        [(mine[0], 3), (mine[1], 1), (builtin[0], 4), (mine[2], 3)]
    ):
        viva.review(question.id, rating, answer=f"answer {n}", now=AT + timedelta(minutes=n))
    viva.undo_last_review(now=AT + timedelta(minutes=5))
    viva.set_bank_enabled("builtin", False)
    viva.set_preferences(new_per_day=7, ui_lang="en", desired_retention=0.85)
    viva.edit_question(mine[3].id, reference="我改过的参考答案。")
    viva.add_question("自己加的问题：什么是死锁？", reference="多个进程互相等待资源。")
    with viva.db.transaction() as conn:
        save_dispute(
            conn,
            question_id=mine[0].id,
            question=mine[0].prompt,
            answer="answer 0",
            score=0.8,
            graded=0.5,
            note="说到了要点",
            now=AT,
        )
        save_interview(
            conn,
            plan="kaoyan-cs",
            seed=42,
            started_at=AT,
            finished_at=AT + timedelta(minutes=20),
            overall=71,
            report={"plan": "kaoyan-cs", "overall": 71, "answers": []},
        )
        create_live(
            conn, token="a" * 32, seed=7, banks=["notes"], started_at=AT, state={"asked": []}
        )
        save_recording(
            conn,
            created_at=AT,
            question_id=mine[0].id,
            kind="drill",
            path="2026-03/20260302-093000-abcdef12.wav",
            duration=1.5,
            language="zh",
            transcript="录音的转写",
            delivery={"words": 5},
        )
    viva.close()
    recording = settings.recordings_dir / "2026-03" / "20260302-093000-abcdef12.wav"
    recording.parent.mkdir(parents=True, exist_ok=True)
    recording.write_bytes(b"RIFF-release-recording")
    upload = target / "uploads" / "notes" / "uploaded.md"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_text("# 上传的笔记\n", "utf-8")
    calibration = default_calibration("accurate").to_dict()
    calibration["fitted_on"] = "my-grades.csv (40 answers)"
    (target / calibration_file("accurate")).write_text(json.dumps(calibration), "utf-8")
    import fsrs

    fitted = [float(w) for w in fsrs.Scheduler().parameters]
    fitted[0] = round(fitted[0] + 0.1, 4)  # fitted: not the defaults
    parameters = {"parameters": fitted, "reviews": 120}
    (target / "fsrs-parameters.json").write_text(json.dumps(parameters), "utf-8")
    for leftover in ("models", "tts-cache", ".staging", "viva.db-wal", "viva.db-shm"):
        path = target / leftover
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


if __name__ == "__main__":
    main(Path(sys.argv[1]), *sys.argv[2:3])
