"""Steps of the people's journeys through the bot, shared by the end-to-end tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import ParticipantRole, ParticipantStatus, ProfessionalStatus
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services import organisations
from buddybot.storage import people
from buddybot.storage.models import Rhythm

LINK = re.compile(r"https://t\.me/(\w+)\?start=([A-Za-z0-9_-]+)")


def code_in(message: ChatMessage) -> str:
    """The invitation code in a message's text or caption."""
    found = LINK.search(message.content)
    assert found is not None, message.content
    return found.group(2)


async def professional_invitation(bot: BotProcess, organisation: str = "Kring Gent") -> str:
    """What the administrator does: an organisation and a join code for a professional."""
    assert bot.database is not None
    async with bot.database.transaction() as session:
        await organisations.create_organisation(session, organisation)
        # Dated by the bot's clock, as everything the bot does: "now" as the bot sees it.
        created = await organisations.invite_professional(
            session, organisation, "Els", now=bot.clock(), days=14
        )
    return created.code


async def professional_joins(bot: BotProcess, sandbox: TelegramSandbox) -> SandboxUser:
    """Els, a professional, joins with the administrator's link."""
    els = sandbox.user("Els", language_code="nl")
    welcome = await els.ask(f"/start {await professional_invitation(bot)}")
    assert "Welkom, Els!" in welcome.content
    return els


async def client_page(professional: SandboxUser, name: str) -> ChatMessage:
    """/clients, then the client's button: the message now showing that client's page."""
    professional.catch_up()
    page = await professional.ask("/clients")
    await professional.press(page, name)
    await professional.wait_for_edit(page, 0)
    return page


async def professional_elsewhere(
    bot: BotProcess, sandbox: TelegramSandbox, name: str = "Jef"
) -> SandboxUser:
    """A professional of another organisation (Kring Brugge), joined: someone whose presses
    on another organisation's clients must be refused."""
    other = sandbox.user(name, language_code="nl")
    await other.ask(f"/start {await professional_invitation(bot, 'Kring Brugge')}")
    return other


async def choose_language(person: SandboxUser, language: str) -> None:
    """/language and tap ``language`` ("English"); someone who joined then gets their menu
    in it, in a message of its own (read here)."""
    person.catch_up()
    question = await person.ask("/language")
    await person.tap(question, language)
    await person.next_message()


async def invite(professional: SandboxUser, kind: str, name: str, client: str | None = None) -> str:
    """The professional invites a client ("👤 Een cliënt") or a buddy; returns the code."""
    professional.catch_up()
    question = await professional.ask("/invite")
    await professional.press(question, kind)
    await professional.wait_for_edit(question, 0)
    if client is not None:
        await professional.press(question, client)
        await professional.wait_for_edit(question, 1)
    invitation = await professional.ask(name)
    assert invitation.photo is not None
    return code_in(invitation)


@dataclass
class Joining:
    """The messages of someone going through the join flow: the welcome (which becomes the
    consent, then the answer to it) and, after Agree, the message with their menu."""

    welcome: ChatMessage
    final: ChatMessage
    menu: ChatMessage | None = None


AGREE = ("✅ I'll take part", "✅ Ik doe mee")


async def join(person: SandboxUser, code: str, language: str, answer: str) -> Joining:
    """Open the link, pick a language, then tap Agree or Not now (by button text)."""
    welcome = await person.ask(f"/start {code}")
    await person.press(welcome, language)
    await person.wait_for_edit(welcome, 0)
    await person.press(welcome, answer)
    await person.wait_for_edit(welcome, 1)
    joined = answer in AGREE and welcome.content.startswith(("Welcome", "Welkom"))
    return Joining(welcome, welcome, await person.next_message() if joined else None)


async def joined_client(
    bot: BotProcess, sandbox: TelegramSandbox, name: str = "Amira", language: str = "English"
) -> tuple[SandboxUser, SandboxUser]:
    """A professional (Els, Dutch) and a client who joined (in ``language``)."""
    els = await professional_joins(bot, sandbox)
    client = sandbox.user(name, language_code="en")
    agree = "✅ I'll take part" if language == "English" else "✅ Ik doe mee"
    await join(client, await invite(els, "👤 Een cliënt", name), language, agree)
    assert name in (await els.next_message()).content
    return els, client


