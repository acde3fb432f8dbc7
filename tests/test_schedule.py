"""When check-ins are due, in local time, across daylight saving time, after downtime."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from buddybot.clock import utcnow
from buddybot.flows.schedule import PauseChoice
from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.runner import BotProcess
from buddybot.schedule import (
    MONDAY,
    THURSDAY,
    Rhythm,
    due_slots,
    local_date,
    next_slot,
    slots_between,
)
from buddybot.services import rhythms
from buddybot.storage import people

BRUSSELS = "Europe/Brussels"
EVERY_DAY = frozenset(range(7))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_monday_and_thursday_at_six_in_brussels() -> None:
    rhythm = Rhythm(frozenset({MONDAY, THURSDAY}), time(18, 0), BRUSSELS)
    slots = slots_between(rhythm, utc(2026, 11, 22), utc(2026, 12, 6))
    assert slots == [
        utc(2026, 11, 23, 17),  # Monday 18:00 CET = 17:00 UTC
        utc(2026, 11, 26, 17),
        utc(2026, 11, 30, 17),
        utc(2026, 12, 3, 17),
    ]
    assert next_slot(rhythm, utc(2026, 11, 23, 17)) == utc(2026, 11, 26, 17)


def test_the_dst_weeks_neither_shift_nor_duplicate_a_prompt() -> None:
    evening = Rhythm(EVERY_DAY, time(18, 0), BRUSSELS)
    spring = slots_between(evening, utc(2026, 3, 27), utc(2026, 4, 1))
    assert [s.astimezone(ZoneInfo(BRUSSELS)).hour for s in spring] == [18] * len(spring)
    assert len(spring) == len({local_date(s, BRUSSELS) for s in spring}) == 5
    autumn = slots_between(evening, utc(2026, 10, 23), utc(2026, 10, 28))
    assert [s.astimezone(ZoneInfo(BRUSSELS)).hour for s in autumn] == [18] * len(autumn)


def test_a_time_in_the_spring_gap_moves_forward_and_a_repeated_hour_counts_once() -> None:
    night = Rhythm(EVERY_DAY, time(2, 30), BRUSSELS)
    spring = slots_between(night, utc(2026, 3, 28), utc(2026, 3, 30))
    # 29 March 2026: 02:00 jumps to 03:00, so 02:30 does not exist: the prompt comes at 03:30.
    assert [s.astimezone(ZoneInfo(BRUSSELS)).strftime("%d %H:%M") for s in spring] == [
        "28 02:30",
        "29 03:30",
    ]
    autumn = slots_between(night, utc(2026, 10, 24), utc(2026, 10, 26))
    # 25 October 2026: 03:00 goes back to 02:00; 02:30 happens twice and is asked once.
    assert len(autumn) == 2
    assert autumn[1] == utc(2026, 10, 25, 0, 30)


def test_after_downtime_at_most_one_fresh_prompt_and_older_ones_expire() -> None:
    rhythm = Rhythm(EVERY_DAY, time(18, 0), BRUSSELS)
    grace = timedelta(hours=6)
    down_since = utc(2026, 11, 20, 12)
    later_same_evening = due_slots(rhythm, down_since, utc(2026, 11, 23, 19), grace=grace)
    assert later_same_evening.send == utc(2026, 11, 23, 17)
    assert later_same_evening.expire == (
        utc(2026, 11, 20, 17),
        utc(2026, 11, 21, 17),
        utc(2026, 11, 22, 17),
    )
    next_morning = due_slots(rhythm, down_since, utc(2026, 11, 24, 9), grace=grace)
    assert next_morning.send is None
    assert len(next_morning.expire) == 4
    assert due_slots(rhythm, utc(2026, 11, 23, 18), utc(2026, 11, 23, 19), grace=grace).send is None


zones = st.sampled_from(["Europe/Brussels", "America/New_York", "Australia/Sydney", "UTC"])


@given(
    zones,
    st.frozensets(st.integers(0, 6), min_size=1),
    st.times(),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1)),
    st.integers(1, 60),
)
def test_one_prompt_per_chosen_local_day_whatever_the_zone(
    zone: str, weekdays: frozenset[int], at: time, start: datetime, days: int
) -> None:
    rhythm = Rhythm(weekdays, at.replace(microsecond=0), zone)
    begin = start.replace(tzinfo=UTC)
    slots = slots_between(rhythm, begin, begin + timedelta(days=days))
    assert slots == sorted(set(slots))
    local_days = [local_date(s, zone) for s in slots]
    assert len(local_days) == len(set(local_days))
    assert all(day.weekday() in weekdays for day in local_days)
    # Splitting the period in two gives the same slots: materialising in ticks is safe.
    middle = begin + timedelta(days=days / 2)
    assert (
        slots_between(rhythm, begin, middle)
        + slots_between(rhythm, middle, begin + timedelta(days=days))
        == slots
    )


async def test_pause_dates_count_from_the_clients_own_today(bot: BotProcess) -> None:
    """Sunday 23:30 in Brussels is already Monday in Kiritimati: the first Monday offered to
    a client living there is a week on, and every date offered can be chosen."""
    assert bot.database is not None
    async with bot.database.transaction() as session:
        organisation = await people.add_organisation(session, "Kring")
        client = await people.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name="Amira",
            telegram_user_id=4242,
            status=ParticipantStatus.ACTIVE,
            time_zone="Pacific/Kiritimati",
        )
        await rhythms.start_rhythm(session, client, utcnow())
    now = datetime(2026, 11, 29, 23, 30, tzinfo=ZoneInfo("Europe/Brussels"))  # a Sunday
    dates = await rhythms.pause_dates_of(bot.database, client.id, now)
    assert dates is not None
    assert dates[0] == date(2026, 12, 7)  # Kiritimati's today is Monday 30 November
    for day in dates:
        valid, _ = PauseChoice(on=day).until(now, "Pacific/Kiritimati")
        assert valid
