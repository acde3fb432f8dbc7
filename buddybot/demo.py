"""`buddybot demo`: the bot, a local fake Telegram and a scripted story.

No token and no internet are needed: the demo starts the sandbox Bot API server, runs the real
bot against it over HTTP (polling mode, SQLite), plays the people's part and prints what was
said. It writes the transcript and the files the bot sent (QR code, data export) to the output
folder. Later features extend the story until it shows the whole product.
"""

from __future__ import annotations

import asyncio
import re
import socket
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from buddybot import stories
from buddybot.clock import ManualClock, utcnow
from buddybot.metrics import week_of
from buddybot.runner import BotProcess
from buddybot.sandbox import DEFAULT_TOKEN, ChatMessage, SandboxUser, TelegramSandbox
from buddybot.sandbox.browser import NoBrowserError, headless_chromium
from buddybot.sandbox.transcript import Transcript
from buddybot.schedule import next_slot
from buddybot.services import organisations
from buddybot.services.rhythms import rhythm_of
from buddybot.settings import Mode, Settings
from buddybot.storage import checkins as stored_checkins
from buddybot.storage import people as stored_people
from buddybot.storage.models import Rhythm

if TYPE_CHECKING:
    from playwright.async_api import Page

_LINK = re.compile(r"\?start=([A-Za-z0-9_-]+)")


