"""End to end: a client builds their circle by tapping and typing, changes and removes
contacts; Back, Cancel, typed text, duplicates and the limit behave; a professional adds a
contact together with the client, who is told."""

from __future__ import annotations

from sqlalchemy import select

from buddybot.network import MAX_CONTACTS
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.sandbox.media import image_size
from buddybot.storage.models import AuditLog, Contact, ContactChange
from tests.journeys import add_contact, invite, join, joined_client

EIGHT = [
    ("🧑 Person", "Mama", "❤️ Very close: very important to me", "👪 Family"),
    ("🧑 Person", "Jan van de voetbal", "🙂 Close: important to me", "⚽ Free time"),
    ("🐾 Animal", "Fikkie", "❤️ Very close: very important to me", "👪 Family"),
    ("📍 Place", "De Kring", "👋 Further away: I know them", "🩺 Care"),
    ("🧑 Person", "Buurvrouw Rita", "🙂 Close: important to me", "🏘️ Neighbourhood"),
    ("👥 Group", "Koor", "👋 Further away: I know them", "⚽ Free time"),
    ("🧑 Person", "Sofie", "🙂 Close: important to me", "🤝 Friends"),
    ("🧑 Person", "Meester Tom", "👋 Further away: I know them", "🎓 School"),
]


async def _network(person: SandboxUser, *, empty: bool = False) -> tuple[bytes, str, ChatMessage]:
    """Open /network: the picture, then the list with its buttons; an ``empty`` network
    has the list only (its picture is returned as no bytes)."""
    person.catch_up()
    await person.send("/network")
    if empty:
        listing = await person.next_message()
        assert listing.photo is None
        return b"", listing.content, listing
    picture = await person.next_message()
    listing = await person.next_message()
    assert picture.photo is not None
    return picture.photo.data, listing.content, listing


async def _amira_with_mama(
    bot: BotProcess, sandbox: TelegramSandbox
) -> tuple[SandboxUser, SandboxUser, ChatMessage]:
    """Els, her client Amira who has put Mama (very close, family) on her map, and the
    map's list message Amira added her from."""
    els, amira = await joined_client(bot, sandbox)
    _, _, listing = await _network(amira, empty=True)
    await add_contact(
        amira, listing, "🧑 Person", "Mama", "❤️ Very close: very important to me", "👪 Family"
    )
    return els, amira, listing


