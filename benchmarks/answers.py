"""How fast check-in button presses are handled: ``python -m benchmarks.answers [--presses N]``.

Side by side: a bare python-telegram-bot echo bot (the baseline: it answers a press and edits
the message) and BuddyBot (a client toggling a contact in an open check-in: look up the
check-in and the network, check the press, store the choice and claim the update in one
transaction, render the next question, edit the message), each against its own sandbox,
both polling, with the same rate limiter (lifted to 1000/s so Telegram's 30/s does not hide
the difference).

Twice for BuddyBot: the toggle alone (a check-in's most frequent press), and every press of
whole check-ins (two contacts, "different ways", how for each, mood, now and then
satisfaction, where the last press writes answers in several tables; the ``/checkin``
command that opens the next check-in is not a press and is not timed).

The two are measured in alternating blocks of presses, so both see the same machine: on a
shared two-core machine the speed of either alone varied by ×1.8 from one run to the next,
which made a ratio of two runs taken one after the other meaningless. Measured twice: with
the bots in the benchmark's own event loop, and with each bot in its own process (as in
production, where Telegram is not in the bot's loop). The figures that matter: BuddyBot's
presses per second per process against Telegram's limit of ~30 messages a second per bot
(every press edits a message, so a process never needs more; goal ≥ ×3), and beside it the
ratio BuddyBot / echo bot.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from benchmarks import echo_bot, processes
from benchmarks.report import figure
from buddybot.clock import utcnow
from buddybot.network import Contact, ContactKind, Domain
from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.runner import BotProcess
from buddybot.sandbox import DEFAULT_TOKEN, ChatMessage, SandboxUser, TelegramSandbox
from buddybot.services import checkin_answers, contacts
from buddybot.settings import load_settings
from buddybot.storage import migrate, people
from buddybot.storage.database import Database

Press = Callable[[], Awaitable[float]]  # one button press; the seconds until it was answered


async def _presser(person: SandboxUser, first: str) -> Press:
    """Press the first button of the bot's answer to ``first``, again and again, each time
    waiting for the edit (its text changes: ✅ on and off, "on" and "off")."""
    message = await person.ask(first, timeout=30)

    async def press() -> float:
        started = time.perf_counter()
        await person.tap(message, message.buttons[0].text, timeout=30)
        return time.perf_counter() - started

    return press


# A whole check-in as the benchmark's client taps it; "😄" (satisfaction) only comes at the
# first and every fourth check-in, and is passed over otherwise.
WHOLE_CHECKIN = ("Mama", "Jan", "🔀 Different ways ➜", "🤝 Together", "📞 Call", "🙂", "😄")


def _texts(message: ChatMessage) -> list[str]:
    return [b.text for b in message.buttons]


async def _checkin_presser(person: SandboxUser, first: str) -> Press:
    """Tap through whole check-ins, one press per call; when one is finished, the next call
    first opens another with ``first`` (``/checkin``, a command, not a press: not timed)."""
    message = await person.ask(first, timeout=30)
    step = 0

    async def press() -> float:
        nonlocal message, step
        while step < len(WHOLE_CHECKIN) and WHOLE_CHECKIN[step] not in _texts(message):
            step += 1
        if step == len(WHOLE_CHECKIN):  # the thank-you: on to the next check-in
            message, step = await person.ask(first, timeout=30), 0
        started = time.perf_counter()
        await person.tap(message, WHOLE_CHECKIN[step], timeout=30)
        step += 1
        return time.perf_counter() - started

    return press


async def _rate(press: Press, count: int) -> float:
    """Presses per second over ``count`` presses, counting only the presses themselves."""
    seconds = 0.0
    for _ in range(count):
        seconds += await press()
    return count / seconds


@asynccontextmanager
async def _echo_in_loop(sandbox: TelegramSandbox) -> AsyncIterator[Press]:
    application = echo_bot.build(sandbox.api_url)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling()
        try:
            yield await _presser(sandbox.user("Bench"), "/start")
        finally:
            await application.updater.stop()
            await application.stop()


@asynccontextmanager
async def _buddybot_in_loop(
    sandbox: TelegramSandbox, folder: Path, whole: bool
) -> AsyncIterator[Press]:
    person = sandbox.user("Amira", language_code="en")
    url = f"sqlite+aiosqlite:///{folder / ('in-loop-whole.db' if whole else 'in-loop.db')}"
    await _seed(url, person.id)
    settings = load_settings(
        telegram_token=DEFAULT_TOKEN,
        telegram_api_url=sandbox.api_url,
        database_url=url,
        send_rate=1000,
        tick_seconds=600,
        log_level="WARNING",
    )
    bot = BotProcess(settings)
    await bot.start()
    try:
        yield await (_checkin_presser if whole else _presser)(person, "/checkin")
    finally:
        await bot.stop()


async def _seed(url: str, telegram_user_id: int) -> None:
    """Amira with four contacts and an open check-in, in a fresh database."""
    database = Database(url)
    try:
        await migrate.upgrade(database)
        async with database.transaction() as session:
            organisation = await people.add_organisation(session, "Bench")
            client = await people.add_participant(
                session,
                organisation,
                ParticipantRole.CLIENT,
                first_name="Amira",
                telegram_user_id=telegram_user_id,
                status=ParticipantStatus.ACTIVE,
                language="en",
            )
            client.consent_given_at = utcnow()
            for label in ("Mama", "Jan", "Fikkie", "Sofie"):
                await contacts.add_contact(
                    session,
                    client.id,
                    Contact(0, ContactKind.PERSON, label, 1, Domain.FAMILY),
                    by=contacts.Editor("client", client.id),
                    now=utcnow(),
                )
            await checkin_answers.start_now(session, client, utcnow())
    finally:
        await database.dispose()


@asynccontextmanager
async def _own_process(
    sandbox: TelegramSandbox, arguments: list[str], environment: dict[str, str]
) -> AsyncIterator[None]:
    """A bot process, from the moment it polls the sandbox until SIGTERM."""
    process = await processes.start_polling(sandbox, arguments, environment)
    try:
        yield
    finally:
        await processes.terminate(process)


@asynccontextmanager
async def _echo_apart(sandbox: TelegramSandbox) -> AsyncIterator[Press]:
    async with _own_process(sandbox, ["-m", "benchmarks.echo_bot", sandbox.api_url], {}):
        yield await _presser(sandbox.user("Bench"), "/start")


@asynccontextmanager
async def _buddybot_apart(
    sandbox: TelegramSandbox, folder: Path, whole: bool
) -> AsyncIterator[Press]:
    person = sandbox.user("Amira", language_code="en")
    url = f"sqlite+aiosqlite:///{folder / ('apart-whole.db' if whole else 'apart.db')}"
    await _seed(url, person.id)
    environment = processes.bot_environment(sandbox, url, tick_seconds=600)
    async with _own_process(sandbox, ["-m", "buddybot", "run"], environment):
        yield await (_checkin_presser if whole else _presser)(person, "/checkin")


async def side_by_side(
    apart: bool, count: int, block: int, folder: Path, *, whole: bool = False
) -> tuple[float, float, list[float]]:
    """Presses/s of the echo bot and of BuddyBot (toggling, or ``whole`` check-ins),
    ``count`` each in alternating blocks, and the ratio of each pair of blocks."""
    async with AsyncExitStack() as stack:
        echo_sandbox = await stack.enter_async_context(TelegramSandbox(flood_limit=0))
        our_sandbox = await stack.enter_async_context(TelegramSandbox(flood_limit=0))
        if apart:
            echo = await stack.enter_async_context(_echo_apart(echo_sandbox))
            ours = await stack.enter_async_context(_buddybot_apart(our_sandbox, folder, whole))
        else:
            echo = await stack.enter_async_context(_echo_in_loop(echo_sandbox))
            ours = await stack.enter_async_context(_buddybot_in_loop(our_sandbox, folder, whole))
        await _rate(echo, block)  # warm both up (connections, caches) before measuring
        await _rate(ours, block)
        echo_times, our_times, ratios = 0.0, 0.0, []
        for _ in range(max(1, count // block)):
            echo_rate, our_rate = await _rate(echo, block), await _rate(ours, block)
            echo_times += block / echo_rate
            our_times += block / our_rate
            ratios.append(our_rate / echo_rate)
    blocks = len(ratios) * block
    return blocks / echo_times, blocks / our_times, ratios


# Telegram allows about 30 messages a second per bot (Bot API FAQ); each press edits one.
TELEGRAM_RATE = 30


def _line(name: str, rate: float, ratio: str) -> str:
    return f"    {name:21}{rate:7.1f} presses/s   {ratio}"


async def main(count: int, block: int) -> None:
    """Measure both ways and print them side by side."""
    print(f"button presses handled, {count} sequential per bot in blocks of {block}, the")
    print("two bots taking turns (sandbox on loopback):")
    with tempfile.TemporaryDirectory() as folder:
        for apart, title in (
            (False, "bots in the benchmark's own event loop (with the sandboxes):"),
            (True, "each bot in its own process (the sandboxes apart, as Telegram is):"),
        ):
            print(f"  {title}")
            where = "own processes" if apart else "one loop"
            for whole, what, name in (
                (False, f"check-in press vs echo bot, {where}", "BuddyBot toggle"),
                (True, f"whole check-ins, per press, vs echo bot, {where}", "BuddyBot check-in"),
            ):
                echo, ours, ratios = await side_by_side(
                    apart, count, block, Path(folder), whole=whole
                )
                spread = f"blocks ×{min(ratios):.2f}–×{max(ratios):.2f}"
                result = f"×{ours / echo:.2f} ({ours:.0f} vs {echo:.0f} presses/s)"
                figure("answers", what, result, "beside the echo bot")
                print(_line("echo bot (baseline)", echo, "×1.00"))
                print(
                    _line(name, ours, f"×{ours / echo:.2f}  (")
                    + f"median block ×{statistics.median(ratios):.2f}, {spread})"
                )
                headroom = f"×{ours / TELEGRAM_RATE:.1f} ({ours:.0f} presses/s)"
                figure("answers", f"{what}: vs Telegram's 30/s", headroom, "≥ ×3")
                print(_line(name, ours, f"{headroom[:5]} Telegram's 30 messages/s (goal ≥ ×3)"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=400, help="per bot")
    parser.add_argument("--block", type=int, default=25, help="presses before the other's turn")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.presses, arguments.block))
