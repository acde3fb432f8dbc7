"""The dashboard's slider: frames of a circle's history, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from buddybot.network import Change, ChangeKind, Contact, ContactKind, Domain
from buddybot.timeline import Frame, at_noon, frames

BRUSSELS = ZoneInfo("Europe/Brussels")
MAMA = Contact(1, ContactKind.PERSON, "Mama", 3, Domain.FAMILY)
JAN = Contact(2, ContactKind.PERSON, "Jan", 2, Domain.WORK)
FIKKIE = Contact(3, ContactKind.ANIMAL, "Fikkie", 1, Domain.FAMILY)


def _on(day: date, contact: Contact, kind: ChangeKind = ChangeKind.ADDED) -> Change:
    after = None if kind is ChangeKind.REMOVED else contact
    return Change(at_noon(day, BRUSSELS), contact.contact_id, kind, after)


def test_one_frame_per_day_with_what_changed_that_day() -> None:
    march, april, may = date(2026, 3, 2), date(2026, 4, 6), date(2026, 5, 4)
    closer = replace(MAMA, circle=1)
    history = [
        _on(march, MAMA),
        _on(march, JAN),
        _on(april, closer, ChangeKind.MOVED),
        _on(april, FIKKIE),
        _on(may, JAN, ChangeKind.REMOVED),
        _on(may, replace(FIKKIE, label="Fikkie de hond"), ChangeKind.RELABELLED),
    ]
    today = date(2026, 11, 30)
    assert frames(reversed(history), BRUSSELS, today) == [
        Frame(march, (MAMA, JAN), new=(1, 2)),
        Frame(april, (closer, JAN, FIKKIE), new=(3,), moved=(MAMA,)),
        Frame(may, (closer, replace(FIKKIE, label="Fikkie de hond")), removed=(JAN,)),
        Frame(today, (closer, replace(FIKKIE, label="Fikkie de hond"))),
    ]


def test_a_day_is_the_clients_local_day_and_today_is_not_repeated() -> None:
    # 23:30 UTC on 1 March is already 2 March in Brussels.
    late = Change(
        at_noon(date(2026, 3, 1), ZoneInfo("UTC")).replace(hour=23, minute=30),
        1,
        ChangeKind.ADDED,
        MAMA,
    )
    assert frames([late], BRUSSELS, date(2026, 3, 2)) == [
        Frame(date(2026, 3, 2), (MAMA,), new=(1,))
    ]


def test_no_history_is_one_empty_frame_today() -> None:
    assert frames([], BRUSSELS, date(2026, 11, 30)) == [Frame(date(2026, 11, 30), ())]


def test_a_sector_change_is_a_move_and_a_same_day_visit_leaves_no_trace() -> None:
    day = date(2026, 6, 1)
    elsewhere = replace(JAN, domain=Domain.FRIENDS)
    history = [
        _on(date(2026, 5, 1), JAN),
        _on(day, elsewhere, ChangeKind.CHANGED),
        _on(day, MAMA),
        _on(day, MAMA, ChangeKind.REMOVED),
    ]
    assert frames(history, BRUSSELS, day)[-1] == Frame(day, (elsewhere,), moved=(JAN,))
