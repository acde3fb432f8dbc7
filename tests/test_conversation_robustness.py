"""Conversation robustness (issue 7, point 9): Hypothesis drives random sequences of what a
client, a buddy, a professional and a stranger can do — commands, presses of the buttons they
see (current or long outdated), forged button data and typed text (long, emoji, right-to-left,
control characters, SQL-looking) — against the real bot through the sandbox. After every step:
the bot answered (a message, an edit or the press's answer), nothing failed inside the bot,
and the data model's rules hold in the database.

Hypothesis's state machines are synchronous, so the sandbox and the bot run on an event loop
in a thread of their own and each step waits there for the bot's answer. The examples are the
same on every run (derandomized); ``BUDDYBOT_FUZZ_EXAMPLES=500`` explores further.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
from collections import Counter
from collections.abc import Coroutine, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from buddybot.clock import utcnow
from buddybot.commands import COMMANDS
from buddybot.network import Contact, ContactKind, Domain
from buddybot.roles import ParticipantRole, ParticipantStatus, ProfessionalStatus
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services import contacts
from buddybot.storage import audit
from buddybot.storage import people as stored_people
from buddybot.storage.models import Rhythm
from tests.conftest import sandbox_settings

T = TypeVar("T")
# Read when the module is imported: the tests' clean environment drops BUDDYBOT_* variables.
EXPLORE = os.environ.get("BUDDYBOT_FUZZ_EXAMPLES")
ANSWER_SECONDS = 10.0
ROLES = ("client", "buddy", "professional", "stranger")

# What people type. Telegram delivers no empty or whitespace-only messages, so none here.
ODD_TEXTS = [
    "x" * 4096,
    "😀🙈🐶❤️‍🔥" * 200,
    "مرحبا، كيف حالك؟",
    "שלום \u202eעולם\u202c",
    "\u200b",
    "a\x00b\x07c\x1b[31md",
    "'; DROP TABLE participant; --",
    "1' OR '1'='1",
    "<b>bold</b> & <script>alert(1)</script>",
    "/",
    "/unknown_command",
    "/start AAAAAAAAAAAAAAAAAAAAAA",
    "/start ../../etc/passwd",
]
TEXTS = st.one_of(
    st.sampled_from(ODD_TEXTS),
    st.text(min_size=1, max_size=300).filter(lambda typed: typed.strip() != ""),
)
PICK = st.integers(min_value=0, max_value=2**16)
NUMBERS = st.one_of(st.integers(min_value=0, max_value=2**70), st.sampled_from([0, 1, 2**63]))
COMMAND_TEXTS = st.sampled_from([f"/{command.name}" for command in COMMANDS])
FORGED = st.one_of(
    st.text(min_size=1, max_size=64),
    st.sampled_from(["ci:1:mood:99", "cl:1:age:child", "x", "::::", "ci:-1:start", "🙂"]),
)


class Live:
    """An event loop in a thread of its own, running the sandbox and the bot."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.sandbox = TelegramSandbox()
        self.bot: BotProcess | None = None

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run ``work`` on the bot's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    async def start(self, database_url: str) -> None:
        await self.sandbox.start()
        self.bot = BotProcess(sandbox_settings(self.sandbox, database_url))
        await self.bot.start()

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
        await self.sandbox.stop()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


