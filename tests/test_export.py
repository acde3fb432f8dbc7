"""`/export` stays private by default (issue 18, item 8): the files hold numbers, not names,
unless the professional asks for names and confirms, having been told that Telegram's chats
are not end-to-end encrypted."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.metrics import week_of
from buddybot.runner import BotProcess
from buddybot.sandbox import SandboxUser, TelegramSandbox
from buddybot.storage import actions as stored_actions
from buddybot.storage.models import AuditLog, Participant
from tests.clocked import client_id_of, prompted, with_network
from tests.journeys import buddy_for, exported, joined_client

# Everything a person named or typed below; none of it may be in a file without names.
PERSONAL = (
    "Amira",
    "Mama",
    "Jan van de voetbal",
    "Bram",
    "Please call me",
    "market café",
    "Naaicafé",
)


async def _a_week_told(
    bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> tuple[SandboxUser, SandboxUser]:
    """Els's client Amira with two people on her map, a check-in with a message for Els,
    a meetup with her buddy Bram with a note; then a week goes by (exports end last week)."""
    els, amira = await joined_client(bot, sandbox)
    await with_network(bot, await client_id_of(bot, amira), "Mama", "Jan van de voetbal")
    bram = await buddy_for(sandbox, els, amira)
    amira.catch_up()
    prompt = await prompted(bot, clock, amira)
    for tap in ("Mama", "🤝 Together ➜", "🙂", "🙂", "💬 Tell Els something"):
        await amira.tap(prompt, tap)
    await amira.ask("Please call me")
    bram.catch_up()
    when = await bram.ask("/meetup")
    for tap in ("Today", "☕ Coffee or food", "An hour", "🙂"):
        await bram.tap(when, tap)
    await bram.ask("We went to the market café.")
    # Els's action, its label typed by her (a name in it).
    assert bot.database is not None
    client_id = await client_id_of(bot, amira)
    async with bot.database.transaction() as session:
        client = await session.get(Participant, client_id)
        assert client is not None
        await stored_actions.add_action(
            session,
            client_id=client_id,
            professional_id=client.professional_id or 0,
            label="Naaicafé met Bram",
            work_model="neighbourhood",
            domain="neighbourhood",
            starts_on=(clock.now - timedelta(days=14)).date(),
            ends_on=None,
        )
    clock.now += timedelta(days=8)
    return els, amira


def _text(*files: bytes) -> str:
    return "\n".join(data.decode("utf-8-sig") for data in files)


async def test_an_export_without_names_holds_no_name_label_or_typed_word_until_names_are_confirmed(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, _ = await _a_week_told(clocked_bot, sandbox, clock)
    weeks, answers, actions = await exported(els)
    assert weeks.document is not None
    assert answers.document is not None
    assert actions.document is not None
    private = _text(weeks.document.data, answers.document.data, actions.document.data)
    assert [word for word in PERSONAL if word in private] == []
    assert "Zonder namen" in weeks.content
    rows = list(csv.DictReader(io.StringIO(weeks.document.data.decode("utf-8-sig"))))
    assert {row["client"] for row in rows} == {"client-1"}
    assert {c for row in rows for c in row["new_contacts"].split(";") if c} == {"C1", "C2"}
    events = list(csv.DictReader(io.StringIO(answers.document.data.decode("utf-8-sig"))))
    assert {row["contact"] for row in events if row["kind"] == "contact"} == {"C1", "buddy"}
    done = list(csv.DictReader(io.StringIO(actions.document.data.decode("utf-8-sig"))))
    assert [(row["client"], row["work_model"], row["domain"], row["label"]) for row in done] == [
        ("client-1", "neighbourhood", "neighbourhood", "")
    ]
    # Read on the Monday after the export's last week: from the start up to that Sunday.
    today = week_of(clock.now.astimezone(ZoneInfo("Europe/Brussels")).date())
    started = date.fromisoformat(done[0]["starts_on"])
    assert done[0]["effect_days"] == str((today - started).days)
    assert done[0]["new_in_domain_since"] == "0"

    # Names only after one confirmation that says what it means.
    assert [b.text for b in actions.buttons] == ["👤 Met namen"]
    await els.press(actions, "👤 Met namen")
    confirmation = await els.next_message()
    assert "niet end-to-end versleuteld" in confirmation.content
    assert els.unread() == []  # nothing with names yet
    await els.tap(confirmation, "Ja, met namen")
    named_weeks, named_answers, named_actions = [await els.next_message() for _ in range(3)]
    assert named_weeks.document is not None
    assert named_answers.document is not None
    assert named_actions.document is not None
    named = _text(named_weeks.document.data, named_answers.document.data)
    assert "Naaicafé met Bram" in named_actions.document.data.decode("utf-8-sig")
    assert "\nAmira," in named
    assert "Mama" in named
    assert "Jan van de voetbal" in named
    # Still no free text, with names or without.
    assert "Please call me" not in named
    assert "market café" not in named

    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        made = list(await session.scalars(select(AuditLog).where(AuditLog.action == "export.made")))
    assert [(line.detail or {}).get("names", False) for line in made] == [False, True]


async def test_names_called_off_or_asked_for_by_someone_else_send_nothing(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await _a_week_told(clocked_bot, sandbox, clock)
    *_, answers = await exported(els)
    await els.press(answers, "👤 Met namen")
    confirmation = await els.next_message()
    await els.tap(confirmation, "✖️ Annuleren")
    assert confirmation.content == "Oké, er zijn geen namen verstuurd."
    assert els.unread() == []
    # Amira presses Els's buttons, made up: refused, and no file reaches her.
    amira.catch_up()
    for data in ("exp:names", "exp:names:yes", "exp:names:maybe"):
        press = await amira.press_data(answers, data)
        assert "no longer works" in str((await amira.answer_to(press)).text)
    assert amira.unread() == []
