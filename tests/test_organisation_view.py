"""The organisation's view (issue 18, item 6), end to end: an administrator makes a
coordinator on the command line; the coordinator joins and sees the organisation's figures
with no client's name in anything the bot sends them (texts, buttons, the picture's words);
a caseload of three shows no figures; another organisation's coordinator sees nothing of it;
forged presses are refused; the monthly digest arrives once; the hand-over from Telegram
moves a caseload and tells the people involved."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from sqlalchemy import func, select

from buddybot import cli
from buddybot.admin import run_admin
from buddybot.clock import ManualClock
from buddybot.handlers.organisation import picture_rows, picture_texts
from buddybot.i18n import translator
from buddybot.network import Contact, ContactKind, Domain
from buddybot.pictures.lettering import PHONE_WIDTH_PX, READABLE_PX, shown_px
from buddybot.pictures.organisation import draw_organisation
from buddybot.roles import ParticipantRole, ParticipantStatus, ProfessionalStatus
from buddybot.runner import BotProcess
from buddybot.sandbox import ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services import checkin_answers, contacts, organisation_view
from buddybot.storage import checkins, people
from buddybot.storage.models import AuditLog, NetworkAction, OrganisationDigest, Participant
from tests.clocked import outbox_sent, tick
from tests.journeys import code_in, professional_joins

BRUSSELS = ZoneInfo("Europe/Brussels")
# Els's five clients, Tom's three: no name may reach the coordinator.
ELS_CLIENTS = ("Amira", "Karim", "Lieselot", "Noor", "Yusuf")
TOM_CLIENTS = ("Fatima", "Jonas", "Wout")
NAMES = ELS_CLIENTS + TOM_CLIENTS
# Wednesday 10 March 2027, noon in Brussels: the figures are of this day. (The clock moves
# there after the coordinator joined: the command line dates the link by the real clock.)
NOW = datetime(2027, 3, 10, 12, tzinfo=BRUSSELS)
NOT_FOR_YOU = "Dit kan je hier niet doen. Typ /help om te zien wat wel kan."


async def _coordinator_code(
    bot: BotProcess, capsys: pytest.CaptureFixture[str], organisation: str, name: str
) -> str:
    """What the administrator types: `buddybot admin invite-coordinator`; the code shown."""
    arguments = cli.parser().parse_args(
        [
            *("admin", "invite-coordinator", "--org", organisation, "--name", name),
            *("--bot-username", "BuddyBot"),
        ]
    )
    capsys.readouterr()
    await run_admin(bot.settings, arguments)
    printed = capsys.readouterr().out
    assert "Give it to the coordinator only." in printed
    return printed.split("Code: ")[1].split()[0]


async def _client(
    bot: BotProcess,
    professional_id: int,
    name: str,
    *,
    grows: bool,
    telegram_user_id: int | None = None,
) -> int:
    """A client who joined ten weeks ago with two contacts (one more last week when she
    ``grows``), who answered last week's check-in."""
    assert bot.database is not None
    joined = NOW - timedelta(weeks=10)
    async with bot.database.transaction() as session:
        professional = await people.professional_by_id(session, professional_id)
        assert professional is not None
        organisation = await people.organisation_by_id(session, professional.organisation_id)
        client = await people.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name=name,
            telegram_user_id=telegram_user_id,
            status=ParticipantStatus.ACTIVE,
            professional_id=professional_id,
        )
        client.consent_given_at = joined
        editor = contacts.Editor("client", client.id)
        for circle, label in ((1, "Mama"), (2, "Jan")):
            contact = Contact(0, ContactKind.PERSON, label, circle, Domain.FAMILY)
            await contacts.add_contact(session, client.id, contact, by=editor, now=joined)
        if grows:
            rita = Contact(0, ContactKind.PERSON, "Rita", 2, Domain.NEIGHBOURHOOD)
            await contacts.add_contact(
                session, client.id, rita, by=editor, now=NOW - timedelta(weeks=1)
            )
        at = NOW - timedelta(weeks=1)
        checkin = await checkins.add_open(session, client.id, at, at.date())
        await checkin_answers.answer_all(
            session, checkin, client, contacts={}, mood=4, satisfaction=None, now=at
        )
        return client.id


