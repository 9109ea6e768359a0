"""The service's clock and the user's preferences (validated; stored by store.preferences)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from viva.errors import VivaError

UI_LANGUAGES = ("zh", "en")
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


@dataclass(frozen=True, slots=True)
class Preferences:
    """What the student sets in the app (stored in the database, so every front end shares it)."""

    interview_date: date | None = None
    desired_retention: float = 0.9  # default: VIVA_DESIRED_RETENTION
    new_per_day: int = 10  # new questions a drill introduces per day
    reviews_per_day: int = 0  # 0: no limit on due reviews per day
    ui_lang: str = "zh"  # the web interface: zh or en
    time_zone: str = ""  # IANA name ("Asia/Shanghai") of the user's days; "": this machine's

    def to_json(self) -> dict[str, Any]:
        """JSON values, as stored and as the API shows them."""
        return {
            "interview_date": None
            if self.interview_date is None
            else self.interview_date.isoformat(),
            "desired_retention": self.desired_retention,
            "new_per_day": self.new_per_day,
            "reviews_per_day": self.reviews_per_day,
            "ui_lang": self.ui_lang,
            "time_zone": self.time_zone,
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
        elif key in ("new_per_day", "reviews_per_day"):
            try:
                number = int(raw)
            except (TypeError, ValueError):
                number = -1
            if not 0 <= number <= 9999:
                problems.append(
                    f"{key.replace('_', ' ')} must be a whole number 0-9999 (not {raw!r})"
                )
            changes[key] = number
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


def _is_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if name.startswith("/") or ".." in name:
        return False  # a path, not a name (ZoneInfo would refuse it with another error)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
