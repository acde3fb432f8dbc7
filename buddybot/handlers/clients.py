"""`/clients`: a professional's caseload, and one client's details with what can be done next."""

from __future__ import annotations

from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update

from buddybot import callbacks
from buddybot.context import BuddyContext
from buddybot.handlers import basics, invite
from buddybot.handlers.buttons import button
from buddybot.handlers.common import Reply
from buddybot.i18n import Translator, text_key
from buddybot.roles import AgeGroup, ParticipantStatus
from buddybot.services import access, caseload, guardians, invitations
from buddybot.services.caseload import CaseloadEntry, ClientDetails
from buddybot.services.invitations import NewInvitation
from buddybot.services.people import Role
from buddybot.settings import Settings

CLIENTS = "cl"


_STATUS_TEXT = {
    ParticipantStatus.INVITED: text_key("status.invited"),
    ParticipantStatus.ACTIVE: text_key("status.active"),
    ParticipantStatus.PAUSED: text_key("status.paused"),
    ParticipantStatus.UNREACHABLE: text_key("status.unreachable"),
    ParticipantStatus.LEFT: text_key("status.left"),
}


_AGE_TEXT = {
    AgeGroup.ADULT: text_key("age.adult"),
    AgeGroup.TEEN: text_key("age.teen"),
    AgeGroup.CHILD: text_key("age.child"),
}


def status_text(tr: Translator, status: ParticipantStatus) -> str:
    """A participant's status in words."""
    return tr(_STATUS_TEXT[status])


def _caseload_reply(tr: Translator, entries: list[CaseloadEntry]) -> Reply:
    if not entries:
        return Reply(tr("clients.none"))
    lines = [tr.plural("clients.header", len(entries))]
    for entry in entries:
        line = tr(
            "clients.line", name=escape(entry.first_name), status=status_text(tr, entry.status)
        )
        if entry.buddies:
            line += tr("clients.with_buddies", buddies=escape(", ".join(entry.buddies)))
        lines.append(line)
    buttons = [[button(entry.first_name, CLIENTS, str(entry.participant_id))] for entry in entries]
    return Reply("\n".join(lines), InlineKeyboardMarkup(buttons))


def _details_reply(tr: Translator, details: ClientDetails, time_zone: str) -> Reply:
    lines = [
        f"<b>{escape(details.first_name)}</b>",
        tr("client.status", status=status_text(tr, details.status)),
    ]
    if details.joined_at is not None and details.consent_stands:
        lines.append(tr("client.joined_on", date=tr.date(details.joined_at, time_zone)))
    else:
        lines.append(tr("client.invited_on", date=tr.date(details.invited_at, time_zone)))
    buddies = ", ".join(details.buddies) if details.buddies else tr("client.no_buddies")
    lines.append(tr("client.buddies", buddies=escape(buddies)))
    lines.append(tr("client.age", age=tr(_AGE_TEXT[details.age_group])))
    client_id = str(details.participant_id)
    rows = []
    if details.age_group is AgeGroup.CHILD and details.guardian_consent_at is None:
        lines.append(tr("client.guardian_waiting"))
        rows.append([button(tr("client.guardian_confirm"), CLIENTS, client_id, "guardian")])
    elif details.age_group is AgeGroup.CHILD and details.guardian_consent_at is not None:
        lines.append(
            tr("client.guardian_given", date=tr.date(details.guardian_consent_at, time_zone))
        )
    if details.status is ParticipantStatus.INVITED:
        rows.append([button(tr("client.new_link"), CLIENTS, client_id, "link")])
    if details.status is ParticipantStatus.ACTIVE and details.consent_stands:
        rows.append([button(tr("client.network"), "net", "show", client_id)])
        rows.append([button(tr("client.schedule"), "sch", client_id, "show")])
    if details.status is not ParticipantStatus.LEFT:  # nothing new for someone who stopped
        rows.append([button(tr("client.invite_buddy"), invite.INVITE, "for", client_id)])
        rows.append([button(tr("client.set_age"), CLIENTS, client_id, "age")])
    rows.append([button(tr("client.back"), CLIENTS, "list")])
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows))