async def add_contact(
    person: SandboxUser,
    menu: ChatMessage,
    kind: str,
    label: str,
    circle: str,
    domain: str,
    *,
    extras: bool = False,
    add: str = "➕ Add",
) -> ChatMessage:
    """Tap ``add`` (➕ under the network list, or under the last one added) and go through
    every step (English buttons); returns the message that ends with the confirmation."""
    await person.tap(menu, add)
    await person.tap(menu, kind)
    step = await person.ask(label)
    if step.content.startswith("You already have"):
        await person.tap(step, "Yes, add anyway")
    await person.tap(step, circle)
    await person.tap(step, domain)
    if extras:
        await person.tap(step, "Is there for me")
    await person.tap(step, "Next ➜")
    await person.tap(step, "Next ➜")
    await person.tap(step, "Every week" if extras else "Skip")
    return step


async def buddy_for(
    sandbox: TelegramSandbox, els: SandboxUser, client: SandboxUser, *, agree: bool = True
) -> SandboxUser:
    """Els invites Bram as the client's buddy; Bram joins (English); the client agrees."""
    bram = sandbox.user("Bram", language_code="en")
    code = await invite(els, "🤝 Een buddy", "Bram", client=client.first_name)
    await join(bram, code, "English", "✅ I'll take part")
    await sandbox.wait_for(lambda: any("to be your buddy" in m.content for m in client.inbox))
    bram.catch_up()
    if agree:
        ask = next(m for m in client.inbox if "to be your buddy" in m.content)
        await client.tap(ask, "👍 Yes, fine")
        assert "happy for you to be their buddy" in (await bram.next_message()).content
    client.catch_up()
    return bram


async def clients_due_now(
    session: AsyncSession, telegram_user_ids: list[int], now: datetime
) -> None:
    """Clients who agreed yesterday and whose rhythm (every day, UTC) had a slot a minute
    ago: each has exactly one prompt due. For scheduler tests and benchmarks at scale,
    where joining hundreds of people through the chat would only cost time."""
    organisation = await people.add_organisation(session, f"Due {now.isoformat()}")
    for number, telegram_user_id in enumerate(telegram_user_ids):
        client = await people.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name=f"Client {number}",
            telegram_user_id=telegram_user_id,
            status=ParticipantStatus.ACTIVE,
            time_zone="UTC",
        )
        client.consent_given_at = now - timedelta(days=1)
        session.add(
            Rhythm(
                participant_id=client.id,
                weekdays="0,1,2,3,4,5,6",
                local_time=(now - timedelta(minutes=1)).strftime("%H:%M"),
                checked_until=now - timedelta(minutes=30),
            )
        )


async def professionals_due_now(
    session: AsyncSession, telegram_user_ids: list[int], now: datetime
) -> None:
    """Professionals (without clients) whose weekly digest moment, in UTC, was a minute ago."""
    organisation = await people.add_organisation(session, f"Digests {now.isoformat()}")
    moment = now - timedelta(minutes=1)
    for number, telegram_user_id in enumerate(telegram_user_ids):
        professional = await people.add_professional(
            session,
            organisation,
            f"Professional {number}",
            telegram_user_id=telegram_user_id,
            time_zone="UTC",
            status=ProfessionalStatus.ACTIVE,
        )
        professional.digest_weekday = moment.weekday()
        professional.digest_time = moment.strftime("%H:%M")


async def exported(professional: SandboxUser, *, names: bool = False) -> list[ChatMessage]:
    """`/export`: the three CSV documents (weeks, answers, actions), without names; with
    ``names``, "Include names" tapped and confirmed, and the three documents with names that
    follow."""
    professional.catch_up()
    await professional.send("/export")
    files = [await professional.next_message() for _ in range(3)]
    if not names:
        return files
    await professional.press(files[-1], files[-1].buttons[0].text)
    confirmation = await professional.next_message()
    await professional.tap(confirmation, confirmation.buttons[0].text)
    return [await professional.next_message() for _ in range(3)]
