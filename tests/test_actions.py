"""Network-strengthening actions (issue 18, item 3): a professional records what they set
up for a client by tapping (work model, life domain, start, end) and typing a short name;
weeks later they see what changed since it started against the same span before it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from buddybot.actions import Action, effect
from buddybot.clock import ManualClock
from buddybot.metrics import WeekFigures
from buddybot.network import Change, ChangeKind, Contact, ContactKind, Domain
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services import contacts, organisations
from buddybot.storage import contacts as stored_contacts
from buddybot.storage import models
from tests.clocked import answered_at, client_id_of
from tests.journeys import client_page, joined_client, professional_elsewhere

BRUSSELS = ZoneInfo("Europe/Brussels")
JOINED = datetime(2026, 1, 5, 10, tzinfo=BRUSSELS)  # a Monday
STARTED = JOINED + timedelta(weeks=6)  # the action starts on a Monday too


async def _actions_page(els: SandboxUser) -> ChatMessage:
    page = await client_page(els, "Amira")
    await els.press(page, "🎯 Acties")
    await els.wait_for_edit(page, 1)
    return page


async def _digest(els: SandboxUser) -> list[ChatMessage]:
    """Everything /digest sends (a picture, then the text in one or more messages)."""
    els.catch_up()
    question = await els.ask("/digest")
    await els.tap(question, "Vorige week")
    return [m for m in await _all_new(els) if m.text]


async def _all_new(els: SandboxUser) -> list[ChatMessage]:
    first = await els.next_message()
    await asyncio.sleep(0.3)
    return [first, *els.catch_up()]


async def _tap(els: SandboxUser, page: ChatMessage, *buttons: str) -> None:
    for text in buttons:
        edits = page.edits
        await els.press(page, text)
        await els.wait_for_edit(page, edits)


async def _client_with_six_quiet_weeks(bot: BotProcess, amira: SandboxUser) -> dict[str, int]:
    """Mama (family, very close) and Jan (friends, close) from intake; one person seen a week
    and satisfaction 2 for six weeks."""
    client_id = await client_id_of(bot, amira)
    by = contacts.Editor("client", client_id)
    assert bot.database is not None
    ids = {}
    async with bot.database.transaction() as session:
        client = await session.get(models.Participant, client_id)
        assert client is not None
        client.consent_given_at = JOINED.astimezone(UTC)
        for label, circle, domain in (("Mama", 1, Domain.FAMILY), ("Jan", 2, Domain.FRIENDS)):
            contact = Contact(0, ContactKind.PERSON, label, circle, domain)
            ids[label] = (
                await contacts.add_contact(session, client_id, contact, by=by, now=JOINED)
            ).contact_id
    for week in range(6):
        at = JOINED + timedelta(weeks=week, days=1)
        await answered_at(
            bot, client_id, at, [ids["Mama"]], satisfaction=2 if week % 4 == 0 else None
        )
    return ids


async def _six_livelier_weeks(bot: BotProcess, amira: SandboxUser, ids: dict[str, int]) -> None:
    """After the start: Rita (friends, very close) and Tom (friends, further away) come, Jan
    moves closer; three people seen a week; satisfaction 4 and 5."""
    client_id = await client_id_of(bot, amira)
    by = contacts.Editor("client", client_id)
    assert bot.database is not None
    async with bot.database.transaction() as session:
        for label, circle, week in (("Rita", 1, 1), ("Tom", 3, 2)):
            contact = Contact(0, ContactKind.PERSON, label, circle, Domain.FRIENDS)
            at = STARTED + timedelta(weeks=week)
            ids[label] = (
                await contacts.add_contact(session, client_id, contact, by=by, now=at)
            ).contact_id
        records = await stored_contacts.current_records(session, client_id)
        jan = next(record for record in records if record.label == "Jan")
        moved = Contact(jan.id, ContactKind.PERSON, "Jan", 1, Domain.FRIENDS)
        await contacts.update_contact(session, jan, moved, by=by, now=STARTED + timedelta(weeks=3))
    for week in range(6):
        at = STARTED + timedelta(weeks=week, days=1)
        satisfaction = {2: 4, 4: 5}.get(week)
        await answered_at(
            bot, client_id, at, [ids["Mama"], ids["Jan"], ids["Rita"]], satisfaction=satisfaction
        )


async def test_a_professional_records_an_action_and_weeks_later_sees_its_effect(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    ids = await _client_with_six_quiet_weeks(clocked_bot, amira)
    clock.now = STARTED.astimezone(UTC)

    page = await _actions_page(els)
    assert "Nog geen acties voor Amira" in page.content
    await _tap(els, page, "➕ Nieuwe actie")
    assert page.content == "Welk werkmodel past bij de nieuwe actie voor Amira?"
    assert [b.text for b in page.buttons][:7] == [
        "Persoonlijke vaardigheden",
        "Buddy (persoonlijke vriend)",
        "Netwerkoverleg",
        "Groep en lotgenoten",
        "Vrijwilligerswerk en participatie",
        "De buurt",
        "Gemeenschapsvorming",
    ]
    await _tap(els, page, "Buddy (persoonlijke vriend)")
    assert page.content == "Op welk levensdomein richt de actie zich?"
    # Back keeps the way: the work model question again, then forward once more.
    await _tap(els, page, "⬅️ Terug")
    assert page.content == "Welk werkmodel past bij de nieuwe actie voor Amira?"
    await _tap(els, page, "Buddy (persoonlijke vriend)", "Vrienden", "Vandaag", "Na 6 maanden")
    assert "Typ een korte naam voor de actie voor Amira" in page.content

    # A name without letters is refused kindly and nothing is saved.
    refused = await els.ask("!!!")
    assert "Dat lukt niet als naam" in refused.content
    saved = await els.ask("Buddy via de Kring")
    lines = saved.content.split("\n")
    assert lines[0] == "✅ Bewaard: Buddy via de Kring."
    assert lines[2] == "Netwerkversterkende acties voor Amira"
    assert lines[4] == (
        # The action's name isolated (FSI … PDI): it keeps its own direction in the line.
        "🎯 \u2068Buddy via de Kring\u2069 · Buddy (persoonlijke vriend) · Vrienden · "
        "16 feb 2026 – 16 aug 2026"
    )
    assert lines[5] == "   Nog te vroeg om iets te zien."
    assert [b.text for b in saved.buttons] == [
        "➕ Nieuwe actie",
        "⏹ Buddy via de Kring stopt vandaag",
        "⬅️ Terug naar Amira",
    ]

    # Six weeks later.
    await _six_livelier_weeks(clocked_bot, amira, ids)
    clock.now = (STARTED + timedelta(weeks=6)).astimezone(UTC)
    effect = (
        "🎯 \u2068Buddy via de Kring\u2069 · Buddy (persoonlijke vriend) · Vrienden · "
        "16 feb 2026 – 16 aug 2026: 42 dagen tegenover de 42 ervoor: "
        "nieuw in Vrienden: 2 (ervoor 1) ▲ · keer contact per week: 3,0 (ervoor 1,0) ▲ · "
        "tevredenheid: 4,5 (ervoor 2,0) ▲ · deel heel dichtbij: 50% → 75% (ervoor – → 50%)"
    )
    # Amira's page says it in one line.
    details = await client_page(els, "Amira")
    assert details.content.endswith("\n\n" + effect)

    page = await _actions_page(els)
    lines = page.content.split("\n")
    assert lines[2:8] == [
        "🎯 \u2068Buddy via de Kring\u2069 · Buddy (persoonlijke vriend) · Vrienden · "
        "16 feb 2026 – 16 aug 2026",
        # 16 Feb – 29 Mar against 5 Jan – 15 Feb: 42 days each.
        "   Sinds de start (42 dagen), tegenover de 42 dagen ervoor:",
        # Rita and Tom against Jan (added at intake).
        "   nieuw in Vrienden: 2 (ervoor 1) ▲",
        "   keer contact per week: 3,0 (ervoor 1,0) ▲",
        "   tevredenheid: 4,5 (ervoor 2,0) ▲",
        # Mama and Jan very close of four, against the map before intake (empty).
        "   deel heel dichtbij: 50% → 75% (ervoor – → 50%)",
    ]

    # The weekly digest says it too, in one line under Amira.
    digest = "\n".join(m.content for m in await _digest(els))
    assert f"\n{effect}" in digest

    # Ended today: no "ends today" button any more, and the end is today.
    await _tap(els, page, "⏹ Buddy via de Kring stopt vandaag")
    assert "16 feb 2026 – 30 mrt 2026" in page.content
    assert [b.text for b in page.buttons] == ["➕ Nieuwe actie", "⬅️ Terug naar Amira"]

    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        audit = list(
            await session.scalars(
                select(models.AuditLog.action).where(models.AuditLog.action.like("action.%"))
            )
        )
    assert audit == ["action.recorded", "action.ended"]


async def test_another_professional_cannot_see_or_add_actions_of_someone_elses_client(
    clocked_bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    _els, amira = await joined_client(clocked_bot, sandbox)
    client_id = await client_id_of(clocked_bot, amira)
    jef = await professional_elsewhere(clocked_bot, sandbox)
    message = await jef.ask("/clients")
    for data in (f"ac:{client_id}", f"ac:{client_id}:n", f"ac:{client_id}:n:1:1:20260216:6"):
        answer = await jef.answer_to(await jef.press_data(message, data))
        assert answer.show_alert
    assert not any("Amira" in m.content for m in jef.catch_up())
    # The label question was never opened for Jef: his next text is not an action.
    assert "Bewaard" not in (await jef.ask("Buddy via de Kring")).content
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        saved = list(await session.scalars(select(models.NetworkAction.id)))
    assert saved == []


def test_an_action_that_ran_less_than_a_day_has_no_effect_yet() -> None:
    action = Action(1, "Buddy", "buddy", Domain.FRIENDS, STARTED.date())
    assert effect(action, [], {}, STARTED.date(), "Europe/Brussels") is None
    later = effect(action, [], {}, STARTED.date() + timedelta(days=1), "Europe/Brussels")
    assert later is not None
    assert later.days == 1


def test_an_ended_action_is_measured_up_to_its_end_only() -> None:
    start = STARTED.date()
    action = Action(1, "Buddy", "buddy", Domain.FRIENDS, start, start + timedelta(days=13))
    rita = Contact(5, ContactKind.PERSON, "Rita", 1, Domain.FRIENDS)
    after_end = datetime.combine(start + timedelta(days=20), datetime.min.time(), BRUSSELS)
    changes = [Change(after_end + timedelta(hours=12), 5, ChangeKind.ADDED, rita)]
    weeks = {start + timedelta(weeks=3): WeekFigures(sent=1, answered=1, events=9)}
    measured = effect(action, changes, weeks, start + timedelta(weeks=8), "Europe/Brussels")
    assert measured is not None
    assert measured.days == 14
    assert measured.since.new_in_domain == 0  # Rita came after the end
    assert measured.since.frequency is None  # and so did that busy week


async def test_an_organisation_with_its_own_work_models_offers_those(
    clocked_bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els, _amira = await joined_client(clocked_bot, sandbox)
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        await organisations.set_work_models(session, "Kring Gent", ["Buddywerking", "Praatgroep"])
    page = await _actions_page(els)
    await _tap(els, page, "➕ Nieuwe actie")
    assert [b.text for b in page.buttons] == ["Buddywerking", "Praatgroep", "✖️ Annuleren"]
    await _tap(els, page, "Praatgroep", "Buurt", "Vandaag", "Weet ik nog niet")
    saved = await els.ask("Praatgroep op dinsdag")
    assert "🎯 \u2068Praatgroep op dinsdag\u2069 · Praatgroep · Buurt · sinds " in saved.content


async def test_the_label_question_ends_when_the_professional_moves_on(
    clocked_bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    """Found in review: with the name of a new action asked, Els tapped the menu and /help;
    her next "hallo" was saved as an action."""
    els, _amira = await joined_client(clocked_bot, sandbox)
    page = await _actions_page(els)
    await _tap(els, page, "➕ Nieuwe actie", "De buurt", "Buurt", "Vandaag", "Weet ik nog niet")
    await els.tap_menu("👥 Mijn cliënten")
    await els.next_message()
    await els.ask("/help")
    reply = await els.ask("hallo")
    assert "Bewaard" not in reply.content
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        assert list(await session.scalars(select(models.NetworkAction.id))) == []


async def test_made_up_choices_for_a_new_action_are_refused(
    clocked_bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    """Found in review: dates the buttons never offer (year 1, 9999, 1900) and a work model
    that is not on the list went through, to an error or a 1900 action."""
    els, amira = await joined_client(clocked_bot, sandbox)
    client_id = await client_id_of(clocked_bot, amira)
    message = await els.ask("/clients")
    for data in (
        f"ac:{client_id}:n:99",
        f"ac:{client_id}:n:0:0:00010101:12",
        f"ac:{client_id}:n:0:0:99991231:12",
        f"ac:{client_id}:n:0:0:19000101:12",
        f"ac:{client_id}:n:7:0:{date.today():%Y%m%d}:0",
    ):
        answer = await els.answer_to(await els.press_data(message, data))
        assert answer.show_alert, data
    reply = await els.ask("Buddy via de Kring")
    assert "Bewaard" not in reply.content
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        assert list(await session.scalars(select(models.NetworkAction.id))) == []


async def test_the_work_model_chosen_stays_when_the_list_changes_before_the_name(
    clocked_bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    """Found in review: the model was kept as a place in the list, so a list changed before
    the name was typed saved the action under another model."""
    els, _amira = await joined_client(clocked_bot, sandbox)
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        await organisations.set_work_models(session, "Kring Gent", ["Buddywerking", "Praatgroep"])
    page = await _actions_page(els)
    await _tap(els, page, "➕ Nieuwe actie", "Praatgroep", "Buurt", "Vandaag", "Weet ik nog niet")
    async with clocked_bot.database.transaction() as session:
        await organisations.set_work_models(session, "Kring Gent", ["Praatgroep", "Buurtwerk"])
    saved = await els.ask("Praatgroep op dinsdag")
    assert "🎯 \u2068Praatgroep op dinsdag\u2069 · Praatgroep · Buurt" in saved.content
    # Taken off the list in the meantime: not saved under anything else.
    page = await _actions_page(els)
    await _tap(els, page, "➕ Nieuwe actie", "Buurtwerk", "Buurt", "Vandaag", "Weet ik nog niet")
    async with clocked_bot.database.transaction() as session:
        await organisations.set_work_models(session, "Kring Gent", ["Praatgroep"])
    refused = await els.ask("Buurtfeest")
    assert "Bewaard" not in refused.content
    async with clocked_bot.database.transaction() as session:
        models_saved = list(await session.scalars(select(models.NetworkAction.work_model)))
    assert models_saved == ["Praatgroep"]
