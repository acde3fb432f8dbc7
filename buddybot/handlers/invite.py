"""Professionals invite clients and buddies: `/invite` → whom → first name → link + QR code;
`/invitations` lists open invitations with a button to withdraw each. The conversation is
``flows/invitation.py``, applied by ``services/invitations.py``; this module renders."""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from buddybot.context import BuddyContext
from buddybot.flows import invitation as flow
from buddybot.handlers import basics
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, number, on_press, show
from buddybot.handlers.common import Reply
from buddybot.i18n import Translator
from buddybot.qr import qr_png
from buddybot.roles import ParticipantRole
from buddybot.services import invitations
from buddybot.services.invitations import InviteStep, NewInvitation
from buddybot.services.people import Role

INVITE = "inv"
REVOKE = "invx"
TOPIC_CLIENT = invitations.TOPIC_CLIENT
TOPIC_BUDDY = invitations.TOPIC_BUDDY


def _cancel_row(tr: Translator) -> list[InlineKeyboardButton]:
    return [button(tr("button.cancel"), INVITE, "cancel")]


async def invite_command(update: Update, context: BuddyContext) -> None:
    """Ask whom the professional wants to invite."""
    user = update.effective_user
    if context.person.role is not Role.PROFESSIONAL or user is None:
        await basics.not_for_role(update, context.tr)
        return
    tr = context.tr
    await invitations.begin_invite(context.runtime.database, user.id)
    keyboard = InlineKeyboardMarkup(
        [
            [
                button(tr("invite.a_client"), INVITE, "client"),
                button(tr("invite.a_buddy"), INVITE, "buddy"),
            ],
            _cancel_row(tr),
        ]
    )
    if update.effective_message is not None:
        await update.effective_message.reply_text(tr("invite.question"), reply_markup=keyboard)


async def _on_invite_press(
    pressed: Pressed, event: flow.Press, context: BuddyContext
) -> Stale | None:
    """The buttons of /invite: client, buddy, a client for the buddy, or cancel."""
    step = await invitations.choose_invite(
        context.runtime.database, pressed.telegram_user_id, event, context.runtime.clock()
    )
    if step is None:
        return STALE
    reply = _invite_reply(context.tr, step)
    await pressed.query.answer()
    await show(pressed.query, reply.text, reply.keyboard)
    return None


invite_button = on_press(flow.parse_press, _on_invite_press)


def _invite_reply(tr: Translator, step: InviteStep) -> Reply:
    outcome = step.outcome
    if isinstance(outcome, flow.Cancelled):
        return Reply(tr("invite.cancelled"))
    if isinstance(outcome, flow.PickClient):
        if not step.clients:
            return Reply(tr("invite.no_clients"))
        rows = [[button(name, INVITE, "for", str(client_id))] for client_id, name in step.clients]
        return Reply(tr("invite.pick_client"), InlineKeyboardMarkup([*rows, _cancel_row(tr)]))
    if outcome.state.for_client is None:
        return Reply(tr("invite.client_name"), InlineKeyboardMarkup([_cancel_row(tr)]))
    return Reply(
        tr("invite.buddy_name", client=escape(step.client_name)),
        InlineKeyboardMarkup([_cancel_row(tr)]),
    )


async def name_typed(
    update: Update, context: BuddyContext, topic: str, data: dict[str, Any]
) -> None:
    """The first name for an invitation was typed (the awaited question ``topic`` with
    ``data``): make the invitation, send link and QR; or ask again."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    tr = context.tr
    state = flow.from_question(topic, data)
    outcome = (
        None
        if state is None
        else await invitations.name_typed(
            context.runtime.database,
            user.id,
            state,
            message.text,
            now=context.runtime.clock(),
            days=context.runtime.settings.invitation_days,
        )
    )
    if isinstance(outcome, flow.BadName):
        await message.reply_text(
            tr("invite.bad_name"), reply_markup=InlineKeyboardMarkup([_cancel_row(tr)])
        )
    elif outcome is None:
        await message.reply_text(tr("button.stale"))
    else:
        await send_invitation(update, context, tr, outcome.name, outcome.invitation)


async def send_invitation(
    update: Update, context: BuddyContext, tr: Translator, name: str, created: NewInvitation
) -> None:
    """The link as text and as a QR picture, with how long it works."""
    await send_invitation_to(update.effective_message, context, tr, name, created)


async def send_invitation_to(
    message: Message | None,
    context: BuddyContext,
    tr: Translator,
    name: str,
    created: NewInvitation,
) -> None:
    """:func:`send_invitation` as a reply to ``message`` (the pressed one, say)."""
    if message is None:
        return
    link = invitations.deep_link(context.bot.username, created.code)
    await message.reply_photo(
        qr_png(link),
        caption=tr(
            "invite.ready",
            name=escape(name),
            link=link,
            date=tr.date(created.expires_at, context.runtime.settings.timezone),
        ),
    )


async def invitations_command(update: Update, context: BuddyContext) -> None:
    """The professional's open invitations, each with a button to withdraw it."""
    if context.person.role is not Role.PROFESSIONAL or context.person.record_id is None:
        await basics.not_for_role(update, context.tr)
        return
    tr = context.tr
    open_ones = await invitations.open_invitations(
        context.runtime.database, context.person.record_id, context.runtime.clock()
    )
    if update.effective_message is None:
        return
    if not open_ones:
        await update.effective_message.reply_text(tr("invitations.none"))
        return
    time_zone = context.runtime.settings.timezone
    lines = [tr("invitations.header")]
    buttons = []
    for invitation in open_ones:
        name = escape(invitation.first_name)
        role = tr("role.client" if invitation.role is ParticipantRole.CLIENT else "role.buddy")
        until = tr.date(invitation.expires_at, time_zone)
        lines.append(tr("invitations.line", name=name, role=role, date=until))
        revoke = tr("invitations.revoke", name=invitation.first_name)
        buttons.append([button(revoke, REVOKE, str(invitation.invitation_id))])
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(buttons)
    )


def _parse_revoke(parts: tuple[str, ...]) -> int | None:
    return number(parts[0]) if len(parts) == 1 else None


async def _on_revoke_press(
    pressed: Pressed, invitation_id: int, context: BuddyContext
) -> Stale | None:
    """Withdraw one invitation (only its maker may)."""
    name = await invitations.revoke_own(
        context.runtime.database, pressed.telegram_user_id, invitation_id, context.runtime.clock()
    )
    if name is None:
        return STALE
    await pressed.query.answer()
    await show(pressed.query, context.tr("invitations.revoked", name=escape(name)), None)
    return None


revoke_button = on_press(_parse_revoke, _on_revoke_press)
