"""Lists that grow with people's data fit Telegram (issue 16, item 2): at the product's own
maxima (100 contacts of 40 characters, a caseload of 200 clients with 40-character names,
200 open invitations) every message, caption and keyboard stays inside Telegram's limits
(4096 / 1024 characters after entities parsing, in UTF-16 units; 100 buttons), in Dutch
and in English, and nothing in the list is lost. The sandbox refuses what Telegram refuses,
so a list that did not fit would end in "Oops"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from buddybot.clock import ManualClock
from buddybot.flows.invitation import NAME_MAX
from buddybot.handlers.pages import (
    CAPTION_LIMIT,
    MESSAGE_LIMIT,
    split_for_telegram,
    visible,
    visible_length,
)
from buddybot.i18n import translator
from buddybot.network import MAX_CONTACTS
from buddybot.paging import BUTTONS_LIMIT
from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.sandbox.formatting import parse_html, utf16_length
from buddybot.services import invitations
from buddybot.storage import people
from buddybot.storage.models import Organisation, Professional
from tests.clocked import client_id_of, with_network
from tests.journeys import choose_language, invite, join, professional_joins

OOPS = ("Oops", "Oei")


def label(number: int) -> str:
    """A contact's or client's name of the longest length allowed (40 characters), with what
    makes a text longer than it looks: HTML to escape and an emoji of two UTF-16 units."""
    start = f"{number:03d} Zoë & <Jan> 🐾 "
    return start + "x" * (NAME_MAX - len(start))


def test_names_are_at_the_maxima() -> None:
    assert MAX_CONTACTS == 100
    assert len(label(7)) == NAME_MAX == 40
    assert utf16_length(label(7)) == 41


# ------------------------------------------------------------------ the splitter


_characters = st.sampled_from(["a", "Z", " ", "&", "<", ">", "é", "😀", "👪", "'", '"'])
_words = st.text(_characters, min_size=1, max_size=40)
_lines = st.builds(
    lambda text, bold: f"<b>{text}</b>" if bold else text,
    _words.map(lambda w: w.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")),
    st.booleans(),
).filter(lambda line: visible(line).strip())  # a line shows something: never "<b> </b>"
_blocks = st.lists(_lines, min_size=1, max_size=12).map("\n".join)


@given(st.lists(_blocks, min_size=1, max_size=30), st.integers(min_value=100, max_value=600))
def test_split_texts_fit_keep_every_line_and_never_cut_a_tag(blocks: list[str], limit: int) -> None:
    messages = split_for_telegram(blocks, limit)
    for message in messages:
        text, _ = parse_html(message)  # valid HTML: no tag or entity was cut
        assert utf16_length(text) == visible_length(message) <= limit
        assert text.strip()
    lines = [line for message in messages for line in message.split("\n") if line]
    assert lines == [line for block in blocks for line in block.split("\n") if line]


@given(st.lists(_blocks, min_size=1, max_size=10))
def test_blocks_that_fit_stay_whole_in_one_message(blocks: list[str]) -> None:
    messages = split_for_telegram(blocks, MESSAGE_LIMIT)
    assert len(messages) == 1 or sum(visible_length(b) for b in blocks) > MESSAGE_LIMIT
    for block in blocks:
        assert any(block.strip("\n") in message for message in messages)


def test_an_impossibly_long_line_is_shortened_as_plain_text() -> None:
    (message,) = split_for_telegram(["<b>" + "Zoë &amp; 😀 " * 500 + "</b>"], 1000)
    text, _ = parse_html(message)
    assert utf16_length(text) <= 1000
    assert text.endswith("…")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_caption_with_the_longest_names_fits(language: str) -> None:
    tr = translator(language)
    name = label(1)
    link = "https://t.me/" + "b" * 32 + "?start=" + "c" * 43
    captions = [
        tr("network.title", name=name),
        tr("digest.chart_caption", name=name),
        tr("digest.circle_caption", name=name),
        tr("digest.overview_caption"),
        tr("invite.ready", name=name, link=link, date=tr.date(ManualClock().now)),
    ]
    assert all(visible_length(caption) <= CAPTION_LIMIT for caption in captions)


# ------------------------------------------------------------------ end to end


async def _messages_until(
    person: SandboxUser, last: Callable[[ChatMessage], bool]
) -> list[ChatMessage]:
    """The bot's messages to ``person`` up to and including the first that ``last`` takes
    (a picture of 200 rows takes seconds to draw on a busy machine)."""
    messages = [await person.next_message(timeout=60)]
    while not last(messages[-1]):
        messages.append(await person.next_message(timeout=60))
    return messages


def _within_limits(messages: list[ChatMessage]) -> None:
    """What the sandbox checked, said again, and no "Oops"."""
    for message in messages:
        limit = CAPTION_LIMIT if message.photo is not None else MESSAGE_LIMIT
        assert utf16_length(message.content) <= limit
        assert len(message.buttons) <= BUTTONS_LIMIT
        assert not message.content.startswith(OOPS)


LANGUAGES = [("nl", "Nederlands", "✅ Ik doe mee"), ("en", "English", "✅ I'll take part")]


@pytest.mark.parametrize(("language", "choice", "agree"), LANGUAGES)
async def test_network_of_100_contacts_with_long_names_arrives_whole(
    bot: BotProcess, sandbox: TelegramSandbox, language: str, choice: str, agree: str
) -> None:
    els = await professional_joins(bot, sandbox)
    amira = sandbox.user("Amira", language_code=language)
    await join(amira, await invite(els, "👤 Een cliënt", "Amira"), choice, agree)
    labels = [label(n) for n in range(MAX_CONTACTS)]
    await with_network(bot, await client_id_of(bot, amira), *labels)
    amira.catch_up()

    await amira.send("/network")
    messages = await _messages_until(amira, lambda m: bool(m.buttons))
    picture, *listing = messages
    assert picture.photo is not None
    assert len(listing) > 1  # more than one message holds
    _within_limits(messages)
    text = "\n".join(message.content for message in listing)
    assert all(f"• {name} (" in text for name in labels)
    assert ("100 contacten" if language == "nl" else "100 contacts") in listing[0].content
    assert amira.catch_up() == []

    # Changing one: the contacts come as buttons, a page at a time, all of them reachable.
    change = "✏️ Wijzigen" if language == "nl" else "✏️ Change"
    following = "Volgende ▶️" if language == "nl" else "Next ▶️"
    menu = listing[-1]
    await amira.tap(menu, change)
    seen = []
    while True:
        seen += [b.text for b in menu.buttons if b.text in labels]
        _within_limits([menu])
        if following not in [b.text for b in menu.buttons]:
            break
        await amira.tap(menu, following)
    assert sorted(seen) == labels


async def _caseload(bot: BotProcess, professional: SandboxUser, names: list[str]) -> None:
    """Clients who agreed, on the professional's caseload (made directly: joining 200 people
    through the chat would only cost time)."""
    assert bot.database is not None
    async with bot.database.transaction() as session:
        owner = await session.scalar(
            select(Professional).where(Professional.telegram_user_id == professional.id)
        )
        assert owner is not None
        organisation = await session.get(Organisation, owner.organisation_id)
        assert organisation is not None
        for number, name in enumerate(names):
            client = await people.add_participant(
                session,
                organisation,
                ParticipantRole.CLIENT,
                first_name=name,
                telegram_user_id=900_000 + number,
                status=ParticipantStatus.ACTIVE,
                professional_id=owner.id,
            )
            client.consent_given_at = bot.clock() - timedelta(days=1)


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_a_caseload_of_200_clients_is_paged(
    bot: BotProcess, sandbox: TelegramSandbox, language: str
) -> None:
    els = await professional_joins(bot, sandbox)
    if language == "en":
        await choose_language(els, "English")
    names = [label(n) for n in range(200)]
    await _caseload(bot, els, names)
    els.catch_up()

    following = "Volgende ▶️" if language == "nl" else "Next ▶️"
    await els.send("/clients")
    listing = await _messages_until(els, lambda m: bool(m.buttons))
    menu = listing[-1]
    seen: list[str] = []
    while True:
        _within_limits([*listing, menu])
        page = [b.text for b in menu.buttons if b.text in names]
        assert page
        assert all(name in "\n".join(m.content for m in [*listing, menu]) for name in page)
        seen += page
        if following not in [b.text for b in menu.buttons]:
            break
        await els.tap(menu, following)
        listing = []
    assert sorted(seen) == sorted(names)

    # A buddy for one of them: the clients to choose from are paged the same way.
    question = await els.ask("/invite")
    await els.tap(question, "🤝 Een buddy" if language == "nl" else "🤝 A buddy")
    picked = []
    while True:
        _within_limits([question])
        picked += [b.text for b in question.buttons if b.text in names]
        if following not in [b.text for b in question.buttons]:
            break
        await els.tap(question, following)
    assert sorted(picked) == sorted(names)


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_200_open_invitations_are_paged(
    bot: BotProcess, sandbox: TelegramSandbox, language: str
) -> None:
    els = await professional_joins(bot, sandbox)
    if language == "en":
        await choose_language(els, "English")
    names = [label(n) for n in range(200)]
    assert bot.database is not None
    async with bot.database.transaction() as session:
        owner = await session.scalar(
            select(Professional).where(Professional.telegram_user_id == els.id)
        )
        assert owner is not None
        for name in names:
            await invitations.invite_client(session, owner, name, now=bot.clock(), days=14)
    els.catch_up()

    following = "Volgende ▶️" if language == "nl" else "Next ▶️"
    menu = await els.ask("/invitations")
    listed = []
    while True:
        _within_limits([menu])
        listed += [name for name in names if name in menu.content]
        if following not in [b.text for b in menu.buttons]:
            break
        await els.tap(menu, following)
    assert sorted(set(listed)) == sorted(names)


@pytest.mark.parametrize(("language", "choice", "agree"), LANGUAGES)
async def test_a_week_with_100_new_contacts_in_myweek_and_the_digest_of_200_clients(
    clocked_bot: BotProcess,
    sandbox: TelegramSandbox,
    clock: ManualClock,
    language: str,
    choice: str,
    agree: str,
) -> None:
    bot = clocked_bot
    els = await professional_joins(bot, sandbox)
    amira = sandbox.user("Amira", language_code=language)
    await join(amira, await invite(els, "👤 Een cliënt", "Amira"), choice, agree)
    if language == "en":
        els.catch_up()
        await choose_language(els, "English")
    clients = [label(n) for n in range(199)]
    await _caseload(bot, els, clients)
    contacts = [label(n) for n in range(MAX_CONTACTS)]
    await with_network(bot, await client_id_of(bot, amira), *contacts)
    clock.now += timedelta(weeks=1)  # the week they were added is last week now
    els.catch_up()
    amira.catch_up()

    # Amira's own week names every one of them.
    await amira.send("/myweek")
    mine = await _messages_until(amira, lambda m: m.photo is not None)
    texts = [m for m in mine if m.photo is None]
    _within_limits(mine)
    assert len(texts) > 1
    assert all(name in "\n".join(m.content for m in texts) for name in contacts)
    # No week picture (no answers yet, nothing to draw): the picture is her circle.
    assert mine[-1].content.startswith("⭕ ")

    # Els's digest: every client, every new contact, and a button for every client: the
    # first 100 under the last text, the rest (a keyboard holds 100) under one more message.
    question = await els.ask("/digest")
    await els.tap(question, "Vorige week" if language == "nl" else "Last week")
    digest = await _messages_until(els, lambda m: bool(m.buttons))
    assert digest[0].photo is not None
    text = "\n".join(m.content for m in digest[1:])
    assert all(name in text for name in [*clients, "Amira", *contacts])
    assert len(digest[-1].buttons) == BUTTONS_LIMIT
    more = await els.next_message(timeout=60)
    assert more.content == ("Meer cliënten:" if language == "nl" else "More clients:")
    digest.append(more)
    _within_limits(digest)
    names = {b.text for m in digest for b in m.buttons}
    assert names == {f"📈 {name}" for name in [*clients, "Amira"]}
    assert els.catch_up() == []
