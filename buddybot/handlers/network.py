"""`/network`: the client's circle as a picture and a list, and adding, changing and removing
contacts one tap at a time. A professional opens the same from `/clients` and edits together
with the client, who is told about each change made for them.

What has been chosen so far lives in a draft row (``services/contacts.py``), so Back, Cancel
and a restart lose nothing. Callback data: ``net:<action>[:…]``; every press is re-checked.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from buddybot import callbacks
from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.buttons import button
from buddybot.handlers.common import Reply
from buddybot.i18n import Translator, text_key, translator
from buddybot.network import (
    CIRCLES,
    MAX_CONTACTS,
    Contact,
    ContactKind,
    Domain,
    Frequency,
    Support,
    by_circle,
    same_label,
)
from buddybot.pictures.circle import CircleTexts, render_circle
from buddybot.services import access, checkins, contacts, invitations
from buddybot.services.contacts import Draft, Editor, NetworkFullError
from buddybot.services.people import Role
from buddybot.storage.models import ContactRecord, Participant

NET = "net"
PAGE_SIZE = 12

KIND_TEXT = {
    ContactKind.PERSON: text_key("kind.person"),
    ContactKind.GROUP: text_key("kind.group"),
    ContactKind.ANIMAL: text_key("kind.animal"),
    ContactKind.PLACE: text_key("kind.place"),
}
DOMAIN_TEXT = {
    Domain.FAMILY: text_key("domain.family"),
    Domain.FRIENDS: text_key("domain.friends"),
    Domain.WORK: text_key("domain.work"),
    Domain.EDUCATION: text_key("domain.education"),
    Domain.LEISURE: text_key("domain.leisure"),
    Domain.NEIGHBOURHOOD: text_key("domain.neighbourhood"),
    Domain.HOUSING: text_key("domain.housing"),
    Domain.CARE: text_key("domain.care"),
    Domain.FAITH: text_key("domain.faith"),
    Domain.ONLINE: text_key("domain.online"),
}
# Icons are the same in every language; the words next to them are translated.
KIND_ICON = {
    ContactKind.PERSON: "🧑",
    ContactKind.GROUP: "👥",
    ContactKind.ANIMAL: "🐾",
    ContactKind.PLACE: "📍",
}
DOMAIN_ICON = {
    Domain.FAMILY: "👪",
    Domain.FRIENDS: "🤝",
    Domain.WORK: "💼",
    Domain.EDUCATION: "🎓",
    Domain.LEISURE: "⚽",
    Domain.NEIGHBOURHOOD: "🏘️",
    Domain.HOUSING: "🏠",
    Domain.CARE: "🩺",
    Domain.FAITH: "🕊️",
    Domain.ONLINE: "💻",
}
# Short names of the circles (picture, list) and the buttons that explain them.
CIRCLE_TEXT = {1: text_key("circle.1"), 2: text_key("circle.2"), 3: text_key("circle.3")}
CIRCLE_BUTTON = {
    1: text_key("circle.1.button"),
    2: text_key("circle.2.button"),
    3: text_key("circle.3.button"),
}
SUPPORT_TEXT = {
    Support.EMOTIONAL: text_key("support.emotional"),
    Support.COMPANY: text_key("support.company"),
    Support.PRACTICAL: text_key("support.practical"),
    Support.ADVICE: text_key("support.advice"),
}
FREQUENCY_TEXT = {
    Frequency.DAILY: text_key("frequency.daily"),
    Frequency.WEEKLY: text_key("frequency.weekly"),
    Frequency.MONTHLY: text_key("frequency.monthly"),
    Frequency.YEARLY: text_key("frequency.yearly"),
    Frequency.RARELY: text_key("frequency.rarely"),
}


def _button(text: str, *parts: str) -> InlineKeyboardButton:
    return button(text, NET, *parts)


def _pairs(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _nav(tr: Translator) -> list[InlineKeyboardButton]:
    return [_button(tr("button.back"), "back"), _button(tr("button.cancel"), "cancel")]


def circle_name(tr: Translator, circle: int) -> str:
    """The short name of a circle ("heel dichtbij"); circle 4 has no name of its own yet."""
    return tr(CIRCLE_TEXT[circle]) if circle in CIRCLE_TEXT else str(circle)


def circle_texts(tr: Translator, client_name: str) -> CircleTexts:
    """Every word on the circle picture, in the viewer's language."""
    return CircleTexts(
        title=tr("network.title", name=client_name),
        domains={domain: tr(key) for domain, key in DOMAIN_TEXT.items()},
        circles={circle: tr(key) for circle, key in CIRCLE_TEXT.items()},
        kinds={kind: tr(key) for kind, key in KIND_TEXT.items()},
        new=tr("picture.new"),
        moved=tr("picture.moved"),
        removed=tr("picture.removed"),
        fading=tr("picture.fading"),
    )


