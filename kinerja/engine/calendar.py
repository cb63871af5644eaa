"""Working-time arithmetic: due times, durations and overdue checks, counted in the
organisation's working minutes (its schedules, national holidays and cuti bersama, and the
office's own corrections)."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

from ..models import HolidayCorrection, WorkSchedule

# Perpres 21/2023 with the kabupaten's usual days: 7.5 working hours a day, breaks excluded.
DEFAULT_HOURS: dict[int, tuple[str, str, str | None, str | None]] = {
    0: ("07:30", "16:00", "12:00", "13:00"),
    1: ("07:30", "16:00", "12:00", "13:00"),
    2: ("07:30", "16:00", "12:00", "13:00"),
    3: ("07:30", "16:00", "12:00", "13:00"),
    4: ("07:30", "16:30", "11:30", "13:00"),
}
DAYS_PER_WEEK = 5
# A bound on how far ahead a due time is searched: a schedule without any working day must not
# make the arithmetic loop for ever.
MAX_SEARCH_DAYS = 800


def _t(value: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(value) if value else None


@dataclass(frozen=True)
class DayHours:
    start: datetime.time
    end: datetime.time
    break_start: datetime.time | None = None
    break_end: datetime.time | None = None

    def intervals(self) -> list[tuple[datetime.time, datetime.time]]:
        if self.break_start and self.break_end:
            return [(self.start, self.break_start), (self.break_end, self.end)]
        return [(self.start, self.end)]

    @property
    def minutes(self) -> int:
        return sum(_minutes(a, b) for a, b in self.intervals())


def _minutes(a: datetime.time, b: datetime.time) -> int:
    return (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)


DEFAULT_SCHEDULE = {day: DayHours(*(_t(v) for v in hours)) for day, hours in DEFAULT_HOURS.items()}


@lru_cache(maxsize=64)
def national_holidays(year: int) -> dict[datetime.date, str]:
    """Indonesian public holidays and cuti bersama ("government" category) for a year."""
    return dict(holidays.country_holidays("ID", years=year, categories=("public", "government"), language="id"))


# organisation pk -> (monotonic expiry, calendar); see WorkCalendar.cached_for.
_CACHE: dict[int, tuple[float, WorkCalendar]] = {}


def forget_cached(*args, **kwargs) -> None:
    """Drop every cached calendar (connected to the saves and deletes of schedules, working hours
    and holiday corrections)."""
    _CACHE.clear()


@dataclass(frozen=True)
class DatedSchedule:
    valid_from: datetime.date
    valid_to: datetime.date
    days: dict[int, DayHours]


class WorkCalendar:
    """The working calendar of one organisation, loaded once and then pure arithmetic."""

    def __init__(
        self,
        default: dict[int, DayHours] | None = None,
        dated: list[DatedSchedule] | None = None,
        extra_holidays: dict[datetime.date, str] | None = None,
        extra_working_days: set[datetime.date] | None = None,
    ):
        self.default = default if default is not None else DEFAULT_SCHEDULE
        self.dated = dated or []
        self.extra_holidays = extra_holidays or {}
        self.extra_working_days = extra_working_days or set()
        self.tz = timezone.get_default_timezone()

    @classmethod
    def for_organisation(cls, organisation) -> WorkCalendar:
        """Build the calendar from the organisation's schedules and holiday corrections (the
        organisation or its primary key)."""
        default = None
        dated = []
        for schedule in WorkSchedule.objects.filter(organisation=organisation).prefetch_related("days"):
            days = {d.weekday: DayHours(d.start, d.end, d.break_start, d.break_end) for d in schedule.days.all()}
            if schedule.valid_from is None:
                default = days
            else:
                dated.append(DatedSchedule(schedule.valid_from, schedule.valid_to, days))
        extra_holidays, extra_working = {}, set()
        for correction in HolidayCorrection.objects.filter(organisation=organisation):
            if correction.kind == HolidayCorrection.Kind.LIBUR:
                extra_holidays[correction.date] = correction.name
            else:
                extra_working.add(correction.date)
        return cls(default, dated, extra_holidays, extra_working)

    @classmethod
    def cached_for(cls, organisation_id: int) -> WorkCalendar:
        """The calendar for display (time left, lateness), kept per process for
        `CALENDAR_CACHE_SECONDS`: every page shows deadlines, and building the calendar costs three
        queries. A change saved in this process takes effect at once (see `forget_cached`); other
        processes see it when their copy expires. Due times are always computed from a fresh
        calendar (`for_organisation`), inside the workflow's transaction."""
        now = time.monotonic()
        cached = _CACHE.get(organisation_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        calendar = cls.for_organisation(organisation_id)
        _CACHE[organisation_id] = (now + settings.CALENDAR_CACHE_SECONDS, calendar)
        return calendar

    # Days ------------------------------------------------------------------------------------

    def holiday_name(self, day: datetime.date) -> str | None:
        if day in self.extra_working_days:
            return None
        if day in self.extra_holidays:
            return self.extra_holidays[day]
        return national_holidays(day.year).get(day)

    def hours_on(self, day: datetime.date) -> DayHours | None:
        """The working hours of a day, or None when nobody works that day."""
        if self.holiday_name(day):
            return None
        for schedule in self.dated:
            if schedule.valid_from <= day <= schedule.valid_to:
                return schedule.days.get(day.weekday())
        return self.default.get(day.weekday())

    def is_working_day(self, day: datetime.date) -> bool:
        return self.hours_on(day) is not None

    def day_minutes(self) -> int:
        """Minutes of one standard working day ("1 hari" in the SOP): the default schedule's
        longest day, 450 with the default hours."""
        return max((hours.minutes for hours in self.default.values()), default=0)

    def target_minutes(self, amount: int, unit: str) -> int:
        """An SOP target ("30 menit", "2 jam", "1 hari", "1 minggu") in working minutes."""
        per_unit = {"minute": 1, "hour": 60, "day": self.day_minutes(), "week": DAYS_PER_WEEK * self.day_minutes()}
        return amount * per_unit[unit]

    def _intervals(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        hours = self.hours_on(day)
        if hours is None:
            return []
        return [
            (
                datetime.datetime.combine(day, a, tzinfo=self.tz),
                datetime.datetime.combine(day, b, tzinfo=self.tz),
            )
            for a, b in hours.intervals()
        ]

    # Arithmetic ------------------------------------------------------------------------------

    def add_working_minutes(self, start: datetime.datetime, minutes: int) -> datetime.datetime:
        """The moment `minutes` working minutes after `start`. Time outside working hours does
        not count; a due time that lands on the end of a working period stays there."""
        current = start.astimezone(self.tz)
        remaining = minutes
        day = current.date()
        for _ in range(MAX_SEARCH_DAYS):
            for a, b in self._intervals(day):
                if b <= current:
                    continue
                begin = max(a, current)
                available = int((b - begin).total_seconds() // 60)
                if remaining <= available:
                    if remaining == 0:
                        return begin if current < a else current
                    return begin + datetime.timedelta(minutes=remaining)
                remaining -= available
            day += datetime.timedelta(days=1)
        raise ValueError("Jadwal kerja tidak memiliki hari kerja; periksa pengaturan jam kerja.")

    def working_minutes_between(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Working minutes from `start` to `end` (0 when end is not after start)."""
        start, end = start.astimezone(self.tz), end.astimezone(self.tz)
        if end <= start:
            return 0
        total = 0.0
        day = start.date()
        while day <= end.date():
            for a, b in self._intervals(day):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += datetime.timedelta(days=1)
        return int(total // 60)


def format_minutes(minutes: int | None, day_minutes: int = 450) -> str:
    """Working minutes as Indonesian text: "1 hari 2 jam 5 menit"."""
    if minutes is None:
        return "—"
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    days, rest = divmod(minutes, day_minutes) if day_minutes else (0, minutes)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} hari")
    if hours:
        parts.append(f"{hours} jam")
    if mins or not parts:
        parts.append(f"{mins} menit")
    return sign + " ".join(parts)
