"""`/clients`: a professional's caseload, and one client's details with what can be done next."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from buddybot.context import BuddyContext
from buddybot.handlers import basics, invite
from buddybot.handlers.actions import ACTIONS, effect_summary
from buddybot.handlers.before_after import BEFORE_AFTER
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, number, on_press, show
from buddybot.handlers.common import Reply, replies, send_replies, show_replies
from buddybot.handlers.digest import FLAG_TEXT
from buddybot.handlers.figures import arrow
from buddybot.handlers.figures import number as decimal
from buddybot.handlers.mini_app import dashboard_button
from buddybot.handlers.pages import paging_row
from buddybot.handlers.report import REPORT
from buddybot.i18n import Translator, text_key
from buddybot.metrics import TREND_WEEKS
from buddybot.paging import page_of
from buddybot.roles import AgeGroup, ParticipantStatus
from buddybot.services import caseload
from buddybot.services.caseload import ClientAction, ClientDetails, Glance
from buddybot.services.people import Role

CLIENTS = "cl"
# Clients a page of /clients: their lines and buttons fit one message and one keyboard.
PAGE_SIZE = 20


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


_HAS_HISTORY = (ParticipantStatus.ACTIVE, ParticipantStatus.PAUSED, ParticipantStatus.UNREACHABLE)


def status_text(tr: Translator, status: ParticipantStatus) -> str:
    """A participant's status in words."""
    return tr(_STATUS_TEXT[status])


def glance_facts(tr: Translator, glance: Glance) -> str | None:
    """Last week's facts of a client as the digest counts them, in one line: the last
    answer, contacts and mood with ▲▼ against the weeks before; None when there are none.
    No names in it, so no HTML either."""
    entry, week = glance.entry, glance.week
    facts = []
    if glance.last_answer is not None:
        day = format_date(glance.last_answer, format="d MMM", locale=tr.language)
        facts.append(tr("clients.last_answer", date=day))
    elif week is not None and entry.status is not ParticipantStatus.LEFT:
        facts.append(tr("clients.never_answered"))
    if week is not None and week.events is not None:
        facts.append(
            tr.plural("clients.contacts", week.events) + arrow(week.events, week.events_before)
        )
    if week is not None and week.mood is not None:
        mood = tr("clients.mood", mood=decimal(tr, week.mood))
        facts.append(mood + arrow(week.mood, week.mood_before))
    return " · ".join(facts) if facts else None


def glance_flags(tr: Translator, glance: Glance) -> list[str]:
    """Why to look at this client, in words (empty when nothing asks for attention)."""
    return [] if glance.week is None else [tr(FLAG_TEXT[flag]) for flag in glance.week.flags]


def _glance_lines(tr: Translator, glance: Glance) -> list[str]:
    """A client's line (⚠️ first when a flag asks for attention) and, under it, the facts
    of last week as the digest counts them, with the flags in words."""
    entry = glance.entry
    line = tr("clients.line", name=escape(entry.first_name), status=status_text(tr, entry.status))
    if entry.buddies:
        line += tr("clients.with_buddies", buddies=escape(", ".join(entry.buddies)))
    lines = [("⚠️ " if glance.needs_attention else "") + line]
    facts = glance_facts(tr, glance)
    if facts:
        lines.append("   " + facts)
    lines += [f"   ⚠️ {flag}" for flag in glance_flags(tr, glance)]
    return lines


