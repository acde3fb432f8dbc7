"""Professionals invite clients and buddies: `/invite` → whom → first name → link + QR code;
`/invitations` lists open invitations with a button to withdraw each. The conversation is
``flows/invitation.py``, applied by ``services/invitations.py``; this module renders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from buddybot.context import BuddyContext
from buddybot.flows import invitation as flow
from buddybot.handlers import basics
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, number, on_press, show
from buddybot.handlers.common import Reply, replies, send_replies, show_replies
from buddybot.handlers.pages import paging_row
from buddybot.i18n import Translator, text_key
from buddybot.paging import page_of
from buddybot.qr import qr_png
from buddybot.roles import ParticipantRole
from buddybot.services import invitations
from buddybot.services.invitations import InviteStep, NewInvitation, OpenInvitation
from buddybot.services.people import Role

INVITE = "inv"
REVOKE = "invx"
TOPIC_CLIENT = invitations.TOPIC_CLIENT
TOPIC_BUDDY = invitations.TOPIC_BUDDY
TOPIC_COORDINATOR = invitations.TOPIC_COORDINATOR
# Clients or invitations a page: their lines and buttons fit one message and one keyboard.
PAGE_SIZE = 20


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
            [button(tr("invite.a_coordinator"), INVITE, "coord")],
            _cancel_row(tr),
        ]
    )
    if update.effective_message is not None:
        await update.effective_message.reply_text(tr("invite.question"), reply_markup=keyboard)


@dataclass(frozen=True)
class InvitePress:
    """A button of /invite (``flows/invitation.py``), and for ``inv:buddy:<page>`` the page
    of clients to pick the buddy's client from."""

    event: flow.Press
    page: int = 0


def _parse_invite(parts: tuple[str, ...]) -> InvitePress | None:
    if len(parts) == 2 and parts[0] == flow.Choice.BUDDY.value:
        page = number(parts[1])
        return None if page is None else InvitePress(flow.Press(flow.Choice.BUDDY), page)
    event = flow.parse_press(parts)
    return None if event is None else InvitePress(event)


async def _on_invite_press(
    pressed: Pressed, data: InvitePress, context: BuddyContext
) -> Stale | None:
    """The buttons of /invite: client, buddy, a client for the buddy, or cancel."""
    step = await invitations.choose_invite(
        context.runtime.database, pressed.telegram_user_id, data.event, context.runtime.clock()
    )
    if step is None:
        return STALE
    reply = _invite_reply(context.tr, step, data.page)
    await pressed.query.answer()
    await show(pressed.query, reply.text, reply.keyboard)
    return None


invite_button = on_press(_parse_invite, _on_invite_press)


def _invite_reply(tr: Translator, step: InviteStep, page: int = 0) -> Reply:
    outcome = step.outcome
    if isinstance(outcome, flow.Cancelled):
        return Reply(tr("invite.cancelled"))
    if isinstance(outcome, flow.PickClient):
        if not step.clients:
            return Reply(tr("invite.no_clients"))
        # A button per client, a page at a time: a keyboard holds 100 (pages.BUTTONS_LIMIT).
        shown = page_of(len(step.clients), page, PAGE_SIZE)
        rows = [
            [button(name, INVITE, "for", str(client_id))]
            for client_id, name in step.clients[shown.items]
        ]
        paging = paging_row(tr, shown, INVITE, "buddy")
        if paging:
            rows.append(paging)
        return Reply(tr("invite.pick_client"), InlineKeyboardMarkup([*rows, _cancel_row(tr)]))
    if outcome.state.coordinator:
        return Reply(tr("invite.coordinator_name"), InlineKeyboardMarkup([_cancel_row(tr)]))
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
    if update.effective_chat is not None:
        await send_invitation_to(update.effective_chat.id, context, tr, name, created)


