"""Joining by invitation link: `/start <code>` → welcome → language → consent (Agree / Not now).

Until a client or buddy taps Agree, the only thing kept is that their Telegram account has the
link open (the pending link on the invitation). The language they pick travels in the buttons.
"""

from __future__ import annotations

from html import escape

from telegram import Bot, InlineKeyboardMarkup, Update

from buddybot import callbacks
from buddybot.context import BuddyContext
from buddybot.handlers import basics, privacy
from buddybot.handlers.buttons import button
from buddybot.handlers.menu import set_personal_menu
from buddybot.i18n import LANGUAGES, Translator, text_key, translator
from buddybot.roles import InvitationRole, ParticipantRole
from buddybot.services import access, invitations
from buddybot.services.invitations import Joined, Opened, Outcome
from buddybot.services.people import Role

JOIN = "join"
BUDDY = "bud"
_OUTCOME_TEXT = {
    Outcome.UNKNOWN: text_key("join.unknown"),
    Outcome.EXPIRED: text_key("join.expired"),
    Outcome.USED: text_key("join.used"),
    Outcome.REVOKED: text_key("join.revoked"),
    Outcome.TAKEN: text_key("join.taken"),
    Outcome.ALREADY_JOINED: text_key("join.already_joined"),
    Outcome.TOO_MANY_TRIES: text_key("join.too_many_tries"),
}


async def start(update: Update, context: BuddyContext) -> None:
    """`/start` with a code opens an invitation; without one it is the plain greeting, or for
    someone who said /stop, the way back in."""
    if not context.args:
        if context.person.consent_withdrawn and update.effective_message is not None:
            text, keyboard = privacy.resume_offer(context.tr, context.person.first_name or "")
            await update.effective_message.reply_text(text, reply_markup=keyboard)
        else:
            await basics.start(update, context)
        return
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return
    async with context.runtime.database.transaction() as session:
        opened = await invitations.open_invitation(
            session, context.args[0], user.id, now=context.runtime.clock()
        )
    if opened.outcome is Outcome.PROFESSIONAL_JOINED:
        await set_personal_menu(context.bot, user.id, Role.PROFESSIONAL, context.tr)
        await message.reply_text(
            context.tr(
                "join.professional",
                name=escape(opened.invitee_name or ""),
                organisation=escape(opened.organisation_name or ""),
            )
        )
    elif opened.outcome is Outcome.ASK_CONSENT:
        await message.reply_text(_welcome(context.tr, opened), reply_markup=_languages(opened))
    else:
        await message.reply_text(context.tr(_OUTCOME_TEXT[opened.outcome]))


def _welcome(tr: Translator, opened: Opened) -> str:
    values = {
        "name": escape(opened.invitee_name or ""),
        "professional": escape(opened.professional_name or ""),
        "organisation": escape(opened.organisation_name or ""),
    }
    if opened.role is InvitationRole.BUDDY:
        return tr("join.welcome_buddy", **values)
    return tr("join.welcome_client", **values)


def _languages(opened: Opened) -> InlineKeyboardMarkup:
    assert opened.invitation_id is not None
    return InlineKeyboardMarkup(
        [
            [
                button(
                    translator(language)("language.name"), JOIN, str(opened.invitation_id), language
                )
                for language in LANGUAGES
            ]
        ]
    )


def _consent_buttons(invitation_id: int, language: str) -> InlineKeyboardMarkup:
    tr = translator(language)
    return InlineKeyboardMarkup(
        [
            [
                button(tr("consent.agree"), JOIN, str(invitation_id), language, "yes"),
                button(tr("consent.not_now"), JOIN, str(invitation_id), language, "no"),
            ]
        ]
    )