def _caseload_replies(
    tr: Translator,
    glances: list[Glance],
    page: int,
    dashboard: InlineKeyboardButton | None = None,
) -> list[Reply]:
    """One page of the caseload at a glance, those needing attention first: each client's
    lines and a button each, with Previous and Next when there are more (a caseload has no
    maximum, a keyboard holds 100 buttons, pages.BUTTONS_LIMIT); a page too long for one
    message is split between clients. ``dashboard`` (the Mini App) comes first."""
    if not glances:
        return [Reply(tr("clients.none"))]
    shown = page_of(len(glances), page, PAGE_SIZE)
    attention = sum(glance.needs_attention for glance in glances)
    header = tr.plural("clients.header", len(glances))
    if attention:
        header += " · " + tr.plural("clients.attention", attention)
    blocks = [header + "\n" + tr("clients.legend", weeks=TREND_WEEKS)]
    blocks += ["\n".join(_glance_lines(tr, glance)) for glance in glances[shown.items]]
    rows = [
        [button(glance.entry.first_name, CLIENTS, str(glance.entry.participant_id))]
        for glance in glances[shown.items]
    ]
    paging = paging_row(tr, shown, CLIENTS, "list")
    if paging:
        rows.append(paging)
    if dashboard is not None:
        rows.insert(0, [dashboard])
    return replies(blocks, InlineKeyboardMarkup(rows))


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
    if details.status in _HAS_HISTORY and details.consent_stands:
        # A client who paused or blocked the bot has a history to compare and report on.
        rows.append([button(tr("client.compare"), BEFORE_AFTER, client_id)])
        rows.append([button(tr("client.actions"), ACTIONS, client_id)])
        rows.append([button(tr("client.report"), REPORT, client_id)])
    if details.status is ParticipantStatus.ACTIVE and details.consent_stands:
        rows.append([button(tr("client.schedule"), "sch", client_id, "show")])
    if details.status is not ParticipantStatus.LEFT:  # nothing new for someone who stopped
        rows.append([button(tr("client.invite_buddy"), invite.INVITE, "for", client_id)])
        rows.append([button(tr("client.set_age"), CLIENTS, client_id, "age")])
    rows.append([button(tr("client.back"), CLIENTS, "list")])
    if details.actions:
        lines += ["", *(effect_summary(tr, item) for item in details.actions)]
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
    glances = await caseload.own_overview(
        context.runtime.database,
        update.effective_user.id,
        context.runtime.clock(),
        refuse_others=False,
    )
    if update.effective_message is not None:
        await send_replies(
            update.effective_message,
            _caseload_replies(
                context.tr,
                glances or [],
                0,
                dashboard_button(context.tr, context.runtime.settings),
            ),
        )


@dataclass(frozen=True)
class ClientPress:
    """``cl:list[:<page>]`` (client_id None), ``cl:<id>`` (details), ``cl:<id>:link`` (a
    new invitation link), ``cl:<id>:age[:<group>]`` (the age group) or
    ``cl:<id>:guardian``."""

    client_id: int | None
    action: ClientAction = ClientAction.VIEW
    age_group: AgeGroup | None = None
    page: int = 0


def _parse_client(parts: tuple[str, ...]) -> ClientPress | None:
    if parts == ("list",):
        return ClientPress(None)
    if len(parts) == 2 and parts[0] == "list":
        page = number(parts[1])
        return None if page is None else ClientPress(None, page=page)
    client_id = number(parts[0])
    rest = parts[1:]
    if client_id is None:
        return None
    if rest in ((), ("link",), ("age",), ("guardian",)):
        action = ClientAction(rest[0]) if rest else ClientAction.VIEW
        return ClientPress(client_id, action)
    if len(rest) == 2 and rest[0] == "age" and rest[1] in {g.value for g in AgeGroup}:
        return ClientPress(client_id, ClientAction.SET_AGE, AgeGroup(rest[1]))
    return None


async def _on_client_press(
    pressed: Pressed, data: ClientPress, context: BuddyContext
) -> Stale | None:
    tr = context.tr
    database = context.runtime.database
    if data.client_id is None:
        glances = await caseload.own_overview(
            database, pressed.telegram_user_id, context.runtime.clock(), refuse_others=True
        )
        if glances is None:
            return STALE
        await pressed.query.answer()
        dashboard = dashboard_button(tr, context.runtime.settings)
        await show_replies(pressed.query, _caseload_replies(tr, glances, data.page, dashboard))
        return None
    settings = context.runtime.settings
    outcome = await caseload.act_on_client(
        database,
        pressed.telegram_user_id,
        data.client_id,
        data.action,
        age_group=data.age_group,
        now=context.runtime.clock(),
        invitation_days=settings.invitation_days,
    )
    if outcome is None:
        return STALE
    await pressed.query.answer()
    if outcome.new_link is not None:
        await invite.send_invitation_to(pressed.telegram_user_id, context, tr, *outcome.new_link)
        return None
    if data.action is ClientAction.ASK_AGE:
        reply = _age_reply(tr, outcome.details)
    else:
        reply = _details_reply(tr, outcome.details, settings.timezone)
    await show(pressed.query, reply.text, reply.keyboard)
    return None


client_button = on_press(_parse_client, _on_client_press)
