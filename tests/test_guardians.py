"""Under 13 (the Belgian age of digital consent) a client's check-ins wait until their
professional confirms that a parent or guardian agreed (issue 7, point 4)."""

from __future__ import annotations

from datetime import timedelta

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.storage import audit
from tests.clocked import client_id_of, next_slot_of, prompted, tick
from tests.journeys import joined_client


async def test_a_child_gets_check_ins_only_after_a_guardian_agreed(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    amira.catch_up()
    caseload = await els.ask("/clients")
    await els.tap(caseload, "Amira")
    assert "Leeftijd: 18 of ouder" in caseload.content
    await els.tap(caseload, "🎂 Leeftijd…")
    assert caseload.content == "Hoe oud is Amira?"
    await els.tap(caseload, "jonger dan 13")
    assert "Leeftijd: jonger dan 13" in caseload.content
    assert "De check-ins wachten tot je bevestigt" in caseload.content

    # The check-in time passes: nothing is sent, and /checkin explains why, kindly.
    client_id = await client_id_of(clocked_bot, amira)
    slot = await next_slot_of(clocked_bot, client_id, clock.now)
    clock.now = slot + timedelta(minutes=1)
    await tick(clocked_bot)
    assert amira.catch_up() == []
    answer = await amira.ask("/checkin")
    assert "as soon as your support worker has the OK of your parent or guardian" in (
        answer.content
    )

    await els.tap(caseload, "✅ Een ouder of voogd ging akkoord")
    assert "Een ouder of voogd ging akkoord (bevestigd op" in caseload.content
    assert "✅ Een ouder of voogd ging akkoord" not in [b.text for b in caseload.buttons]
    prompt = await prompted(clocked_bot, clock, amira)  # the next slot comes as usual
    assert prompt.content.startswith("Hi Amira!")

    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        actions = [entry.action for entry in await audit.audit_entries(session)]
    assert "client.age_group" in actions
    assert "client.guardian_consent" in actions
