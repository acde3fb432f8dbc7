"""Professionals invite clients and buddies: `/invite` → whom → first name → link + QR code;
`/invitations` lists open invitations with a button to withdraw each."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from buddybot import callbacks
from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.buttons import button
from buddybot.handlers.common import Reply
from buddybot.i18n import Translator
from buddybot.qr import qr_png
from buddybot.roles import ParticipantRole
from buddybot.services import access, caseload, invitations, questions
from buddybot.services.invitations import NewInvitation
from buddybot.services.people import Role
from buddybot.storage import invitations as stored_invitations

INVITE = "inv"
REVOKE = "invx"
TOPIC_CLIENT = "invite.client"
TOPIC_BUDDY = "invite.buddy"


def _cancel_row(tr: Translator) -> list[InlineKeyboardButton]:
    return [button(tr("button.cancel"), INVITE, "cancel")]


async def invite_command(update: Update, context: BuddyContext) -> None:
    """Ask whom the professional wants to invite."""
    if context.person.role is not Role.PROFESSIONAL:
        await basics.not_for_role(update, context.tr)
        return
    tr = context.tr
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


async def invite_button(update: Update, context: BuddyContext) -> None:
    """The buttons of /invite: client, buddy, a client for the buddy, or cancel."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None or not _valid_invite(parsed.parts):
        await basics.stale_button(update, context)
        return
    tr = context.tr
    async with context.runtime.database.transaction() as session:
        reply = await _invite_step(
            session, query.from_user.id, parsed.parts, tr, context.runtime.clock()
        )
    if reply is None:
        await basics.stale_button(update, context)
        return
    await query.answer()
    await query.edit_message_text(reply.text, reply_markup=reply.keyboard)


async def _invite_step(
    session: AsyncSession, user_id: int, parts: tuple[str, ...], tr: Translator, now: datetime
) -> Reply | None:
    professional = await access.acting_professional(session, user_id)
    if professional is None:
        await access.refuse(session, user_id, "invite", "professional", None)
        return None
    step = parts[0]
    if step == "cancel":
        await questions.answered(session, user_id)
        return Reply(tr("invite.cancelled"))
    if step == "client":
        await questions.expect(session, user_id, TOPIC_CLIENT, now=now)
        return Reply(tr("invite.client_name"), InlineKeyboardMarkup([_cancel_row(tr)]))
    if step == "buddy":
        entries = await caseload.caseload(session, professional)
        if not entries:
            return Reply(tr("invite.no_clients"))
        rows = [[button(e.first_name, INVITE, "for", str(e.participant_id))] for e in entries]
        return Reply(tr("invite.pick_client"), InlineKeyboardMarkup([*rows, _cancel_row(tr)]))
    # "for" + a client id: the buddy's first name comes next.
    own = await access.own_client(
        session, user_id, int(parts[1]), "invite.buddy", still_taking_part=True
    )
    if own is None:
        return None
    await questions.expect(
        session, user_id, TOPIC_BUDDY, now=now, data={"client_id": own.client.id}
    )
    return Reply(
        tr("invite.buddy_name", client=escape(own.client.first_name or "")),
        InlineKeyboardMarkup([_cancel_row(tr)]),
    )


def _valid_invite(parts: tuple[str, ...]) -> bool:
    if parts in {("client",), ("buddy",), ("cancel",)}:
        return True
    return len(parts) == 2 and parts[0] == "for" and parts[1].isdigit()


async def name_typed(
    update: Update, context: BuddyContext, topic: str, data: dict[str, Any]
) -> None:
    """The first name for an invitation was typed: make the invitation, send link and QR."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    tr = context.tr
    name = invitations.clean_name(message.text)
    if name is None:
        await message.reply_text(
            tr("invite.bad_name"), reply_markup=InlineKeyboardMarkup([_cancel_row(tr)])
        )
        return
    days = context.runtime.settings.invitation_days
    now = context.runtime.clock()
    async with context.runtime.database.transaction() as session:
        created: NewInvitation | None = None
        if topic == TOPIC_CLIENT:
            professional = await access.acting_professional(session, user.id)
            if professional is not None:
                created = await invitations.invite_client(
                    session, professional, name, now=now, days=days
                )
        else:
            own = await access.own_client(
                session, user.id, int(data["client_id"]), "invite.buddy", still_taking_part=True
            )
            if own is not None:
                created = await invitations.invite_buddy(
                    session, own.professional, own.client, name, now=now, days=days
                )
        await questions.answered(session, user.id)
    if created is None:
        await message.reply_text(tr("button.stale"))
        return
    await send_invitation(update, context, tr, name, created)


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
    async with context.runtime.database.transaction() as session:
        open_ones = await stored_invitations.open_invitations_by(
            session, context.person.record_id, context.runtime.clock()
        )
    if update.effective_message is None:
        return
    if not open_ones:
        await update.effective_message.reply_text(tr("invitations.none"))
        return
    time_zone = context.runtime.settings.timezone
    lines = [tr("invitations.header")]
    buttons = []
    for invitation, person in open_ones:
        name = escape(person.first_name or "")
        role = tr("role.client" if person.role is ParticipantRole.CLIENT else "role.buddy")
        until = tr.date(invitation.expires_at, time_zone)
        lines.append(tr("invitations.line", name=name, role=role, date=until))
        buttons.append(
            [
                button(
                    tr("invitations.revoke", name=person.first_name or ""),
                    REVOKE,
                    str(invitation.id),
                )
            ]
        )
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(buttons)
    )


async def revoke_button(update: Update, context: BuddyContext) -> None:
    """Withdraw one invitation (only its maker may)."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None or len(parsed.parts) != 1 or not parsed.parts[0].isdigit():
        await basics.stale_button(update, context)
        return
    now = context.runtime.clock()
    async with context.runtime.database.transaction() as session:
        invitation = await access.own_open_invitation(
            session, query.from_user.id, int(parsed.parts[0]), now
        )
        name = (
            None if invitation is None else await invitations.revoke(session, invitation, now=now)
        )
    if name is None:
        await basics.stale_button(update, context)
        return
    tr = context.tr
    await query.answer()
    await query.edit_message_text(tr("invitations.revoked", name=escape(name)))
