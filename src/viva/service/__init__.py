"""`Viva`: the one object the CLI and the web app call, for the local user.

The service is composed, not inherited: a per-process `Runtime` (settings, the database, the
models), a `UnitOfWork` per request or command (one connection, the user, preferences and
scheduler loaded once) and small services per area built from the two (`Areas`). `Viva` is a
thin façade over them: each call runs in the unit of work it is bound to (`Viva.bound()`, one
per web request) or, unbound, in a unit of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from viva.config import Settings
from viva.service.accounts import AccountService
from viva.service.bank import (
    BUILTIN_BANK,
    DEFAULT_BANK,
    OWN_BANK,
    AnkiExport,
    BankService,
    ImportProgress,
    ImportReport,
    Paths,
    SectionCount,
    builtin_dir,
)
from viva.service.classes import ClassService
from viva.service.data import DataExport, DataService, DeletedAccount
from viva.service.edits import EditService
from viva.service.grading import (
    BatchReport,
    CalibrationReport,
    DisputeError,
    GradingService,
    QuestionNotGradable,
)
from viva.service.interviews import InterviewService
from viva.service.jobs import Job, JobNotFound, JobService
from viva.service.practice import DrillStatus, PracticeService
from viva.service.preferences import Preferences, Scope
from viva.service.runtime import Runtime
from viva.service.speech import SpeechService, TranscribeOptions, Transcription
from viva.service.sso import SingleSignOn
from viva.service.unit import LOCAL_USER, UnitOfWork, UserNotFound
from viva.store.interviews import SavedInterview  # what a saved interview's pages show

if TYPE_CHECKING:
    import sqlalchemy as sa

    from viva.practice.scheduler import Scheduler
    from viva.store.accounts import Account
    from viva.store.db import Database

__all__ = [
    "BUILTIN_BANK",
    "DEFAULT_BANK",
    "OWN_BANK",
    "AccountService",
    "AnkiExport",
    "Areas",
    "BatchReport",
    "CalibrationReport",
    "ClassService",
    "DataExport",
    "DeletedAccount",
    "DisputeError",
    "DrillStatus",
    "ImportProgress",
    "ImportReport",
    "Job",
    "JobNotFound",
    "Paths",
    "QuestionNotGradable",
    "Runtime",
    "SavedInterview",
    "Scope",
    "SectionCount",
    "TranscribeOptions",
    "Transcription",
    "UnitOfWork",
    "UserNotFound",
    "Viva",
    "builtin_dir",
]

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S")


class Areas:
    """The services of one unit of work, one per area, wired to each other."""

    def __init__(self, runtime: Runtime, unit: UnitOfWork) -> None:
        self.unit = unit
        self.bank = BankService(runtime, unit)
        self.edits = EditService(runtime, unit, self.bank)
        self.grading = GradingService(runtime, unit, self.bank)
        self.practice = PracticeService(runtime, unit, self.bank)
        self.interviews = InterviewService(runtime, unit, self.bank, self.grading)
        self.speech = SpeechService(runtime, unit, self.bank)
        self.jobs = JobService(runtime, unit, self.bank, self.speech)
        self.data = DataService(runtime, unit)
        self.classes = ClassService(runtime, unit)


def _via(
    area: Callable[[Areas], S], method: Callable[Concatenate[S, P], R]
) -> Callable[Concatenate[Viva, P], R]:
    """A façade method: `method` of the area's service, in the façade's unit of work."""

    def call(self: Viva, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.areas() as areas:
            return method(area(areas), *args, **kwargs)

    call.__name__ = call.__qualname__ = getattr(method, "__name__", "call")
    call.__doc__ = method.__doc__
    return call


def _bank(a: Areas) -> BankService:
    return a.bank


def _edits(a: Areas) -> EditService:
    return a.edits


def _grading(a: Areas) -> GradingService:
    return a.grading


def _practice(a: Areas) -> PracticeService:
    return a.practice


def _interviews(a: Areas) -> InterviewService:
    return a.interviews


def _speech(a: Areas) -> SpeechService:
    return a.speech


def _jobs(a: Areas) -> JobService:
    return a.jobs


def _data(a: Areas) -> DataService:
    return a.data


def _classes(a: Areas) -> ClassService:
    return a.classes


class Viva:
    """The local user's façade over the runtime and the area services."""

    def __init__(
        self, settings: Settings, *, runtime: Runtime | None = None, user: str = LOCAL_USER
    ) -> None:
        self.runtime = runtime or Runtime(settings)
        self.settings = self.runtime.settings
        self.user = user  # the CLI and the local web app: the local user
        self._areas: Areas | None = None  # set on a bound façade (see bound())
        self.account: Account | None = None  # set on a façade of a signed-in session

    # --- units of work ------------------------------------------------------------------
    @contextmanager
    def areas(self) -> Iterator[Areas]:
        """The area services of this façade's unit of work (a new unit when unbound)."""
        if self._areas is not None:
            yield self._areas
            return
        with UnitOfWork(self.runtime, user=self.user) as unit:
            yield Areas(self.runtime, unit)

    @contextmanager
    def bound(self) -> Iterator[Viva]:
        """A façade whose calls all share one unit of work (one connection): a request's."""
        with UnitOfWork(self.runtime, user=self.user) as unit:
            viva = Viva(self.settings, runtime=self.runtime, user=self.user)
            viva._areas = Areas(self.runtime, unit)
            yield viva

    def as_user(self, name: str) -> Viva:
        """A façade on the same runtime acting for another user (until sign-in exists, #18:
        the service and its tests use it; the CLI and local web stay the local user)."""
        return Viva(self.settings, runtime=self.runtime, user=name)

    @property
    def accounts(self) -> AccountService:
        """Accounts, sessions and signing in (the hosted use; not bound to one user)."""
        return AccountService(self.runtime)

    @property
    def single_sign_on(self) -> SingleSignOn:
        """Sign-ins a school's identity provider vouched for (the hosted use).

        Raises:
            ConfigError: single sign-on is not configured.
        """
        from viva.errors import ConfigError

        if self.settings.oidc is None:
            raise ConfigError(
                "single sign-on is not configured on this server",
                hint="set VIVA_OIDC_ISSUER, VIVA_OIDC_CLIENT_ID and VIVA_OIDC_CLIENT_SECRET",
            )
        return SingleSignOn(self.runtime, self.settings.oidc)

    @contextmanager
    def signed_in(self, token: str) -> Iterator[Viva | None]:
        """A façade bound to one unit of work for the user a session token signs in (None:
        no such session); the session is looked up on the unit's own connection."""
        with UnitOfWork(self.runtime) as unit:
            account = unit.sign_in_with(token)
            if account is None:
                yield None
                return
            viva = Viva(self.settings, runtime=self.runtime, user=account.name)
            viva._areas = Areas(self.runtime, unit)
            viva.account = account
            yield viva

    def add_user(self, name: str) -> Viva:
        """Add a user (a name of 1-64 letters, digits, '-', '_' or '.'); returns their façade."""
        from viva.service.users import add_user

        add_user(self.runtime, name)
        return self.as_user(name)

    @property
    def recordings_dir(self) -> Path:
        """The user's recorded answers (`<data>/users/<name>/recordings`)."""
        with self.areas() as areas:
            return areas.unit.recordings_dir

    @property
    def uploads_dir(self) -> Path:
        """The notes the user uploaded in the web app (`<data>/users/<name>/uploads`)."""
        with self.areas() as areas:
            return areas.unit.uploads_dir

    def close(self) -> None:
        """Release the database connections (of the whole runtime)."""
        self.runtime.close()

    @property
    def db(self) -> Database:
        """The database (tests set up and check state through it)."""
        return self.runtime.db

    @property
    def engine(self) -> sa.Engine:
        """The database engine."""
        return self.runtime.db.engine

    # --- preferences --------------------------------------------------------------------
    def preferences(self) -> Preferences:
        """The stored preferences over the defaults (the retention default comes from Settings)."""
        with self.areas() as areas:
            return areas.unit.preferences()

    def set_preferences(self, **values: Any) -> Preferences:
        """Validate and store preferences (all or nothing); returns the result."""
        with self.areas() as areas:
            return areas.unit.set_preferences(**values)

    def scheduler(self) -> Scheduler:
        """FSRS with the user's desired retention (and fitted parameters, if any)."""
        with self.areas() as areas:
            return areas.unit.scheduler()

    # --- banks --------------------------------------------------------------------------
    paths = _via(_bank, BankService.paths)
    import_notes = _via(_bank, BankService.import_notes)
    import_staged = _via(_bank, BankService.import_staged)
    import_anki = _via(_bank, BankService.import_anki)
    export_anki = _via(_bank, BankService.export_anki)
    ensure_builtin = _via(_bank, BankService.ensure_builtin)
    set_bank_enabled = _via(_bank, BankService.set_bank_enabled)
    export_bank = _via(_bank, BankService.export_bank)
    banks = _via(_bank, BankService.banks)
    is_shared_bank = _via(_bank, BankService.is_shared)
    default_banks = _via(_bank, BankService.default_banks)
    resolved_scope = _via(_bank, BankService.resolved_scope)
    sections = _via(_bank, BankService.sections)
    questions = _via(_bank, BankService.questions)
    question = _via(_bank, BankService.question)
    search = _via(_bank, BankService.search)

    # --- the student's edits --------------------------------------------------------------
    edit_question = _via(_edits, EditService.edit_question)
    restore_note = _via(_edits, EditService.restore_note)
    note_version = _via(_edits, EditService.note_version)
    add_question = _via(_edits, EditService.add_question)
    remove_question = _via(_edits, EditService.remove_question)
    edits = _via(_edits, EditService.edits)
    edit_state = _via(_edits, EditService.edit_state)

    # --- grading ------------------------------------------------------------------------
    calibration = _via(_grading, GradingService.calibration)
    grade_request = _via(_grading, GradingService.grade_request)
    grade = _via(_grading, GradingService.grade)
    grade_batch = _via(_grading, GradingService.grade_batch)
    calibrate = _via(_grading, GradingService.calibrate)
    reset_calibration = _via(_grading, GradingService.reset_calibration)
    dispute_grade = _via(_grading, GradingService.dispute_grade)
    disputes = _via(_grading, GradingService.disputes)

    # --- practice -----------------------------------------------------------------------
    optimize = _via(_practice, PracticeService.optimize)
    drill_queue = _via(_practice, PracticeService.drill_queue)
    drill_counts = _via(_practice, PracticeService.drill_counts)
    drill_status = _via(_practice, PracticeService.drill_status)
    learn_more = _via(_practice, PracticeService.learn_more)
    daily_progress = _via(_practice, PracticeService.daily_progress)
    review = _via(_practice, PracticeService.review)
    undo_last_review = _via(_practice, PracticeService.undo_last_review)
    due_count = _via(_practice, PracticeService.due_count)
    plan = _via(_practice, PracticeService.plan)
    stats = _via(_practice, PracticeService.stats)

    # --- mock interviews ----------------------------------------------------------------
    dashboard = _via(_interviews, InterviewService.dashboard)
    start_interview = _via(_interviews, InterviewService.start_interview)
    interview_plans = _via(_interviews, InterviewService.interview_plans)
    named_plan = _via(_interviews, InterviewService.named_plan)
    interview_fills = _via(_interviews, InterviewService.interview_fills)
    begin_interview = _via(_interviews, InterviewService.begin_interview)
    live_interview = _via(_interviews, InterviewService.live_interview)
    answer_interview = _via(_interviews, InterviewService.answer_interview)
    grade_asked = _via(_interviews, InterviewService.grade_asked)
    finish_interview = _via(_interviews, InterviewService.finish_interview)
    interviews = _via(_interviews, InterviewService.interviews)
    interview = _via(_interviews, InterviewService.interview)

    # --- voice --------------------------------------------------------------------------
    @property
    def tts_cache_dir(self) -> Path:
        """Synthesised speech, one WAV per (engine, voice, text)."""
        return self.settings.tts_cache_dir

    speech_to_text_available = _via(_speech, SpeechService.speech_to_text_available)
    text_to_speech_available = _via(_speech, SpeechService.text_to_speech_available)
    transcriber = _via(_speech, SpeechService.transcriber)
    synthesizer = _via(_speech, SpeechService.synthesizer)
    terms_for = _via(_speech, SpeechService.terms_for)
    question_terms = _via(_speech, SpeechService.question_terms)
    transcribe_file = _via(_speech, SpeechService.transcribe_file)
    transcribe_bytes = _via(_speech, SpeechService.transcribe_bytes)
    transcribe_staged = _via(_speech, SpeechService.transcribe_staged)
    recordings = _via(_speech, SpeechService.recordings)
    recording = _via(_speech, SpeechService.recording)
    recording_file = _via(_speech, SpeechService.recording_file)
    delete_recording = _via(_speech, SpeechService.delete_recording)
    purge_recordings = _via(_speech, SpeechService.purge_recordings)
    retention_days = _via(_speech, SpeechService.retention_days)
    apply_retention = _via(_speech, SpeechService.apply_retention)
    synthesize = _via(_speech, SpeechService.synthesize)
    check_audio_devices = _via(_speech, SpeechService.check_audio_devices)
    play = _via(_speech, SpeechService.play)
    record_answer = _via(_speech, SpeechService.record_answer)

    # --- jobs: slow work off the request ----------------------------------------------------
    submit_import = _via(_jobs, JobService.submit_import)
    submit_transcription = _via(_jobs, JobService.submit_transcription)
    job = _via(_jobs, JobService.job)
    submit_batch_grade = _via(_jobs, JobService.submit_batch_grade)
    batch_file = _via(_jobs, JobService.batch_file)

    # --- the user's data: export (deleting an account is `accounts.delete`) ----------------
    export_data = _via(_data, DataService.export_data)

    # --- teachers and classes (the hosted use) ------------------------------------------------
    role = _via(_classes, ClassService.role)
    is_teacher = _via(_classes, ClassService.is_teacher)
    classes = _via(_classes, ClassService.classes)
    create_class = _via(_classes, ClassService.create_class)
    regenerate_code = _via(_classes, ClassService.regenerate_code)
    delete_class = _via(_classes, ClassService.delete_class)
    remove_student = _via(_classes, ClassService.remove_student)
    share_bank = _via(_classes, ClassService.share_bank)
    unshare_bank = _via(_classes, ClassService.unshare_bank)
    join_class = _via(_classes, ClassService.join)
    leave_class = _via(_classes, ClassService.leave)
    corrections = _via(_classes, ClassService.corrections)
    class_report = _via(_classes, ClassService.class_report)
    student_interviews = _via(_classes, ClassService.student_interviews)
    student_interview = _via(_classes, ClassService.student_interview)
    student_answers = _via(_classes, ClassService.student_answers)
    correct_grade = _via(_classes, ClassService.correct_grade)
