"""The organisation's figures (issue 18, item 6), checked against a fixture counted by hand:
grew / stayed / shrank since intake, the mean change in satisfaction and closeness,
compliance, per work model and per professional, and groups under five not shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from buddybot.measures import Direction
from buddybot.metrics import WeekFigures
from buddybot.network import Change, ChangeKind, Contact, ContactKind, Domain
from buddybot.organisation_figures import (
    ClientOutcome,
    client_outcome,
    compliance_weeks,
    figures,
    organisation_figures,
)

BRUSSELS = "Europe/Brussels"
JOINED = date(2026, 1, 5)  # a Monday: intake's window is Jan 5, 12, 19, 26
LATER = date(2026, 2, 10)
TODAY = date(2026, 3, 18)  # a Wednesday: today's window is Feb 23 … Mar 16
MARCH_9 = date(2026, 3, 9)  # in today's window and in the four full weeks of compliance


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(BRUSSELS))


def _history(circles: Sequence[int], added: Sequence[int] = (), removed: int = 0) -> list[Change]:
    """A map of contacts in ``circles`` at intake; later the contacts in ``added`` circles
    come, and the first ``removed`` of intake's go."""
    changes = []
    for number, circle in enumerate(circles, start=1):
        contact = Contact(number, ContactKind.PERSON, f"C{number}", circle, Domain.FAMILY)
        changes.append(Change(_at(JOINED), number, ChangeKind.ADDED, contact))
    for number, circle in enumerate(added, start=100):
        contact = Contact(number, ContactKind.PERSON, f"N{number}", circle, Domain.FRIENDS)
        changes.append(Change(_at(LATER), number, ChangeKind.ADDED, contact))
    for number in range(1, removed + 1):
        changes.append(Change(_at(LATER), number, ChangeKind.REMOVED, None))
    return changes


def _weeks(before: int | None, after: int | None, answered: int | None) -> dict[date, WeekFigures]:
    """Satisfaction ``before`` in the week of joining, ``after`` on March 9 where two
    check-ins were sent and ``answered`` answered (None: nothing sent that week)."""
    weeks = {JOINED: WeekFigures(sent=1, answered=1, satisfaction=before)}
    if answered is not None:
        weeks[MARCH_9] = WeekFigures(sent=2, answered=answered, satisfaction=after)
    return weeks


ELS, TOM, ANN = 1, 2, 3


def _outcomes() -> list[ClientOutcome]:
    # (professional, work models, history, weeks), each counted by hand on the right.
    clients = [
        # 3 → 4 contacts: grew; closeness 1/3 → 2/4: +16.67 pp; satisfaction 2 → 4: +2
        (ELS, {"buddy"}, _history([1, 2, 3], added=[1]), _weeks(2, 4, 2)),
        # 4 → 3: shrank; 2/4 → 1/3: −16.67 pp; 3 → 3: 0
        (ELS, {"buddy", "group"}, _history([1, 1, 2, 3], removed=1), _weeks(3, 3, 1)),
        # 2 → 2: stayed; 1/2 → 1/2: 0; never satisfaction: none
        (ELS, {"buddy"}, _history([1, 2]), _weeks(None, None, 0)),
        # 2 → 3: grew; 0 → 1/3: +33.33 pp; 1 → 2: +1
        (ELS, {"buddy"}, _history([2, 2], added=[1]), _weeks(1, 2, 2)),
        # 0 → 2: grew; an empty map has no closeness: none; 4 → 5: +1
        (ELS, {"buddy", "group"}, _history([], added=[2, 2]), _weeks(4, 5, 1)),
        # 1 → 3: grew; 1/1 → 1/3: −66.67 pp; no satisfaction at intake: none
        (TOM, set(), _history([1], added=[3, 3]), _weeks(None, 3, 2)),
        # 2 → 2: stayed; 0; 2 → … nothing sent in March: after none, so none
        (TOM, set(), _history([1, 2]), _weeks(2, None, None)),
    ]
    return [
        client_outcome(n, professional, models, history, weeks, JOINED, TODAY, BRUSSELS)
        for n, (professional, models, history, weeks) in enumerate(clients, start=1)
    ]


def test_compliance_is_read_over_the_last_four_full_weeks() -> None:
    assert compliance_weeks(TODAY) == (
        date(2026, 2, 16),
        date(2026, 2, 23),
        date(2026, 3, 2),
        date(2026, 3, 9),
    )


