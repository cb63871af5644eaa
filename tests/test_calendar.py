"""Working-time arithmetic with fixed dates: weekends, Friday afternoons, the Idul Fitri
holidays and cuti bersama of 2026, the office's corrections and a Ramadan schedule."""

import datetime

import pytest

from kinerja.engine.calendar import DatedSchedule, DayHours, WorkCalendar, format_minutes, national_holidays
from kinerja.models import HolidayCorrection, WorkingHours, WorkSchedule

from .conftest import at

cal = WorkCalendar()


@pytest.mark.parametrize(
    "start,minutes,due",
    [
        (at("2026-11-02", "08:00"), 30, at("2026-11-02", "08:30")),  # plain Monday morning
        (at("2026-11-02", "11:50"), 30, at("2026-11-02", "13:20")),  # across the lunch break
        (at("2026-11-06", "11:20"), 30, at("2026-11-06", "13:20")),  # Friday's longer break
        (at("2026-11-06", "16:00"), 120, at("2026-11-09", "09:00")),  # Friday afternoon into Monday
        (at("2026-11-07", "10:00"), 5, at("2026-11-09", "07:35")),  # Saturday: counting starts Monday
        (at("2026-11-02", "06:00"), 5, at("2026-11-02", "07:35")),  # before opening time
        (at("2026-11-02", "19:00"), 30, at("2026-11-03", "08:00")),  # after closing time
        (at("2026-11-03", "10:00"), 450, at("2026-11-04", "10:00")),  # "1 hari"
        (at("2026-11-02", "07:30"), 2250, at("2026-11-06", "16:30")),  # "1 minggu" ends Friday's close
        (at("2026-11-02", "15:55"), 5, at("2026-11-02", "16:00")),  # lands on closing time, stays
    ],
)
def test_due_time_counts_only_working_minutes(start, minutes, due):
    assert cal.add_working_minutes(start, minutes) == due


def test_idul_fitri_2026_holidays_and_cuti_bersama_are_skipped():
    # 18-24 March 2026: Nyepi with its cuti bersama, Idul Fitri with its cuti bersama, a weekend.
    for day in range(18, 25):
        assert not cal.is_working_day(datetime.date(2026, 3, day)), day
    assert cal.add_working_minutes(at("2026-03-17", "15:00"), 450) == at("2026-03-25", "15:00")


def test_christmas_cuti_bersama_2026_is_skipped():
    assert "Cuti Bersama" in cal.holiday_name(datetime.date(2026, 12, 24))
    assert cal.add_working_minutes(at("2026-12-23", "16:00"), 5) == at("2026-12-28", "07:35")


def test_the_package_lists_17_public_holidays_and_8_days_of_cuti_bersama_in_2026():
    days = national_holidays(2026)
    cuti = [d for d, name in days.items() if "Cuti Bersama" in name]
    assert len(cuti) == 8
    assert len(days) - len(cuti) == 17


def test_working_minutes_between_skips_nights_weekends_and_breaks():
    assert cal.working_minutes_between(at("2026-11-06", "16:00"), at("2026-11-09", "09:00")) == 120
    assert cal.working_minutes_between(at("2026-11-02", "11:00"), at("2026-11-02", "14:00")) == 120
    assert cal.working_minutes_between(at("2026-11-02", "14:00"), at("2026-11-02", "11:00")) == 0


def test_day_and_week_targets_are_in_working_minutes():
    assert cal.day_minutes() == 450
    assert cal.target_minutes(30, "minute") == 30
    assert cal.target_minutes(2, "hour") == 120
    assert cal.target_minutes(1, "day") == 450
    assert cal.target_minutes(1, "week") == 2250


def test_office_correction_adds_a_local_holiday_and_cancels_a_national_one(klego):
    HolidayCorrection.objects.create(
        organisation=klego.org, date=datetime.date(2026, 11, 3), kind="libur", name="Hari jadi Kabupaten (lokal)"
    )
    HolidayCorrection.objects.create(
        organisation=klego.org, date=datetime.date(2026, 12, 24), kind="masuk", name="Cuti bersama dibatalkan"
    )
    office = WorkCalendar.for_organisation(klego.org)
    assert office.holiday_name(datetime.date(2026, 11, 3)) == "Hari jadi Kabupaten (lokal)"
    assert office.add_working_minutes(at("2026-11-02", "15:55"), 10) == at("2026-11-04", "07:35")
    assert office.is_working_day(datetime.date(2026, 12, 24))


def test_ramadan_schedule_overrides_the_default_on_its_dates(klego):
    ramadan = WorkSchedule.objects.create(
        organisation=klego.org,
        name="Ramadan 1447 H",
        valid_from=datetime.date(2026, 2, 19),
        valid_to=datetime.date(2026, 3, 17),
    )
    for weekday in range(4):
        WorkingHours.objects.create(
            schedule=ramadan,
            weekday=weekday,
            start=datetime.time(8),
            end=datetime.time(15),
            break_start=datetime.time(12),
            break_end=datetime.time(12, 30),
        )
    WorkingHours.objects.create(
        schedule=ramadan,
        weekday=4,
        start=datetime.time(8),
        end=datetime.time(15, 30),
        break_start=datetime.time(11, 30),
        break_end=datetime.time(12, 30),
    )
    office = WorkCalendar.for_organisation(klego.org)
    assert office.add_working_minutes(at("2026-03-02", "14:50"), 30) == at("2026-03-03", "08:20")
    # Ramadan weeks hold 32.5 working hours.
    assert office.working_minutes_between(at("2026-03-02", "00:00"), at("2026-03-07", "00:00")) == 1950
    # Outside the dates the default schedule holds.
    assert office.add_working_minutes(at("2026-04-06", "07:30"), 30) == at("2026-04-06", "08:00")


def test_a_schedule_without_working_days_is_refused_not_looped():
    idle = WorkCalendar(default={})
    with pytest.raises(ValueError, match="hari kerja"):
        idle.add_working_minutes(at("2026-11-02", "08:00"), 30)


def test_dated_schedule_without_a_weekday_means_that_day_is_off():
    half_week = DatedSchedule(
        datetime.date(2026, 11, 2),
        datetime.date(2026, 11, 8),
        {0: DayHours(datetime.time(8), datetime.time(12))},
    )
    office = WorkCalendar(dated=[half_week])
    assert office.add_working_minutes(at("2026-11-02", "11:30"), 60) == at("2026-11-09", "08:00")


def test_minutes_are_written_as_indonesian_text():
    assert format_minutes(0) == "0 menit"
    assert format_minutes(95) == "1 jam 35 menit"
    assert format_minutes(450 + 61) == "1 hari 1 jam 1 menit"
    assert format_minutes(-30) == "-30 menit"
    assert format_minutes(None) == "—"
