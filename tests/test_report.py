"""The report for the team meeting (issue 18, item 5): a PDF in the professional's language
with the circle at intake and now, the weekly chart, the measures, the actions and their
effects, and the client's own words only where the client agreed to share them."""

from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.storage import actions as stored_actions
from buddybot.storage import models
from tests.clocked import client_id_of, prompted, with_network
from tests.histories import JOINED, NOW, client_history
from tests.journeys import client_page, joined_client, professional_elsewhere


async def _check_in_with_a_message(
    bot: BotProcess, clock: ManualClock, amira: SandboxUser, message: str, share: str
) -> ChatMessage:
    """Amira answers her next prompt, writes ``message`` for Els under the thank-you and
    taps ``share`` under "I'll pass it on"."""
    prompt = await prompted(bot, clock, amira)
    await amira.tap(prompt, "Nobody")
    while "💬 Tell Els something" not in [b.text for b in prompt.buttons]:
        await amira.tap(prompt, "🙂")
    await amira.tap(prompt, "💬 Tell Els something")
    kept = await amira.ask(message)
    await amira.press(kept, share)
    await amira.wait_for_edit(kept, 0)
    return kept


def _text_of(pdf: bytes) -> str:
    """The PDF's text, without the invisible marks that keep a name's direction apart."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return text.replace("\u2068", "").replace("\u2069", "")


async def test_a_professional_receives_a_report_with_only_the_words_the_client_shared(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    client_id = await client_id_of(clocked_bot, amira)
    await client_history(clocked_bot, client_id)
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        client = await session.get(models.Participant, client_id)
        assert client is not None
        await stored_actions.add_action(
            session,
            client_id=client_id,
            professional_id=client.professional_id or 0,
            label="Buddy via de Kring",
            work_model="buddy",
            domain="friends",
            starts_on=(JOINED + timedelta(weeks=7)).date(),
            ends_on=None,
        )
    assert clock.now > NOW  # the history lies in the past: the bot's clock is not turned back
    shared = await _check_in_with_a_message(
        clocked_bot, clock, amira, "I like the walks with Rita", "👥 Yes, that's fine"
    )
    assert shared.content == "✅ Fine. Els may also let the team read your message."
    kept = await _check_in_with_a_message(
        clocked_bot, clock, amira, "My brother is ill again", "🔒 No, only Els"
    )
    assert kept.content == "🔒 Fine. Only Els reads your message."

    page = await client_page(els, "Amira")
    await els.press(page, "📄 Verslag voor het team (PDF)")
    sent = await els.next_message()
    assert sent.document is not None
    assert sent.document.file_name.startswith("verslag-")
    assert sent.caption is not None
    assert "Verslag over Amira" in sent.caption
    text = _text_of(sent.document.data)

    assert "Verslag: Amira" in text
    assert "Kring Gent · Els ·" in text
    assert "Het netwerk bij de intake en nu" in text
    assert "Nieuw: Rita" in text
    assert "Niet meer in het netwerk: Huisarts" in text
    # The measures table, intake against now (hand-counted in tests/test_before_after.py).
    assert "Netwerkleden (ook dieren, plekken) 4 4 =" in text
    assert "Emotionele nabijheid (deel heel dichtbij) 50% 75% ▲" in text
    assert "Informeel 3 4 ▲" in text
    assert "Contact per week: de laatste 52 weken" in text  # joined in January
    assert "Buddy via de Kring · Buddy (persoonlijke vriend) · Vrienden" in text
    assert "In de eigen woorden van Amira" in text
    assert "I like the walks with Rita" in text
    assert "My brother is ill" not in text  # Amira did not want the team to read it
    assert "Vertrouwelijk" in text


async def test_no_report_on_someone_elses_client(
    clocked_bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    _els, amira = await joined_client(clocked_bot, sandbox)
    client_id = await client_id_of(clocked_bot, amira)
    jef = await professional_elsewhere(clocked_bot, sandbox)
    message = await jef.ask("/clients")
    answer = await jef.answer_to(await jef.press_data(message, f"rep:{client_id}"))
    assert answer.show_alert
    assert not [m for m in jef.catch_up() if m.document is not None]


async def test_only_the_client_decides_whether_the_team_may_read_her_message(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Found in review: a professional whose record id was the client's number could flip
    "🔒 No, only Els" to shared with a made-up button, and the words went into the PDF."""
    els, amira = await joined_client(clocked_bot, sandbox)
    client_id = await client_id_of(clocked_bot, amira)
    await with_network(clocked_bot, client_id, "Mama")
    kept = await _check_in_with_a_message(
        clocked_bot, clock, amira, "A private thing", "🔒 No, only Els"
    )
    checkin_id = kept.buttons[0].callback_data.split(":")[1]  # type: ignore[union-attr]
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        els_record = await session.scalar(select(models.Professional.id))
    assert els_record == client_id  # the same number in two tables: the case that leaked
    els.catch_up()
    message = await els.ask("/clients")
    answer = await els.answer_to(await els.press_data(message, f"sh:{checkin_id}:y"))
    assert answer.show_alert
    page = await client_page(els, "Amira")
    await els.press(page, "📄 Verslag voor het team (PDF)")
    sent = await els.next_message()
    assert sent.document is not None
    assert "A private thing" not in _text_of(sent.document.data)


async def test_no_report_on_a_client_who_stopped_and_said_why(
    clocked_bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    """The report's button on an older page, after the client said /stop: the alert says she
    stopped (it used to say she had not joined yet), and no PDF comes."""
    els, amira = await joined_client(clocked_bot, sandbox)
    page = await client_page(els, "Amira")
    stop = await amira.ask("/stop")
    await amira.press(stop, "Yes, I'll stop")
    await amira.wait_for_edit(stop, 0)
    els.catch_up()
    answer = await els.answer_to(await els.press(page, "📄 Verslag voor het team (PDF)"))
    assert answer.show_alert
    assert (
        answer.text
        == "Deze cliënt is gestopt met BuddyBot: je ziet haar of zijn gegevens niet meer."
    )
    assert not [m for m in els.catch_up() if m.document is not None]
