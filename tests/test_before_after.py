"""Before and after (issue 18, item 2): a professional compares a client's network at intake,
or another date, with now. The expected figures are counted by hand from the history below
(see the comments); docs/measures.md defines them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date
from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.roles import ParticipantStatus
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.storage import models
from tests.clocked import client_id_of
from tests.histories import JOINED, NOW, client_history
from tests.journeys import client_page, joined_client, professional_elsewhere


def _day(day: date | datetime) -> str:
    return format_date(day, format="d MMM y", locale="nl")


async def test_a_professional_compares_the_network_at_intake_with_now(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    await client_history(clocked_bot, await client_id_of(clocked_bot, amira))
    clock.now = NOW.astimezone(UTC)

    page = await client_page(els, "Amira")
    await els.press(page, "📊 Voor en na")
    picture = await els.next_message()
    assert picture.photo is not None
    table = await els.next_message()
    lines = table.content.split("\n")
    assert lines == [
        "Amira: Intake en nu",
        f"{_day(JOINED)} → {_day(NOW)}",
        "",
        # Intake: Mama (1), Jan (2), Huisarts (3), Fikkie (1). Now: Mama, Jan moved to 1,
        # Fikkie (1), Rita (2); Huisarts gone.
        "Netwerkleden (mensen, groepen, dieren, plekken): 4 → 4 =",
        "   Heel dichtbij 2 → 3 ▲ · Dichtbij 1 → 1 = · Verder weg 1 → 0 ▼",
        "Levensdomeinen met iemand: 3 → 3 =",
        "   Familie 2 → 2 = · Vrienden 1 → 1 = · Buurt 0 → 1 ▲ · Hulp 1 → 0 ▼",
        "Emotionele nabijheid (deel heel dichtbij): 50% → 75% ▲",
        "Informeel 3 → 4 ▲ · professioneel (hulpverlening) 1 → 0 ▼",
        "Krijgt steun van 2 → 1 ▼ · geeft steun aan 1 → 1 =",
        # Intake: weeks 0–3, week 2 missing: (2 + 3 + 1) / 3. Now: weeks 11–14, week 14
        # not answered yet: (4 + 2 + 4) / 3.
        "Keer contact per week (4 weken): 2,0 → 3,3 ▲",
        "Tevredenheid met het netwerk: 2,5 → 4,5 ▲",  # (2 + 3) / 2 and (4 + 5) / 2
        "",
        # Names isolated (FSI … PDI): a name in another script keeps its own direction.
        "Nieuw: \u2068Rita\u2069",
        "Niet meer in het netwerk: \u2068Huisarts\u2069",
        "Dichterbij gekomen: \u2068Jan\u2069",
        "Voor de eerste datum tellen de eerste 4 weken na de start: "
        "eerder waren er geen antwoorden.",
    ]
    # Joined 14 weeks ago: "a year ago" would be intake again, so it is not offered.
    assert [b.text for b in table.buttons][:2] == ["3 maanden geleden", "📅 Een andere maand…"]

    await els.press(table, "3 maanden geleden")
    await els.next_message()  # the circle
    three_months = await els.next_message()
    assert three_months.content.startswith("Amira: 3 maanden geleden en nu\n")
    # 15 April − 3 months = 15 January: the intake map, Rita not there yet.
    assert f"{_day(date(2026, 1, 15))} → {_day(NOW)}" in three_months.content
    assert "Nieuw: \u2068Rita\u2069" in three_months.content

    await els.press(three_months, "📅 Een andere maand…")
    months = await els.next_message()
    assert [b.text for b in months.buttons][-1] == "⬅️ Terug naar Amira"
    assert [b.text for b in months.buttons][:3] == ["apr 2026", "mrt 2026", "feb 2026"]
    await els.press(months, "mrt 2026")
    await els.next_message()
    march = await els.next_message()
    # 1 March: Rita (added 2 March) is new since then, Huisarts went and Jan moved after it.
    assert march.content.startswith("Amira: 1 mrt 2026 en nu\n")
    assert "Nieuw: \u2068Rita\u2069" in march.content


async def test_another_professional_cannot_compare_someone_elses_client(
    clocked_bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    _els, amira = await joined_client(clocked_bot, sandbox)
    client_id = await client_id_of(clocked_bot, amira)
    jef = await professional_elsewhere(clocked_bot, sandbox)
    message = await jef.ask("/clients")
    press = await jef.press_data(message, f"ba:{client_id}")
    answer = await jef.answer_to(press)
    assert answer.show_alert
    assert not any("Amira" in m.content for m in jef.catch_up())
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        refused = list(
            await session.scalars(
                select(models.AuditLog.subject_id).where(
                    models.AuditLog.action == "refused.client.compare"
                )
            )
        )
    assert refused == [client_id]


async def test_a_client_who_blocked_the_bot_can_still_be_compared_and_reported_on(
    clocked_bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    """Found in review: the desk's buttons were there only while a client took part
    actively; someone who blocked the bot has a history worth a team meeting. A client who
    joined today has no other month to pick yet."""
    els, amira = await joined_client(clocked_bot, sandbox)
    client_id = await client_id_of(clocked_bot, amira)
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        client = await session.get(models.Participant, client_id)
        assert client is not None
        client.status = ParticipantStatus.UNREACHABLE
    page = await client_page(els, "Amira")
    shown = [b.text for b in page.buttons]
    assert "📊 Voor en na" in shown
    assert "🎯 Acties" in shown
    assert "📄 Verslag voor het team (PDF)" in shown
    assert "🕸️ Netwerk" not in shown  # not while the bot cannot reach her
    await els.press(page, "📊 Voor en na")
    table = await els.next_message()
    assert "📅 Een andere maand…" not in [b.text for b in table.buttons]