# ------------------------------------------------------------------ the map itself


def _map_reply(tr: Translator, client: Participant, current: list[Contact]) -> Reply:
    client_id = str(client.id)
    lines = []
    if not current:
        lines.append(tr("network.empty"))
    else:
        lines.append(tr.plural("network.count", len(current)))
        for circle, members in by_circle(current).items():
            lines += ["", f"<b>{escape(circle_name(tr, circle))}</b>"]
            lines += [f"• {escape(c.label)} ({escape(tr(DOMAIN_TEXT[c.domain]))})" for c in members]
    buttons = [_button(tr("network.add"), "add", client_id)]
    if current:
        buttons += [
            _button(tr("network.change"), "pick", client_id, "c", "0"),
            _button(tr("network.remove"), "pick", client_id, "r", "0"),
        ]
    return Reply("\n".join(lines), InlineKeyboardMarkup([buttons]))


async def _send_map(
    update: Update, context: BuddyContext, tr: Translator, client: Participant
) -> None:
    """The circle picture, then the list with the buttons to change it."""
    async with context.runtime.database.transaction() as session:
        current = await contacts.current_map(session, client.id)
    message = update.effective_message
    if message is None:
        return
    name = client.first_name or ""
    picture = render_circle(current, circle_texts(tr, name))
    await message.reply_photo(picture, caption=tr("network.title", name=escape(name)))
    reply = _map_reply(tr, client, current)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def network_command(update: Update, context: BuddyContext) -> None:
    """`/network` for a client: their own circle."""
    user = update.effective_user
    if context.person.role is not Role.CLIENT or context.person.record_id is None or user is None:
        await basics.not_for_role(update, context.tr)
        return
    async with context.runtime.database.transaction() as session:
        allowed = await access.client_or_professional(
            session, user.id, context.person.record_id, "network"
        )
    if allowed is None:
        await basics.not_for_role(update, context.tr)
        return
    await _send_map(update, context, context.tr, allowed[2])


# ------------------------------------------------------------------ steps of the draft


def contact_step_reply(tr: Translator, draft: Draft) -> Reply:
    """The question of the draft's current step, with its buttons."""
    label = escape(str(draft.data.get("label", "")))
    step = draft.step
    if step == "kind":
        kinds = [
            _button(f"{KIND_ICON[k]} {tr(KIND_TEXT[k])}", "kind", k.value) for k in ContactKind
        ]
        return Reply(tr("add.kind"), InlineKeyboardMarkup([*_pairs(kinds), _nav(tr)]))
    if step in ("label", "edit_label"):
        return Reply(tr("add.label"), InlineKeyboardMarkup([_nav(tr)]))
    if step == "duplicate":
        return Reply(
            tr("add.duplicate", label=label),
            InlineKeyboardMarkup([[_button(tr("add.anyway"), "dup")], _nav(tr)]),
        )
    if step in ("circle", "edit_circle"):
        rows = [[_button(tr(CIRCLE_BUTTON[c]), "circle", str(c))] for c in CIRCLES]
        return Reply(tr("add.circle", label=label), InlineKeyboardMarkup([*rows, _nav(tr)]))
    if step in ("domain", "edit_domain"):
        domains = [
            _button(f"{DOMAIN_ICON[d]} {tr(DOMAIN_TEXT[d])}", "domain", d.value) for d in Domain
        ]
        return Reply(
            tr("add.domain", label=label), InlineKeyboardMarkup([*_pairs(domains), _nav(tr)])
        )
    if step in ("received", "given"):
        chosen = set(draft.data.get(f"support_{step}", []))
        toggles = [
            _button(("✅ " if s.value in chosen else "") + tr(SUPPORT_TEXT[s]), "sup", s.value)
            for s in Support
        ]
        go_on = [_button(tr("button.next"), "next")]
        return Reply(
            tr(
                "add.support_received" if step == "received" else "add.support_given",
                label=label,
            ),
            InlineKeyboardMarkup([*_pairs(toggles), go_on, _nav(tr)]),
        )
    frequencies = [_button(tr(FREQUENCY_TEXT[f]), "freq", f.value) for f in Frequency]
    return Reply(
        tr("add.frequency", label=label),
        InlineKeyboardMarkup(
            [*_pairs(frequencies), [_button(tr("button.skip"), "next")], _nav(tr)]
        ),
    )


