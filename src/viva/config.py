"""Settings, and the only code that reads the environment.

Everything else receives a `Settings` value explicitly: there is no module-level singleton, so
tests pass a dict of environment variables and get an isolated data dir.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from viva.errors import ConfigError

APP_NAME = "viva"
DEFAULT_MAX_NOTE_MB = 10.0
DEFAULT_MAX_UPLOAD_MB = 50.0
DEFAULT_MAX_AUDIO_MINUTES = 10.0
DEFAULT_MAX_BODY_KB = 512.0  # a JSON or form request (an answer is at most 20,000 characters)
DEFAULT_TTS_CACHE_MB = 200.0
DEFAULT_SESSION_DAYS = 14.0  # a sign-in lasts this long (multi-user mode)
MAX_KEEP_DAYS = 3650  # recordings: a retention longer than ten years is a typo
GRADING_PROFILES = ("accurate", "fast")  # the grader's profiles (viva.grading.calibration)
# Where slow work (imports, transcriptions) runs: "local", a process of the web server's own
# (nothing else to start); "queue", the job queue in PostgreSQL, run by `viva worker`.
JOB_RUNNERS = ("local", "queue")
DEFAULT_OIDC_SCOPES = ("openid", "profile", "email")
DEFAULT_OIDC_NAME_CLAIM = "preferred_username"
_OIDC_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True, slots=True)
class OidcSettings:
    """Single sign-on through a school's OpenID Connect provider (docs/deploy.md)."""

    issuer: str  # the provider's issuer URL: discovery is <issuer>/.well-known/openid-configuration
    client_id: str
    client_secret: str = field(repr=False)  # never printed with the settings
    # the button's name for the provider: "学校统一认证", or "统一身份认证|University ID" for
    # the Chinese and the English page; empty: a general one in each language
    name: str = ""
    scopes: tuple[str, ...] = DEFAULT_OIDC_SCOPES
    create_accounts: bool = True  # first sign-in makes a student account; False: link only
    name_claim: str = DEFAULT_OIDC_NAME_CLAIM  # the claim that names a new (or linked) account

    def name_in(self, lang: str) -> str:
        """The provider's name for a page in `lang` ("zh" or "en"); "" when none is set."""
        chinese, _, english = self.name.partition("|")
        return (english if lang == "en" and english.strip() else chinese).strip()

    @property
    def discovery_url(self) -> str:
        """Where the provider describes itself (OpenID Connect Discovery 1.0, section 4)."""
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where Viva keeps its data and the limits it applies."""

    home: Path
    database_url: str | None = None  # None: the SQLite file under `home`
    max_note_bytes: int = int(DEFAULT_MAX_NOTE_MB * 1024 * 1024)
    include_builtin: bool = True
    desired_retention: float = 0.9  # FSRS: share of questions recalled when they fall due
    max_upload_bytes: int = int(DEFAULT_MAX_UPLOAD_MB * 1024 * 1024)  # web uploads, unpacked too
    max_audio_seconds: float = DEFAULT_MAX_AUDIO_MINUTES * 60  # longer recordings are refused
    grading_profile: str = "accurate"  # "fast": no e5 on answers (about 3x faster, ~1 point less)
    max_body_bytes: int = int(DEFAULT_MAX_BODY_KB * 1024)  # web requests other than uploads
    tts_cache_bytes: int = int(DEFAULT_TTS_CACHE_MB * 1024 * 1024)  # spoken questions kept
    allowed_hosts: tuple[str, ...] = ()  # Host names the web app answers besides loopback
    # hosted use (docs/accounts.md): sign-in required, each request acts as its user
    multi_user: bool = False
    open_sign_up: bool = False  # anyone may make a student account (default: the admin adds)
    behind_tls_proxy: bool = False  # served as https by a proxy: cookies are always Secure
    session_seconds: float = DEFAULT_SESSION_DAYS * 24 * 3600
    jobs: str = "local"  # where slow work runs (JOB_RUNNERS)
    # the most days a recording is kept on this server (0: no maximum); a user's own setting
    # may be shorter, and the stricter of the two applies
    recordings_keep_days: int = 0
    # the address `viva serve` bound (set by it for its worker processes, which build the app
    # from the environment); with loopback and allowed_hosts, the Host names answered
    serve_host: str | None = None
    oidc: OidcSettings | None = None  # single sign-on (only with multi-user); None: passwords only

    @property
    def plans_dir(self) -> Path:
        """Interview plans of the user's own, chosen by name like the built-in ones."""
        return self.home / "plans"

    @property
    def tts_cache_dir(self) -> Path:
        """Spoken questions, kept so a question is synthesised once (a size-capped LRU)."""
        return self.home / "tts-cache"

    @property
    def db_path(self) -> Path:
        """The SQLite database file (used when no database URL is set)."""
        return self.home / "viva.db"

    @property
    def assets_dir(self) -> Path:
        """Images and other files that notes embed, copied here on import."""
        return self.home / "assets"

    @property
    def models_dir(self) -> Path:
        """Model files assembled from installed packages (speech)."""
        return self.home / "models"

    @property
    def recordings_dir(self) -> Path:
        """Where recordings were kept before users; each user's are now under
        `users/<name>/recordings` (the local user's move there on first use)."""
        return self.home / "recordings"

    @property
    def effective_database_url(self) -> str:
        """The SQLAlchemy URL actually used."""
        return self.database_url or f"sqlite:///{self.db_path}"


