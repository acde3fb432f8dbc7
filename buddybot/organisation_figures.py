"""The organisation's view (issue 18, item 6): what a coordinator (teamverantwoordelijke) sees
of the whole organisation, per work model and per professional's caseload: pure functions.

For each client, from intake (the day they joined, in their time zone) to today, with the
L.ink measures of ``buddybot.measures``:

- whether the network **grew, stayed or shrank** (``measures.direction``: the number of
  contacts on the map at the end of each day);
- the **change in satisfaction**: the mean of the satisfaction answers of today's window
  (the last four weeks) minus that of intake's window (the first four weeks from joining);
  none when either has no answer;
- the **change in closeness**: the share of contacts in the closest circle today minus at
  intake, in percentage points (0–100 scale); none when either map is empty;
- **compliance**: check-ins answered and sent over the last four full weeks.

A group's figures are the count of grew / stayed / shrank, the mean of the changes over the
clients that have one, and answered / sent summed. **A group of fewer than** ``MIN_GROUP``
**clients is not shown** (its figures are None): the organisation as a whole too, and then
every group under it. No figure carries a client's name or id outward: the groups are keyed
by work model and by professional only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from buddybot.measures import Direction, before_after, direction
from buddybot.metrics import Week, week_of
from buddybot.network import Change

# Groups under this many clients are not shown (domain notes: "groups under five clients
# are not shown"): few enough people could be recognised by their figures.
MIN_GROUP = 5
# Compliance is read over the last four full ISO weeks ("the last month").
COMPLIANCE_WEEKS = 4


@dataclass(frozen=True)
class ClientOutcome:
    """One client's part in the organisation's figures (never shown alone)."""

    client_id: int
    professional_id: int | None
    work_models: frozenset[str]
    direction: Direction
    satisfaction_change: float | None  # points on the five faces (−4…+4)
    closeness_change: float | None  # percentage points (−100…+100)
    sent: int  # check-ins sent over the last four full weeks
    answered: int  # of those, answered


def compliance_weeks(today: date) -> tuple[date, ...]:
    """The Mondays of the last ``COMPLIANCE_WEEKS`` full weeks before ``today``'s week,
    oldest first."""
    this_week = week_of(today)
    return tuple(this_week - timedelta(weeks=n) for n in range(COMPLIANCE_WEEKS, 0, -1))


def client_outcome(
    client_id: int,
    professional_id: int | None,
    work_models: Iterable[str],
    changes: Sequence[Change],
    weeks: Mapping[date, Week],
    joined: date,
    today: date,
    time_zone: str,
) -> ClientOutcome:
    """A client's outcome from their map's history ``changes`` (oldest first) and weekly
    figures ``weeks`` (by Monday), between ``joined`` (intake) and ``today`` (local dates,
    ``joined`` ≤ ``today``; ValueError otherwise, as ``measures.before_after``)."""
    compared = before_after(changes, weeks, joined, today, time_zone, joined=joined)
    before, after = compared.before, compared.after
    satisfaction = (
        None
        if before.answers.satisfaction is None or after.answers.satisfaction is None
        else after.answers.satisfaction - before.answers.satisfaction
    )
    closeness = (
        None
        if before.map.closeness is None or after.map.closeness is None
        else 100 * (after.map.closeness - before.map.closeness)
    )
    counted = [weeks[monday] for monday in compliance_weeks(today) if monday in weeks]
    return ClientOutcome(
        client_id=client_id,
        professional_id=professional_id,
        work_models=frozenset(work_models),
        direction=direction(before.map, after.map),
        satisfaction_change=satisfaction,
        closeness_change=closeness,
        sent=sum(week.sent for week in counted),
        answered=sum(week.answered for week in counted),
    )


@dataclass(frozen=True)
class Figures:
    """A group's figures (only made for a group that may be shown)."""

    clients: int
    grew: int
    stayed: int
    shrank: int
    satisfaction_change: float | None  # mean over ``satisfaction_clients``
    satisfaction_clients: int
    closeness_change: float | None  # mean over ``closeness_clients``, percentage points
    closeness_clients: int
    sent: int
    answered: int

    @property
    def compliance(self) -> float | None:
        """Answered / sent, 0–1; None when nothing was sent."""
        return self.answered / self.sent if self.sent else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def figures(outcomes: Sequence[ClientOutcome]) -> Figures:
    """The figures of a group of clients, whatever its size (see :func:`shown`)."""
    directions = [outcome.direction for outcome in outcomes]
    satisfaction = [o.satisfaction_change for o in outcomes if o.satisfaction_change is not None]
    closeness = [o.closeness_change for o in outcomes if o.closeness_change is not None]
    return Figures(
        clients=len(outcomes),
        grew=directions.count(Direction.GREW),
        stayed=directions.count(Direction.STAYED),
        shrank=directions.count(Direction.SHRANK),
        satisfaction_change=_mean(satisfaction),
        satisfaction_clients=len(satisfaction),
        closeness_change=_mean(closeness),
        closeness_clients=len(closeness),
        sent=sum(outcome.sent for outcome in outcomes),
        answered=sum(outcome.answered for outcome in outcomes),
    )


