"""The errors a user can fix, each with a message, a hint, an exit code and an HTTP status.

Anything that is not a `VivaError` is a bug and surfaces as a traceback. The CLI and the web app
translate these exactly once, at their edge.
"""

from __future__ import annotations


class VivaError(Exception):
    """An expected failure we can explain to the user."""

    exit_code = 1
    http_status = 400

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(VivaError):
    """A setting or environment variable has a value we cannot use."""

    exit_code = 2


class NotFoundError(VivaError):
    """A question, bank or file that does not exist."""

    http_status = 404


class QuestionNotFound(NotFoundError):
    """No question has this id (or id prefix)."""


class BankNotFound(NotFoundError):
    """No bank has this name."""


class NoteError(VivaError):
    """A note could not be read or parsed; carries the file and line."""

    def __init__(
        self, message: str, *, path: str, line: int | None = None, hint: str | None = None
    ) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}", hint=hint)
        self.path = path
        self.line = line


class ImportFailed(VivaError):
    """An import was refused as a whole: nothing was written."""


class DatabaseError(VivaError):
    """The database cannot be opened or is from a newer Viva."""

    exit_code = 3
    http_status = 500


class SchemaBehind(DatabaseError):
    """A shared (PostgreSQL) database whose schema is older than this Viva: it is upgraded
    once, explicitly (`viva db upgrade`), not by whichever process opens it first."""

    http_status = 503


class AudioError(VivaError):
    """A recording that cannot be used: not audio, damaged, silent, too short or too long."""

    http_status = 422


class UploadTooLarge(AudioError):
    """An uploaded file is over the size limit."""

    http_status = 413


class SpeechUnavailable(VivaError):
    """A speech package or its model files are missing or damaged (reinstall them)."""

    exit_code = 4
    http_status = 503


class AudioDeviceError(VivaError):
    """No sound device: PortAudio is missing, or there is no microphone or speaker."""

    exit_code = 5
    http_status = 503


class Forbidden(VivaError):
    """The signed-in user's role may not do this (a student on a teacher's page)."""

    http_status = 403