def _parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(
        f"{name} must be a yes/no value (not {raw!r})",
        hint=f"set {name}=1 or {name}=0",
    )


def _positive(env: Mapping[str, str], name: str, default: float, unit: str, example: str) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigError(
            f"{name} must be a positive number of {unit} (not {raw!r})",
            hint=f"for example {name}={example}",
        )
    return value


def _oidc(env: Mapping[str, str]) -> OidcSettings | None:
    """The single sign-on settings, or None when no VIVA_OIDC_* variable is set."""
    names = ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "NAME", "SCOPES", "CREATE_ACCOUNTS")
    raw = {n: (env.get(f"VIVA_OIDC_{n}") or "").strip() for n in (*names, "NAME_CLAIM")}
    if not any(raw.values()):
        return None
    problems = [
        f"VIVA_OIDC_{n} is missing" for n in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET") if not raw[n]
    ]
    issuer = raw["ISSUER"]
    if issuer:
        parts = urlsplit(issuer)
        is_loopback = (parts.hostname or "") in _OIDC_LOOPBACK
        if not parts.hostname or not (
            parts.scheme == "https" or (parts.scheme == "http" and is_loopback)
        ):
            problems.append(f"VIVA_OIDC_ISSUER must be an https:// URL (not {issuer!r})")
        elif parts.query or parts.fragment:
            problems.append(f"VIVA_OIDC_ISSUER must have no query or fragment (not {issuer!r})")
    scopes = tuple(dict.fromkeys(raw["SCOPES"].replace(",", " ").split())) or DEFAULT_OIDC_SCOPES
    if "openid" not in scopes:
        problems.append(f"VIVA_OIDC_SCOPES must include openid (not {raw['SCOPES']!r})")
    if len(raw["NAME"]) > 60:
        problems.append(f"VIVA_OIDC_NAME must be at most 60 characters (not {len(raw['NAME'])})")
    create = True
    if raw["CREATE_ACCOUNTS"]:
        try:
            create = _parse_bool("VIVA_OIDC_CREATE_ACCOUNTS", raw["CREATE_ACCOUNTS"])
        except ConfigError as error:
            problems.append(error.message)
    if problems:
        raise ConfigError(
            "single sign-on is not configured right: " + "; ".join(problems),
            hint="set VIVA_OIDC_ISSUER, VIVA_OIDC_CLIENT_ID and VIVA_OIDC_CLIENT_SECRET as the "
            'identity provider gave them (docs/deploy.md, "Single sign-on"), or none of them',
        )
    return OidcSettings(
        issuer=issuer,
        client_id=raw["CLIENT_ID"],
        client_secret=raw["CLIENT_SECRET"],
        name=raw["NAME"],
        scopes=scopes,
        create_accounts=create,
        name_claim=raw["NAME_CLAIM"] or DEFAULT_OIDC_NAME_CLAIM,
    )