def shown(outcomes: Sequence[ClientOutcome], min_group: int = MIN_GROUP) -> Figures | None:
    """The group's figures, or None when it has fewer than ``min_group`` clients (not
    shown: not even how many it has)."""
    return figures(outcomes) if len(outcomes) >= min_group else None


@dataclass(frozen=True)
class Group:
    """A row of the view: a work model (its key or the organisation's own name) or a
    professional (their id and display name); ``figures`` None: fewer than ``MIN_GROUP``
    clients, not shown."""

    key: str
    name: str
    figures: Figures | None


@dataclass(frozen=True)
class OrganisationFigures:
    """The whole organisation (None when it has fewer than ``MIN_GROUP`` clients: then
    nothing under it is shown either), its buddies (None likewise), and its groups."""

    whole: Figures | None
    buddies: int | None
    by_work_model: tuple[Group, ...]
    by_professional: tuple[Group, ...]


def _shown_caseloads(
    caseloads: dict[int, list[ClientOutcome]], total: int, min_group: int
) -> set[int]:
    """The caseloads whose figures may be shown. Caseloads split the organisation, so the
    whole minus the shown ones gives the hidden ones together: when those are fewer than
    ``min_group`` clients (but some), the smallest shown caseloads are hidden too, until
    they are not. Without this, an organisation of Els's 5 and Tom's 1 told Tom's one
    client exactly (primary and complementary suppression, as statistics offices do)."""
    shown_ones = sorted(
        (len(members), professional_id)
        for professional_id, members in caseloads.items()
        if len(members) >= min_group
    )
    hidden = total - sum(size for size, _ in shown_ones)
    while shown_ones and 0 < hidden < min_group:
        size, _ = shown_ones.pop(0)
        hidden += size
    return {professional_id for _, professional_id in shown_ones}


def organisation_figures(
    outcomes: Sequence[ClientOutcome],
    buddies: int,
    professionals: Sequence[tuple[int, str]],
    work_models: Sequence[str],
    min_group: int = MIN_GROUP,
) -> OrganisationFigures:
    """The view from every client's outcome: the whole, then a row per work model (the
    organisation's list in its order, then any other name its actions use; a model no
    client has is left out) and per professional (``professionals``: id and name, in the
    order to show). A client counts under every work model of their actions. A caseload
    is hidden under ``min_group`` clients, and so are others when the hidden ones could be
    worked out from the whole (:func:`_shown_caseloads`)."""
    whole = shown(outcomes, min_group)

    def _beside_whole(members: list[ClientOutcome]) -> Figures | None:
        # The whole minus a row is the clients outside it: fewer than min_group of them
        # (but some) would be told exactly by subtraction, so the row is not shown.
        outside = len(outcomes) - len(members)
        if whole is None or 0 < outside < min_group:
            return None
        return shown(members, min_group)

    models = list(dict.fromkeys(work_models))
    used = {model for outcome in outcomes for model in outcome.work_models}
    models += sorted(used - set(models))
    by_model = tuple(
        Group(model, model, _beside_whole([o for o in outcomes if model in o.work_models]))
        for model in models
        if model in used
    )
    caseloads = {
        professional_id: [o for o in outcomes if o.professional_id == professional_id]
        for professional_id, _ in professionals
    }
    protected = set() if whole is None else _shown_caseloads(caseloads, len(outcomes), min_group)
    by_professional = tuple(
        Group(
            str(professional_id),
            name,
            figures(caseloads[professional_id]) if professional_id in protected else None,
        )
        for professional_id, name in professionals
    )
    return OrganisationFigures(whole, None if whole is None else buddies, by_model, by_professional)