def _summary(tr: Translator, contact: Contact) -> dict[str, str]:
    return {
        "label": escape(contact.label),
        "circle": escape(circle_name(tr, contact.circle)),
        "domain": escape(tr(DOMAIN_TEXT[contact.domain])),
    }


async def _editor(
    session: AsyncSession, telegram_user_id: int, client_id: int
) -> tuple[Editor, Participant] | None:
    allowed = await access.client_or_professional(session, telegram_user_id, client_id, "network")
    if allowed is None:
        return None
    kind, record_id, client = allowed
    return Editor(kind, record_id), client


async def _tell_client(
    context: BuddyContext, editor: Editor, client: Participant, key: str, contact: Contact
) -> None:
    """A professional changed the client's map: the client hears what, in their language."""
    if editor.kind != "professional" or client.telegram_user_id is None:
        return
    tr = translator(client.language, context.runtime.settings.default_language)
    what = {
        "added": tr("told.added", **_summary(tr, contact)),
        "changed": tr("told.changed", **_summary(tr, contact)),
        "removed": tr("told.removed", **_summary(tr, contact)),
    }[key]
    await context.bot.send_message(client.telegram_user_id, tr("told.by_professional", what=what))


async def network_button(update: Update, context: BuddyContext) -> None:
    """Every button of the network conversation."""
    query = update.callback_query
    parsed = callbacks.decode(query.data if query else None)
    if query is None or parsed is None or not parsed.parts:
        await basics.stale_button(update, context)
        return
    tr = context.tr
    action, args = parsed.parts[0], parsed.parts[1:]
    user_id = query.from_user.id
    if action in ("show", "add", "pick", "edit", "del", "delyes"):
        if not args or not args[0].isdigit():
            await basics.stale_button(update, context)
            return
        await _on_client_action(update, context, tr, action, int(args[0]), args[1:])
        return
    async with context.runtime.database.transaction() as session:
        draft = await contacts.draft(session, user_id)
        allowed = None if draft is None else await _editor(session, user_id, draft.client_id)
        if draft is None or allowed is None:
            result = None
        else:
            now = context.runtime.clock()
            result = await _on_draft_action(session, tr, user_id, draft, allowed, action, args, now)
    if result is None:
        await basics.stale_button(update, context)
        return
    reply, told = result
    await query.answer()
    await query.edit_message_text(reply.text, reply_markup=reply.keyboard)
    if told is not None and allowed is not None:
        await _tell_client(context, allowed[0], allowed[1], *told)


async def _on_draft_action(
    session: AsyncSession,
    tr: Translator,
    user_id: int,
    draft: Draft,
    allowed: tuple[Editor, Participant],
    action: str,
    args: tuple[str, ...],
    now: datetime,
) -> tuple[Reply, tuple[str, Contact] | None] | None:
    """Apply a button to the draft; returns the next message and what to tell the client."""
    editor, client = allowed
    value = args[0] if args else ""
    if action == "cancel":
        await contacts.drop_draft(session, user_id)
        return _leave(tr, draft, tr("flow.cancelled")), None
    if action == "back":
        previous = contacts.previous_step(draft.step)
        if previous is None:
            await contacts.drop_draft(session, user_id)
            return _leave(tr, draft, tr("flow.cancelled")), None
        draft.step = previous
    elif action == "kind" and draft.step == "kind" and value in set(ContactKind):
        draft.data["kind"] = value
        draft.step = "label"
    elif action == "dup" and draft.step == "duplicate":
        draft.step = "circle"
    elif (
        action == "circle"
        and draft.step in ("circle", "edit_circle")
        and value.isdigit()
        and (int(value) in CIRCLES)
    ):
        draft.data["circle"] = int(value)
        if draft.step == "edit_circle":
            return await _save_edit(session, tr, user_id, draft, editor, client, now)
        draft.step = "domain"
    elif action == "domain" and draft.step in ("domain", "edit_domain") and value in set(Domain):
        draft.data["domain"] = value
        if draft.step == "edit_domain":
            return await _save_edit(session, tr, user_id, draft, editor, client, now)
        draft.step = "received"
    elif action == "sup" and draft.step in ("received", "given") and value in set(Support):
        key = f"support_{draft.step}"
        chosen = set(draft.data.get(key, []))
        chosen ^= {value}
        draft.data[key] = sorted(chosen)
    elif action == "next" and draft.step in ("received", "given", "frequency"):
        following = contacts.next_step(draft.step)
        if following is None:
            return await _save_new(session, tr, user_id, draft, editor, client, now)
        draft.step = following
    elif action == "freq" and draft.step == "frequency" and value in set(Frequency):
        draft.data["frequency"] = value
        return await _save_new(session, tr, user_id, draft, editor, client, now)
    elif action == "ch" and draft.step == "what" and value in ("circle", "domain", "label"):
        draft.step = f"edit_{value}"
    else:
        return None  # a button of another step: stale
    await contacts.save_draft(session, user_id, draft, now=now)
    return contact_step_reply(tr, draft), None