async def _organisation(
    bot: BotProcess, sandbox: TelegramSandbox
) -> tuple[SandboxUser, int, int, SandboxUser]:
    """Kring Gent: Els (joined through her link) with five clients, three of whom have a
    bigger network than at intake, two with a buddy action; Tom with three clients, one of
    whom (Wout) is on Telegram."""
    els = await professional_joins(bot, sandbox)
    assert bot.database is not None
    async with bot.database.transaction() as session:
        organisation = await people.organisation_by_name(session, "Kring Gent")
        assert organisation is not None
        (els_record,) = await people.professionals_of(session, organisation.id)
        tom = await people.add_professional(
            session, organisation, "Tom", status=ProfessionalStatus.ACTIVE
        )
        els_id, tom_id = els_record.id, tom.id
    ids = [
        await _client(bot, els_id, name, grows=number < 3)
        for number, name in enumerate(ELS_CLIENTS)
    ]
    wout = sandbox.user("Wout", language_code="nl")
    for name in TOM_CLIENTS:
        telegram_id = wout.id if name == "Wout" else None
        await _client(bot, tom_id, name, grows=False, telegram_user_id=telegram_id)
    async with bot.database.transaction() as session:
        for client_id in ids[:2]:
            session.add(
                NetworkAction(
                    client_id=client_id,
                    professional_id=els_id,
                    label="Buddy gezocht",
                    work_model="buddy",
                    domain="friends",
                    starts_on=(NOW - timedelta(weeks=6)).date(),
                )
            )
    return els, els_id, tom_id, wout


def _everything_sent(person: SandboxUser) -> str:
    """Every text, caption and button the bot sent this person, in one string."""
    return "\n".join(
        part
        for message in person.inbox
        for part in (message.content, *(button.text for button in message.buttons))
    )


def _assert_no_client_name(person: SandboxUser) -> None:
    sent = _everything_sent(person)
    assert not [name for name in NAMES if name in sent], sent


async def _joined_coordinator(
    bot: BotProcess,
    sandbox: TelegramSandbox,
    capsys: pytest.CaptureFixture[str],
    organisation: str = "Kring Gent",
    name: str = "Sofie",
) -> SandboxUser:
    coordinator = sandbox.user(name, language_code="nl")
    welcome = await coordinator.ask(
        f"/start {await _coordinator_code(bot, capsys, organisation, name)}"
    )
    assert welcome.content.startswith(f"Welkom, {name}! ✅ Je bent nu teamverantwoordelijke")
    assert coordinator.menu == ["📊 Organisatie", "🔁 Overdragen", "❓ Hulp"]
    return coordinator


async def _view(coordinator: SandboxUser) -> tuple[ChatMessage, ChatMessage]:
    """Tap 📊 Organisatie: the figures come first (read while the picture is drawn), then
    the picture; returned as (picture, figures)."""
    coordinator.catch_up()
    await coordinator.tap_menu("📊 Organisatie")
    figures = await coordinator.next_message()
    return await coordinator.next_message(), figures


def _picture_words(bot_view: organisation_view.OrganisationView) -> list[Text]:
    tr = translator("nl")
    figure = draw_organisation(picture_rows(tr, bot_view), picture_texts(tr, bot_view))
    FigureCanvasAgg(figure).draw()  # type: ignore[no-untyped-call]  # tick labels exist once drawn
    return [text for text in figure.findobj(Text) if text.get_visible() and text.get_text()]


