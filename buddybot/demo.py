"""`buddybot demo`: the bot, a local fake Telegram and a scripted conversation.

No token and no internet are needed: the demo starts the sandbox Bot API server, runs the real
bot against it over HTTP (polling mode, SQLite), plays the people's part and prints what was
said. Later features extend the script until it shows the whole product.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import SecretStr

from buddybot.runner import BotProcess
from buddybot.sandbox import DEFAULT_TOKEN, SandboxUser, TelegramSandbox
from buddybot.sandbox.transcript import Transcript
from buddybot.settings import Mode, Settings
from buddybot.storage import repositories
from buddybot.storage.models import ParticipantRole, ParticipantStatus, ProfessionalStatus


def run_demo(settings: Settings, out_dir: str) -> Path:
    """Play the demo, write the transcript to ``out_dir`` and print it; returns its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    database_file = out / "demo.db"
    for leftover in out.glob("demo.db*"):
        leftover.unlink()  # every demo starts from an empty database
    transcript = Transcript()
    asyncio.run(_run(settings, database_file.resolve(), transcript))
    path = out / "transcript.txt"
    path.write_text(transcript.text(), encoding="utf-8")
    print(transcript.text(), end="")
    print(f"Transcript written to {path}")
    return path


async def _run(settings: Settings, database_file: Path, transcript: Transcript) -> None:
    async with TelegramSandbox() as sandbox:
        demo_settings = settings.model_copy(
            update={
                "telegram_token": SecretStr(DEFAULT_TOKEN),
                "telegram_api_url": sandbox.api_url,
                "database_url": f"sqlite+aiosqlite:///{database_file}",
                "mode": Mode.POLLING,
            }
        )
        bot = BotProcess(demo_settings)
        await bot.start()
        try:
            await _play(bot, sandbox, transcript)
        finally:
            await bot.stop()


async def _play(bot: BotProcess, sandbox: TelegramSandbox, transcript: Transcript) -> None:
    async def say(person: SandboxUser, text: str) -> None:
        transcript.said(person, text)
        transcript.bot(await person.ask(text, timeout=20))

    transcript.note("Someone without an invitation finds the bot (Telegram app in Dutch).")
    visitor = sandbox.user("Jonas", language_code="nl")
    await say(visitor, "/start")
    await say(visitor, "/help")

    transcript.note("An English-speaking visitor asks what happens to their data.")
    await say(sandbox.user("Sam", language_code="en"), "/privacy")

    transcript.note("Amira is a client of Kring Gent; her professional invited her earlier.")
    amira = sandbox.user("Amira", language_code="nl")
    assert bot.database is not None
    async with bot.database.transaction() as session:
        organisation = await repositories.add_organisation(session, "Kring Gent")
        await repositories.add_professional(
            session, organisation, "Els", status=ProfessionalStatus.ACTIVE
        )
        await repositories.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name="Amira",
            telegram_user_id=amira.id,
            status=ParticipantStatus.ACTIVE,
        )
    await say(amira, "/start")

    transcript.note("Amira switches to English with a button; the bot remembers it.")
    transcript.said(amira, "/language")
    question = await amira.ask("/language")
    transcript.bot(question)
    transcript.tapped(amira, "English")
    await amira.press(question, "English")
    transcript.bot(await amira.wait_for_edit(question, question.edits), edited=True)
    await say(amira, "/start")

    transcript.note("Amira types something the bot does not understand.")
    await say(amira, "hello, is Els there?")

    transcript.note("Telegram answers '429 Too Many Requests' once; the bot waits and retries.")
    sandbox.inject_fault("sendMessage", 429, retry_after=1)
    await say(amira, "/help")
    retried = [call.status for call in sandbox.calls_of("sendMessage")][-2:]
    transcript.note(f"Telegram saw the reply twice: first {retried[0]}, then {retried[1]}.")
