"""`buddybot admin …`: what the person who runs the deployment does, without Telegram."""

from __future__ import annotations

import argparse
import os
from contextlib import suppress
from datetime import datetime
from pathlib import Path

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import ExtBot

from buddybot import outgoing
from buddybot.app import rate_limiter
from buddybot.clock import utcnow
from buddybot.handlers.organisation import transfer_notes
from buddybot.runner import StartupError, prepare_database
from buddybot.services import export, invitations, organisations, outbox
from buddybot.services.organisations import AdminError
from buddybot.services.outbox import Outgoing
from buddybot.settings import Settings
from buddybot.storage import audit, crypto, keys
from buddybot.storage.database import Database


async def run_admin(settings: Settings, args: argparse.Namespace) -> None:
    """Carry out one admin command, printing the result; AdminError for a refusal.

    What needs Telegram is checked before the database is touched (a new one would be
    made and migrated), so a refusal changes nothing."""
    if args.admin_command == "new-key":
        print(new_key(Path(args.out)))
        return
    username = None
    if args.admin_command in ("invite-professional", "invite-coordinator"):
        username = args.bot_username or await _bot_username(settings)
    if args.admin_command == "transfer":
        settings.require_token()  # the people moved are told, so fail before moving
    database = await prepare_database(settings)
    if args.admin_command == "rotate-key":
        try:
            counts = await keys.rotate(database, batch=args.batch)
        finally:
            await database.dispose()
        moved = ", ".join(f"{name} {count}" for name, count in counts.items() if count)
        current = crypto.active().current
        print(f"Everything is encrypted with key {current!r} ({moved or 'no'} values moved).")
        return
    try:
        async with database.transaction() as session:
            if args.admin_command == "create-org":
                await organisations.create_organisation(session, args.name)
                print(f"Organisation {' '.join(args.name.split())!r} created.")
            elif args.admin_command == "invite-professional":
                assert username is not None
                created = await organisations.invite_professional(
                    session, args.org, args.name, now=utcnow(), days=settings.invitation_days
                )
                _print_invitation(username, created.code, created.expires_at)
            elif args.admin_command == "invite-coordinator":
                assert username is not None
                created = await organisations.invite_coordinator(
                    session, args.org, args.name, now=utcnow(), days=settings.invitation_days
                )
                _print_invitation(username, created.code, created.expires_at, "coordinator")
            elif args.admin_command == "set-retention":
                months = None if args.default else args.months
                await organisations.set_retention(session, args.org, months)
                kept = f"{months} months" if months else "the default"
                print(f"{args.org!r} keeps answers for {kept}; the daily purge applies it.")
            elif args.admin_command == "set-work-models":
                chosen = None if args.default else args.models
                await organisations.set_work_models(session, args.org, chosen)
                which = f"{len(chosen)} work models of its own" if chosen else "the seven defaults"
                print(f"{args.org!r} records actions with {which}.")
            elif args.admin_command == "verify-audit":
                broken = await audit.broken_audit_line(session)
                if broken is not None:
                    raise AdminError(
                        f"The audit log was tampered with: line {broken} or the one before it "
                        "was changed or removed"
                    )
                lines = len(await audit.audit_entries(session))
                print(f"The audit log is intact: {lines} lines, each chained to the one before.")
            elif args.admin_command == "transfer":
                transfer = await organisations.transfer_caseload(
                    session, args.org, args.from_professional, args.to_professional
                )
                # Committed with the move: if Telegram cannot be reached now, the running
                # bot sends them from the outbox (nobody is left untold).
                notes = await outbox.post(session, _transfer_notes(settings, transfer), utcnow())
            else:
                _print_overview(await organisations.overview(session))
        if args.admin_command == "transfer":
            sent, waiting = await _send_now(settings, database, notes)
            count = len(transfer.moved)
            people = "person" if count == 1 else "people"
            print(
                f"Moved {count} {people} from {transfer.from_name} to {transfer.to_name}; "
                f"{sent} told in Telegram"
                + (f", {waiting} more when the bot can reach Telegram" if waiting else "")
                + f". {transfer.from_name} is marked as left."
            )
    finally:
        await database.dispose()


async def make_export(settings: Settings, organisation: str) -> export.Export:
    """The research export of an organisation (pseudonymised)."""
    database = await prepare_database(settings)
    try:
        async with database.transaction() as session:
            return await export.research_export(session, organisation, utcnow().date())
    finally:
        await database.dispose()


def writable_folder(folder: Path) -> Path:
    """``folder`` if it is, or can be made, a folder this user may write in; AdminError
    otherwise. Checked before the work (an export can take half a minute) and without
    making anything, so a refusal leaves no trace."""
    existing = next(above for above in (folder, *folder.parents) if above.exists())
    if not existing.is_dir():
        why = f"{existing} is a file, not a folder"
    elif not os.access(existing, os.W_OK | os.X_OK):
        why = f"{existing} is not writable for this user"
    else:
        return folder
    raise AdminError(f"Cannot write to {folder}: {why}; give --out a folder you can write to")


