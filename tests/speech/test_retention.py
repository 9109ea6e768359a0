"""Recording retention: the user's "keep recordings N days", the server's maximum, the stricter
applies; old recordings go when one is saved and when the user signs in, at most once a day
(times passed as `now`, never slept through)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import Cli
from viva.config import load_settings
from viva.errors import ConfigError
from viva.service import TranscribeOptions, Viva
from viva.service.preferences import PreferenceError
from viva.store.recordings import save_recording
from viva.store.users import find_user_id

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
PASSWORD = "correct horse battery"


def _record(viva: Viva, name: str, at: datetime) -> Path:
    """A recording row and its file, made `at`."""
    relative = f"{at:%Y-%m}/{name}.wav"
    with viva.db.transaction() as conn:
        user_id = find_user_id(conn, viva.user)
        assert user_id is not None
        save_recording(
            conn,
            user_id,
            created_at=at,
            question_id=None,
            kind="drill",
            path=relative,
            duration=1.0,
            language="zh",
            transcript=name,
            delivery={},
        )
    path = viva.recordings_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF")
    return path


def _kept(viva: Viva) -> list[str]:
    return sorted(r.transcript for r in viva.recordings())


def test_the_server_maximum_is_read_and_checked(env: dict[str, str]) -> None:
    assert load_settings(env).recordings_keep_days == 0
    assert load_settings({**env, "VIVA_RECORDINGS_KEEP_DAYS": "90"}).recordings_keep_days == 90
    assert load_settings({**env, "VIVA_RECORDINGS_KEEP_DAYS": ""}).recordings_keep_days == 0
    for bad in ("-1", "ninety", "4000", "1.5"):
        with pytest.raises(ConfigError, match="VIVA_RECORDINGS_KEEP_DAYS must be a whole number"):
            load_settings({**env, "VIVA_RECORDINGS_KEEP_DAYS": bad})


def test_the_stricter_of_the_user_setting_and_the_server_maximum_applies(
    env: dict[str, str],
) -> None:
    personal = Viva(load_settings(env))
    hosted = Viva(load_settings({**env, "VIVA_RECORDINGS_KEEP_DAYS": "30"}))
    try:
        assert personal.retention_days() is None  # kept until deleted
        assert hosted.retention_days() == 30
        personal.set_preferences(recordings_keep_days=60)
        assert personal.retention_days() == 60
        assert hosted.retention_days() == 30  # the user's 60 is longer than the server's 30
        personal.set_preferences(recordings_keep_days="7")
        assert hosted.retention_days() == 7
        assert personal.preferences().to_json()["recordings_keep_days"] == 7
        with pytest.raises(PreferenceError, match="days to keep recordings must be a whole"):
            personal.set_preferences(recordings_keep_days=-2)
        with pytest.raises(PreferenceError, match=r"0 to keep them \(not 'soon'\)"):
            personal.set_preferences(recordings_keep_days="soon")
    finally:
        personal.close()
        hosted.close()


def test_old_recordings_go_at_most_once_a_day(viva: Viva) -> None:
    viva.set_preferences(recordings_keep_days=30)
    old = _record(viva, "old", NOW - timedelta(days=31))
    _record(viva, "recent", NOW - timedelta(days=20))
    assert viva.apply_retention(now=NOW) == 1
    assert _kept(viva) == ["recent"]
    assert not old.exists()
    # the next day's run comes a day later, not sooner
    _record(viva, "older", NOW - timedelta(days=40))
    assert viva.apply_retention(now=NOW + timedelta(hours=23)) == 0
    assert _kept(viva) == ["older", "recent"]
    assert viva.apply_retention(now=NOW + timedelta(hours=24)) == 1
    assert _kept(viva) == ["recent"]
    # forced (the command), it runs whenever asked
    _record(viva, "oldest", NOW - timedelta(days=400))
    assert viva.apply_retention(now=NOW + timedelta(hours=25), force=True) == 1


def test_nothing_goes_without_a_retention(viva: Viva) -> None:
    _record(viva, "ancient", NOW - timedelta(days=3000))
    assert viva.apply_retention(now=NOW, force=True) == 0
    assert _kept(viva) == ["ancient"]


def test_signing_in_applies_the_retention_of_that_user_only(viva: Viva) -> None:
    viva.accounts.add("hua", password=PASSWORD)
    viva.accounts.add("ming", password=PASSWORD)
    hua, ming = viva.as_user("hua"), viva.as_user("ming")
    hua.set_preferences(recordings_keep_days=10)
    for user in (hua, ming):
        _record(user, "old", NOW - timedelta(days=11))
    viva.accounts.sign_in("hua", PASSWORD, address=None, now=NOW)
    assert _kept(hua) == []
    assert _kept(ming) == ["old"]  # ming keeps recordings: nothing of theirs went


def test_the_command_purges_what_is_expired_for_every_user(cli: Cli, env: dict[str, str]) -> None:
    viva = Viva(load_settings({**env, "VIVA_RECORDINGS_KEEP_DAYS": "30"}))
    try:
        viva.accounts.add("lan", password=PASSWORD)
        now = datetime.now(UTC)
        for user in (viva, viva.as_user("lan")):
            _record(user, "old", now - timedelta(days=31))
            _record(user, "new", now - timedelta(days=1))
    finally:
        viva.close()
    result = cli("recordings", "purge", "--expired")
    assert result.exit_code == 0, result.output
    assert result.output == "删除了 0 段录音。\n"  # the CLI's env has no maximum
    both = Cli({**env, "VIVA_RECORDINGS_KEEP_DAYS": "30"})
    both("lang", "en")
    assert both("recordings", "purge", "--expired").output == "Deleted 2 recordings.\n"
    refused = both("recordings", "purge", "--expired", "--older-than", "3")
    assert refused.exit_code == 1
    assert "cannot be used together" in refused.output


@pytest.mark.model
def test_saving_a_recording_purges_the_expired_ones(
    voice_env: dict[str, str], clips: dict[str, Path]
) -> None:
    viva = Viva(load_settings({**voice_env, "VIVA_RECORDINGS_KEEP_DAYS": "30"}))
    try:
        old = _record(viva, "old", datetime.now(UTC) - timedelta(days=31))
        result = viva.transcribe_file(clips["en"], TranscribeOptions(keep=True, kind="transcribe"))
        assert result.recording_id is not None
        assert [r.id for r in viva.recordings()] == [result.recording_id]
        assert not old.exists()
    finally:
        viva.close()
