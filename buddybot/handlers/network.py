"""`/network`: the client's circle as a picture and a list, and adding, changing and removing
contacts one tap at a time. A professional opens the same from `/clients` and edits together
with the client, who is told about each change made for them.

What has been chosen so far lives in a draft row (the flow is ``flows/contact_draft.py``,
applied by ``services/contacts.py``), so Back, Cancel and a restart lose nothing. Callback
data: ``net:<action>[:…]``, decoded into a typed press here; every press is re-checked by the
service.
"""

from __future__ import annotations

from html import escape

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update

from buddybot import outgoing
from buddybot.context import BuddyContext
from buddybot.flows import contact_draft as flow
from buddybot.flows.contact_draft import Step
from buddybot.handlers import basics
from buddybot.handlers.buttons import (
    STALE,
    Pressed,
    Stale,
    button,
    on_press,
    show,
    take_buttons_off,
)
from buddybot.handlers.common import Reply, replies, show_replies
from buddybot.handlers.mini_app import circle_button
from buddybot.handlers.network_presses import (
    NET as NET,
)
from buddybot.handlers.network_presses import (
    ContactPress,
    DraftPress,
    MapAction,
    MapPress,
    NetworkPress,
    PickMode,
    PickPress,
    parse_network,
)
from buddybot.i18n import Translator, text_key
from buddybot.network import (
    CIRCLES,
    MAX_CONTACTS,
    Contact,
    ContactKind,
    Domain,
    Frequency,
    Support,
    by_circle,
)
from buddybot.paging import page_of
from buddybot.pictures.circle import CircleTexts, render_circle
from buddybot.pictures.lettering import isolate
from buddybot.services import contacts, invitations
from buddybot.services.contacts import (
    AlreadyRemoved,
    Asked,
    ContactAction,
    DraftAnswer,
    Editing,
    Ended,
    EndReason,
    MapEdit,
    NetworkView,
    Saved,
)
from buddybot.services.outbox import Outgoing
from buddybot.services.people import Role
from buddybot.settings import Settings

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
# Support from the client's point of view: what the contact does for them, what they do.
SUPPORT_TEXT = {
    (Step.RECEIVED, Support.EMOTIONAL): text_key("support.received.emotional"),
    (Step.RECEIVED, Support.COMPANY): text_key("support.received.company"),
    (Step.RECEIVED, Support.PRACTICAL): text_key("support.received.practical"),
    (Step.RECEIVED, Support.ADVICE): text_key("support.received.advice"),
    (Step.GIVEN, Support.EMOTIONAL): text_key("support.given.emotional"),
    (Step.GIVEN, Support.COMPANY): text_key("support.given.company"),
    (Step.GIVEN, Support.PRACTICAL): text_key("support.given.practical"),
    (Step.GIVEN, Support.ADVICE): text_key("support.given.advice"),
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


def circle_texts(tr: Translator, client_name: str, *, own: bool = False) -> CircleTexts:
    """Every word on the circle picture, in the viewer's language: titled "Your network"
    for the client (``own``), "The network of Amira" for anyone else."""
    return CircleTexts(
        # The name isolated: an Arabic name first would turn the Dutch sentence around.
        title=tr("network.title_own") if own else tr("network.title", name=isolate(client_name)),
        domains={domain: tr(key) for domain, key in DOMAIN_TEXT.items()},
        circles={circle: tr(key) for circle, key in CIRCLE_TEXT.items()},
        kinds={kind: tr(key) for kind, key in KIND_TEXT.items()},
        new=tr("picture.new"),
        closer=tr("picture.closer"),
        further=tr("picture.further"),
        removed=tr("picture.removed"),
        fading=tr("picture.fading"),
    )


TOLD_TEXT = {
    MapEdit.ADDED: text_key("told.added"),
    MapEdit.CHANGED: text_key("told.changed"),
    MapEdit.REMOVED: text_key("told.removed"),
}


# ------------------------------------------------------------------ the map itself


def _map_replies(
    tr: Translator,
    client_id: int,
    current: tuple[Contact, ...],
    *,
    first: str | None = None,
    touch: InlineKeyboardButton | None = None,
) -> list[Reply]:
    """The list by circle (after ``first``, a line such as "nothing changed"), as many
    messages as up to 100 contacts need (:func:`common.replies`), the buttons under the
    last one; ``touch`` (the Mini App's circle) above them."""
    blocks = [] if first is None else [first]
    if not current:
        blocks.append(tr("network.empty"))
    else:
        blocks.append(tr.plural("network.count", len(current)))
        for circle, members in by_circle(current).items():
            lines = [f"<b>{escape(circle_name(tr, circle))}</b>"]
            lines += [f"• {escape(c.label)} ({escape(tr(DOMAIN_TEXT[c.domain]))})" for c in members]
            blocks.append("\n".join(lines))
    buttons = [_button(tr("network.add"), "add", str(client_id))]
    if current:
        buttons += [
            _button(tr("network.change"), "pick", str(client_id), "c", "0"),
            _button(tr("network.remove"), "pick", str(client_id), "r", "0"),
        ]
    rows = [buttons] if touch is None else [[touch], buttons]
    return replies(blocks, InlineKeyboardMarkup(rows))


async def _send_map(
    bot: Bot, chat_id: int, tr: Translator, view: NetworkView, settings: Settings
) -> None:
    """The circle picture with a short caption, then the list with the buttons to change
    it (the list grows with the network, so it is never the caption: at most 1024
    characters, https://core.telegram.org/bots/api#sendphoto). Sent to the chat, so a press
    on a message Telegram no longer shows gets it too. The client sees "Your network",
    their professional "The network of Amira". An empty network has no picture: an empty
    circle says nothing the list's one line does not say better."""
    name = view.editing.client_name
    own = view.editing.editor.kind == "client"
    if view.contacts:
        picture = render_circle(view.contacts, circle_texts(tr, name, own=own))
        caption = (
            tr("network.caption_own", name=escape(name))
            if own
            else tr("network.title", name=escape(name))
        )
        await bot.send_photo(chat_id, picture, caption=caption)
    # The Mini App changes the client's own circle only.
    touch = circle_button(tr, settings) if own else None
    listing = _map_replies(
        _voice(tr, view.editing), view.editing.client_id, view.contacts, touch=touch
    )
    for reply in listing:
        await bot.send_message(chat_id, reply.text, reply_markup=reply.keyboard)


async def network_command(update: Update, context: BuddyContext) -> None:
    """`/network` for a client: their own circle."""
    user = update.effective_user
    if context.person.role is not Role.CLIENT or context.person.record_id is None or user is None:
        await basics.not_for_role(update, context.tr)
        return
    view = await contacts.network_for(context.runtime.database, user.id, context.person.record_id)
    if view is None:
        await basics.not_for_role(update, context.tr)
        return
    await _send_map(context.bot, user.id, context.tr, view, context.runtime.settings)


# ------------------------------------------------------------------ steps of the draft


def contact_step_reply(tr: Translator, draft: contacts.Draft) -> Reply:
    """The question of the draft's current step, with its buttons."""
    return _question(tr, draft.state() or flow.start_adding())


def _question(tr: Translator, state: flow.State) -> Reply:
    label = escape(state.label or "")
    step = state.step
    if step is Step.KIND:
        kinds = [
            _button(f"{KIND_ICON[k]} {tr(KIND_TEXT[k])}", "kind", k.value) for k in ContactKind
        ]
        return Reply(tr("add.kind"), InlineKeyboardMarkup([*_pairs(kinds), _nav(tr)]))
    if step in flow.LABEL_STEPS:
        return Reply(tr("add.label"), InlineKeyboardMarkup([_nav(tr)]))
    if step is Step.DUPLICATE:
        return Reply(
            tr("add.duplicate", label=label),
            InlineKeyboardMarkup([[_button(tr("add.anyway"), "dup")], _nav(tr)]),
        )
    if step in (Step.CIRCLE, Step.EDIT_CIRCLE):
        rows = [[_button(tr(CIRCLE_BUTTON[c]), "circle", str(c))] for c in CIRCLES]
        return Reply(tr("add.circle", label=label), InlineKeyboardMarkup([*rows, _nav(tr)]))
    if step in (Step.DOMAIN, Step.EDIT_DOMAIN):
        domains = [
            _button(f"{DOMAIN_ICON[d]} {tr(DOMAIN_TEXT[d])}", "domain", d.value) for d in Domain
        ]
        return Reply(
            tr("add.domain", label=label), InlineKeyboardMarkup([*_pairs(domains), _nav(tr)])
        )
    if step in flow.SUPPORT_STEPS:
        return _support_question(tr, state, label)
    # The frequency (and, as before, anything else: "what" is answered with buttons only).
    frequencies = [_button(tr(FREQUENCY_TEXT[f]), "freq", f.value) for f in Frequency]
    return Reply(
        tr("add.frequency", label=label),
        InlineKeyboardMarkup(
            [*_pairs(frequencies), [_button(tr("button.skip"), "next")], _nav(tr)]
        ),
    )


def _support_question(tr: Translator, state: flow.State, label: str) -> Reply:
    chosen = state.chosen(state.step)
    toggles = [
        _button(("✅ " if s in chosen else "") + tr(SUPPORT_TEXT[state.step, s]), "sup", s.value)
        for s in flow.supports_for(state.kind, state.step)
    ]
    go_on = [_button(tr("button.next"), "next")]
    return Reply(
        tr(
            "add.support_received" if state.step is Step.RECEIVED else "add.support_given",
            label=label,
        ),
        InlineKeyboardMarkup([*_pairs(toggles), go_on, _nav(tr)]),
    )


# A professional changing a client's map reads about the client's network, not their own.
FOR_PROFESSIONAL = {
    "network.empty": text_key("network.empty_of"),
    "add.duplicate": text_key("add.duplicate_of"),
    "add.circle": text_key("add.circle_of"),
    "add.support_received": text_key("add.support_received_of"),
    "add.support_given": text_key("add.support_given_of"),
    "add.frequency": text_key("add.frequency_of"),
    "add.done": text_key("add.done_of"),
    "remove.confirm": text_key("remove.confirm_of"),
    "remove.done": text_key("remove.done_of"),
    "circle.1.button": text_key("circle.1.button_of"),
    "circle.2.button": text_key("circle.2.button_of"),
    "circle.3.button": text_key("circle.3.button_of"),
    "support.received.emotional": text_key("support.received.emotional_of"),
    "support.received.company": text_key("support.received.company_of"),
    "support.received.practical": text_key("support.received.practical_of"),
    "support.received.advice": text_key("support.received.advice_of"),
    "support.given.emotional": text_key("support.given.emotional_of"),
    "support.given.company": text_key("support.given.company_of"),
    "support.given.practical": text_key("support.given.practical_of"),
    "support.given.advice": text_key("support.given.advice_of"),
}


def _voice(tr: Translator, editing: Editing) -> Translator:
    """``tr`` for the one editing: the client as ever; their professional hears the same
    questions about the client ("How close is Mama to Amira?")."""
    if editing.editor.kind != "professional":
        return tr
    return tr.instead(FOR_PROFESSIONAL, client=escape(editing.client_name))


def _summary(tr: Translator, contact: Contact) -> dict[str, str]:
    return {
        "label": escape(contact.label),
        "circle": escape(circle_name(tr, contact.circle)),
        "domain": escape(tr(DOMAIN_TEXT[contact.domain])),
    }


def _answer_reply(tr: Translator, answer: DraftAnswer) -> Reply:
    """The message after a step of the draft: the next question, or how it ended."""
    result = answer.result
    if isinstance(result, Asked):
        return _question(tr, result.state)
    if isinstance(result, Ended):
        if result.reason is EndReason.FULL:
            return _leave(tr, result.checkin_id, tr("network.full", max=MAX_CONTACTS))
        return _leave(tr, result.checkin_id, tr("flow.cancelled"))
    if result.edit is MapEdit.ADDED:
        done = tr("add.done", **_summary(tr, result.contact))
        if result.checkin_id is not None:
            # From inside a check-in: the next new person, or back to the check-in.
            checkin = str(result.checkin_id)
            more = [
                button(tr("add.another"), "ci", checkin, "new"),
                button(tr("checkin.continue"), "ci", checkin, "who"),
            ]
            return Reply(done, InlineKeyboardMarkup([more]))
        # The next person is one tap away, and so is the map with everyone on it.
        client = str(answer.editing.client_id)
        more = [
            _button(tr("add.another"), "add", client),
            _button(tr("add.finished"), "show", client),
        ]
        return Reply(done, InlineKeyboardMarkup([more]))
    if result.edit is MapEdit.CHANGED:
        return Reply(tr("change.done", **_summary(tr, result.contact)))
    return Reply(tr("remove.done", label=escape(result.contact.label)))


def _leave(tr: Translator, checkin_id: int | None, text: str) -> Reply:
    """How the add flow ends: on its own, or with a way back into the check-in it came from."""
    if checkin_id is None:
        return Reply(text)
    back = button(tr("checkin.continue"), "ci", str(checkin_id), "who")
    return Reply(text, InlineKeyboardMarkup([[back]]))


async def _tell_client(
    context: BuddyContext, editing: Editing, result: Asked | Ended | Saved
) -> None:
    """A professional changed the client's map: the client hears what, in their language."""
    if not isinstance(result, Saved) or not editing.tells_client:
        return
    assert editing.client_telegram_id is not None
    tr = context.runtime.translator_in(editing.client_language)
    what = tr(TOLD_TEXT[result.edit], **_summary(tr, result.contact))
    await outgoing.post_from(
        context,
        Outgoing(
            editing.client_telegram_id,
            tr("told.by_professional", what=what),
            "a client told of a change to their map",
            participant_id=editing.client_id,
        ),
    )


# ------------------------------------------------------------------ the presses


async def _on_network_press(
    pressed: Pressed, data: NetworkPress, context: BuddyContext
) -> Stale | None:
    """Every button of the network conversation, checked and applied by the service."""
    database, now = context.runtime.database, context.runtime.clock()
    user_id = pressed.telegram_user_id
    if isinstance(data, ContactPress):
        return await _on_contact(pressed, data, context)
    answer: DraftAnswer | None = None
    if isinstance(data, DraftPress):
        answer = await contacts.press(database, user_id, data.event, now)
    elif isinstance(data, MapPress) and data.action is MapAction.ADD:
        answer = await contacts.start_adding(database, user_id, data.client_id, now)
    elif isinstance(data, (MapPress, PickPress)):
        return await _on_map_press(pressed, data, context)
    if answer is None:
        return STALE
    await _show_answer(pressed, context, answer)
    return None


async def _on_map_press(
    pressed: Pressed, data: MapPress | PickPress, context: BuddyContext
) -> Stale | None:
    """Show the map again, a page of contacts to pick one from, or (keep it as it is) the
    list in place of the question, unchanged."""
    view = await contacts.network_for(
        context.runtime.database, pressed.telegram_user_id, data.client_id
    )
    if view is None:
        return STALE
    await pressed.query.answer()
    if isinstance(data, PickPress):
        reply = _pick_reply(context.tr, view, data.mode, data.page)
        await show(pressed.query, reply.text, reply.keyboard)
        return None
    if data.action is MapAction.KEEP:
        cancelled = context.tr("flow.cancelled")
        listing = _map_replies(context.tr, view.editing.client_id, view.contacts, first=cancelled)
        await show_replies(pressed.query, listing)
        return None
    # The map comes anew below: the buttons it was asked from are done with.
    await take_buttons_off(pressed.query)
    await _send_map(
        context.bot, pressed.telegram_user_id, context.tr, view, context.runtime.settings
    )
    return None


network_button = on_press(parse_network, _on_network_press)


async def _show_answer(pressed: Pressed, context: BuddyContext, answer: DraftAnswer) -> None:
    await _tell_client(context, answer.editing, answer.result)  # kept before the answer
    result = answer.result
    if isinstance(result, Ended) and result.checkin_id and result.reason is EndReason.CANCELLED:
        # "Someone new" called off: straight back to the check-in's question, as it was.
        # Imported here because the check-in's handlers import this module.
        from buddybot.handlers import checkin

        await checkin.show_question(pressed, context, result.checkin_id)
        return
    await pressed.query.answer()
    reply = _answer_reply(_voice(context.tr, answer.editing), answer)
    await show(pressed.query, reply.text, reply.keyboard)


async def _on_contact(pressed: Pressed, data: ContactPress, context: BuddyContext) -> Stale | None:
    """Change, or remove (asked first), one contact of the client."""
    acted = await contacts.act_on_contact(
        context.runtime.database,
        pressed.telegram_user_id,
        data.client_id,
        data.contact_id,
        data.action,
        context.runtime.clock(),
    )
    if acted is None:
        return STALE
    editing, result = acted
    if isinstance(result, Saved):
        await _show_answer(pressed, context, DraftAnswer(editing, result))
        return None
    tr = _voice(context.tr, editing)
    if isinstance(result, AlreadyRemoved):  # "Yes, remove" tapped twice: it is done
        await pressed.query.answer(tr("remove.already"))
        await show(pressed.query, tr("remove.done", label=escape(result.contact.label)), None)
        return None
    label = escape(result.label)
    await pressed.query.answer()
    reply = _contact_question(tr, data, label)
    await show(pressed.query, reply.text, reply.keyboard)
    return None


def _contact_question(tr: Translator, data: ContactPress, label: str) -> Reply:
    if data.action is ContactAction.CHANGE:
        choices = [
            [_button(tr("change.circle"), "ch", "circle")],
            [_button(tr("change.domain"), "ch", "domain")],
            [_button(tr("change.label"), "ch", "label")],
            [_button(tr("button.cancel"), "cancel")],
        ]
        return Reply(tr("change.what", label=label), InlineKeyboardMarkup(choices))
    ids = (str(data.client_id), str(data.contact_id))
    buttons = [
        [_button(tr("remove.yes"), "delyes", *ids)],
        [_button(tr("remove.no"), "keep", str(data.client_id))],
    ]
    return Reply(tr("remove.confirm", label=label), InlineKeyboardMarkup(buttons))


def _pick_reply(tr: Translator, view: NetworkView, mode: PickMode, page: int) -> Reply:
    """The contacts as buttons, a page at a time, to change or remove one."""
    current = [c for members in by_circle(view.contacts).values() for c in members]
    shown = page_of(len(current), page, PAGE_SIZE)
    action = "edit" if mode is PickMode.CHANGE else "del"
    client_id = str(view.editing.client_id)
    rows = _pairs(
        [_button(c.label, action, client_id, str(c.contact_id)) for c in current[shown.items]]
    )
    paging = []
    if shown.has_previous:
        previous = str(shown.number - 1)
        paging.append(_button(tr("page.previous"), "pick", client_id, mode.value, previous))
    if shown.has_next:
        following = str(shown.number + 1)
        paging.append(_button(tr("page.next"), "pick", client_id, mode.value, following))
    if paging:
        rows.append(paging)
    rows.append([_button(tr("button.cancel"), "keep", client_id)])
    text = tr("change.pick" if mode is PickMode.CHANGE else "remove.pick")
    return Reply(text, InlineKeyboardMarkup(rows))


# ------------------------------------------------------------------ typed text


async def label_typed(update: Update, context: BuddyContext, draft: contacts.Draft) -> None:
    """Typed text while a draft is open: the name (checked), or a kind hint to use the buttons."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    tr = context.tr
    if draft.step not in (Step.LABEL.value, Step.EDIT_LABEL.value):
        question = contact_step_reply(tr, draft)
        await message.reply_text(
            tr("flow.use_buttons") + "\n\n" + question.text, reply_markup=question.keyboard
        )
        return
    label = invitations.clean_name(message.text)
    if label is None:
        await message.reply_text(tr("add.bad_label"), reply_markup=InlineKeyboardMarkup([_nav(tr)]))
        return
    database, now = context.runtime.database, context.runtime.clock()
    answer = await contacts.type_label(database, user.id, draft, label, now)
    if answer is None:
        await message.reply_text(tr("button.stale"))
        return
    await _tell_client(context, answer.editing, answer.result)  # kept before the answer
    reply = _answer_reply(_voice(tr, answer.editing), answer)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)
