"""The ``buddybot`` command: run the bot, migrate the database, play the demo, administer
organisations and export data for research."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from buddybot.settings import Settings

# Only the standard library above: `buddybot --help` and a mistyped argument answer at
# once. The bot itself (python-telegram-bot, SQLAlchemy, matplotlib: seconds to import) is
# imported in main() once the arguments are understood.

EXIT_CONFIG = 2
EXIT_STARTUP = 1

# A bot's username (https://core.telegram.org/method/bots.checkUsername): letters, digits
# and underscores, 5 to 32 characters, ending in "bot" (any case).
_BOT_USERNAME = re.compile(r"^[A-Za-z0-9_]{2,29}[Bb][Oo][Tt]$")


def run_loop(bot: Coroutine[Any, Any, None]) -> None:
    """Run the bot on uvloop where it is installed (not on Windows), else on asyncio's own
    loop: the loop's work (sockets, callbacks, timers) is in C there, and a button press
    in its own process was ×1.05 faster (benchmarks.answers, docs/decisions.md)."""
    try:
        import uvloop
    except ImportError:  # Windows
        asyncio.run(bot)
    else:
        uvloop.run(bot)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code.

    Every refusal is one line on stderr (``buddybot: …``) naming the problem and what to do;
    exit code 2 for a setting, 1 for everything else (argparse's own errors also exit 2)."""
    args = parser().parse_args(argv)

    from buddybot.runner import StartupError
    from buddybot.services.organisations import AdminError
    from buddybot.settings import SettingsError
    from buddybot.storage.crypto import EncryptionKeyError

    try:
        _carry_out(args)
    except (SettingsError, EncryptionKeyError) as error:
        print(f"buddybot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except (StartupError, AdminError) as error:
        print(f"buddybot: {error}", file=sys.stderr)
        return EXIT_STARTUP
    except KeyboardInterrupt:
        return 130
    return 0


def _carry_out(args: argparse.Namespace) -> None:
    from buddybot import admin, logs
    from buddybot.runner import BotProcess
    from buddybot.settings import load_settings

    settings = load_settings()
    if args.command == "run":
        settings.require_token()
    level = settings.log_level_number
    if args.command in ("demo", "admin", "export") and "log_level" not in settings.model_fields_set:
        level = max(level, logging.WARNING)  # what they print is their output
    logs.configure(level, secrets=_secrets(settings))
    if args.command == "run":
        run_loop(BotProcess(settings).run_until_signal())
    elif args.command == "migrate":
        asyncio.run(_migrate(settings))
    elif args.command == "admin":
        asyncio.run(admin.run_admin(settings, args))
    elif args.command == "export":
        folder = admin.writable_folder(Path(args.out))  # before the export's work
        made = asyncio.run(admin.make_export(settings, args.org))
        admin.write_export(made, folder)
    elif args.command == "demo":
        from buddybot.demo import run_demo

        admin.writable_folder(Path(args.out))
        run_demo(settings, args.out)


def parser() -> argparse.ArgumentParser:
    """The whole command line, `admin …` included, checking what can be checked without
    the database or Telegram (so a wrong argument never waits behind a token check)."""
    top = argparse.ArgumentParser(prog="buddybot", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the bot (applies migrations first)")
    commands.add_parser("migrate", help="bring the database schema up to date")
    demo = commands.add_parser(
        "demo",
        help="play a scripted conversation against a local fake Telegram server (no token needed)",
    )
    demo.add_argument("--out", default="demo-output", help="folder for the transcript")
    _add_admin(commands)
    export = commands.add_parser(
        "export",
        help="write an organisation's client-weeks and answers as CSV, pseudonymised (research)",
    )
    export.add_argument("--org", required=True, type=_text, help="the organisation's name")
    export.add_argument("--out", required=True, help="folder to write weeks.csv and events.csv")
    return top


def _add_admin(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = commands.add_parser("admin", help="manage organisations and professionals")
    actions = admin.add_subparsers(dest="admin_command", required=True)
    create = actions.add_parser("create-org", help="create an organisation")
    create.add_argument("name", type=_text)
    invite = actions.add_parser(
        "invite-professional", help="make a one-time join link for a professional"
    )
    invite.add_argument("--org", required=True, type=_text, help="the organisation's name")
    invite.add_argument(
        "--name",
        required=True,
        type=_text,
        help="the professional's display name, as their clients will see it",
    )
    invite.add_argument(
        "--bot-username",
        type=bot_username,
        help="the bot's @username for the link (default: asked from Telegram with the token)",
    )
    coordinator = actions.add_parser(
        "invite-coordinator",
        help="make a one-time join link for a coordinator: the organisation's figures, no names",
    )
    coordinator.add_argument("--org", required=True, type=_text, help="the organisation's name")
    coordinator.add_argument(
        "--name", required=True, type=_text, help="the coordinator's display name"
    )
    coordinator.add_argument(
        "--bot-username",
        type=bot_username,
        help="the bot's @username for the link (default: asked from Telegram with the token)",
    )
    actions.add_parser(
        "list", help="organisations, professionals (with the #id to name them by) and caseloads"
    )
    actions.add_parser(
        "verify-audit", help="check that no line of the audit log was changed or removed"
    )
    retention = actions.add_parser(
        "set-retention", help="how long an organisation keeps answers (e.g. youth care)"
    )
    retention.add_argument("--org", required=True, type=_text, help="the organisation's name")
    choice = retention.add_mutually_exclusive_group(required=True)
    choice.add_argument("--months", type=_months, help="1 to 120 months")
    choice.add_argument("--default", action="store_true", help="back to BUDDYBOT_RETENTION_MONTHS")
    models = actions.add_parser(
        "set-work-models",
        help="the organisation's own work models for actions (default: the seven of research)",
    )
    models.add_argument("--org", required=True, type=_text, help="the organisation's name")
    models_choice = models.add_mutually_exclusive_group(required=True)
    models_choice.add_argument(
        "--models", nargs="+", type=_text, help='their names, e.g. "Buddywerking" "Praatgroep"'
    )
    models_choice.add_argument("--default", action="store_true", help="back to the seven")
    new_key = actions.add_parser(
        "new-key",
        help="make a key file, or add a new current key to one (then run rotate-key)",
    )
    new_key.add_argument("--out", required=True, help="the key file (created with mode 600)")
    rotate = actions.add_parser(
        "rotate-key",
        help="re-encrypt everything with the current key, in batches (can be run again)",
    )
    rotate.add_argument("--batch", type=_batch, default=500, help="rows per transaction")
    transfer = actions.add_parser(
        "transfer",
        help="move the clients and buddies of a professional who leaves to a colleague",
    )
    transfer.add_argument("--org", required=True, type=_text, help="the organisation's name")
    transfer.add_argument(
        "--from",
        dest="from_professional",
        required=True,
        type=_text,
        help="who leaves: display name, or the number `admin list` shows (3 or '#3')",
    )
    transfer.add_argument(
        "--to",
        dest="to_professional",
        required=True,
        type=_text,
        help="who takes over: display name, or the number `admin list` shows",
    )


def bot_username(text: str) -> str:
    """The bot's username as a t.me link needs it: a leading @ dropped, anything that is not
    a bot's username (a URL, a display name) refused."""
    name = text.strip().removeprefix("@")
    if not _BOT_USERNAME.match(name):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a bot's username: give the one @BotFather made, like MyBuddyBot "
            "(5-32 letters, digits or _, ending in 'bot')"
        )
    return name


def _text(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Bytes that are not UTF-8 (a Latin-1 terminal) reach Python as lone surrogates.
        raise argparse.ArgumentTypeError(
            "is not UTF-8 text: set the terminal to UTF-8 (e.g. LANG=C.UTF-8) and type it again"
        ) from None
    return text


def _months(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 120:
        raise argparse.ArgumentTypeError(f"{text!r} is not 1 to 120 months")
    return int(text)


def _batch(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of rows (1 or more)")
    return int(text)


async def _migrate(settings: Settings) -> None:
    from buddybot.runner import prepare_database

    database = await prepare_database(settings)
    await database.dispose()
    print(f"buddybot: database {database.safe_url} is up to date")


def _secrets(settings: Settings) -> list[str]:
    values = [settings.telegram_token, settings.webhook_secret, settings.encryption_keys]
    return [value.get_secret_value() for value in values if value is not None]


if __name__ == "__main__":
    sys.exit(main())