class _Failures(logging.Handler):
    """Every ERROR the bot logs: an update that failed inside the bot."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """The bot in polling mode against the sandbox, on a loop in its own thread."""
    running = Live()
    try:
        running.run(running.start(f"sqlite+aiosqlite:///{tmp_path / 'fuzz.db'}"))
        yield running
    finally:
        running.run(running.stop())
        running.close()


async def _people(live: Live) -> dict[str, SandboxUser]:
    """A professional, their client (with a small network and a rhythm), the client's
    buddy, and someone who never joined; each example has its own four."""
    sandbox, bot = live.sandbox, live.bot
    assert bot is not None
    assert bot.database is not None
    people = {
        "client": sandbox.user("Amira", language_code="en"),
        "buddy": sandbox.user("Bram", language_code="en"),
        "professional": sandbox.user("Els", language_code="nl"),
        "stranger": sandbox.user("Jonas", language_code="en"),
    }
    now = utcnow()
    async with bot.database.transaction() as session:
        organisation = await stored_people.add_organisation(session, f"Fuzz {people['client'].id}")
        professional = await stored_people.add_professional(
            session,
            organisation,
            "Els",
            telegram_user_id=people["professional"].id,
            language="nl",
            status=ProfessionalStatus.ACTIVE,
        )
        joined = {}
        for role, kind in (("client", ParticipantRole.CLIENT), ("buddy", ParticipantRole.BUDDY)):
            joined[role] = await stored_people.add_participant(
                session,
                organisation,
                kind,
                first_name=people[role].first_name,
                telegram_user_id=people[role].id,
                language="en",
                status=ParticipantStatus.ACTIVE,
                professional_id=professional.id,
            )
            joined[role].consent_given_at = now - timedelta(days=30)
        link = await stored_people.add_buddy_link(session, joined["buddy"], joined["client"])
        link.client_agreed_at = now - timedelta(days=29)
        for label, circle, domain in (("Mama", 1, Domain.FAMILY), ("Jan", 2, Domain.FRIENDS)):
            await contacts.add_contact(
                session,
                joined["client"].id,
                Contact(0, ContactKind.PERSON, label, circle, domain),
                by=contacts.Editor("client", joined["client"].id),
                now=now,
            )
        session.add(
            Rhythm(
                participant_id=joined["client"].id,
                weekdays="0,3",
                local_time="18:00",
                checked_until=now,
            )
        )
    return people


def _changes(person: SandboxUser) -> tuple[int, int]:
    """How many messages the bot sent this person, and how many edits, so far."""
    inbox = person.inbox
    return len(inbox), sum(message.edits for message in inbox)


# Data-model rules that must hold whatever people did. Each query lists what breaks them.
BROKEN_RULES = {
    "a participant with two open check-ins": """
        SELECT participant_id FROM checkin WHERE status IN ('sent', 'reminded', 'sending')
        GROUP BY participant_id HAVING count(*) > 1""",
    "an answered check-in without its time": """
        SELECT id FROM checkin WHERE (status = 'answered') != (answered_at IS NOT NULL)""",
    "a mood out of 1..5 or for someone else's check-in": """
        SELECT m.id FROM mood m JOIN checkin c ON c.id = m.checkin_id
        WHERE m.score NOT BETWEEN 1 AND 5 OR m.participant_id != c.participant_id""",
    "a satisfaction out of 1..5 or for someone else's check-in": """
        SELECT s.id FROM satisfaction s JOIN checkin c ON c.id = s.checkin_id
        WHERE s.score NOT BETWEEN 1 AND 5 OR s.participant_id != c.participant_id""",
    "a contact event with someone from another client's network": """
        SELECT e.id FROM contact_event e JOIN contact k ON k.id = e.contact_id
        WHERE k.client_id != e.client_id""",
    "a meetup of a buddy who is not linked to the client": """
        SELECT m.id FROM meetup m LEFT JOIN buddy_link l
        ON l.buddy_id = m.buddy_id AND l.client_id = m.client_id WHERE l.id IS NULL""",
    "a dangling reference": "PRAGMA foreign_key_check",
}


class Conversations(RuleBasedStateMachine):
    """Random things four people do; the bot must stay kind, answering and consistent."""

    live: ClassVar[Live]
    failures: ClassVar[_Failures]
    answered: ClassVar[Counter[str]]  # what the bot answered, over all examples

    def __init__(self) -> None:
        super().__init__()
        self.failures.lines.clear()  # each example answers for its own steps
        self.people = self.live.run(_people(self.live))

    # ------------------------------------------------------------- what people do

    @initialize()
    def each_opens_their_main_flow(self) -> None:
        """So that there are buttons to press from the first step on."""
        for who, command in (
            ("client", "/checkin"),
            ("buddy", "/meetup"),
            ("professional", "/clients"),
            ("stranger", "/start"),
        ):
            self._answered_with_a_message(self.people[who], command)

    @rule(who=st.sampled_from(ROLES), command=COMMAND_TEXTS)
    def sends_a_command(self, who: str, command: str) -> None:
        self._answered_with_a_message(self.people[who], command)

    @rule(who=st.sampled_from(ROLES), typed=TEXTS)
    def types(self, who: str, typed: str) -> None:
        self._answered_with_a_message(self.people[who], typed)

    # Which message and button: numbers drawn whatever the chat holds (taken modulo what is
    # there), so that Hypothesis draws the same data when it replays a step.
    @rule(who=st.sampled_from(ROLES), message=PICK, button=PICK)
    def presses_a_button_they_see(self, who: str, message: int, button: int) -> None:
        """Any message's buttons, not only the last one's: old ones are outdated."""
        found = _button_data(self.people[who], message, button)
        if found is not None:
            self._press(self.people[who], *found)

    @rule(who=st.sampled_from(ROLES), forged=FORGED, message=PICK)
    def presses_forged_data(self, who: str, forged: str, message: int) -> None:
        person = self.people[who]
        if person.inbox:
            self._press(person, person.inbox[message % len(person.inbox)], forged)

    @rule(who=st.sampled_from(ROLES), number=NUMBERS, message=PICK, button=PICK)
    def presses_a_button_with_other_numbers(
        self, who: str, number: int, message: int, button: int
    ) -> None:
        """Real button data with its numbers changed: someone else's check-in, client, ..."""
        found = _button_data(self.people[who], message, button)
        if found is not None:
            pressed, data = found
            self._press(self.people[who], pressed, re.sub(r"\d+", str(number), data)[:64])

    # ------------------------------------------------------------- what must hold

    @invariant()
    def nothing_failed_inside_the_bot(self) -> None:
        assert self.failures.lines == []

    @invariant()
    def the_data_model_holds(self) -> None:
        broken = self.live.run(self._broken_rules())
        assert broken == {}, broken

    async def _broken_rules(self) -> dict[str, list[Any]]:
        bot = self.live.bot
        assert bot is not None
        assert bot.database is not None
        broken: dict[str, list[Any]] = {}
        async with bot.database.transaction() as session:
            for rule_name, query in BROKEN_RULES.items():
                rows = (await session.execute(text(query))).all()
                if rows:
                    broken[rule_name] = [tuple(row) for row in rows]
            if await audit.broken_audit_line(session) is not None:
                broken["the audit log's hash chain"] = ["broken"]
        return broken

    # ------------------------------------------------------------- helpers

    def _answered_with_a_message(self, person: SandboxUser, typed: str) -> None:
        async def step() -> None:
            before = _changes(person)
            await person.send(typed)
            await person.sandbox.wait_in_chat(
                person.id, lambda: _changes(person) != before, ANSWER_SECONDS
            )
            await asyncio.sleep(0.05)  # let a second message of the same answer arrive

        self.live.run(step())
        self.answered["message"] += 1

    def _press(self, person: SandboxUser, message: ChatMessage, data: str) -> None:
        async def step() -> None:
            press = await person.press_data(message, data)
            await person.answer_to(press, ANSWER_SECONDS)
            await asyncio.sleep(0.05)  # the edit or message that goes with the answer

        self.live.run(step())
        self.answered["press"] += 1


def _button_data(person: SandboxUser, message: int, button: int) -> tuple[ChatMessage, str] | None:
    """The ``message``-th message with buttons and its ``button``-th button's data, modulo."""
    pressable = [m for m in person.inbox if any(b.callback_data for b in m.buttons)]
    if not pressable:
        return None
    chosen = pressable[message % len(pressable)]
    data = [b.callback_data for b in chosen.buttons if b.callback_data]
    return chosen, data[button % len(data)]


def test_random_conversations_never_crash_always_answer_and_keep_the_data_sound(
    live: Live,
) -> None:
    failures = _Failures()
    logging.getLogger().addHandler(failures)
    Conversations.live, Conversations.failures = live, failures
    Conversations.answered = Counter()
    try:
        run_state_machine_as_test(
            Conversations,
            settings=settings(
                max_examples=int(EXPLORE or "20"),
                stateful_step_count=25,
                derandomize=EXPLORE is None,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            ),
        )
    finally:
        logging.getLogger().removeHandler(failures)
    print(dict(Conversations.answered))
    # The machine really talked to the bot (not only drew steps that found nothing to do).
    assert Conversations.answered["message"] >= 50
    assert Conversations.answered["press"] >= 50