def load_settings(env: Mapping[str, str] = os.environ) -> Settings:
    """Build the settings from environment variables (the only reader of the environment)."""
    raw_home = env.get("VIVA_HOME")
    if raw_home:
        home = Path(raw_home).expanduser()
    else:
        import platformdirs  # deferred: only needed when no override is given

        home = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    max_mb = _positive(env, "VIVA_MAX_NOTE_MB", DEFAULT_MAX_NOTE_MB, "megabytes", "20")
    upload_mb = _positive(env, "VIVA_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB, "megabytes", "100")
    audio_minutes = _positive(
        env, "VIVA_MAX_AUDIO_MINUTES", DEFAULT_MAX_AUDIO_MINUTES, "minutes", "15"
    )
    raw_builtin = env.get("VIVA_BUILTIN_BANK")
    include_builtin = True if raw_builtin is None else _parse_bool("VIVA_BUILTIN_BANK", raw_builtin)
    raw_retention = env.get("VIVA_DESIRED_RETENTION")
    retention = 0.9
    if raw_retention:
        try:
            retention = float(raw_retention)
        except ValueError:
            retention = -1.0
        if not 0.7 <= retention <= 0.99:
            raise ConfigError(
                f"VIVA_DESIRED_RETENTION must be between 0.70 and 0.99 (not {raw_retention!r})",
                hint="0.9 means about 90% of questions recalled when they fall due",
            )
    body_kb = _positive(env, "VIVA_MAX_BODY_KB", DEFAULT_MAX_BODY_KB, "kilobytes", "1024")
    cache_mb = _positive(env, "VIVA_TTS_CACHE_MB", DEFAULT_TTS_CACHE_MB, "megabytes", "500")
    hosts = tuple(
        h.strip().lower() for h in (env.get("VIVA_ALLOWED_HOSTS") or "").split(",") if h.strip()
    )
    flags = {
        name: _parse_bool(name, env[name]) if env.get(name) else False
        for name in ("VIVA_MULTI_USER", "VIVA_OPEN_SIGN_UP", "VIVA_BEHIND_TLS_PROXY")
    }
    session_days = _positive(env, "VIVA_SESSION_DAYS", DEFAULT_SESSION_DAYS, "days", "30")
    profile = (env.get("VIVA_GRADER") or "accurate").strip().lower()
    if profile not in GRADING_PROFILES:
        raise ConfigError(
            f"VIVA_GRADER must be one of {', '.join(GRADING_PROFILES)}"
            f" (not {env['VIVA_GRADER']!r})",
            hint="accurate (the default) uses both embedding models; fast leaves out e5",
        )
    raw_keep = (env.get("VIVA_RECORDINGS_KEEP_DAYS") or "").strip()
    keep_days = 0
    if raw_keep:
        if not raw_keep.isdigit() or int(raw_keep) > MAX_KEEP_DAYS:
            raise ConfigError(
                f"VIVA_RECORDINGS_KEEP_DAYS must be a whole number of days 0-{MAX_KEEP_DAYS} "
                f"(not {raw_keep!r})",
                hint="e.g. VIVA_RECORDINGS_KEEP_DAYS=90; 0 keeps recordings until they are deleted",
            )
        keep_days = int(raw_keep)
    database_url = env.get("VIVA_DATABASE_URL") or None
    jobs = (env.get("VIVA_JOBS") or "local").strip().lower()
    if jobs not in JOB_RUNNERS:
        raise ConfigError(
            f"VIVA_JOBS must be one of {', '.join(JOB_RUNNERS)} (not {env['VIVA_JOBS']!r})",
            hint="local (the default) runs imports and transcriptions in a process of the web "
            "server; queue hands them to `viva worker` through PostgreSQL",
        )
    if jobs == "queue" and not (database_url or "").startswith("postgresql"):
        raise ConfigError(
            "VIVA_JOBS=queue needs a PostgreSQL database (the job queue lives in it)",
            hint="set VIVA_DATABASE_URL=postgresql+psycopg://user@host/viva, or VIVA_JOBS=local",
        )
    oidc = _oidc(env)
    return Settings(
        home=home,
        oidc=oidc,
        jobs=jobs,
        serve_host=env.get("VIVA_SERVE_HOST") or None,
        grading_profile=profile,
        desired_retention=retention,
        database_url=database_url,
        max_note_bytes=int(max_mb * 1024 * 1024),
        max_upload_bytes=int(upload_mb * 1024 * 1024),
        max_audio_seconds=audio_minutes * 60,
        include_builtin=include_builtin,
        max_body_bytes=int(body_kb * 1024),
        tts_cache_bytes=int(cache_mb * 1024 * 1024),
        allowed_hosts=hosts,
        multi_user=flags["VIVA_MULTI_USER"],
        open_sign_up=flags["VIVA_OPEN_SIGN_UP"],
        behind_tls_proxy=flags["VIVA_BEHIND_TLS_PROXY"],
        session_seconds=session_days * 24 * 3600,
        recordings_keep_days=keep_days,
    )
