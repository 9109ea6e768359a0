"""The service's clock and the user's preferences (validated; stored by store.preferences)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from viva.config import MAX_KEEP_DAYS
from viva.errors import VivaError
from viva.i18n import LANGUAGES

UI_LANGUAGES = LANGUAGES  # the interface speaks these
PLAN_YEARS = 3  # an interview date further ahead than this is a typo (and no plan reaches it)


def now_utc() -> datetime:
    """The current time (the service's only clock; core code takes `now` as an argument)."""
    return datetime.now(UTC)


def start_of_day(at: datetime, zone: tzinfo | None = None) -> datetime:
    """Midnight of `at`'s day in the user's time zone (default: this machine's): daily limits
    follow the user's wall clock, not the server's."""
    local = at.astimezone(zone)
    midnight = datetime.combine(local.date(), time(0), tzinfo=zone or local.tzinfo)
    return midnight.astimezone(UTC)


def time_zone(name: str) -> tzinfo | None:
    """The zone of an IANA name ("Asia/Shanghai"); "" is this machine's (None)."""
    if not name:
        return None
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


class PreferenceError(VivaError):
    """A preference value out of range."""

    http_status = 422


MAX_SCOPE_ITEMS = 200  # banks or sections one scope may name
MAX_SCOPE_NAME = 300  # characters of one bank name or section path


@dataclass(frozen=True, slots=True)
class Scope:
    """What to practise: banks (none named: every enabled bank) and sections (none: all).

    A section is a name at any depth or a path prefix written "A / B", as `--section` takes.
    """

    banks: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()

    @property
    def is_everything(self) -> bool:
        """True when nothing is chosen: every enabled bank, every section."""
        return not self.banks and not self.sections

    def to_json(self) -> dict[str, list[str]]:
        """{"banks": [...], "sections": [...]}."""
        return {"banks": list(self.banks), "sections": list(self.sections)}


@dataclass(frozen=True, slots=True)
class ExtraNew:
    """New questions added to one day's limit ("learn 5 more today"); other days keep theirs."""

    day: date
    count: int


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the student sets in the app (stored in the database, so every front end shares it)."""

    interview_date: date | None = None
    desired_retention: float = 0.9  # default: VIVA_DESIRED_RETENTION
    new_per_day: int = 10  # new questions a drill introduces per day
    reviews_per_day: int = 0  # 0: no limit on due reviews per day
    ui_lang: str = "zh"  # the web interface: zh or en
    daily_goal: int = 20  # questions a day the student means to practise (0: no goal)
    drill_scope: Scope = Scope()  # what a drill asks
    interview_scope: Scope = Scope()  # what a mock interview draws from
    extra_new: ExtraNew | None = None  # today's limit raised
    time_zone: str = ""  # IANA name ("Asia/Shanghai") of the user's days; "": this machine's
    recordings_keep_days: int = 0  # recordings older than this are deleted (0: kept)

    def new_limit(self, day: date) -> int:
        """New questions allowed on `day`: the daily limit plus that day's extra."""
        extra = self.extra_new
        return self.new_per_day + (extra.count if extra is not None and extra.day == day else 0)

    def to_json(self) -> dict[str, Any]:
        """JSON values, as stored and as the API shows them."""
        extra = self.extra_new
        return {
            "interview_date": None
            if self.interview_date is None
            else self.interview_date.isoformat(),
            "desired_retention": self.desired_retention,
            "new_per_day": self.new_per_day,
            "reviews_per_day": self.reviews_per_day,
            "ui_lang": self.ui_lang,
            "daily_goal": self.daily_goal,
            "drill_scope": self.drill_scope.to_json(),
            "interview_scope": self.interview_scope.to_json(),
            "extra_new": None
            if extra is None
            else {"day": extra.day.isoformat(), "count": extra.count},
            "time_zone": self.time_zone,
            "recordings_keep_days": self.recordings_keep_days,
        }


def _years_ahead(years: int) -> date:
    today = now_utc().astimezone().date()
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def checked_preferences(base: Preferences, values: dict[str, Any]) -> Preferences:
    """Apply `values` (JSON-ish) to `base`, every bad value reported at once."""
    problems: list[str] = []
    changes: dict[str, Any] = {}
    for key, raw in values.items():
        if key == "interview_date":
            if raw in (None, ""):
                changes[key] = None
            else:
                try:
                    day = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
                except ValueError:
                    problems.append(f"interview date {raw!r} is not a date like 2027-03-20")
                else:
                    latest = _years_ahead(PLAN_YEARS)
                    if day > latest:
                        problems.append(
                            f"the interview date must be within {PLAN_YEARS} years, by "
                            f"{latest.isoformat()} (not {day.isoformat()})"
                        )
                    changes[key] = day
        elif key == "desired_retention":
            try:
                value = float(raw)
            except (TypeError, ValueError):
                value = -1.0
            if not 0.7 <= value <= 0.99:
                problems.append(f"desired retention must be between 0.70 and 0.99 (not {raw!r})")
            changes[key] = value
        elif key in ("new_per_day", "reviews_per_day", "daily_goal"):
            try:
                number = int(raw)
            except (TypeError, ValueError):
                number = -1
            if not 0 <= number <= 9999:
                problems.append(
                    f"{key.replace('_', ' ')} must be a whole number 0-9999 (not {raw!r})"
                )
            changes[key] = number
        elif key == "recordings_keep_days":
            try:
                days = 0 if raw in (None, "") else int(raw)
            except (TypeError, ValueError):
                days = -1
            if not 0 <= days <= MAX_KEEP_DAYS:
                problems.append(
                    f"days to keep recordings must be a whole number 0-{MAX_KEEP_DAYS}, 0 to "
                    f"keep them (not {raw!r})"
                )
            changes[key] = days
        elif key in ("drill_scope", "interview_scope"):
            scope = _scope(raw, key.replace("_", " "), problems)
            if scope is not None:
                changes[key] = scope
        elif key == "extra_new":
            extra = _extra(raw, problems)
            if extra is not None or raw is None:
                changes[key] = extra
        elif key == "ui_lang":
            if raw not in UI_LANGUAGES:
                problems.append(f"interface language must be zh or en (not {raw!r})")
            changes[key] = raw
        elif key == "time_zone":
            name = "" if raw is None else str(raw).strip()
            if name and not _is_zone(name):
                problems.append(
                    f"time zone must be an IANA name like Asia/Shanghai or Europe/London"
                    f" (not {raw!r})"
                )
            changes[key] = name
        else:
            problems.append(f"unknown preference {key!r}")
    if problems:
        raise PreferenceError("; ".join(problems), hint="fix the values and save again")
    return replace(base, **changes)


def _names(raw: object, what: str, problems: list[str]) -> tuple[str, ...] | None:
    if raw is None:
        return ()
    if isinstance(raw, str) or not isinstance(raw, list | tuple):
        problems.append(f"{what} must be a list of names (not {raw!r})")
        return None
    names: list[str] = []
    for item in raw:
        if not isinstance(item, str) or not item.strip() or len(item) > MAX_SCOPE_NAME:
            shown = item if not isinstance(item, str) else item[:40]
            problems.append(
                f"{what} must be names of 1-{MAX_SCOPE_NAME} characters (not {shown!r})"
            )
            return None
        if item.strip() not in names:
            names.append(item.strip())
    if len(names) > MAX_SCOPE_ITEMS:
        problems.append(f"{what}: at most {MAX_SCOPE_ITEMS} names (not {len(names)})")
        return None
    return tuple(names)


def _scope(raw: object, what: str, problems: list[str]) -> Scope | None:
    """A scope from {"banks": [...], "sections": [...]} (either may be left out)."""
    if isinstance(raw, Scope):
        return raw
    if raw is None:
        return Scope()
    if not isinstance(raw, dict) or set(raw) - {"banks", "sections"}:
        problems.append(f'{what} must be {{"banks": [...], "sections": [...]}} (not {raw!r})')
        return None
    banks = _names(raw.get("banks"), f"{what} banks", problems)
    sections = _names(raw.get("sections"), f"{what} sections", problems)
    if banks is None or sections is None:
        return None
    return Scope(banks, sections)


def _extra(raw: object, problems: list[str]) -> ExtraNew | None:
    if raw is None or isinstance(raw, ExtraNew):
        return raw
    day: date | None = None
    count: object = None
    if isinstance(raw, dict):
        count = raw.get("count")
        try:
            day = date.fromisoformat(str(raw.get("day")))
        except ValueError:
            day = None
    if day is None or not isinstance(count, int) or isinstance(count, bool) or count < 0:
        problems.append(
            f'extra new questions must be {{"day": "YYYY-MM-DD", "count": N}} (not {raw!r})'
        )
        return None
    return ExtraNew(day, min(count, 9999))


def _is_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if name.startswith("/") or ".." in name:
        return False  # a path, not a name (ZoneInfo would refuse it with another error)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