def _make_folder(folder: Path) -> None:
    """``folder`` made where needed; a file in the way is named (mkdir would only say "File
    exists" or "Not a directory", without saying which)."""
    for above in (folder, *folder.parents):
        if above.exists() and not above.is_dir():
            raise NotADirectoryError(0, f"{above} is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)


def _why(error: OSError) -> str:
    return error.strerror or str(error)


def write_export(made: export.Export, folder: Path) -> None:
    """Write an export's three files to ``folder`` and say where they are: all or none
    (each is written beside its place, then moved there)."""
    files = {
        folder / "weeks.csv": made.weeks,
        folder / "events.csv": made.events,
        folder / "actions.csv": made.actions,
    }
    written: list[Path] = []
    try:
        _make_folder(folder)
        for path, content in files.items():
            temporary = path.with_name(path.name + ".new")
            written.append(temporary)
            temporary.write_bytes(content)
        for path in files:
            path.with_name(path.name + ".new").replace(path)
    except OSError as error:
        for temporary in written:
            temporary.unlink(missing_ok=True)
        raise AdminError(f"Cannot write to {folder}: {_why(error)}") from None
    print(
        f"Exported {made.clients} clients (pseudonymised) to {folder / 'weeks.csv'}, "
        f"{folder / 'events.csv'} and {folder / 'actions.csv'}; the columns are explained in "
        "docs/export.md."
    )


def _transfer_notes(settings: Settings, transfer: organisations.Transfer) -> list[Outgoing]:
    """Everyone moved hears who their professional is now, and the new professional how
    many people they took over, each in their own language (the same notes as a
    coordinator's hand-over from Telegram)."""
    return transfer_notes(transfer, settings.default_language)


async def _send_now(settings: Settings, database: Database, notes: list[int]) -> tuple[int, int]:
    """Try the posted ``notes`` now, within Telegram's limit like the bot itself (a large
    caseload is many notes at once): how many went out, and how many wait in the outbox
    for the running bot (Telegram not reachable). Blocked or gone: not told, not waiting."""
    bot = ExtBot(
        settings.require_token(),
        base_url=settings.telegram_api_url,
        # Shared with the running bot's replicas on PostgreSQL (``pace.py``).
        rate_limiter=rate_limiter(settings.send_rate, database),
    )
    sent = 0
    with suppress(TelegramError):  # Telegram not reachable at all: they wait
        async with bot:
            sent = await outgoing.send_due(bot, database, utcnow, notes)
    async with database.transaction() as session:
        return sent, await outbox.waiting(session, notes)


async def _bot_username(settings: Settings) -> str:
    token = settings.require_token()
    try:
        async with Bot(token, base_url=settings.telegram_api_url) as bot:
            return bot.username
    except TelegramError as error:
        raise StartupError(
            f"Cannot ask Telegram for the bot's username ({type(error).__name__}); "
            "give it with --bot-username"
        ) from None


def new_key(path: Path) -> str:
    """Make the key file at ``path``, or add a new current key to it; the text to print.
    A key file that cannot be read or written is an AdminError, and leaves it as it was."""
    if path.is_file():
        try:
            keyring = crypto.Keyring.from_json(path.read_text())
        except OSError as error:
            raise AdminError(f"Cannot read the key file {path}: {error.strerror}") from None
        except crypto.EncryptionKeyError:
            raise AdminError(
                f"{path} is not a key file; give --out a new file name (nothing was changed)"
            ) from None
        numbers = [int(k[1:]) for k in keyring.keys if k[1:].isdigit() and k[0] == "k"]
        keyring = keyring.with_new_key(f"k{1 + max(numbers, default=len(keyring.keys))}")
        told = (
            f"Key {keyring.current!r} added to {path} and made current; the older keys stay "
            "for reading. Restart the bot, then run `buddybot admin rotate-key`."
        )
    else:
        keyring = crypto.Keyring.generate()
        told = (
            f"Key file {path} made. Keep it outside the database and its backups, back it "
            "up apart (without it the data cannot be read), and set "
            f"BUDDYBOT_KEY_FILE={path}."
        )
    temporary = path.with_name(path.name + ".new")
    try:
        _make_folder(path.parent)
        temporary.unlink(missing_ok=True)  # a leftover would keep its own permissions
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(keyring.to_json())
        temporary.replace(path)
    except OSError as error:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise AdminError(
            f"Cannot write the key file {path}: {_why(error)}; give --out a file in a "
            "folder this user can write to (nothing was changed)"
        ) from None
    return told


def _print_invitation(
    username: str, code: str, expires_at: datetime, who: str = "professional"
) -> None:
    print(f"Link: {invitations.deep_link(username, code)}")
    print(f"Code: {code}")
    print(f"Valid once, until {expires_at:%Y-%m-%d %H:%M} UTC. Give it to the {who} only.")


def _print_overview(summaries: list[organisations.OrganisationSummary]) -> None:
    if not summaries:
        print("No organisations yet. Create one with `buddybot admin create-org NAME`.")
    for summary in summaries:
        print(summary.name)
        if not summary.professionals:
            print("  (no professionals yet)")
        for professional in summary.professionals:
            namesake = f" (added {professional.added})" if professional.added else ""
            print(
                f"  #{professional.professional_id} {professional.display_name} "
                f"[{professional.status.value}]: "
                f"{professional.clients} clients, {professional.buddies} buddies{namesake}"
            )


__all__ = ["AdminError", "run_admin"]
