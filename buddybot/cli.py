"""The ``buddybot`` command: run the bot, migrate the database, play the demo, administer
organisations and export data for research."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

try:
    import uvloop
except ImportError:  # Windows
    uvloop = None  # type: ignore[assignment]

from buddybot import admin, logs
from buddybot.runner import BotProcess, StartupError, prepare_database
from buddybot.settings import Settings, SettingsError, load_settings

EXIT_CONFIG = 2
EXIT_STARTUP = 1


def run_loop(bot: Coroutine[Any, Any, None]) -> None:
    """Run the bot on uvloop where it is installed (not on Windows), else on asyncio's own
    loop: the loop's work (sockets, callbacks, timers) is in C there, and a button press
    in its own process was ×1.05 faster (benchmarks.answers, docs/decisions.md)."""
    if uvloop is None:
        asyncio.run(bot)
    else:
        uvloop.run(bot)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="buddybot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the bot (applies migrations first)")
    commands.add_parser("migrate", help="bring the database schema up to date")
    demo = commands.add_parser(
        "demo",
        help="play a scripted conversation against a local fake Telegram server (no token needed)",
    )
    demo.add_argument("--out", default="demo-output", help="folder for the transcript")
    admin.add_arguments(commands)
    export = commands.add_parser(
        "export",
        help="write an organisation's client-weeks and answers as CSV, pseudonymised (research)",
    )
    export.add_argument("--org", required=True, help="the organisation's name")
    export.add_argument("--out", required=True, help="folder to write weeks.csv and events.csv")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
        if args.command == "run":
            settings.require_token()
        level = settings.log_level_number
        if (
            args.command in ("demo", "admin", "export")
            and "log_level" not in settings.model_fields_set
        ):
            level = max(level, logging.WARNING)  # what they print is their output
        logs.configure(level, secrets=_secrets(settings))
        if args.command == "run":
            run_loop(BotProcess(settings).run_until_signal())
        elif args.command == "migrate":
            asyncio.run(_migrate(settings))
        elif args.command == "admin":
            asyncio.run(admin.run_admin(settings, args))
        elif args.command == "export":
            made = asyncio.run(admin.make_export(settings, args.org))
            admin.write_export(made, Path(args.out))
        elif args.command == "demo":
            from buddybot.demo import run_demo

            run_demo(settings, args.out)
    except SettingsError as error:
        print(f"buddybot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except (StartupError, admin.AdminError) as error:
        print(f"buddybot: {error}", file=sys.stderr)
        return EXIT_STARTUP
    except KeyboardInterrupt:
        return 130
    return 0


async def _migrate(settings: Settings) -> None:
    database = await prepare_database(settings)
    await database.dispose()
    print(f"buddybot: database {database.safe_url} is up to date")


def _secrets(settings: Settings) -> list[str]:
    values = [settings.telegram_token, settings.webhook_secret, settings.encryption_keys]
    return [value.get_secret_value() for value in values if value is not None]


if __name__ == "__main__":
    sys.exit(main())
