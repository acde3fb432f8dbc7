"""Joining by invitation link: `/start <code>` → welcome → language → consent (Agree / Not now,
its details a page at a time behind "Tell me more") → welcome, with the menu.

Until a client or buddy taps Agree, the only thing kept is that their Telegram account has the
link open (the pending link on the invitation). The language they pick travels in the buttons.
What follows what is ``flows/joining.py``, applied by ``services/joining.py``; this module
renders.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup, Update

from buddybot import outgoing
from buddybot.context import BuddyContext
from buddybot.flows import joining as flow
from buddybot.flows.joining import BuddyPress, JoinPress, Screen
from buddybot.handlers import basics, privacy
from buddybot.handlers.basics import menu_keyboard, page_buttons, send_menu
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, on_press, show
from buddybot.handlers.menu import set_personal_menu
from buddybot.i18n import LANGUAGES, Translator, text_key, translator
from buddybot.roles import InvitationRole, ParticipantRole
from buddybot.services import joining
from buddybot.services.joining import ConsentNotice, Joined, Opened, Outcome
from buddybot.services.outbox import Outgoing
from buddybot.services.people import Person, Role

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
# The consent, page by page (flow.CONSENT_PAGES): the short text, then its details. What it
# asks and who sees it differ for a client and a buddy; how long and the rights do not.
_CONSENT_PAGES = {
    InvitationRole.CLIENT: (
        text_key("consent.client"),
        text_key("consent.page.ask_client"),
        text_key("consent.page.who_client"),
        text_key("consent.page.how_long"),
        text_key("consent.page.voluntary"),
    ),
    InvitationRole.BUDDY: (
        text_key("consent.buddy"),
        text_key("consent.page.ask_buddy"),
        text_key("consent.page.who_buddy"),
        text_key("consent.page.how_long"),
        text_key("consent.page.voluntary"),
    ),
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
    opened = await joining.open_link(
        context.runtime.database,
        context.args[0],
        user.id,
        context.runtime.clock(),
        context.tr.language,
    )
    if opened.screen is Screen.PROFESSIONAL_WELCOME:
        role = Role.COORDINATOR if opened.coordinator else Role.PROFESSIONAL
        await set_personal_menu(context.bot, user.id, role, context.tr, context.runtime.settings)
        await message.reply_text(
            context.tr(
                "coordinator.joined" if opened.coordinator else "join.professional",
                name=escape(opened.invitee_name or ""),
                organisation=escape(opened.organisation_name or ""),
            ),
            reply_markup=menu_keyboard(Person(role), context.tr),
        )
    elif opened.screen is Screen.CHOOSE_LANGUAGE:
        await message.reply_text(_welcome(context.tr, opened), reply_markup=_languages(opened))
    else:
        await message.reply_text(context.tr(_OUTCOME_TEXT[opened.outcome]))


def _welcome(tr: Translator, opened: Opened) -> str:
    # Not the invitee's name: a forwarded link must not tell a stranger who was invited.
    values = {
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


def _consent_buttons(press: JoinPress) -> InlineKeyboardMarkup:
    """Agree / Not now on every page of the consent, and the way through its pages."""
    tr = translator(press.language)

    def answer(answer: flow.Answer) -> tuple[str, ...]:
        return (JOIN, *JoinPress(press.invitation_id, press.language, answer).parts())

    def page(number: int) -> tuple[str, ...]:
        return (JOIN, *JoinPress(press.invitation_id, press.language, page=number).parts())

    return InlineKeyboardMarkup(
        [
            [
                button(tr("consent.agree"), *answer(flow.Answer.AGREE)),
                button(tr("consent.not_now"), *answer(flow.Answer.NOT_NOW)),
            ],
            page_buttons(tr, press.page, flow.CONSENT_PAGES - 1, page),
        ]
    )


async def _on_join_press(pressed: Pressed, data: JoinPress, context: BuddyContext) -> Stale | None:
    """A button of the join flow: a language (→ consent text) or Agree / Not now."""
    tr = translator(data.language)
    step = await joining.press(
        context.runtime.database, pressed.telegram_user_id, data, context.runtime.clock()
    )
    if step is None:  # they take part already: the welcome (or what came after) stays
        return STALE
    if step.screen is Screen.WELCOME and step.joined is not None:
        # Kept before anything goes to Telegram: a hiccup answering the newcomer must not
        # cost their professional the news (the update will not be handled again).
        await outgoing.post_from(context, *_joined_notes(context, step.joined))
    await pressed.query.answer()
    if step.screen is Screen.CONSENT and step.notice is not None:
        text = _consent_text(context, tr, step.notice, data.page)
        await show(pressed.query, text, _consent_buttons(data))
    elif step.screen is Screen.DECLINED:
        await show(pressed.query, tr("consent.declined"), None)
    elif step.screen is Screen.WELCOME and step.joined is not None:
        await _welcome_in(context, pressed, tr, step.joined)
    else:
        await show(pressed.query, tr("join.no_longer_valid"), None)
    return None


join_button = on_press(flow.parse_press, _on_join_press)


async def _welcome_in(
    context: BuddyContext, pressed: Pressed, tr: Translator, joined: Joined
) -> None:
    """The consent becomes the welcome; the menu comes in a message of its own (a
    message carries inline buttons or a menu, not both), saying what its buttons do."""
    role = Role.CLIENT if joined.role is ParticipantRole.CLIENT else Role.BUDDY
    await set_personal_menu(
        context.bot, pressed.telegram_user_id, role, tr, context.runtime.settings
    )
    client = joined.role is ParticipantRole.CLIENT
    welcome = tr(
        "consent.welcome_client" if client else "consent.welcome_buddy",
        name=escape(joined.first_name),
    )
    await show(pressed.query, welcome, None)
    await send_menu(context, pressed.telegram_user_id, Person(role), tr)


def _consent_text(context: BuddyContext, tr: Translator, notice: ConsentNotice, page: int) -> str:
    months = notice.retention_months or context.runtime.settings.retention_months
    role = InvitationRole.BUDDY if notice.role is InvitationRole.BUDDY else InvitationRole.CLIENT
    return tr(
        _CONSENT_PAGES[role][page],
        professional=escape(notice.professional_name),
        organisation=escape(notice.organisation_name),
        retention=tr.plural("privacy.retention", months),
    )


def _joined_notes(context: BuddyContext, joined: Joined) -> list[Outgoing]:
    """The news of someone who joined: for their professional, and for a buddy's client(s)
    the question whether this buddy may log their meetups."""
    runtime = context.runtime
    name = escape(joined.first_name)
    messages: list[Outgoing] = []
    if joined.professional_telegram_id is not None:
        professional_tr = runtime.translator_in(joined.professional_language)
        text = professional_tr(
            "notify.client_joined"
            if joined.role is ParticipantRole.CLIENT
            else "notify.buddy_joined",
            name=name,
        )
        messages.append(Outgoing(joined.professional_telegram_id, text, "note to a professional"))
    for client in joined.clients_to_ask:
        client_tr = runtime.translator_in(client.language)
        buttons = InlineKeyboardMarkup(
            [
                [
                    button(client_tr("buddy.agree"), BUDDY, str(client.link_id), flow.Answer.AGREE),
                    button(
                        client_tr("buddy.decline"), BUDDY, str(client.link_id), flow.Answer.NOT_NOW
                    ),
                ]
            ]
        )
        messages.append(
            Outgoing(
                client.telegram_user_id,
                client_tr("buddy.ask", buddy=name, professional=escape(joined.professional_name)),
                "a client asked about a buddy",
                buttons=outgoing.buttons_of(buttons),
                participant_id=client.client_id,
            )
        )
    return messages


async def _on_buddy_press(
    pressed: Pressed, data: BuddyPress, context: BuddyContext
) -> Stale | None:
    """A client answers whether a new buddy may log their meetups here."""
    agree = data.agree
    answer = await joining.answer_about_buddy(
        context.runtime.database,
        pressed.telegram_user_id,
        data.link_id,
        agree=agree,
        now=context.runtime.clock(),
    )
    if answer is None:
        return STALE
    buddy, client = escape(answer.buddy_first_name), escape(answer.client_first_name)
    messages: list[Outgoing] = []
    if agree and answer.buddy_telegram_id is not None:
        buddy_tr = context.runtime.translator_in(answer.buddy_language)
        text = buddy_tr("buddy.agreed_for_buddy", client=client)
        messages.append(
            Outgoing(
                answer.buddy_telegram_id, text, "note to a buddy", participant_id=answer.buddy_id
            )
        )
    if answer.professional_telegram_id is not None:
        professional_tr = context.runtime.translator_in(answer.professional_language)
        text = professional_tr(
            "notify.buddy_agreed" if agree else "notify.buddy_declined", client=client, buddy=buddy
        )
        messages.append(Outgoing(answer.professional_telegram_id, text, "note to a professional"))
    await outgoing.post_from(context, *messages)  # kept before the answer can fail
    query = pressed.query
    await query.answer()
    await show(query, context.tr("buddy.agreed" if agree else "buddy.declined", buddy=buddy), None)
    return None


buddy_button = on_press(flow.parse_buddy_press, _on_buddy_press)
