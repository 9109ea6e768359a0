"""`Viva`: the one object the CLI and the web app call. It owns the settings and the database.

It composes the core (bank, grading, practice) with storage and holds no business rule of its
own beyond "what to load, what to store, in which transaction". Its parts live in one module
each, layered in the order they depend on one another: bank → grading → practice → interviews.
"""

from __future__ import annotations

from viva.service.bank import (
    BUILTIN_BANK,
    DEFAULT_BANK,
    ImportProgress,
    ImportReport,
    Paths,
    builtin_dir,
)
from viva.service.grading import BatchReport, CalibrationReport, QuestionNotGradable
from viva.service.speech import SpeechService, Transcription

__all__ = [
    "BUILTIN_BANK",
    "DEFAULT_BANK",
    "BatchReport",
    "CalibrationReport",
    "ImportProgress",
    "ImportReport",
    "Paths",
    "QuestionNotGradable",
    "Transcription",
    "Viva",
    "builtin_dir",
]


class Viva(SpeechService):
    """The composition root: settings + database + the core packages."""