async def _save_new(
    session: AsyncSession,
    tr: Translator,
    user_id: int,
    draft: Draft,
    editor: Editor,
    client: Participant,
    now: datetime,
) -> tuple[Reply, tuple[str, Contact] | None]:
    await contacts.drop_draft(session, user_id)
    try:
        added = await contacts.add_contact(session, client.id, draft.contact(), by=editor, now=now)
    except NetworkFullError:
        return _leave(tr, draft, tr("network.full", max=MAX_CONTACTS)), None
    checkin_id = draft.data.get("checkin")
    if checkin_id is not None:  # "Someone new" during a check-in: they were seen, too
        await checkins.choose_contact(session, int(checkin_id), client.id, added.contact_id)
    return _leave(tr, draft, tr("add.done", **_summary(tr, added))), ("added", added)


def _leave(tr: Translator, draft: Draft, text: str) -> Reply:
    """How the add flow ends: on its own, or with a way back into the check-in it came from."""
    checkin_id = draft.data.get("checkin")
    if checkin_id is None:
        return Reply(text)
    back = button(tr("checkin.continue"), "ci", str(checkin_id), "who")
    return Reply(text, InlineKeyboardMarkup([[back]]))


async def _save_edit(
    session: AsyncSession,
    tr: Translator,
    user_id: int,
    draft: Draft,
    editor: Editor,
    client: Participant,
    now: datetime,
) -> tuple[Reply, tuple[str, Contact] | None] | None:
    await contacts.drop_draft(session, user_id)
    record = await contacts.contact_of(session, client.id, draft.contact_id or 0)
    if record is None:
        return None
    changed = await contacts.update_contact(session, record, draft.contact(), by=editor, now=now)
    return Reply(tr("change.done", **_summary(tr, changed))), ("changed", changed)


async def _on_client_action(
    update: Update,
    context: BuddyContext,
    tr: Translator,
    action: str,
    client_id: int,
    args: tuple[str, ...],
) -> None:
    """Buttons that name the client (and a contact): show, add, pick, edit, remove."""
    query = update.callback_query
    assert query is not None
    user_id = query.from_user.id
    told: tuple[str, Contact] | None = None
    now = context.runtime.clock()
    async with context.runtime.database.transaction() as session:
        allowed = await _editor(session, user_id, client_id)
        reply: Reply | None = None
        if allowed is not None and action == "add":
            draft = Draft(client_id, "kind")
            await contacts.save_draft(session, user_id, draft, now=now)
            reply = contact_step_reply(tr, draft)
        elif (
            allowed is not None
            and action == "pick"
            and len(args) == 2
            and args[0] in "cr"
            and (args[1].isdigit())
        ):
            reply = await _pick_reply(session, tr, client_id, args[0], int(args[1]))
        elif (
            allowed is not None
            and action in ("edit", "del", "delyes")
            and len(args) == 1
            and (args[0].isdigit())
        ):
            record = await contacts.contact_of(session, client_id, int(args[0]))
            if record is None:
                await access.refuse(session, user_id, "network.contact", "contact", int(args[0]))
            else:
                reply, told = await _contact_step(
                    session, tr, user_id, action, client_id, record, allowed[0], now
                )
    if allowed is None or (reply is None and action != "show"):
        await basics.stale_button(update, context)
        return
    await query.answer()
    if action == "show":
        await _send_map(update, context, tr, allowed[1])
        return
    assert reply is not None
    await query.edit_message_text(reply.text, reply_markup=reply.keyboard)
    if told is not None:
        await _tell_client(context, allowed[0], allowed[1], *told)