async def send_invitation_to(
    chat_id: int,
    context: BuddyContext,
    tr: Translator,
    name: str,
    created: NewInvitation,
) -> None:
    """:func:`send_invitation` to the chat ``chat_id`` (after a press: to the presser's chat,
    whether or not Telegram still shows the pressed message)."""
    link = invitations.deep_link(context.bot.username, created.code)
    await context.bot.send_photo(
        chat_id,
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
    open_ones = await invitations.open_invitations(
        context.runtime.database, context.person.record_id, context.runtime.clock()
    )
    if update.effective_message is None:
        return
    listing = _invitations_replies(context, open_ones, 0)
    await send_replies(update.effective_message, listing)


def _invitations_replies(
    context: BuddyContext, open_ones: Sequence[OpenInvitation], page: int
) -> list[Reply]:
    """One page of the open invitations, a line and a withdraw button each, with Previous
    and Next when there are more (there is no maximum; a keyboard holds 100 buttons,
    pages.BUTTONS_LIMIT)."""
    tr = context.tr
    if not open_ones:
        return [Reply(tr("invitations.none"))]
    time_zone = context.runtime.settings.timezone
    shown = page_of(len(open_ones), page, PAGE_SIZE)
    lines = [tr("invitations.header")]
    rows = []
    for invitation in open_ones[shown.items]:
        name = escape(invitation.first_name)
        role = tr("role.client" if invitation.role is ParticipantRole.CLIENT else "role.buddy")
        until = tr.date(invitation.expires_at, time_zone)
        line = text_key("invitations.line_held" if invitation.held else "invitations.line")
        lines.append(tr(line, name=name, role=role, date=until))
        revoke = tr("invitations.revoke", name=invitation.first_name)
        row = [button(revoke, REVOKE, str(invitation.invitation_id))]
        if invitation.held:
            row.append(
                button(tr("invitations.renew"), REVOKE, str(invitation.invitation_id), "new")
            )
        rows.append(row)
    paging = paging_row(tr, shown, REVOKE, "page")
    if paging:
        rows.append(paging)
    return replies(["\n".join(lines)], InlineKeyboardMarkup(rows))


@dataclass(frozen=True)
class RevokePress:
    """``invx:<invitation>`` (withdraw it), ``invx:<invitation>:new`` (``renew``: a fresh
    link in its place) or ``invx:page:<n>`` (``invitation_id`` None: another page)."""

    invitation_id: int | None
    page: int = 0
    renew: bool = False


def _parse_revoke(parts: tuple[str, ...]) -> RevokePress | None:
    if len(parts) == 2 and parts[0] == "page":
        page = number(parts[1])
        return None if page is None else RevokePress(None, page)
    if len(parts) == 2 and parts[1] == "new":
        invitation_id = number(parts[0])
        return None if invitation_id is None else RevokePress(invitation_id, renew=True)
    invitation_id = number(parts[0]) if len(parts) == 1 else None
    return None if invitation_id is None else RevokePress(invitation_id)


async def _on_revoke_press(
    pressed: Pressed, data: RevokePress, context: BuddyContext
) -> Stale | None:
    """Withdraw one invitation or put a fresh link in its place (only its maker may), or
    show another page of them."""
    database, now = context.runtime.database, context.runtime.clock()
    if data.invitation_id is None:
        if context.person.role is not Role.PROFESSIONAL or context.person.record_id is None:
            return STALE
        open_ones = await invitations.open_invitations(database, context.person.record_id, now)
        await pressed.query.answer()
        await show_replies(pressed.query, _invitations_replies(context, open_ones, data.page))
        return None
    if data.renew:
        days = context.runtime.settings.invitation_days
        renewed = await invitations.renew_own(
            database, pressed.telegram_user_id, data.invitation_id, now, days
        )
        if renewed is None:
            return STALE
        await pressed.query.answer()
        renewed_name, created = renewed
        await show(
            pressed.query, context.tr("invitations.renewed", name=escape(renewed_name)), None
        )
        await send_invitation_to(
            pressed.telegram_user_id, context, context.tr, renewed_name, created
        )
        return None
    name = await invitations.revoke_own(database, pressed.telegram_user_id, data.invitation_id, now)
    if name is None:
        return STALE
    await pressed.query.answer()
    await show(pressed.query, context.tr("invitations.revoked", name=escape(name)), None)
    return None


revoke_button = on_press(_parse_revoke, _on_revoke_press)
