"""Tests for govit_rules._law.calendar: Civil Code Arts. 201-203 and the official calendar.

The concrete 2026 dates were checked against chinese_calendar 1.11.0 (the State
Council's 2026 holiday arrangement) by brute force before being pinned here.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import chinese_calendar  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govit_rules._law.calendar import PeriodResult, WorkdayCalendar

CAL = WorkdayCalendar()

# Start dates spanning the data edge (2003 and 2027 are outside 2004-2026).
dates = st.dates(min_value=date(2003, 1, 1), max_value=date(2028, 12, 31))


def _brute_force_add_working_days(start: date, n: int) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


# -- the official calendar ------------------------------------------------------------


def test_the_official_data_covers_2004_to_2026_and_is_named_after_its_source() -> None:
    assert CAL.data_years == (2004, 2026)
    assert CAL.name.startswith("chinese-calendar ")
    assert CAL.name.endswith("(2004–2026)")


def test_pack_days_are_counted_in_the_calendar_name() -> None:
    cal = WorkdayCalendar(extra_rest_days=[date(2027, 1, 1)], extra_working_days=[date(2027, 1, 9)])
    assert cal.name.endswith("(2004–2026) + 2 pack days")


def test_every_day_2004_to_2026_agrees_with_chinese_calendar_is_workday() -> None:
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert CAL.is_working_day(day) == (chinese_calendar.is_workday(day), False), day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    "day",
    [date(2026, 10, d) for d in range(1, 8)]
    + [date(2026, 9, 25)]
    + [date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)],
)
def test_national_day_mid_autumn_and_spring_festival_2026_are_rest_days(day: date) -> None:
    assert CAL.is_working_day(day) == (False, False)


@pytest.mark.parametrize(
    "day", [date(2026, 9, 20), date(2026, 10, 10), date(2026, 2, 14), date(2026, 2, 28)]
)
def test_weekend_make_up_working_days_of_2026_are_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert CAL.is_working_day(day) == (True, False)


def test_an_ordinary_2026_saturday_is_a_rest_day() -> None:
    assert CAL.is_working_day(date(2026, 3, 7)) == (False, False)


def test_days_in_2027_are_weekday_based_and_provisional() -> None:
    assert not CAL.covers(date(2027, 1, 1))
    # 2027-01-01 will almost surely be New Year's Day, but without official data the
    # fallback can only say it is a Friday, hence provisional.
    assert CAL.is_working_day(date(2027, 1, 1)) == (True, True)
    assert CAL.is_working_day(date(2027, 1, 2)) == (False, True)


def test_days_before_2004_are_provisional_too() -> None:
    assert CAL.is_working_day(date(2003, 12, 31)) == (True, True)


def test_a_datetime_is_treated_as_its_date() -> None:
    assert CAL.is_working_day(datetime(2026, 10, 1, 9, 30)) == (False, False)


def test_an_extra_rest_day_overrides_an_official_working_day() -> None:
    cal = WorkdayCalendar(extra_rest_days=[date(2026, 3, 3), date(2026, 2, 14)])
    assert cal.is_working_day(date(2026, 3, 3)) == (False, False)
    assert cal.is_working_day(date(2026, 2, 14)) == (False, False)


def test_an_extra_working_day_overrides_holidays_and_extra_rest_days() -> None:
    cal = WorkdayCalendar(
        extra_rest_days=[date(2026, 10, 2)],
        extra_working_days=[date(2026, 10, 2), date(2026, 10, 3)],
    )
    assert cal.is_working_day(date(2026, 10, 2)) == (True, False)
    assert cal.is_working_day(date(2026, 10, 3)) == (True, False)


def test_pack_days_beyond_the_official_data_are_covered_and_not_provisional() -> None:
    cal = WorkdayCalendar(extra_rest_days=[date(2027, 1, 1)])
    assert cal.covers(date(2027, 1, 1))
    assert cal.is_working_day(date(2027, 1, 1)) == (False, False)
    assert not cal.covers(date(2027, 1, 4))


def test_the_next_working_day_after_september_30_2026_is_october_8() -> None:
    assert CAL.next_working_day(date(2026, 9, 30)) == PeriodResult(date(2026, 10, 8), False, False)


def test_the_next_working_day_after_friday_september_18_2026_is_make_up_sunday_20() -> None:
    assert CAL.next_working_day(date(2026, 9, 18)).date == date(2026, 9, 20)


# -- working-day periods -----------------------------------------------------------------


def test_thirty_working_days_after_2026_09_25_skip_the_national_day_week() -> None:
    # Counting 09-28 as day 1, 10-10 (make-up Saturday) as day 6, ends Thursday 11-12.
    result = CAL.add_working_days(date(2026, 9, 25), 30)
    assert result == PeriodResult(date(2026, 11, 12), provisional=False, extended=False)
    assert result.date == _brute_force_add_working_days(date(2026, 9, 25), 30)


def test_seven_working_days_after_2026_02_13_count_both_spring_festival_make_up_saturdays() -> None:
    # 02-14 (Sat, make-up) is day 1, 02-24..27 are days 2-5, 02-28 (Sat, make-up) is
    # day 6, and Monday 03-02 is day 7.
    result = CAL.add_working_days(date(2026, 2, 13), 7)
    assert result == PeriodResult(date(2026, 3, 2), provisional=False, extended=False)


def test_the_starting_day_is_never_counted_even_if_it_is_a_working_day() -> None:
    assert CAL.add_working_days(date(2026, 3, 2), 1).date == date(2026, 3, 3)


def test_working_days_running_from_2026_into_2027_are_provisional() -> None:
    # 12-29, 12-30, 12-31, then (without 2027 data) Friday 01-01 and Monday 01-04.
    result = CAL.add_working_days(date(2026, 12, 28), 5)
    assert result == PeriodResult(date(2027, 1, 4), provisional=True, extended=False)


def test_working_days_ending_in_2026_after_a_2003_start_are_provisional() -> None:
    assert CAL.add_working_days(date(2003, 12, 30), 1).provisional


@pytest.mark.parametrize("n", [0, -1])
def test_add_working_days_rejects_n_below_one(n: int) -> None:
    with pytest.raises(ValueError, match="n must be >= 1"):
        CAL.add_working_days(date(2026, 1, 5), n)


def test_a_working_days_period_equals_add_working_days() -> None:
    assert CAL.period_end(date(2026, 9, 25), 30, "working_days") == CAL.add_working_days(
        date(2026, 9, 25), 30
    )


# -- calendar-day periods (Arts. 201 and 203) ----------------------------------------------


def test_ten_days_after_2026_09_24_land_in_national_day_week_and_extend_to_october_8() -> None:
    # 09-24 + 10 = Sunday 10-04, a National Day holiday; the holiday runs to 10-07.
    assert CAL.period_end(date(2026, 9, 24), 10, "days") == PeriodResult(
        date(2026, 10, 8), provisional=False, extended=True
    )


def test_ten_days_after_2026_09_24_without_extension_end_on_october_4() -> None:
    assert CAL.period_end(date(2026, 9, 24), 10, "days", extend_rest_day=False) == PeriodResult(
        date(2026, 10, 4), provisional=False, extended=False
    )


def test_seven_days_after_2026_02_13_cross_spring_festival_and_extend_to_february_24() -> None:
    # 02-13 + 7 = 02-20, a Spring Festival holiday; 02-21..23 are rest days too.
    assert CAL.period_end(date(2026, 2, 13), 7, "days") == PeriodResult(
        date(2026, 2, 24), provisional=False, extended=True
    )


def test_a_period_ending_on_a_make_up_saturday_is_not_extended() -> None:
    # 2026-10-10 is a Saturday but an official working day: not a statutory rest day.
    assert CAL.period_end(date(2026, 10, 3), 7, "days") == PeriodResult(
        date(2026, 10, 10), provisional=False, extended=False
    )


def test_zero_days_return_the_start_itself_without_extension() -> None:
    assert CAL.period_end(date(2026, 10, 1), 0, "days") == PeriodResult(
        date(2026, 10, 1), provisional=False, extended=False
    )


def test_a_2027_period_is_provisional_and_uses_weekends_only() -> None:
    assert CAL.period_end(date(2027, 1, 1), 10, "days") == PeriodResult(
        date(2027, 1, 11), provisional=True, extended=False
    )
    # 2027-01-02 is a Saturday: extended to Monday 01-04, still provisional.
    assert CAL.period_end(date(2027, 1, 1), 1, "days") == PeriodResult(
        date(2027, 1, 4), provisional=True, extended=True
    )


def test_a_period_from_2026_into_2027_is_provisional() -> None:
    assert CAL.period_end(date(2026, 12, 25), 10, "days") == PeriodResult(
        date(2027, 1, 4), provisional=True, extended=False
    )
    # Probably New Year's Day in fact, but only weekends are known: Friday, not extended.
    assert CAL.period_end(date(2026, 12, 31), 1, "days") == PeriodResult(
        date(2027, 1, 1), provisional=True, extended=False
    )


def test_a_pack_rest_day_in_2027_extends_the_period_but_weekends_stay_provisional() -> None:
    cal = WorkdayCalendar(extra_rest_days=[date(2027, 1, 1)])
    assert cal.period_end(date(2026, 12, 31), 1, "days") == PeriodResult(
        date(2027, 1, 4), provisional=True, extended=True
    )


def test_a_period_far_beyond_the_data_never_raises() -> None:
    result = CAL.period_end(date(2100, 1, 1), 365, "days")
    assert result.provisional
    assert CAL.period_end(date(2100, 1, 1), 40, "working_days").provisional


# -- month and year periods (Art. 202) ----------------------------------------------------


def test_one_month_after_2026_01_31_ends_february_28_a_make_up_working_saturday() -> None:
    assert CAL.period_end(date(2026, 1, 31), 1, "months") == PeriodResult(
        date(2026, 2, 28), provisional=False, extended=False
    )


@pytest.mark.parametrize(
    ("start", "amount", "unit", "last"),
    [
        (date(2024, 1, 31), 1, "months", date(2024, 2, 29)),
        (date(2026, 3, 31), 1, "months", date(2026, 4, 30)),
        (date(2026, 8, 31), 3, "months", date(2026, 11, 30)),
        (date(2026, 11, 15), 2, "months", date(2027, 1, 15)),
        (date(2024, 2, 29), 1, "years", date(2025, 2, 28)),
        (date(2024, 2, 29), 4, "years", date(2028, 2, 29)),
        (date(2025, 6, 15), 12, "months", date(2026, 6, 15)),
    ],
)
def test_months_and_years_end_on_the_corresponding_day_or_the_month_end(
    start: date, amount: int, unit: str, last: date
) -> None:
    result = CAL.period_end(start, amount, unit, extend_rest_day=False)  # type: ignore[arg-type]
    assert result.date == last


def test_one_year_after_2024_02_29_ends_february_28_2025() -> None:
    assert CAL.period_end(date(2024, 2, 29), 1, "years") == PeriodResult(
        date(2025, 2, 28), provisional=False, extended=False
    )


def test_a_month_ending_on_national_day_is_extended_to_october_8() -> None:
    assert CAL.period_end(date(2026, 9, 1), 1, "months") == PeriodResult(
        date(2026, 10, 8), provisional=False, extended=True
    )


# -- programming errors ----------------------------------------------------------------


def test_negative_amounts_raise_value_error() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        CAL.period_end(date(2026, 1, 5), -1, "days")


def test_unknown_units_raise_value_error() -> None:
    with pytest.raises(ValueError, match="unknown period unit"):
        CAL.period_end(date(2026, 1, 5), 1, "weeks")  # type: ignore[arg-type]


def test_results_are_immutable() -> None:
    result = CAL.next_working_day(date(2026, 1, 5))
    with pytest.raises(AttributeError):
        result.date = date(2026, 1, 1)  # type: ignore[misc]


def test_a_shared_calendar_gives_the_same_answers_on_many_threads() -> None:
    expected = CAL.add_working_days(date(2026, 1, 1), 200)
    results: list[PeriodResult] = []

    def work() -> None:
        results.append(CAL.add_working_days(date(2026, 1, 1), 200))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 8


# -- properties -----------------------------------------------------------------------


@given(dates, st.integers(min_value=0, max_value=400))
def test_a_days_period_never_ends_before_start_plus_amount(start: date, amount: int) -> None:
    result = CAL.period_end(start, amount, "days")
    assert result.date >= start + timedelta(days=amount)
    if result.extended:
        assert CAL.is_working_day(result.date)[0]
        # Art. 203 only skips rest days: every day in between must be one.
        day = start + timedelta(days=amount)
        while day < result.date:
            assert not CAL.is_working_day(day)[0]
            day += timedelta(days=1)
    else:
        assert result.date == start + timedelta(days=amount)


@given(dates, st.integers(min_value=1, max_value=60))
def test_add_working_days_lands_on_a_working_day_strictly_increasing_in_n(
    start: date, n: int
) -> None:
    result = CAL.add_working_days(start, n)
    following = CAL.add_working_days(start, n + 1)
    assert CAL.is_working_day(result.date)[0]
    assert start < result.date < following.date
    assert result.provisional == any(
        not CAL.covers(start + timedelta(days=k)) for k in range(1, (result.date - start).days + 1)
    )


@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 9, 30)), st.integers(1, 40))
def test_add_working_days_matches_chinese_calendar_inside_the_data(start: date, n: int) -> None:
    assert CAL.add_working_days(start, n).date == _brute_force_add_working_days(start, n)


@given(dates, st.integers(min_value=1, max_value=36))
def test_a_months_period_ends_on_the_corresponding_day_or_the_last_day_of_the_month(
    start: date, months: int
) -> None:
    last = CAL.period_end(start, months, "months", extend_rest_day=False).date
    assert (last.year * 12 + last.month) - (start.year * 12 + start.month) == months
    assert last.day == start.day or (
        last.day < start.day and (last + timedelta(days=1)).month != last.month
    )
