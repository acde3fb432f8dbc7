"""Twelve weeks in the lives of the demo's clients, made through the services.

Each client has a story (a growing network, a fading tie, someone who falls silent, a
buddy pair, …). ``live_weeks`` steps a clock through the days: the scheduler's services
make and claim the prompts as the tick would, and the story decides what each person
answers. Nothing is sent to Telegram here (the demo plays the last week live) and nothing
is written with raw SQL: the digest reads exactly what a real season would leave behind.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.flows import checkin as checkin_flow
from buddybot.flows import meetup as meetup_flow
from buddybot.network import Contact, ContactKind, Domain
from buddybot.roles import ParticipantRole
from buddybot.services import checkin_answers, checkins, contacts, invitations, joining, meetups
from buddybot.storage import checkins as stored_checkins
from buddybot.storage import people
from buddybot.storage.database import Database
from buddybot.storage.models import Checkin, Participant, Professional

MODES = ("in_person", "call", "message")


@dataclass(frozen=True)
class Answer:
    """What a client says in one check-in."""

    mentioned: tuple[str, ...]
    mood: int
    satisfaction: int = 4


@dataclass
class Story:
    """A client's season: their map at the start, what they answer in week ``w`` (0–11) at
    their ``n``-th prompt of that week, and what happens to their map on the way."""

    name: str
    language: str
    contacts: list[tuple[ContactKind, str, int, Domain]]
    answer: Callable[[int, int, random.Random], Answer | None]
    added: dict[int, list[tuple[ContactKind, str, int, Domain]]] = field(default_factory=dict)
    moved: dict[int, tuple[str, int]] = field(default_factory=dict)
    unreachable_from: int | None = None


def _growing(week: int, _n: int, rng: random.Random) -> Answer:
    known = ["Zus Amal", "Buurvrouw Rita"]
    known += ["Voetbalploeg"] * (week >= 2) + ["Tom van het werk"] * (week >= 5)
    known += ["Taalcafé"] * (week >= 8) + ["Samira"] * (week >= 10)
    count = min(len(known), 1 + week // 3 + rng.randint(0, 1))
    return Answer(
        tuple(rng.sample(known, count)), mood=min(5, 3 + week // 5), satisfaction=3 + week // 6
    )


def _fading(week: int, n: int, _rng: random.Random) -> Answer:
    mentioned = ("Oma", "Zus Ine") if week < 8 else ("Zus Ine",) if n == 0 else ("Vriendin Nora",)
    return Answer(mentioned, mood=4 if week < 11 else 2, satisfaction=4 if week < 8 else 3)


def _silent(week: int, n: int, rng: random.Random) -> Answer | None:
    if week >= 9:
        return None  # stops answering
    return Answer(("Papa",) if n == 0 else ("Papa", "Maatje Dries"), mood=rng.choice((3, 4)))


def _steady(week: int, n: int, rng: random.Random) -> Answer | None:
    if (week + n) % 4 == 3:
        return None  # now and then a check-in is missed: missing, not zero
    return Answer(("Mama", "Koor") if n == 0 else ("Collega Lien",), mood=rng.choice((4, 4, 5)))


def _withdrawn(week: int, _n: int, rng: random.Random) -> Answer | None:
    if rng.random() < 0.4:
        return None
    return Answer(("Broer Jens",) if week % 2 else (), mood=rng.choice((2, 3)))


def _buddy_pair(week: int, n: int, rng: random.Random) -> Answer | None:
    if rng.random() < 0.2:
        return None
    return Answer(
        ("Mama", "Fikkie") if n == 0 else ("Jan van de voetbal", "Café De Hoek"),
        mood=rng.choice((4, 4, 5)),
    )


P, G, A, PL = ContactKind.PERSON, ContactKind.GROUP, ContactKind.ANIMAL, ContactKind.PLACE
F, FR, W, L, N = Domain.FAMILY, Domain.FRIENDS, Domain.WORK, Domain.LEISURE, Domain.NEIGHBOURHOOD

STORIES = (
    Story(
        "Youssef",
        "nl",
        [(P, "Zus Amal", 1, F), (P, "Buurvrouw Rita", 3, N)],
        _growing,
        added={
            2: [(G, "Voetbalploeg", 2, L)],
            5: [(P, "Tom van het werk", 2, W)],
            8: [(PL, "Taalcafé", 3, L)],
            10: [(P, "Samira", 2, FR)],
        },
    ),
    Story(
        "Lotte",
        "nl",
        [(P, "Oma", 1, F), (P, "Zus Ine", 1, F), (P, "Vriendin Nora", 2, FR)],
        _fading,
    ),
    Story("Kevin", "nl", [(P, "Papa", 1, F), (P, "Maatje Dries", 2, FR)], _silent),
    Story(
        "Sara",
        "en",
        [(P, "Mama", 1, F), (G, "Koor", 2, L), (P, "Collega Lien", 3, W)],
        _steady,
        moved={11: ("Collega Lien", 2)},
    ),
    Story("Noah", "nl", [(P, "Broer Jens", 2, F)], _withdrawn, unreachable_from=11),
)
# Amira's season (she joins in the chat, with Bram as her buddy).
AMIRA = Story("Amira", "en", [], _buddy_pair)


async def join_clients(
    database: Database,
    professional_id: int,
    telegram_ids: dict[str, int],
    now: datetime,
) -> dict[int, Story]:
    """Invite the story clients and let them agree, as the chat would (through the
    invitation services); returns story by client id."""
    joined: dict[int, Story] = {}
    async with database.transaction() as session:
        professional = await session.get(Professional, professional_id)
        assert professional is not None
        for story in STORIES:
            made = await invitations.invite_client(
                session, professional, story.name, now=now, days=14
            )
            telegram_id = telegram_ids[story.name]
            opened = await joining.open_invitation(session, made.code, telegram_id, now=now)
            assert opened.invitation_id is not None
            result = await joining.answer_consent(
                session,
                opened.invitation_id,
                telegram_id,
                agree=True,
                language=story.language,
                now=now,
            )
            assert result is not None
            for kind, label, circle, domain in story.contacts:
                await _add(session, result.participant_id, kind, label, circle, domain, now)
            joined[result.participant_id] = story
    return joined


async def _add(
    session: AsyncSession,
    client_id: int,
    kind: ContactKind,
    label: str,
    circle: int,
    domain: Domain,
    now: datetime,
) -> None:
    await contacts.add_contact(
        session,
        client_id,
        Contact(0, kind, label, circle, domain),
        by=contacts.Editor("client", client_id),
        now=now,
    )


@dataclass
class Season:
    """The clock and the stories, stepped day by day."""

    database: Database
    stories: dict[int, Story]  # client id → story
    start: date  # the Monday of week 0
    seed: int = 7
    rng: random.Random = field(init=False)
    _done_changes: set[tuple[int, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 (made-up stories, not secrets)

    def week(self, day: date) -> int:
        """Which week of the season a day is in (0–11)."""
        return (day - self.start).days // 7

    async def run(self, first: datetime, until: datetime) -> None:
        """Every evening from ``first`` up to ``until``: what the scheduler would send,
        and what the stories answer (20 minutes later)."""
        zone = ZoneInfo("Europe/Brussels")
        day = first.astimezone(zone).date()
        while True:
            evening = datetime.combine(day, time(18, 0, 30), zone)
            if evening > until:
                return
            if evening >= first:
                await self.evening(evening)
            day += timedelta(days=1)

    async def evening(self, moment: datetime) -> None:
        """One evening: map changes of the week (on Mondays), prompts, answers, expiry."""
        day = moment.astimezone(ZoneInfo("Europe/Brussels")).date()
        week = self.week(day)
        async with self.database.transaction() as session:
            await self._week_changes(session, week, moment)
            await checkins.materialise(session, moment)
        async with self.database.transaction() as session:
            prompts = await checkins.claim_prompts(session, moment)
            for prompt in prompts:
                await checkins.record_sent(session, prompt.checkin_id, 0, moment)
        later = moment + timedelta(minutes=20)
        async with self.database.transaction() as session:
            for prompt in prompts:
                await self.answer(session, prompt.checkin_id, week, later)
        async with self.database.transaction() as session:
            await checkins.claim_reminders(session, moment)
            await checkins.expire(session, moment)

    async def answer(
        self, session: AsyncSession, checkin_id: int, week: int, now: datetime
    ) -> None:
        """Let the story answer one open check-in (or leave it unanswered)."""
        checkin = await session.get(Checkin, checkin_id)
        assert checkin is not None
        person = await session.get(Participant, checkin.participant_id)
        assert person is not None
        if person.role is ParticipantRole.BUDDY:
            await self._buddy_meets(session, checkin, person, now)
            return
        story = self.stories.get(person.id)
        if story is None:
            return
        nth = 0 if checkin.local_date.weekday() < 3 else 1
        said = story.answer(week, nth, self.rng)
        if said is None:
            return
        network = {c.label: c.contact_id for c in await contacts.current_map(session, person.id)}
        due = checkin_flow.satisfaction_due(
            await stored_checkins.answered_count(session, person.id)
        )
        await checkin_answers.answer_all(
            session,
            checkin,
            person,
            contacts={
                network[label]: self.rng.choice(MODES)
                for label in said.mentioned
                if label in network
            },
            mood=said.mood,
            satisfaction=said.satisfaction if due else None,
            now=now,
        )

    async def _buddy_meets(
        self, session: AsyncSession, checkin: Checkin, buddy: Participant, now: datetime
    ) -> None:
        """The buddy met their client this week (most weeks): the meetup is logged."""
        checkin.answered_at = now
        await checkin_answers.finish(session, checkin, buddy, now)
        if self.rng.random() < 0.15:
            return
        (client, *_) = await meetups.agreed_clients(session, buddy.id)
        meetup = await meetups.start(session, buddy, client.id, now)
        assert meetup is not None
        meetup.local_date = checkin.local_date - timedelta(days=self.rng.choice((1, 2, 3)))
        meetup.activity = self.rng.choice(meetup_flow.ACTIVITIES[:4])
        meetup.duration_minutes = self.rng.choice((60, 120))
        meetup.how_it_went = self.rng.choice((4, 5, 5))
        await meetups.save(session, meetup, buddy, now)

    async def _week_changes(self, session: AsyncSession, week: int, now: datetime) -> None:
        for client_id, story in self.stories.items():
            if (client_id, week) in self._done_changes:
                continue
            self._done_changes.add((client_id, week))
            for kind, label, circle, domain in story.added.get(week, []):
                await _add(session, client_id, kind, label, circle, domain, now)
            if week in story.moved:
                label, circle = story.moved[week]
                for contact in await contacts.current_map(session, client_id):
                    if contact.label == label:
                        record = await contacts.contact_of(session, client_id, contact.contact_id)
                        assert record is not None
                        changed = Contact(
                            contact.contact_id, contact.kind, label, circle, contact.domain
                        )
                        await contacts.update_contact(
                            session,
                            record,
                            changed,
                            by=contacts.Editor("client", client_id),
                            now=now,
                        )
            if story.unreachable_from == week:
                await stored_checkins.mark_unreachable(session, client_id)


async def professional_of(database: Database, telegram_user_id: int) -> int:
    """The id of the professional behind a Telegram account."""
    async with database.transaction() as session:
        professional = await people.professional_by_telegram_id(session, telegram_user_id)
        assert professional is not None
        return professional.id
