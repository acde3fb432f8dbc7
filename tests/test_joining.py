"""End to end: an organisation's professional joins, invites a client and a buddy, they agree;
and everything that can go wrong on the way."""

from __future__ import annotations

from argparse import Namespace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from benchmarks.processes import free_port
from buddybot.admin import run_admin
from buddybot.clock import ManualClock, utcnow
from buddybot.metrics import week_of
from buddybot.runner import BotProcess
from buddybot.sandbox import SandboxUser, TelegramSandbox
from buddybot.sandbox.media import image_size
from buddybot.services import organisations
from buddybot.services.invitations import code_hash
from buddybot.storage import invitations
from buddybot.storage.models import AuditLog, Invitation, Participant
from tests.clocked import tick
from tests.journeys import code_in, invite, join, professional_invitation, professional_joins


async def _participant(bot: BotProcess, first_name: str) -> Participant:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        # Names are stored encrypted: compared here, not in SQL.
        everyone = await session.scalars(select(Participant))
        found = next((p for p in everyone if p.first_name == first_name), None)
    assert found is not None
    return found


async def test_from_admin_to_client_and_buddy(bot: BotProcess, sandbox: TelegramSandbox) -> None:
    els = await professional_joins(bot, sandbox)
    assert [c["command"] for c in sandbox.commands[(f"chat:{els.id}", "")]][-5:] == [
        "clients",
        "invite",
        "invitations",
        "digest",
        "export",
    ]

    # Els invites Amira: a link and a QR picture of it.
    question = await els.ask("/invite")
    assert question.content == "Wie wil je uitnodigen?"
    await els.press(question, "👤 Een cliënt")
    await els.wait_for_edit(question, 0)
    assert "voornaam van je cliënt" in question.content
    invitation = await els.ask("  Amira\u0007 ")
    assert invitation.photo is not None
    width, height = image_size(invitation.photo.data)
    assert width == height > 200
    assert "Uitnodiging voor Amira" in invitation.content
    code = code_in(invitation)
    assert f"https://t.me/BuddyBotSandbox?start={code}" in invitation.content

    # Amira opens the link, chooses English, reads the consent and agrees.
    amira = sandbox.user("Amira A.", language_code="nl")
    welcome = await amira.ask(f"/start {code}")
    assert "Els van Kring Gent nodigt je uit" in welcome.content
    assert [b.text for b in welcome.buttons] == ["Nederlands", "English"]
    assert (await _participant(bot, "Amira")).telegram_user_id is None
    await amira.press(welcome, "English")
    await amira.wait_for_edit(welcome, 0)
    assert "Who sees it? Els from Kring Gent" in welcome.content
    assert "voluntary" in welcome.content
    assert [b.text for b in welcome.buttons] == ["✅ I'll take part", "Not now", "ℹ️ Tell me more"]
    await amira.press(welcome, "✅ I'll take part")
    await amira.wait_for_edit(welcome, 1)
    assert "Welcome, Amira!" in welcome.content
    assert "buttons are below" in (await amira.next_message()).content
    assert amira.menu == ["💬 Check in", "👥 My network", "📅 My week", "❓ Help"]
    joined = await els.next_message()
    assert joined.content == "✅ Amira doet nu mee."
    client = await _participant(bot, "Amira")
    assert client.telegram_user_id == amira.id
    assert client.language == "en"
    assert client.consent_given_at is not None
    assert "Amira A." not in str(client.first_name)  # the professional's name for her is kept

    # Els sees Amira in her caseload and opens her details.
    caseload = await els.ask("/clients")
    assert "Amira: doet mee" in caseload.content
    await els.press(caseload, "Amira")
    await els.wait_for_edit(caseload, 0)
    assert "Doet mee sinds" in caseload.content
    assert "Buddy: nog geen" in caseload.content

    # Els invites Bram as Amira's buddy from the client's details.
    await els.press(caseload, "🤝 Buddy uitnodigen")
    await els.wait_for_edit(caseload, 1)
    assert "voornaam van de buddy voor Amira" in caseload.content
    buddy_code = code_in(await els.ask("Bram"))
    bram = sandbox.user("Bram", language_code="nl")
    bram_join = await join(bram, buddy_code, "Nederlands", "✅ Ik doe mee")
    assert "als buddy" in bram_join.final.content
    assert (await els.next_message()).content == "✅ Buddy Bram doet nu mee."

    # Amira is asked whether Bram may log their meetups, and agrees.
    ask = await amira.next_message()
    assert "Els asked Bram to be your buddy" in ask.content
    await amira.press(ask, "👍 Yes, fine")
    await amira.wait_for_edit(ask, 0)
    assert ask.content == "Great! Bram is your buddy now. 🤝"
    assert "Amira vindt het goed" in (await bram.next_message()).content
    assert "Amira" in (await els.next_message()).content
    assert "buddy: Bram" in (await els.ask("/clients")).content