def run_demo(settings: Settings, out_dir: str) -> Path:
    """Play the demo, write the transcript and files to ``out_dir``, print the transcript;
    returns the transcript's path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    database_file = out / "demo.db"
    for leftover in out.glob("demo.db*"):
        leftover.unlink()  # every demo starts from an empty database
    transcript = Transcript()
    files = asyncio.run(_run(settings, database_file.resolve(), transcript))
    for name, data in files.items():
        (out / name).write_bytes(data)
    path = out / "transcript.txt"
    path.write_text(transcript.text(), encoding="utf-8")
    print(transcript.text(), end="")
    print(f"Transcript written to {path}; files the bot sent: {', '.join(sorted(files))}")
    return path


async def _run(settings: Settings, database_file: Path, transcript: Transcript) -> dict[str, bytes]:
    async with TelegramSandbox() as sandbox:
        port = _free_port()
        demo_settings = settings.model_copy(
            update={
                "telegram_token": SecretStr(DEFAULT_TOKEN),
                "telegram_api_url": sandbox.api_url,
                "database_url": f"sqlite+aiosqlite:///{database_file}",
                "mode": Mode.POLLING,
                "tick_seconds": 600,  # the story runs the scheduler itself, at its own moments
                "ephemeral_keys": True,  # a fresh database each time: a throw-away key is fine
                # The Mini App on a free local port, without Telegram's script (offline).
                "webapp_url": f"http://127.0.0.1:{port}",
                "webapp_telegram_js": False,
                "listen_host": "127.0.0.1",
                "listen_port": port,
            }
        )
        clock = ManualClock()
        bot = BotProcess(demo_settings, clock=clock)
        await bot.start()
        try:
            return await _Story(bot, sandbox, transcript, clock).play()
        finally:
            await bot.stop()


class _Story:
    """The people of the demo and what they do."""

    def __init__(
        self, bot: BotProcess, sandbox: TelegramSandbox, transcript: Transcript, clock: ManualClock
    ) -> None:
        self.bot = bot
        self.sandbox = sandbox
        self.transcript = transcript
        self.clock = clock
        self.files: dict[str, bytes] = {}

    async def next_checkin(self, person: SandboxUser) -> ChatMessage:
        """Jump the clock to the person's next check-in time and let the scheduler run."""
        assert self.bot.database is not None
        assert self.bot.application is not None
        assert self.bot.application.job_queue is not None
        async with self.bot.database.transaction() as session:
            client = await stored_people.participant_by_telegram_id(session, person.id)
            assert client is not None
            record = await session.get(Rhythm, client.id)
            assert record is not None
            slot = next_slot(rhythm_of(record, client.time_zone), self.clock.now)
            local = ZoneInfo(client.time_zone)
        assert slot is not None
        self.clock.now = slot + timedelta(seconds=30)
        self.transcript.note(
            f"The clock jumps to {slot.astimezone(local):%A %d %B, %H:%M} "
            f"({client.time_zone}): the scheduler sends the check-in."
        )
        await self.tick()
        return await self.hear(person)

    async def say(self, person: SandboxUser, text: str) -> ChatMessage:
        self.transcript.said(person, text)
        reply = await person.ask(text, timeout=20)
        self.transcript.bot(reply)
        return reply

    async def menu(self, person: SandboxUser, button: str) -> ChatMessage:
        """Tap a button of the menu under the text field; the bot's first answer."""
        self.transcript.lines.append(f"👤 {person.first_name} taps [{button}] in the menu")
        await person.tap_menu(button)
        reply = await person.next_message(timeout=20)
        self.transcript.bot(reply)
        return reply

    async def tap(self, person: SandboxUser, message: ChatMessage, button: str) -> None:
        """Tap a button; the bot answers by editing the message."""
        self.transcript.tapped(person, button)
        await person.tap(message, button, timeout=20)
        self.transcript.bot(message, edited=True)

    async def hear(self, person: SandboxUser) -> ChatMessage:
        """A message the bot sends someone on its own accord (a notification, a question)."""
        message = await person.next_message(timeout=20)
        self.transcript.lines.append(f"   (to {person.first_name})")
        self.transcript.bot(message)
        return message

    async def play(self) -> dict[str, bytes]:
        note, say, tap = self.transcript.note, self.say, self.tap

        note("Someone without an invitation finds the bot (Telegram app in Dutch).")
        visitor = self.sandbox.user("Jonas", language_code="nl")
        await say(visitor, "/start")
        await say(visitor, "/privacy")

        note("The administrator creates the organisation and a link for professional Els.")
        assert self.bot.database is not None
        async with self.bot.database.transaction() as session:
            await organisations.create_organisation(session, "Kring Gent")
            code = (
                await organisations.invite_professional(
                    session, "Kring Gent", "Els", now=utcnow(), days=14
                )
            ).code
        self.transcript.lines.append(
            f"$ buddybot admin invite-professional --org 'Kring Gent' "
            f"--name Els   → …?start={code[:4]}…"
        )
        els = self.sandbox.user("Els", language_code="nl")
        await say(els, f"/start {code}")

        note("Els invites her client Amira; the bot gives a link and a QR code to scan.")
        question = await say(els, "/invite")
        await tap(els, question, "👤 Een cliënt")
        invitation = await say(els, "Amira")
        assert invitation.photo is not None
        self.files["invitation-qr.png"] = invitation.photo.data

        note(
            "Amira scans the code. She prefers English, reads what is asked (the details a "
            "page at a time) and agrees; her menu appears under the text field."
        )
        amira = self.sandbox.user("Amira", language_code="nl")
        welcome = await say(amira, f"/start {_code(invitation)}")
        await tap(amira, welcome, "English")
        await tap(amira, welcome, "ℹ️ Tell me more")
        await tap(amira, welcome, "Next ➜")
        await tap(amira, welcome, "✅ I'll take part")
        await self.hear(amira)
        await self.hear(els)

        note("Els looks at her caseload and invites Bram as Amira's buddy.")
        caseload = await say(els, "/clients")
        await tap(els, caseload, "Amira")
        await tap(els, caseload, "🤝 Buddy uitnodigen")
        buddy_invitation = await say(els, "Bram")
        bram = self.sandbox.user("Bram", language_code="nl")
        bram_welcome = await say(bram, f"/start {_code(buddy_invitation)}")
        await tap(bram, bram_welcome, "Nederlands")
        await tap(bram, bram_welcome, "✅ Ik doe mee")
        await self.hear(bram)
        await self.hear(els)

        note("Amira is asked whether Bram may note their meetups here. She agrees.")
        ask = await self.hear(amira)
        await tap(amira, ask, "👍 Yes, fine")
        await self.hear(bram)
        await self.hear(els)

        note("Amira maps her network: who is close, and where she knows them from.")
        amira.catch_up()
        listing = await self.menu(amira, "👥 My network")  # empty: the list, no picture
        message, add = listing, "➕ Add"
        for kind, label, circle, domain in (
            ("🧑 Person", "Mama", "❤️ Very close: very important to me", "👪 Family"),
            ("🐾 Animal", "Fikkie", "❤️ Very close: very important to me", "👪 Family"),
            ("🧑 Person", "Jan van de voetbal", "🙂 Close: important to me", "⚽ Free time"),
            ("📍 Place", "Café De Hoek", "👋 Further away: I know them", "🏘️ Neighbourhood"),
        ):
            await tap(amira, message, add)
            await tap(amira, message, kind)
            step = await say(amira, label)
            await tap(amira, step, circle)
            await tap(amira, step, domain)
            await tap(amira, step, "Next ➜")
            await tap(amira, step, "Next ➜")
            await tap(amira, step, "Skip")
            message, add = step, "➕ Add someone else"  # the next one without a command
        note("Four added without typing a command; Done shows her circle.")
        await tap(amira, message, "✅ Done")
        await self.hear(amira)
        await self.hear(amira)

        note("Els adds a contact together with Amira during a visit; Amira is told.")
        els.catch_up()
        caseload = await say(els, "/clients")
        await tap(els, caseload, "Amira")
        self.transcript.tapped(els, "🕸️ Netwerk")
        await els.press(caseload, "🕸️ Netwerk")
        await self.hear(els)
        els_listing = await self.hear(els)
        await tap(els, els_listing, "➕ Toevoegen")
        await tap(els, els_listing, "👥 Groep")
        step = await say(els, "Praatgroep")
        await tap(els, step, "🙂 Dichtbij: belangrijk voor Amira")
        await tap(els, step, "🩺 Hulp")
        await tap(els, step, "Verder ➜")
        await tap(els, step, "Verder ➜")
        await tap(els, step, "Overslaan")
        await self.hear(amira)
        amira.catch_up()
        picture = await say(amira, "/network")
        assert picture.photo is not None
        self.files["amira-circle.png"] = picture.photo.data
        await self.hear(amira)

        note(
            "Amira's first check-in comes at her local time. The prompt is the first question: "
            "she taps who she saw, then how, once for both."
        )
        prompt = await self.next_checkin(amira)
        await tap(amira, prompt, "Mama")
        await tap(amira, prompt, "Fikkie")
        await tap(amira, prompt, "🤝 Together ➜")
        await tap(amira, prompt, "😞")
        note("That face was a slip of the finger: Back shows it marked, and she taps another.")
        await tap(amira, prompt, "⬅️ Back")
        await tap(amira, prompt, "🙂")
        await tap(amira, prompt, "😄")
        note("Under the thank-you she can tell Els something; she does.")
        # The way to Amira's slot passed Monday 09:00: Els's (still empty) weekly digest is
        # in her chat already; what she hears next is Amira's message.
        els.catch_up()
        await tap(amira, prompt, "💬 Tell Els something")
        kept = await say(amira, "Thanks for helping me with the letter!")
        note("She may let Els's team read it too, for the team meeting; she says yes.")
        await tap(amira, kept, "👥 Yes, that's fine")
        passed_on = await self.hear(els)

        note("Els answers Amira from under her message; Amira reads it in English.")
        self.transcript.tapped(els, "↩️ Antwoorden aan Amira")
        await els.press(passed_on, "↩️ Antwoorden aan Amira")
        await self.hear(els)
        await say(els, "Graag gedaan! Tot dinsdag.")
        await self.hear(amira)

        note("Amira asks for a copy of everything BuddyBot keeps about her.")
        export = await say(amira, "/mydata")
        assert export.document is not None
        self.files["amira-mydata.json"] = export.document.data

        note("Telegram answers '429 Too Many Requests' once; the bot waits and retries.")
        self.sandbox.inject_fault("sendMessage", 429, retry_after=1)
        await say(amira, "/help")
        retried = [call.status for call in self.sandbox.calls_of("sendMessage")][-2:]
        note(f"Telegram saw the reply twice: first {retried[0]}, then {retried[1]}.")

        await self.season(els, amira, bram)
        await self.desk(els)
        await self.export(els)
        await self.organisation()
        await self.mini_app(els, amira)
        return self.files

    async def season(self, els: SandboxUser, amira: SandboxUser, bram: SandboxUser) -> None:
        """Five more clients, twelve weeks of answers (through the services), the last week
        live, and Monday's digest with its pictures."""
        note, say, tap = self.transcript.note, self.say, self.tap
        database = self.bot.database
        assert database is not None
        people = {story.name: self.sandbox.user(story.name) for story in stories.STORIES}
        professional_id = await stories.professional_of(database, els.id)
        joined = await stories.join_clients(
            database,
            professional_id,
            {name: user.id for name, user in people.items()},
            self.clock.now,
        )
        async with database.transaction() as session:
            amira_record = await stored_people.participant_by_telegram_id(session, amira.id)
            assert amira_record is not None
            amira_id = amira_record.id
        joined[amira_id] = stories.AMIRA
        note(
            "Five more clients join Els' caseload: Youssef (his network grows), Lotte (a close "
            "tie fades), Kevin (falls silent), Sara (steady) and Noah (will block the bot)."
        )
        zone = ZoneInfo("Europe/Brussels")
        start = week_of(self.clock.now.astimezone(zone).date())
        season = stories.Season(database, joined, start)
        last_thursday = datetime.combine(start + timedelta(weeks=11, days=3), time(18), zone)
        note(
            "Eleven and a half weeks pass: every evening the scheduler's services make the "
            "prompts, and the stories answer (or not)."
        )
        await season.run(self.clock.now, last_thursday - timedelta(hours=1))
        self.clock.now = last_thursday - timedelta(hours=1)
        for person in (els, amira, bram, *people.values()):
            person.catch_up()

        note("The last Thursday is played live: Amira answers her check-in by tapping.")
        prompt = await self.next_checkin(amira)
        for person in people.values():
            person.catch_up()
        async with database.transaction() as session:
            for client_id in joined:
                open_checkin = await stored_checkins.current_open(session, client_id)
                if open_checkin is not None and client_id != amira_id:
                    await season.answer(session, open_checkin.id, 11, self.clock.now)
        await tap(amira, prompt, "Mama")
        await tap(amira, prompt, "Jan van de voetbal")
        await tap(amira, prompt, "🔀 Different ways ➜")
        await tap(amira, prompt, "💬 Message")
        await tap(amira, prompt, "🤝 Together")
        await tap(amira, prompt, "🙂")
        if "happy are you with your contacts" in prompt.content:
            await tap(amira, prompt, "🙂")

        note("Friday evening Bram is asked about this week and logs his meetup with Amira.")
        buddy_prompt = await self.next_checkin(bram)
        await tap(bram, buddy_prompt, "✅ Ja")
        await tap(bram, buddy_prompt, "Gisteren")
        await tap(bram, buddy_prompt, "🚶 Wandelen")
        await tap(bram, buddy_prompt, "Een uur")
        await tap(bram, buddy_prompt, "😄")
        await tap(bram, buddy_prompt, "Overslaan")

        note("Monday 09:00: the scheduler sends Els her weekly digest.")
        monday = datetime.combine(start + timedelta(weeks=12), time(9, 0, 30), zone)
        await season.run(self.clock.now + timedelta(hours=1), monday - timedelta(hours=1))
        els.catch_up()
        self.clock.now = monday
        await self.tick()
        overview = await self.hear(els)
        assert overview.photo is not None
        self.files["caseload.png"] = overview.photo.data
        digest_messages = [await self.hear(els)]
        while els.unread():  # a long digest comes in several messages
            digest_messages.append(await self.hear(els))
        self.files["digest.txt"] = "\n\n".join(m.content for m in digest_messages).encode()

        note("Els opens the pictures of each client from the digest's buttons.")
        for button_text in [b.text for b in digest_messages[-1].buttons]:
            self.transcript.tapped(els, button_text)
            await els.press(digest_messages[-1], button_text)
            name = button_text.split(" ", 1)[1].lower()
            chart, circle = await self.hear(els), await self.hear(els)
            assert chart.photo is not None
            assert circle.photo is not None
            self.files[f"weeks-{name}.png"] = chart.photo.data
            self.files[f"circle-{name}.png"] = circle.photo.data

        note("Amira looks at her own week: the same facts, in her words.")
        amira.catch_up()
        await say(amira, "/myweek")
        own_chart, own_circle = await self.hear(amira), await self.hear(amira)
        assert own_chart.photo is not None
        assert own_circle.photo is not None
        self.files["amira-myweek-weeks.png"] = own_chart.photo.data
        self.files["amira-myweek-circle.png"] = own_circle.photo.data

    async def export(self, els: SandboxUser) -> None:
        """/export: the three spreadsheets without names, then with names."""
        note, tap = self.transcript.note, self.tap
        note("Els exports the figures as spreadsheets: without names, unless she asks.")
        await els.send("/export")
        self.transcript.said(els, "/export")
        documents = [await self.hear(els) for _ in range(3)]
        for name, document in zip(
            (
                "export-weeks-without-names.csv",
                "export-answers-without-names.csv",
                "export-actions-without-names.csv",
            ),
            documents,
            strict=True,
        ):
            assert document.document is not None
            self.files[name] = document.document.data
        names = documents[-1].buttons[0].text
        self.transcript.tapped(els, names)
        await els.press(documents[-1], names)
        confirmation = await self.hear(els)
        await tap(els, confirmation, confirmation.buttons[0].text)
        for name in ("export-weeks.csv", "export-answers.csv", "export-actions.csv"):
            document = await self.hear(els)
            assert document.document is not None
            self.files[name] = document.document.data

    async def client_page(self, els: SandboxUser, name: str) -> ChatMessage:
        """/clients, then the client's button: the message showing their page."""
        els.catch_up()
        page = await self.say(els, "/clients")
        await self.tap(els, page, name)
        return page

    async def desk(self, els: SandboxUser) -> None:
        """Els's desk after twelve weeks: before and after, an action, the team report."""
        note, tap = self.transcript.note, self.tap
        note("Els compares Amira's network at intake with now: one circle with the changes.")
        page = await self.client_page(els, "Amira")
        self.transcript.tapped(els, "📊 Voor en na")
        await els.press(page, "📊 Voor en na")
        circle, table = await self.hear(els), await self.hear(els)
        assert circle.photo is not None
        self.files["amira-before-after.png"] = circle.photo.data
        self.files["amira-before-after.txt"] = table.content.encode()

        note("Els records what she set up for Youssef a month ago: a buddy through the Kring.")
        page = await self.client_page(els, "Youssef")
        for button in (
            "🎯 Acties",
            "➕ Nieuwe actie",
            "Buddy (persoonlijke vriend)",
            "Vrienden",
            "Een maand geleden",
            "Weet ik nog niet",
        ):
            await tap(els, page, button)
        saved = await self.say(els, "Buddy via de Kring")
        self.files["youssef-actions.txt"] = saved.content.encode()

        note("Last week's digest again: under Youssef, what changed since the action started.")
        question = await self.say(els, "/digest")
        await tap(els, question, "Vorige week")
        await self.hear(els)  # the caseload picture
        parts = [await self.hear(els)]
        while els.unread():
            parts.append(await self.hear(els))
        self.files["digest-with-action.txt"] = "\n\n".join(m.content for m in parts).encode()

        note("For Thursday's team meeting Els takes a report on Amira: a PDF.")
        page = await self.client_page(els, "Amira")
        self.transcript.tapped(els, "📄 Verslag voor het team (PDF)")
        await els.press(page, "📄 Verslag voor het team (PDF)")
        report = await self.hear(els)
        assert report.document is not None
        self.files["report-amira.pdf"] = report.document.data

    async def organisation(self) -> None:
        """The organisation's coordinator joins and sees its figures, without names."""
        note = self.transcript.note
        assert self.bot.database is not None
        note("The administrator makes a link for Mieke, the team's coordinator.")
        async with self.bot.database.transaction() as session:
            code = (
                await organisations.invite_coordinator(
                    session, "Kring Gent", "Mieke", now=self.clock.now, days=14
                )
            ).code
        self.transcript.lines.append(
            f"$ buddybot admin invite-coordinator --org 'Kring Gent' --name Mieke   → "
            f"…?start={code[:4]}…"
        )
        mieke = self.sandbox.user("Mieke", language_code="nl")
        await self.say(mieke, f"/start {code}")
        mieke.catch_up()
        note("Mieke looks at the organisation: figures per work model and caseload, no names.")
        await mieke.send("/organisation")
        self.transcript.said(mieke, "/organisation")
        sent = [await self.hear(mieke)]
        while sent[-1].photo is None:  # the figures first, the picture last
            sent.append(await self.hear(mieke))
        for message in sent:
            if message.photo is not None:
                self.files["organisation.png"] = message.photo.data
        texts = [message.content for message in sent if message.photo is None]
        self.files["organisation.txt"] = "\n\n".join(texts).encode()

    async def mini_app(self, els: SandboxUser, amira: SandboxUser) -> None:
        """The Mini App in a headless browser: Amira's circle on a phone, Els's dashboard on
        a laptop; screenshots when a browser is installed."""
        note = self.transcript.note
        note("Amira taps the menu button: her circle opens, to change by touch (Mini App).")
        circle = amira.open_menu_app(self.clock.now)
        note("Els taps 📊 Dashboard under /clients: her caseload, and Amira through time.")
        els.catch_up()
        await els.send("/clients")
        listing = await self.hear(els)
        dashboard = els.open_web_app(listing, "📊 Dashboard", self.clock.now)
        try:
            async with headless_chromium(360, 740, touch=True) as phone:
                page = await phone.new_page()
                await _opened(page, circle)
                self.files["mini-app-circle.png"] = await page.screenshot(full_page=True)
            async with headless_chromium(1280, 800) as laptop:
                page = await laptop.new_page()
                await _opened(page, dashboard)
                self.files["mini-app-dashboard.png"] = await page.screenshot(full_page=True)
                amira_row = page.locator("[data-client-id]", has_text="Amira")
                await amira_row.locator("[data-action='open']").click()
                await page.wait_for_selector("body[data-view='client']", state="attached")
                self.files["mini-app-amira.png"] = await page.screenshot(full_page=True)
        except NoBrowserError as missing:
            note(f"No screenshots of the Mini App: {missing}.")
            return
        note("Screenshots: mini-app-circle.png, mini-app-dashboard.png, mini-app-amira.png.")

    async def tick(self) -> None:
        """Run the scheduler tick once, as the job queue would."""
        assert self.bot.application is not None
        assert self.bot.application.job_queue is not None
        (job,) = self.bot.application.job_queue.get_jobs_by_name("checkin-tick")
        await job.run(self.bot.application)


async def _opened(page: Page, url: str) -> None:
    """Open a Mini App page and wait until it has drawn."""
    await page.goto(url)
    await page.wait_for_selector("body[data-ready='1']", state="attached")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _code(message: ChatMessage) -> str:
    found = _LINK.search(message.content)
    assert found is not None
    return found.group(1)
