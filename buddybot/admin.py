"""`buddybot admin …`: what the person who runs the deployment does, without Telegram."""

from __future__ import annotations

import argparse
from datetime import datetime

from telegram import Bot
from telegram.error import TelegramError

from buddybot.clock import utcnow
from buddybot.runner import StartupError, prepare_database
from buddybot.services import invitations, organisations
from buddybot.services.organisations import AdminError
from buddybot.settings import Settings


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `admin` and its subcommands to the `buddybot` command line."""
    admin = commands.add_parser("admin", help="manage organisations and professionals")
    actions = admin.add_subparsers(dest="admin_command", required=True)
    create = actions.add_parser("create-org", help="create an organisation")
    create.add_argument("name")
    invite = actions.add_parser(
        "invite-professional", help="make a one-time join link for a professional"
    )
    invite.add_argument("--org", required=True, help="the organisation's name")
    invite.add_argument("--name", default="", help="the professional's display name")
    invite.add_argument(
        "--bot-username",
        help="the bot's @username for the link (default: asked from Telegram with the token)",
    )
    actions.add_parser("list", help="organisations, professionals and caseload sizes")


async def run_admin(settings: Settings, args: argparse.Namespace) -> None:
    """Carry out one admin command, printing the result; AdminError for a refusal."""
    database = await prepare_database(settings)
    try:
        async with database.transaction() as session:
            if args.admin_command == "create-org":
                await organisations.create_organisation(session, args.name)
                print(f"Organisation {' '.join(args.name.split())!r} created.")
            elif args.admin_command == "invite-professional":
                username = args.bot_username or await _bot_username(settings)
                created = await organisations.invite_professional(
                    session,
                    args.org,
                    args.name or "Professional",
                    now=utcnow(),
                    days=settings.invitation_days,
                )
                _print_invitation(username, created.code, created.expires_at)
            else:
                _print_overview(await organisations.overview(session))
    finally:
        await database.dispose()


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


def _print_invitation(username: str, code: str, expires_at: datetime) -> None:
    print(f"Link: {invitations.deep_link(username, code)}")
    print(f"Code: {code}")
    print(f"Valid once, until {expires_at:%Y-%m-%d %H:%M} UTC. Give it to the professional only.")


def _print_overview(summaries: list[organisations.OrganisationSummary]) -> None:
    if not summaries:
        print("No organisations yet. Create one with `buddybot admin create-org NAME`.")
    for summary in summaries:
        print(summary.name)
        if not summary.professionals:
            print("  (no professionals yet)")
        for professional in summary.professionals:
            print(
                f"  {professional.display_name} [{professional.status.value}]: "
                f"{professional.clients} clients, {professional.buddies} buddies"
            )


__all__ = ["AdminError", "add_arguments", "run_admin"]