async def test_not_now_keeps_nothing_and_the_link_still_works(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els = await professional_joins(bot, sandbox)
    code = await invite(els, "👤 Een cliënt", "Noor")
    noor = sandbox.user("Noor", language_code="nl")
    first = await join(noor, code, "Nederlands", "Nu niet")
    assert "Ik heb niets over je bewaard" in first.final.content
    stored = await _participant(bot, "Noor")
    assert stored.telegram_user_id is None
    assert stored.consent_given_at is None
    assert bot.database is not None
    async with bot.database.transaction() as session:
        invitation = await session.scalar(
            select(Invitation).where(Invitation.participant_id == stored.id)
        )
        assert invitation is not None
        assert invitation.pending_telegram_user_id is None
    assert els.unread() == []
    second = await join(noor, code, "Nederlands", "✅ Ik doe mee")
    assert "Welkom, Noor!" in second.final.content


async def test_used_unknown_taken_and_expired_links(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els = await professional_joins(bot, sandbox)
    code = await invite(els, "👤 Een cliënt", "Amira")
    amira = sandbox.user("Amira", language_code="en")
    other = sandbox.user("Someone", language_code="en")

    welcome = await amira.ask(f"/start {code}")
    assert "invites you" in welcome.content
    assert "Someone else is already using" in (await other.ask(f"/start {code}")).content
    await amira.press(welcome, "English")
    await amira.wait_for_edit(welcome, 0)
    await amira.press(welcome, "✅ I'll take part")
    await amira.wait_for_edit(welcome, 1)
    assert "buttons are below" in (await amira.next_message()).content
    assert "already been used" in (await other.ask(f"/start {code}")).content
    assert "already taking part" in (await amira.ask(f"/start {code}")).content
    assert "I don't know this link" in (await other.ask("/start not-a-real-code")).content

    late = await invite(els, "👤 Een cliënt", "Karim")
    assert bot.database is not None
    async with bot.database.transaction() as session:
        await session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
    karim = sandbox.user("Karim", language_code="en")
    assert "expired" in (await karim.ask(f"/start {late}")).content


async def test_guessing_codes_is_stopped_even_with_a_right_code_at_the_end(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    code = await professional_invitation(bot)
    guesser = sandbox.user("Guesser", language_code="en")
    for attempt in range(5):
        reply = await guesser.ask(f"/start guess{attempt}AAAAAAAAAAAAAAAA")
        assert "I don't know this link" in reply.content
    assert "tried links that don't work too often" in (await guesser.ask(f"/start {code}")).content
    assert bot.database is not None
    async with bot.database.transaction() as session:
        invitation = await invitations.invitation_by_code_hash(session, code_hash(code))
        assert invitation is not None
        assert invitation.used_at is None


async def test_a_link_opened_but_not_answered_can_be_withdrawn(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els = await professional_joins(bot, sandbox)
    code = await invite(els, "👤 Een cliënt", "Lies")
    lies = sandbox.user("Lies", language_code="nl")
    welcome = await lies.ask(f"/start {code}")

    listing = await els.ask("/invitations")
    assert "Lies (cliënt), geldig tot" in listing.content
    await els.press(listing, "Intrekken: Lies")
    await els.wait_for_edit(listing, 0)
    assert "ingetrokken" in listing.content

    await lies.press(welcome, "Nederlands")
    await lies.wait_for_edit(welcome, 0)
    assert "kan je niet meer gebruiken" in welcome.content
    assert "ingetrokken" in (await lies.ask(f"/start {code}")).content
    assert "Je hebt nog geen cliënten" in (await els.ask("/clients")).content


async def test_a_bad_name_is_asked_again_and_cancel_invites_nobody(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els = await professional_joins(bot, sandbox)
    question = await els.ask("/invite")
    await els.press(question, "👤 Een cliënt")
    await els.wait_for_edit(question, 0)
    hint = await els.ask("x" * 41)
    assert hint.content == "Typ een voornaam van 1 tot 40 tekens, graag."
    await els.press(hint, "✖️ Annuleren")
    await els.wait_for_edit(hint, 0)
    assert hint.content == "Oké, ik heb niemand uitgenodigd."
    assert "begrijp ik niet" in (await els.ask("Amira")).content
    assert "Je hebt nog geen cliënten" in (await els.ask("/clients")).content


async def test_forged_buttons_for_someone_elses_client_are_refused_and_logged(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els = await professional_joins(bot, sandbox)
    await invite(els, "👤 Een cliënt", "Amira")
    amira = await _participant(bot, "Amira")

    # A second professional of another organisation tries Amira's record by crafted buttons.
    assert bot.database is not None
    async with bot.database.transaction() as session:
        await organisations.create_organisation(session, "Other org")
        other_code = (
            await organisations.invite_professional(
                session, "Other org", "Mallory", now=utcnow(), days=14
            )
        ).code
    mallory = sandbox.user("Mallory", language_code="en")
    greeting = await mallory.ask(f"/start {other_code}")
    for data in (f"cl:{amira.id}", f"cl:{amira.id}:link", f"inv:for:{amira.id}"):
        press = await mallory.press_data(greeting, data)
        answer = await mallory.answer_to(press)
        assert answer.text == "This button no longer works. Type /help to carry on."
    # A client cannot use professional buttons or commands either.
    stranger = sandbox.user("Stranger", language_code="en")
    press = await stranger.press_data(greeting, "inv:client")
    await stranger.answer_to(press)
    assert "can't do that here" in (await stranger.ask("/clients")).content
    async with bot.database.transaction() as session:
        refused = list(
            await session.scalars(select(AuditLog.action).where(AuditLog.action.like("refused.%")))
        )
    assert refused == [
        "refused.client.view",
        "refused.client.view",
        "refused.invite.buddy",
        "refused.invite",
    ]
    assert mallory.unread() == []


async def _els_amira_and_tom(
    bot: BotProcess, sandbox: TelegramSandbox, invited_too: str | None = None
) -> tuple[SandboxUser, SandboxUser, SandboxUser]:
    """Els with a client Amira (and ``invited_too``, invited but not joined), and Tom, a
    colleague who joined: the start of a caseload transfer."""
    els = await professional_joins(bot, sandbox)
    amira = sandbox.user("Amira", language_code="en")
    await join(amira, await invite(els, "👤 Een cliënt", "Amira"), "English", "✅ I'll take part")
    if invited_too is not None:
        await invite(els, "👤 Een cliënt", invited_too)  # moves too, nobody to tell
    assert bot.database is not None
    async with bot.database.transaction() as session:
        tom_code = (
            await organisations.invite_professional(
                session, "Kring Gent", "Tom", now=utcnow(), days=14
            )
        ).code
    tom = sandbox.user("Tom", language_code="nl")
    await tom.ask(f"/start {tom_code}")
    amira.catch_up()
    return els, amira, tom


async def test_a_leaving_professionals_caseload_moves_and_everyone_is_told(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira, tom = await _els_amira_and_tom(bot, sandbox, invited_too="Noor")

    arguments = Namespace(
        admin_command="transfer", org="Kring Gent", from_professional="Els", to_professional="Tom"
    )
    await run_admin(bot.settings, arguments)

    assert "new support worker: Tom" in (await amira.next_message()).content
    assert (await tom.next_message()).content == (
        "Je neemt 2 mensen over van Els. Je ziet hen in /clients."
    )
    caseload = (await tom.ask("/clients")).content
    assert "Amira: doet mee" in caseload
    assert "Noor: uitgenodigd" in caseload
    els.catch_up()
    assert "Ik ben BuddyBot" in (await els.ask("/start")).content  # Els has left
    assert bot.database is not None
    async with bot.database.transaction() as session:
        moved = await session.scalar(
            select(func.count()).where(AuditLog.action == "participant.transferred")
        )
    assert moved == 2


async def test_late_taps_on_the_consent_question_after_agreeing_change_nothing(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els = await professional_joins(bot, sandbox)
    code = await invite(els, "👤 Een cliënt", "Noor")
    noor = sandbox.user("Noor", language_code="en")
    welcome = await noor.ask(f"/start {code}")
    await noor.tap(welcome, "English")
    agree, not_now, _more = (button.callback_data for button in welcome.buttons)
    assert agree is not None
    assert not_now is not None
    await noor.tap(welcome, "✅ I'll take part")
    assert welcome.content.startswith("Welcome, Noor!")

    # Not now and Agree again on the same question (a late or a second tap): stale, and
    # the welcome stays.
    for data in (not_now, agree):
        answer = await noor.answer_to(await noor.press_data(welcome, data))
        assert answer.text == "This button no longer works. Type /help to carry on."
        assert welcome.content.startswith("Welcome, Noor!")
    joined = await _participant(bot, "Noor")
    assert joined.telegram_user_id == noor.id
    assert joined.consent_given_at is not None
    assert bot.database is not None
    async with bot.database.transaction() as session:
        declined = await session.scalar(
            select(func.count()).where(AuditLog.action == "consent.declined")
        )
    assert declined == 0
    assert "Noor" in (await els.next_message()).content  # told once
    assert els.unread() == []


async def test_a_language_tapped_twice_keeps_the_consent_question(
    bot: BotProcess, sandbox: TelegramSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    els = await professional_joins(bot, sandbox)
    code = await invite(els, "👤 Een cliënt", "Noor")
    noor = sandbox.user("Noor", language_code="en")
    welcome = await noor.ask(f"/start {code}")
    english = next(b.callback_data for b in welcome.buttons if b.text == "English")
    assert english is not None
    await noor.tap(welcome, "English")
    consent = welcome.content
    press = await noor.press_data(welcome, english)  # the same language, tapped twice
    await noor.answer_to(press)
    assert welcome.content == consent
    assert [b.text for b in welcome.buttons] == ["✅ I'll take part", "Not now", "ℹ️ Tell me more"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_a_professional_who_joined_in_english_gets_what_the_bot_starts_in_english(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """The language seen on joining is remembered: notes and the Monday digest come in it,
    not in the deployment's default (issue 16, item 10)."""
    brussels = ZoneInfo("Europe/Brussels")
    els = sandbox.user("Els", language_code="en-GB")
    welcome = await els.ask(f"/start {await professional_invitation(clocked_bot)}")
    assert "Welcome, Els!" in welcome.content
    amira = sandbox.user("Amira", language_code="nl")
    await join(amira, await invite(els, "👤 A client", "Amira"), "Nederlands", "✅ Ik doe mee")
    assert (await els.next_message()).content == "✅ Amira is taking part now."
    monday = week_of(clock.now.astimezone(brussels).date()) + timedelta(weeks=1)
    clock.now = datetime.combine(monday, time(9, 1), brussels)
    els.catch_up()
    await tick(clocked_bot)
    texts = [m.content for m in els.catch_up()]
    assert any(text.startswith("📋 Weekly digest") for text in texts), texts


async def test_a_transfer_while_telegram_is_unreachable_tells_everyone_once_it_is_back(
    bot: BotProcess, sandbox: TelegramSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, tom = await _els_amira_and_tom(bot, sandbox)
    tom.catch_up()
    unreachable = bot.settings.model_copy(
        update={"telegram_api_url": f"http://127.0.0.1:{free_port()}/bot"}
    )
    arguments = Namespace(
        admin_command="transfer", org="Kring Gent", from_professional="Els", to_professional="Tom"
    )
    await run_admin(unreachable, arguments)
    printed = capsys.readouterr()
    assert printed.err == ""
    assert printed.out == (
        "Moved 1 person from Els to Tom; 0 told in Telegram, 2 more when the bot can reach "
        "Telegram. Els is marked as left.\n"
    )
    assert amira.catch_up() == []
    await tick(bot)  # the running bot, which reaches Telegram
    assert "new support worker: Tom" in (await amira.next_message()).content
    assert "Je neemt 1 persoon over van Els. Je ziet hen in /clients." in [
        m.content for m in tom.catch_up()
    ]