def test_each_clients_outcome_since_intake() -> None:
    outcomes = _outcomes()
    assert [o.direction for o in outcomes] == [
        Direction.GREW,
        Direction.SHRANK,
        Direction.STAYED,
        Direction.GREW,
        Direction.GREW,
        Direction.GREW,
        Direction.STAYED,
    ]
    assert [o.satisfaction_change for o in outcomes] == [2, 0, None, 1, 1, None, None]
    closeness = [o.closeness_change for o in outcomes]
    assert closeness == pytest.approx([50 / 3, -50 / 3, 0, 100 / 3, None, -200 / 3, 0])
    assert [(o.sent, o.answered) for o in outcomes] == [
        (2, 2),
        (2, 1),
        (2, 0),
        (2, 2),
        (2, 1),
        (2, 2),
        (0, 0),
    ]


def test_the_organisation_per_work_model_and_per_caseload() -> None:
    view = organisation_figures(
        _outcomes(),
        buddies=3,
        professionals=[(ELS, "Els"), (TOM, "Tom")],
        work_models=["competence", "buddy", "group"],
    )
    whole = view.whole
    assert whole is not None
    assert (whole.clients, whole.grew, whole.stayed, whole.shrank) == (7, 4, 2, 1)
    # (2 + 0 + 1 + 1) / 4 clients with a satisfaction before and after
    assert whole.satisfaction_change == pytest.approx(1.0)
    assert whole.satisfaction_clients == 4
    # (16.67 − 16.67 + 0 + 33.33 − 66.67 + 0) / 6
    assert whole.closeness_change == pytest.approx(-100 / 3 / 6)
    assert whole.closeness_clients == 6
    assert (whole.answered, whole.sent) == (8, 12)
    assert whole.compliance == pytest.approx(2 / 3)
    assert view.buddies == 3

    # Competence: no client, left out. Buddy: the first five, but not shown: the whole
    # minus them would tell the other three exactly (found in review). Group: two.
    assert [(g.key, g.figures is None) for g in view.by_work_model] == [
        ("buddy", True),
        ("group", True),
    ]
    buddy = figures([o for o in _outcomes() if "buddy" in o.work_models])
    assert (buddy.clients, buddy.grew, buddy.stayed, buddy.shrank) == (5, 3, 1, 1)
    assert buddy.satisfaction_change == pytest.approx(4 / 4)
    assert buddy.closeness_change == pytest.approx((50 / 3 - 50 / 3 + 0 + 100 / 3) / 4)
    assert (buddy.answered, buddy.sent) == (6, 10)

    # Tom's two clients are not shown, and so Els's five are not either: the whole minus
    # Els's would be Tom's (found in review).
    assert [(g.name, g.figures is None) for g in view.by_professional] == [
        ("Els", True),
        ("Tom", True),
    ]


def test_hidden_caseloads_cannot_be_worked_out_from_the_whole() -> None:
    els = [o for o in _outcomes() if o.professional_id == ELS]
    tom = [o for o in _outcomes() if o.professional_id == TOM]
    assert (len(els), len(tom)) == (5, 2)
    ann = [replace(o, client_id=o.client_id + 100, professional_id=ANN) for o in els + tom[:1]]
    people = [(ELS, "Els"), (TOM, "Tom"), (ANN, "Ann")]
    # Hidden: Tom's 2, fewer than five together; the smallest shown (Els's 5) hides too,
    # so the hidden ones are 7 together. Ann's 6 stay shown.
    view = organisation_figures(els + tom + ann, 0, people, [])
    assert [(g.name, g.figures is None) for g in view.by_professional] == [
        ("Els", True),
        ("Tom", True),
        ("Ann", False),
    ]
    # Everyone in caseloads of five or more: all shown.
    view = organisation_figures(els + ann, 0, people, [])
    assert [(g.name, g.figures is None) for g in view.by_professional] == [
        ("Els", False),
        ("Tom", True),
        ("Ann", False),
    ]


def test_an_organisation_of_fewer_than_five_clients_shows_nothing() -> None:
    view = organisation_figures(
        _outcomes()[:4],
        buddies=2,
        professionals=[(ELS, "Els")],
        work_models=["buddy"],
    )
    assert view.whole is None
    assert view.buddies is None
    assert all(group.figures is None for group in (*view.by_work_model, *view.by_professional))


def test_a_work_model_row_is_hidden_when_the_whole_minus_it_would_tell_a_few() -> None:
    """Found in review: five of six clients with a buddy action; the whole minus the buddy
    row told the sixth exactly."""
    outcomes = [replace(o, work_models=frozenset({"buddy"})) for o in _outcomes()[:5]]
    view = organisation_figures([*outcomes, _outcomes()[5]], 0, [], [])
    assert [(g.key, g.figures is None) for g in view.by_work_model] == [("buddy", True)]
    everyone = organisation_figures(
        [*outcomes, replace(_outcomes()[5], work_models=frozenset({"buddy"}))], 0, [], []
    )
    assert [(g.key, g.figures is None) for g in everyone.by_work_model] == [("buddy", False)]