async def _pick_reply(
    session: AsyncSession, tr: Translator, client_id: int, mode: str, page: int
) -> Reply:
    """The contacts as buttons, a page at a time, to change (c) or remove (r) one."""
    current = [
        c
        for members in by_circle(await contacts.current_map(session, client_id)).values()
        for c in members
    ]
    pages = max(1, -(-len(current) // PAGE_SIZE))
    page = min(page, pages - 1)
    shown = current[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    action = "edit" if mode == "c" else "del"
    rows = _pairs([_button(c.label, action, str(client_id), str(c.contact_id)) for c in shown])
    paging = []
    if page > 0:
        paging.append(_button(tr("page.previous"), "pick", str(client_id), mode, str(page - 1)))
    if page + 1 < pages:
        paging.append(_button(tr("page.next"), "pick", str(client_id), mode, str(page + 1)))
    if paging:
        rows.append(paging)
    rows.append([_button(tr("button.cancel"), "cancel")])
    return Reply(tr("change.pick" if mode == "c" else "remove.pick"), InlineKeyboardMarkup(rows))


async def _contact_step(
    session: AsyncSession,
    tr: Translator,
    user_id: int,
    action: str,
    client_id: int,
    record: ContactRecord,
    editor: Editor,
    now: datetime,
) -> tuple[Reply, tuple[str, Contact] | None]:
    label = escape(record.label)
    ids = (str(client_id), str(record.id))
    if action == "edit":
        draft = Draft(client_id, "what", record.id, contacts.draft_data(record))
        await contacts.save_draft(session, user_id, draft, now=now)
        choices = [
            [_button(tr("change.circle"), "ch", "circle")],
            [_button(tr("change.domain"), "ch", "domain")],
            [_button(tr("change.label"), "ch", "label")],
            [_button(tr("button.cancel"), "cancel")],
        ]
        return Reply(tr("change.what", label=label), InlineKeyboardMarkup(choices)), None
    if action == "del":
        buttons = [
            [_button(tr("remove.yes"), "delyes", *ids)],
            [_button(tr("remove.no"), "cancel")],
        ]
        return Reply(tr("remove.confirm", label=label), InlineKeyboardMarkup(buttons)), None
    removed = await contacts.remove_contact(session, record, by=editor, now=now)
    return Reply(tr("remove.done", label=label)), ("removed", removed)


async def label_typed(update: Update, context: BuddyContext, draft: Draft) -> None:
    """Typed text while a draft is open: the name (checked), or a kind hint to use the buttons."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    tr = context.tr
    if draft.step not in ("label", "edit_label"):
        question = contact_step_reply(tr, draft)
        await message.reply_text(
            tr("flow.use_buttons") + "\n\n" + question.text, reply_markup=question.keyboard
        )
        return
    label = invitations.clean_name(message.text)
    if label is None:
        await message.reply_text(tr("add.bad_label"), reply_markup=InlineKeyboardMarkup([_nav(tr)]))
        return
    told: tuple[str, Contact] | None = None
    reply: Reply | None = None
    now = context.runtime.clock()
    async with context.runtime.database.transaction() as session:
        allowed = await _editor(session, user.id, draft.client_id)
        if allowed is None:
            reply = None
        elif draft.step == "edit_label":
            draft.data["label"] = label
            saved = await _save_edit(session, tr, user.id, draft, allowed[0], allowed[1], now)
            reply, told = saved if saved is not None else (None, None)
        else:
            draft.data["label"] = label
            existing = same_label(label, await contacts.current_map(session, draft.client_id))
            draft.step = "duplicate" if existing is not None else "circle"
            await contacts.save_draft(session, user.id, draft, now=now)
            reply = contact_step_reply(tr, draft)
    if reply is None or allowed is None:
        await message.reply_text(tr("button.stale"))
        return
    await message.reply_text(reply.text, reply_markup=reply.keyboard)
    if told is not None:
        await _tell_client(context, allowed[0], allowed[1], *told)