def _age_reply(tr: Translator, details: ClientDetails) -> Reply:
    client_id = str(details.participant_id)
    rows = [
        [button(tr(text), CLIENTS, client_id, "age", group.value)]
        for group, text in _AGE_TEXT.items()
    ]
    rows.append([button(tr("client.back"), CLIENTS, client_id)])
    return Reply(
        tr("client.age_question", name=escape(details.first_name)), InlineKeyboardMarkup(rows)
    )


async def clients_command(update: Update, context: BuddyContext) -> None:
    """The caseload list with a button per client."""
    if context.person.role is not Role.PROFESSIONAL or update.effective_user is None:
        await basics.not_for_role(update, context.tr)
        return
    async with context.runtime.database.transaction() as session:
        professional = await access.acting_professional(session, update.effective_user.id)
        entries = [] if professional is None else await caseload.caseload(session, professional)
    reply = _caseload_reply(context.tr, entries)
    if update.effective_message is not None:
        await update.effective_message.reply_text(reply.text, reply_markup=reply.keyboard)


async def client_button(update: Update, context: BuddyContext) -> None:
    """`cl:list`, `cl:<id>` (details), `cl:<id>:link` (a new invitation link),
    `cl:<id>:age[:<group>]` (the age group) or `cl:<id>:guardian` (a guardian agreed)."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None or not _valid(parsed.parts):
        await basics.stale_button(update, context)
        return
    tr = context.tr
    new_link: tuple[str, NewInvitation] | None = None
    async with context.runtime.database.transaction() as session:
        if parsed.parts == ("list",):
            reply = await _caseload_for(session, query.from_user.id, tr)
        else:
            reply, new_link = await _client_step(
                session,
                query.from_user.id,
                parsed.parts,
                tr,
                context.runtime.settings,
                context.runtime.clock(),
            )
    if reply is None:
        await basics.stale_button(update, context)
        return
    await query.answer()
    if new_link is not None:
        await invite.send_invitation(update, context, tr, *new_link)
    else:
        await query.edit_message_text(reply.text, reply_markup=reply.keyboard)


async def _caseload_for(session: AsyncSession, user_id: int, tr: Translator) -> Reply | None:
    professional = await access.acting_professional(session, user_id)
    if professional is None:
        await access.refuse(session, user_id, "client.list", "professional", None)
        return None
    return _caseload_reply(tr, await caseload.caseload(session, professional))


async def _client_step(
    session: AsyncSession,
    user_id: int,
    parts: tuple[str, ...],
    tr: Translator,
    settings: Settings,
    now: datetime,
) -> tuple[Reply | None, tuple[str, NewInvitation] | None]:
    own = await access.own_client(session, user_id, int(parts[0]), "client.view")
    if own is None:
        return None, None
    if parts[1:2] == ("age",) and len(parts) == 3:
        await guardians.set_age_group(session, own, AgeGroup(parts[2]))
    elif parts[1:] == ("guardian",):
        await guardians.confirm_guardian(session, own, now)
    details = await caseload.client_details(session, own)
    if parts[1:] == ("age",):
        return _age_reply(tr, details), None
    reply = _details_reply(tr, details, settings.timezone)
    if parts[1:] != ("link",):
        return reply, None
    created = await invitations.new_link(
        session, own.professional, own.client, now=now, days=settings.invitation_days
    )
    return reply, None if created is None else (own.client.first_name or "", created)


def _valid(parts: tuple[str, ...]) -> bool:
    if parts == ("list",):
        return True
    ages = tuple(("age", group.value) for group in AgeGroup)
    actions = ((), ("link",), ("age",), ("guardian",), *ages)
    return parts[:1] != () and parts[0].isdigit() and parts[1:] in actions