async def test_a_coordinator_sees_the_organisation_without_client_names(
    clocked_bot: BotProcess,
    sandbox: TelegramSandbox,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    els, *_ = await _organisation(clocked_bot, sandbox)
    sofie = await _joined_coordinator(clocked_bot, sandbox, capsys)
    clock.now = NOW

    picture, figures = await _view(sofie)
    assert picture.photo is not None
    assert picture.content == "📊 Netwerken sinds de intake, zonder namen."
    lines = figures.content.split("\n")
    assert lines[0] == "📊 Kring Gent · cijfers van 10 maart 2027"
    assert "Cliënten: 8 · buddy's: 0" in lines
    assert "Beantwoord (laatste 4 weken): 100% (8 van 8 check-ins)" in lines
    assert "Netwerk sinds de intake: ▲ 3 gegroeid · = 5 gelijk · ▼ 0 gekrompen" in lines
    # 2 → 3 contacts, one in circle 1: closeness 50 % → 33 % for three of eight clients.
    assert (
        "Nabijheid (deel in de binnenste cirkel): -6,2 procentpunt (gemiddeld, 8 cliënten)" in lines
    )
    # Two clients have a buddy action: fewer than five, no figures.
    hidden = "niet getoond, zodat groepen van minder dan 5 cliënten onherkenbaar blijven"
    assert f"• Buddy (persoonlijke vriend): {hidden}" in lines
    # Tom's caseload of three is not shown, and so Els's of five is not either: the whole
    # minus Els's would give Tom's three (found in review).
    assert f"• Els: {hidden}" in lines
    assert f"• Tom: {hidden}" in lines
    assert [button.text for button in figures.buttons] == ["🔁 Cliënten overdragen"]
    again = await sofie.ask("/organisation")  # the command does the same
    assert again.content.startswith("📊 Kring Gent · cijfers van ")
    assert (await sofie.next_message()).photo is not None
    _assert_no_client_name(sofie)

    # The picture's words: groups only, each readable on a phone.
    assert clocked_bot.database is not None
    view = await organisation_view.view_of_organisation(clocked_bot.database, "Kring Gent", NOW)
    words = _picture_words(view)
    texts = [text.get_text() for text in words]
    assert not [name for name in NAMES if any(name in text for text in texts)], texts
    assert "niet getoond: kleine groepen blijven onherkenbaar" in texts
    for text in words:
        assert shown_px(float(text.get_fontsize()), 120, 1080) >= READABLE_PX, text.get_text()
    assert PHONE_WIDTH_PX == 412

    # A professional is not a coordinator, and a coordinator has no caseload.
    els.catch_up()
    assert (await els.ask("/organisation")).content == NOT_FOR_YOU
    assert "Mijn cliënten" not in " ".join(sofie.menu)


async def test_another_organisations_coordinator_sees_nothing_of_it(
    clocked_bot: BotProcess,
    sandbox: TelegramSandbox,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _els, els_id, tom_id, _wout = await _organisation(clocked_bot, sandbox)
    run = cli.parser().parse_args(["admin", "create-org", "Buurtwerk Zuid"])
    await run_admin(clocked_bot.settings, run)
    jan = await _joined_coordinator(clocked_bot, sandbox, capsys, "Buurtwerk Zuid", "Jan")
    clock.now = NOW

    # No picture for an organisation under five clients: only the words that say so.
    jan.catch_up()
    await jan.tap_menu("📊 Organisatie")
    figures = await jan.next_message()
    assert figures.photo is None
    assert "Buurtwerk Zuid" in figures.content
    assert "Minder dan 5 cliënten: niet getoond." in figures.content
    for other in ("Kring Gent", "Els", "Tom", "Cliënten:"):
        assert other not in _everything_sent(jan)

    # Forged presses naming Kring Gent's professionals: refused, written down, nothing moves.
    for data in (f"org:ho:{els_id}", f"org:ho:{tom_id}:{els_id}", f"org:do:{tom_id}:{els_id}"):
        answer = await jan.answer_to(await jan.press_data(figures, data))
        assert answer.text == "Deze knop werkt niet meer. Typ /help om verder te gaan."
    first = await jan.ask("/handover")
    assert [button.text for button in first.buttons] == ["Annuleren"]  # nobody to choose
    _assert_no_client_name(jan)
    assert "Els" not in _everything_sent(jan)
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        refused = await session.scalar(
            select(func.count()).where(AuditLog.action == "refused.handover")
        )
        still_toms = await session.scalar(
            select(func.count()).where(Participant.professional_id == tom_id)
        )
    assert refused == 3
    assert still_toms == 3


async def test_the_coordinator_hands_a_caseload_over_from_telegram(
    clocked_bot: BotProcess,
    sandbox: TelegramSandbox,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    els, els_id, tom_id, wout = await _organisation(clocked_bot, sandbox)
    sofie = await _joined_coordinator(clocked_bot, sandbox, capsys)
    clock.now = NOW
    els.catch_up()

    sofie.catch_up()
    await sofie.tap_menu("🔁 Overdragen")
    step = await sofie.next_message()
    assert (
        step.content == "Welke begeleider vertrekt? Zijn cliënten en buddy's gaan naar een collega."
    )
    assert [button.text for button in step.buttons] == ["Els (5)", "Tom (3)", "Annuleren"]
    await sofie.tap(step, "Tom (3)")
    assert step.content == "Wie neemt de cliënten en buddy's van Tom over?"
    assert [button.text for button in step.buttons] == ["Els (5)", "Annuleren"]
    await sofie.tap(step, "Els (5)")
    assert step.content.startswith("3 mensen gaan van Tom naar Els. Iedereen krijgt een bericht.")
    yes = next(button for button in step.buttons if button.text == "✅ Ja, overdragen")
    assert yes.callback_data is not None
    await sofie.tap(step, "✅ Ja, overdragen")
    assert step.content.startswith("✅ 3 mensen gingen van Tom naar Els")

    # The same notes as `buddybot admin transfer`: Wout hears who helps him now, Els how
    # many people she takes over.
    assert "Je hebt een nieuwe begeleider: Els" in (await wout.next_message()).content
    assert (await els.next_message()).content == (
        "Je neemt 3 mensen over van Tom. Je ziet hen in /clients."
    )
    await outbox_sent(clocked_bot)
    caseload = (await els.ask("/clients")).content
    assert all(name in caseload for name in TOM_CLIENTS)

    # Pressing Yes again (a second tap, a replayed press): refused, nothing moves twice.
    answer = await sofie.answer_to(await sofie.press_data(step, yes.callback_data))
    assert answer.text == "Deze knop werkt niet meer. Typ /help om verder te gaan."
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        tom = await people.professional_by_id(session, tom_id)
        assert tom is not None
        assert tom.status is ProfessionalStatus.LEFT
        moved = await session.scalar(
            select(func.count()).where(
                AuditLog.action == "participant.transferred", AuditLog.actor_kind == "coordinator"
            )
        )
        at_els = await session.scalar(
            select(func.count()).where(Participant.professional_id == els_id)
        )
    assert moved == 3
    assert at_els == 8
    _assert_no_client_name(sofie)


async def test_the_monthly_digest_arrives_once(
    clocked_bot: BotProcess,
    sandbox: TelegramSandbox,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await _organisation(clocked_bot, sandbox)
    sofie = await _joined_coordinator(clocked_bot, sandbox, capsys)
    sofie.catch_up()

    # The last day of March, late: not yet. The first of April at 09:00: the digest.
    clock.now = datetime(2027, 3, 31, 23, 0, tzinfo=BRUSSELS)
    await tick(clocked_bot)
    assert sofie.catch_up() == []
    clock.now = datetime(2027, 4, 1, 9, 0, 30, tzinfo=BRUSSELS)
    await tick(clocked_bot)
    picture = await sofie.next_message()
    assert picture.photo is not None
    assert picture.content.startswith("📊 Maandoverzicht april 2027")
    figures = await sofie.next_message()
    assert "Cliënten: 8 · buddy's: 0" in figures.content
    _assert_no_client_name(sofie)

    # Another tick, and a second replica claiming at the same moment: nothing more.
    clock.now += timedelta(minutes=1)
    await tick(clocked_bot)
    assert clocked_bot.database is not None
    async with clocked_bot.database.transaction() as session:
        assert await organisation_view.claim_due_months(session, clock.now) == []
    clock.now += timedelta(minutes=10)  # past a stale claim's life: it was settled
    await tick(clocked_bot)
    assert sofie.catch_up() == []
    async with clocked_bot.database.transaction() as session:
        rows = list(await session.scalars(select(OrganisationDigest)))
    assert [(row.outcome, row.parts_sent) for row in rows] == [("sent", 2)]


async def test_a_professional_invites_the_teams_coordinator_from_telegram(
    bot: BotProcess, sandbox: TelegramSandbox
) -> None:
    els = await professional_joins(bot, sandbox)
    question = await els.ask("/invite")
    await els.tap(question, "🧭 Een teamverantwoordelijke")
    assert question.content.startswith("Wat is de naam van de teamverantwoordelijke?")
    invitation = await els.ask("Mieke")
    mieke = sandbox.user("Mieke", language_code="nl")
    welcome = await mieke.ask(f"/start {code_in(invitation)}")
    assert welcome.content.startswith("Welkom, Mieke! ✅ Je bent nu teamverantwoordelijke")
    assert mieke.menu == ["📊 Organisatie", "🔁 Overdragen", "❓ Hulp"]
    # Kring Gent has no clients yet: nothing to show, and no caseload of her own.
    figures = await mieke.ask("/organisation")
    assert figures.content.startswith("📊 Kring Gent · cijfers van ")
    assert figures.content.endswith("Minder dan 5 cliënten: niet getoond.")
    refused = await mieke.ask("/clients")
    assert refused.content == "Dit kan je hier niet doen. Typ /help om te zien wat wel kan."
    assert bot.database is not None
    async with bot.database.transaction() as session:
        made = list(
            await session.scalars(
                select(AuditLog.actor_kind)
                .where(AuditLog.action == "invitation.created.professional")
                .order_by(AuditLog.id)
            )
        )
    assert made == ["admin", "professional"]  # Els's by the administrator, Mieke's by Els
