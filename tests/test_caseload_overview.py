"""`/clients` at a glance (issue 18, item 1): a line per client with status, last answer,
contacts and mood with their trend, and flags, those needing attention first."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.services import checkin_answers
from buddybot.storage import checkins as stored
from buddybot.storage import models
from tests.clocked import client_id_of, with_network
from tests.journeys import invite, join, joined_client

MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


async def _answered_weeks(
    bot: BotProcess, client_id: int, clock: ManualClock, moods: list[int], seen: int
) -> None:
    """One answered check-in in each of the last ``len(moods)`` weeks (oldest first), with
    ``seen`` of the client's contacts in each."""
    assert bot.database is not None
    async with bot.database.transaction() as session:
        client = await session.get(models.Participant, client_id)
        assert client is not None
        ids = list(
            await session.scalars(
                select(models.Contact.id).where(models.Contact.client_id == client_id)
            )
        )
        for weeks_ago, mood in zip(range(len(moods), 0, -1), moods, strict=True):
            at = clock.now - timedelta(weeks=weeks_ago)
            checkin = await stored.add_open(session, client_id, at, at.date())
            await checkin_answers.answer_all(
                session,
                checkin,
                client,
                contacts={contact: "in_person" for contact in ids[:seen]},
                mood=mood,
                satisfaction=None,
                now=at,
            )


async def test_the_caseload_shows_who_needs_attention_first_with_last_weeks_figures(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    karim = sandbox.user("Karim", language_code="en")
    await join(karim, await invite(els, "👤 Een cliënt", "Karim"), "English", "✅ I'll take part")
    lies = sandbox.user("Lies", language_code="en")
    await join(lies, await invite(els, "👤 Een cliënt", "Lies"), "English", "✅ I'll take part")
    await invite(els, "👤 Een cliënt", "Noor")  # invited, not joined
    for person in (amira, karim, lies):
        await with_network(clocked_bot, await client_id_of(clocked_bot, person), "Mama", "Jan")
    await _answered_weeks(clocked_bot, await client_id_of(clocked_bot, amira), clock, [3, 3, 4], 2)
    await _answered_weeks(clocked_bot, await client_id_of(clocked_bot, karim), clock, [4, 4, 1], 1)
    await _answered_weeks(clocked_bot, await client_id_of(clocked_bot, lies), clock, [2, 2, 2], 1)
    await lies.press(await lies.ask("/stop"), "Yes, I'll stop")
    # The last answer's day, in Brussels, as a Dutch reader writes it ("23 nov").
    last = (clock.now - timedelta(weeks=1)).astimezone(ZoneInfo("Europe/Brussels"))
    day = f"{last.day} {MONTHS[last.month - 1]}"

    els.catch_up()
    overview = await els.ask("/clients")
    lines = [line for line in overview.content.split("\n") if line]
    assert lines[0] == "Je cliënten (4) · 2 vragen aandacht"
    assert lines[1] == "Vorige week. ▲▼ = vergeleken met de 4 weken ervoor. ⚠️ = vraagt aandacht."
    # Lies stopped: the most urgent (as in the digest), and nothing of her data any more,
    # not even when she last answered.
    assert lines[2:4] == ["⚠️ • Lies: gestopt", "   ⚠️ doet niet meer mee"]
    # Karim's mood fell from 4 to 1: next, with the flag in words.
    assert lines[4] == "⚠️ • Karim: doet mee"
    assert lines[5] == f"   laatste antwoord {day} · 1 keer contact = · stemming 1,0 ▼"
    assert lines[6] == "   ⚠️ stemming gedaald"
    assert lines[7] == "• Amira: doet mee"
    assert lines[8] == f"   laatste antwoord {day} · 2 keer contact = · stemming 4,0 ▲"
    assert lines[9:] == ["• Noor: uitgenodigd"]  # invited: no figures yet
    assert [b.text for b in overview.buttons] == ["Lies", "Karim", "Amira", "Noor"]
