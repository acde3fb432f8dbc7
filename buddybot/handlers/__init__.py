"""Telegram in, Telegram out. Every handler of the bot is registered in the list below."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from buddybot import callbacks
from buddybot.handlers import (
    actions,
    basics,
    before_after,
    buttons,
    checkin,
    clients,
    digest,
    export,
    invite,
    language,
    meetup,
    myweek,
    network,
    onboarding,
    organisation,
    privacy,
    replies,
    report,
    schedule,
    sharing,
    typed,
    who,
)

# Only new messages in private chats: the bot handles care data and is not meant for groups,
# and an edited message is not a new answer (it would be taken twice).
_PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


def _buttons(feature: str, callback: Any) -> CallbackQueryHandler[Any, Any]:
    return CallbackQueryHandler(callback, pattern=callbacks.pattern(feature))


def build_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The handlers by group, in the order PTB tries them: a command or menu tap first lets
    go of a question asked for typed text (group -2), every update passes group -1, then
    the first handler of group 0 that matches answers it."""
    return {
        -2: [MessageHandler(_PRIVATE & (filters.COMMAND | basics.MENU_TAP), typed.moved_on)],
        -1: [TypeHandler(Update, who.identify)],
        0: _answering_handlers(),
    }


def _menu_actions() -> dict[str, basics.Action]:
    """What each menu button does (``commands.MENUS``): the same as its command."""
    return {
        "checkin": checkin.checkin_command,
        "network": network.network_command,
        "myweek": myweek.myweek_command,
        "meetup": meetup.meetup_command,
        "clients": clients.clients_command,
        "invite": invite.invite_command,
        "digest": digest.digest_command,
        "organisation": organisation.organisation_command,
        "handover": organisation.handover_command,
        "help": basics.help_command,
    }


def _answering_handlers() -> list[BaseHandler[Any, Any, Any]]:
    return [
        # Everyone
        CommandHandler("start", onboarding.start, filters=_PRIVATE),
        CommandHandler("help", basics.help_command, filters=_PRIVATE),
        CommandHandler("privacy", basics.privacy, filters=_PRIVATE),
        _buttons(basics.PRIVACY, basics.privacy_button),
        CommandHandler("language", language.ask_language, filters=_PRIVATE),
        _buttons(language.FEATURE, language.language_chosen),
        CommandHandler("mydata", privacy.my_data, filters=_PRIVATE),
        # Clients and buddies
        CommandHandler("stop", privacy.stop_command, filters=_PRIVATE),
        CommandHandler("delete", privacy.delete_command, filters=_PRIVATE),
        _buttons(privacy.STOP, privacy.stop_button),
        _buttons(privacy.DELETE, privacy.delete_button),
        # Check-ins (the prompts come from the scheduler tick in jobs.py)
        CommandHandler("checkin", checkin.checkin_command, filters=_PRIVATE),
        _buttons(checkin.CHECKIN, checkin.checkin_button),
        ChatMemberHandler(checkin.member_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        # Buddies
        CommandHandler("meetup", meetup.meetup_command, filters=_PRIVATE),
        _buttons(meetup.MEETUP, meetup.meetup_button),
        CommandHandler("schedule", schedule.schedule_command, filters=_PRIVATE),
        CommandHandler("pause", schedule.pause_command, filters=_PRIVATE),
        CommandHandler("resume", schedule.resume_command, filters=_PRIVATE),
        _buttons(schedule.SCHEDULE, schedule.schedule_button),
        _buttons(schedule.PAUSE, schedule.pause_button),
        # The network map (clients; professionals reach it from /clients)
        CommandHandler("network", network.network_command, filters=_PRIVATE),
        CommandHandler("myweek", myweek.myweek_command, filters=_PRIVATE),
        _buttons(network.NET, network.network_button),
        # Joining: consent, and a client agreeing to a buddy
        _buttons(onboarding.JOIN, onboarding.join_button),
        _buttons(onboarding.BUDDY, onboarding.buddy_button),
        # Professionals
        CommandHandler("invite", invite.invite_command, filters=_PRIVATE),
        CommandHandler("invitations", invite.invitations_command, filters=_PRIVATE),
        CommandHandler("clients", clients.clients_command, filters=_PRIVATE),
        _buttons(invite.INVITE, invite.invite_button),
        _buttons(invite.REVOKE, invite.revoke_button),
        _buttons(clients.CLIENTS, clients.client_button),
        _buttons(before_after.BEFORE_AFTER, before_after.compare_button),
        _buttons(actions.ACTIONS, actions.action_button),
        _buttons(report.REPORT, report.report_button),
        _buttons(sharing.SHARE, sharing.share_button),
        CommandHandler("digest", digest.digest_command, filters=_PRIVATE),
        CommandHandler("export", export.export_command, filters=_PRIVATE),
        _buttons(export.EXPORT, export.names_button),
        _buttons(digest.DIGEST, digest.digest_button),
        _buttons(digest.CLIENT, digest.client_button),
        _buttons(digest.MOMENT, digest.moment_button),
        _buttons(replies.REPLY, replies.reply_button),
        # Coordinators: the organisation's figures, and handing a caseload over
        CommandHandler("organisation", organisation.organisation_command, filters=_PRIVATE),
        CommandHandler("handover", organisation.handover_command, filters=_PRIVATE),
        _buttons(organisation.ORGANISATION, organisation.handover_button),
        # The menu under the text field: before typed answers, so a tap in the middle of
        # a question (a contact's name, a note) still does what the button says.
        MessageHandler(_PRIVATE & basics.MENU_TAP, basics.menu_tapped(_menu_actions())),
        # Last: typed answers, then anything nobody else took.
        MessageHandler(_PRIVATE & filters.TEXT & ~filters.COMMAND, typed.typed_text),
        MessageHandler(_PRIVATE & (filters.TEXT | filters.COMMAND), basics.not_understood),
        CallbackQueryHandler(buttons.answer_stale),
    ]