async def test_a_client_adds_three_people_without_typing_a_command(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    """After each one added: "Add someone else" and "Done" (issue 17, item 3); Done shows
    the map with everyone on it."""
    _, amira = await joined_client(bot, sandbox)
    _, text, message = await _network(amira, empty=True)
    assert text == "Your network is still empty. Who matters to you? Tap ➕ to add someone."
    add = "➕ Add"
    for kind, label, circle, domain in EIGHT[:3]:
        message = await add_contact(amira, message, kind, label, circle, domain, add=add)
        assert message.content.startswith(f"✅ {label} is now in your network")
        assert [b.text for b in message.buttons] == ["➕ Add someone else", "✅ Done"]
        add = "➕ Add someone else"
    await amira.tap(message, "✅ Done")
    picture, listing = await amira.next_message(), await amira.next_message()
    assert picture.photo is not None
    assert "3 contacts in the network" in listing.content


async def test_client_builds_changes_and_prunes_their_circle(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    _, amira = await joined_client(bot, sandbox)
    _, text, listing = await _network(amira, empty=True)
    assert "still empty" in text
    for index, (kind, label, circle, domain) in enumerate(EIGHT):
        done = await add_contact(amira, listing, kind, label, circle, domain, extras=index == 0)
        assert done.content.startswith(f"✅ {label} is now in your network")
        _, text, listing = await _network(amira)
    assert "8 contacts in the network" in text
    assert text.index("Very close") < text.index("• Fikkie") < text.index("Close\n")
    assert "• Meester Tom (School)" in text

    # Jan moves to the closest circle.
    await amira.tap(listing, "✏️ Change")
    await amira.tap(listing, "Jan van de voetbal")
    assert "What do you want to change about Jan van de voetbal?" in listing.content
    await amira.tap(listing, "How close")
    await amira.tap(listing, "❤️ Very close: very important to me")
    assert listing.content.startswith("✅ Changed: Jan van de voetbal: Very close")

    # The choir is removed, after a confirmation.
    _, _, listing = await _network(amira)
    await amira.tap(listing, "🗑️ Remove")
    await amira.tap(listing, "Koor")
    assert listing.content == "Do you want to take Koor out of your network?"
    await amira.tap(listing, "Yes, remove")
    assert listing.content == "Koor is no longer in your network."

    picture, text, _ = await _network(amira)
    assert "7 contacts in the network" in text
    assert "Koor" not in text
    very_close = text.split("Very close")[1].split("Close\n")[0]
    assert "Jan van de voetbal" in very_close
    assert image_size(picture) == (1080, 1320)
    assert bot.database is not None
    async with bot.database.transaction() as session:
        changes = list(await session.scalars(select(ContactChange.change)))
        contacts = await session.scalars(select(Contact))  # labels are encrypted
        mama = next((contact for contact in contacts if contact.label == "Mama"), None)
    assert changes.count("added") == 8
    assert changes[-2:] == ["moved", "removed"]
    assert mama is not None
    assert mama.support_received == ["emotional"]
    assert mama.frequency == "weekly"


async def test_back_cancel_typed_text_and_duplicates(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    _, amira, listing = await _amira_with_mama(bot, sandbox)
    _, _, listing = await _network(amira)
    await amira.tap(listing, "➕ Add")
    hint = await amira.ask("Papa")  # typed where a button is expected
    assert hint.content.startswith("Please tap one of the buttons.")
    assert "Who or what do you want to add?" in hint.content
    await amira.tap(hint, "🧑 Person")
    assert hint.content == "Type the name. A nickname is fine too."
    too_long = await amira.ask("x" * 41)
    assert too_long.content == "Please type a name of 1 to 40 characters."
    step = await amira.ask("  mama ")
    assert step.content == "You already have mama in your network. Add again anyway?"
    await amira.tap(step, "⬅️ Back")
    assert step.content == "Type the name. A nickname is fine too."
    step = await amira.ask("Papa")
    assert step.content == "How close is Papa to you?"
    await amira.tap(step, "🙂 Close: important to me")
    await amira.tap(step, "⬅️ Back")
    assert step.content == "How close is Papa to you?"  # what was chosen so far is kept
    await amira.tap(step, "✖️ Cancel")
    assert step.content == "Okay, I didn't change anything."
    _, text, _ = await _network(amira)
    assert "1 contact in the network" in text
    assert "Papa" not in text
    # The old question's buttons no longer work after Cancel.
    press = await amira.press_data(step, "net:circle:2")
    assert "no longer works" in str((await amira.answer_to(press)).text)


async def test_the_network_has_a_limit(bot: BotProcess, sandbox: TelegramSandbox) -> None:
    _, amira = await joined_client(bot, sandbox)
    assert bot.database is not None
    async with bot.database.transaction() as session:
        from buddybot.clock import utcnow
        from buddybot.network import Contact, ContactKind, Domain
        from buddybot.services import contacts
        from buddybot.services.people import identify

        client = await identify(session, amira.id)
        assert client.record_id is not None
        for number in range(MAX_CONTACTS):
            await contacts.add_contact(
                session,
                client.record_id,
                Contact(0, ContactKind.PERSON, f"Persoon {number}", 3, Domain.FRIENDS),
                by=contacts.Editor("client", client.record_id),
                now=utcnow(),
            )
    _, text, listing = await _network(amira)
    assert f"{MAX_CONTACTS} contacts" in text
    done = await add_contact(
        amira, listing, "🧑 Person", "One more", "👋 Further away: I know them", "🤝 Friends"
    )
    assert done.content == (
        f"The network is full: it holds {MAX_CONTACTS} contacts. Please remove someone first."
    )


async def test_professional_adds_a_contact_with_the_client_who_is_told(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira = await joined_client(bot, sandbox)
    caseload = await els.ask("/clients")
    await els.tap(caseload, "Amira")
    els.catch_up()
    await els.press(caseload, "🕸️ Netwerk")
    listing = await els.next_message()
    assert listing.photo is None  # an empty network has no picture (issue 17, item 5)
    assert listing.content.startswith("Het netwerk van Amira is nog leeg.")
    await els.tap(listing, "➕ Toevoegen")
    await els.tap(listing, "👥 Groep")
    step = await els.ask("Praatgroep")
    # Els is asked about Amira's network, not her own (issue 17, item 3).
    assert step.content == "Hoe dicht staat Praatgroep bij Amira?"
    await els.tap(step, "🙂 Dichtbij: belangrijk voor Amira")
    await els.tap(step, "🩺 Hulp")
    assert step.content.startswith("Wat doet Praatgroep voor Amira?")
    assert "Is er voor Amira" in [b.text for b in step.buttons]
    await els.tap(step, "Verder ➜")
    assert "Amira luistert en troost" in [b.text for b in step.buttons]
    await els.tap(step, "Verder ➜")
    await els.tap(step, "Overslaan")
    assert step.content == "✅ Praatgroep staat nu in het netwerk van Amira: Dichtbij, Hulp."
    told = await amira.next_message()
    assert told.content == (
        "Your support worker changed your network: Praatgroep added (Close, Care)."
    )
    _, text, _ = await _network(amira)
    assert "• Praatgroep (Care)" in text


async def test_nobody_else_opens_or_edits_a_network(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    _, amira, listing = await _amira_with_mama(bot, sandbox)
    assert bot.database is not None
    async with bot.database.transaction() as session:
        mama = await session.scalar(select(Contact))
    assert mama is not None
    stranger = sandbox.user("Mallory", language_code="en")
    assert "can't do that here" in (await stranger.ask("/network")).content
    message = await stranger.ask("/help")
    for data in (
        f"net:show:{mama.client_id}",
        f"net:add:{mama.client_id}",
        f"net:delyes:{mama.client_id}:{mama.id}",
    ):
        press = await stranger.press_data(message, data)
        assert "no longer works" in str((await stranger.answer_to(press)).text)
    # The client cannot reach another client's contact by changing the ids either.
    press = await amira.press_data(listing, f"net:delyes:{mama.client_id}:{mama.id + 1}")
    assert "no longer works" in str((await amira.answer_to(press)).text)
    _, text, _ = await _network(amira)
    assert "• Mama" in text


async def test_no_and_cancel_without_a_draft_keep_the_map_and_the_open_draft(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    _, amira, listing = await _amira_with_mama(bot, sandbox)
    # "No" on the removal question: nothing changes, and the list is back in its place.
    _, _, listing = await _network(amira)
    await amira.tap(listing, "🗑️ Remove")
    await amira.tap(listing, "Mama")
    edits = listing.edits
    answer = await amira.answer_to(await amira.press(listing, "No"))
    assert answer.text is None
    await amira.wait_for_edit(listing, edits)
    assert listing.content.startswith("Okay, I didn't change anything.\n\n1 contact")
    assert "• Mama" in listing.content
    assert [b.text for b in listing.buttons] == ["➕ Add", "✏️ Change", "🗑️ Remove"]

    # A contact being added in another message is not cancelled by that No, nor by Cancel
    # under the list to pick a contact from.
    _, _, adding = await _network(amira)
    await amira.tap(adding, "➕ Add")
    await amira.tap(adding, "🧑 Person")
    _, _, listing = await _network(amira)
    await amira.tap(listing, "🗑️ Remove")
    await amira.tap(listing, "Mama")
    await amira.tap(listing, "No")
    await amira.tap(listing, "✏️ Change")
    await amira.tap(listing, "✖️ Cancel")
    assert listing.content.startswith("Okay, I didn't change anything.")
    assert "• Mama" in listing.content
    step = await amira.ask("Papa")
    assert step.content == "How close is Papa to you?"
    _, text, _ = await _network(amira)
    assert "• Mama" in text


async def test_yes_remove_twice_is_done_once_and_only_someone_elses_contact_is_refused(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, amira, listing = await _amira_with_mama(bot, sandbox)
    _, _, old_pick = await _network(amira)
    await amira.tap(old_pick, "🗑️ Remove")  # a list to pick from, left open
    _, _, listing = await _network(amira)
    await amira.tap(listing, "🗑️ Remove")
    await amira.tap(listing, "Mama")
    yes = next(b.callback_data for b in listing.buttons if b.text == "Yes, remove")
    assert yes is not None
    await amira.tap(listing, "Yes, remove")
    assert listing.content == "Mama is no longer in your network."

    # The same button again (a double tap): done already, not a forged press.
    again = await amira.answer_to(await amira.press_data(listing, yes))
    assert again.text == "That's already done. 🙂"
    assert listing.content == "Mama is no longer in your network."
    # Mama on the list left open: an old button of her own map, stale.
    old = await amira.answer_to(await amira.press(old_pick, "Mama"))
    assert "no longer works" in str(old.text)

    # Another client's contact is refused, and that is written down.
    noor = sandbox.user("Noor", language_code="en")
    await join(noor, await invite(els, "👤 Een cliënt", "Noor"), "English", "✅ I'll take part")
    _, _, noor_listing = await _network(noor, empty=True)
    await add_contact(
        noor, noor_listing, "🧑 Person", "Papa", "🙂 Close: important to me", "👪 Family"
    )
    assert bot.database is not None
    async with bot.database.transaction() as session:
        everyone = list(await session.scalars(select(Contact)))  # labels are encrypted
    mama = next(contact for contact in everyone if contact.label == "Mama")
    papa = next(contact for contact in everyone if contact.label == "Papa")
    forged = await amira.press_data(listing, f"net:delyes:{mama.client_id}:{papa.id}")
    assert "no longer works" in str((await amira.answer_to(forged)).text)
    async with bot.database.transaction() as session:
        refused = list(
            await session.scalars(
                select(AuditLog.subject_id).where(AuditLog.action == "refused.network.contact")
            )
        )
        changes = list(await session.scalars(select(ContactChange.change)))
    assert refused == [papa.id]
    assert changes.count("removed") == 1
    _, text, _ = await _network(noor)
    assert "• Papa" in text


async def test_done_on_a_message_telegram_no_longer_shows_still_brings_the_map(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    """Telegram sends an inaccessible message (date 0) for one it no longer shows the bot:
    the map comes to the chat all the same (issue 16, item 6)."""
    _, amira = await joined_client(bot, sandbox)
    _, _, listing = await _network(amira, empty=True)
    added = await add_contact(amira, listing, *EIGHT[0])
    done = next(b.callback_data for b in added.buttons if b.text == "✅ Done")
    assert done is not None
    amira.catch_up()
    await amira.press_on_gone(added, done)
    picture, listing = await amira.next_message(), await amira.next_message()
    assert picture.photo is not None
    assert "1 contact in the network" in listing.content