async def join_button(update: Update, context: BuddyContext) -> None:
    """A button of the join flow: a language (→ consent text) or Agree / Not now."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None or not _valid_join(parsed.parts):
        await basics.stale_button(update, context)
        return
    invitation_id, language = int(parsed.parts[0]), parsed.parts[1]
    tr = translator(language)
    if len(parsed.parts) == 2:
        await _show_consent(update, context, invitation_id, tr)
        return
    async with context.runtime.database.transaction() as session:
        joined = await invitations.answer_consent(
            session,
            invitation_id,
            query.from_user.id,
            agree=parsed.parts[2] == "yes",
            language=language,
            now=context.runtime.clock(),
        )
    await query.answer()
    if parsed.parts[2] == "no":
        await query.edit_message_text(tr("consent.declined"))
    elif joined is None:
        await query.edit_message_text(tr("join.no_longer_valid"))
    else:
        await _welcome_joined(context.bot, query.from_user.id, joined, tr)
        await query.edit_message_text(
            tr(
                "consent.welcome_client"
                if joined.role is ParticipantRole.CLIENT
                else "consent.welcome_buddy",
                name=escape(joined.first_name),
            )
        )


def _valid_join(parts: tuple[str, ...]) -> bool:
    if len(parts) not in (2, 3) or not parts[0].isdigit() or parts[1] not in LANGUAGES:
        return False
    return len(parts) == 2 or parts[2] in ("yes", "no")


async def _show_consent(
    update: Update, context: BuddyContext, invitation_id: int, tr: Translator
) -> None:
    query = update.callback_query
    assert query is not None
    async with context.runtime.database.transaction() as session:
        notice = await invitations.consent_notice(
            session, invitation_id, query.from_user.id, now=context.runtime.clock()
        )
    await query.answer()
    if notice is None:
        await query.edit_message_text(tr("join.no_longer_valid"))
        return
    months = notice.retention_months or context.runtime.settings.retention_months
    await query.edit_message_text(
        tr(
            "consent.buddy" if notice.role is InvitationRole.BUDDY else "consent.client",
            professional=escape(notice.professional_name),
            organisation=escape(notice.organisation_name),
            retention=tr.plural("privacy.retention", months),
        ),
        reply_markup=_consent_buttons(invitation_id, tr.language),
    )


async def _welcome_joined(bot: Bot, telegram_user_id: int, joined: Joined, tr: Translator) -> None:
    """Tell the professional, ask the buddy's client(s), and set the newcomer's menu."""
    role = Role.CLIENT if joined.role is ParticipantRole.CLIENT else Role.BUDDY
    await set_personal_menu(bot, telegram_user_id, role, tr)
    name = escape(joined.first_name)
    if joined.professional_telegram_id is not None:
        professional_tr = translator(joined.professional_language)
        await bot.send_message(
            joined.professional_telegram_id,
            professional_tr(
                "notify.client_joined" if role is Role.CLIENT else "notify.buddy_joined", name=name
            ),
        )
    for client in joined.clients_to_ask:
        client_tr = translator(client.language)
        buttons = InlineKeyboardMarkup(
            [
                [
                    button(client_tr("buddy.agree"), BUDDY, str(client.link_id), "yes"),
                    button(client_tr("buddy.decline"), BUDDY, str(client.link_id), "no"),
                ]
            ]
        )
        await bot.send_message(
            client.telegram_user_id,
            client_tr("buddy.ask", buddy=name, professional=escape(joined.professional_name)),
            reply_markup=buttons,
        )


async def buddy_button(update: Update, context: BuddyContext) -> None:
    """A client answers whether a new buddy may log their meetups here."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if (
        query is None
        or parsed is None
        or len(parsed.parts) != 2
        or not parsed.parts[0].isdigit()
        or parsed.parts[1] not in ("yes", "no")
    ):
        await basics.stale_button(update, context)
        return
    agree = parsed.parts[1] == "yes"
    async with context.runtime.database.transaction() as session:
        link = await access.buddy_link_to_answer(session, query.from_user.id, int(parsed.parts[0]))
        answer = (
            None
            if link is None or link.client_agreed_at is not None
            else await invitations.answer_buddy_consent(
                session, link, agree=agree, now=context.runtime.clock()
            )
        )
    if answer is None:
        await basics.stale_button(update, context)
        return
    await query.answer()
    buddy = escape(answer.buddy_first_name)
    await query.edit_message_text(
        context.tr("buddy.agreed" if agree else "buddy.declined", buddy=buddy)
    )
    client = escape(answer.client_first_name)
    if agree and answer.buddy_telegram_id is not None:
        await context.bot.send_message(
            answer.buddy_telegram_id,
            translator(answer.buddy_language)("buddy.agreed_for_buddy", client=client),
        )
    if answer.professional_telegram_id is not None:
        await context.bot.send_message(
            answer.professional_telegram_id,
            translator(answer.professional_language)(
                "notify.buddy_agreed" if agree else "notify.buddy_declined",
                client=client,
                buddy=buddy,
            ),
        )
