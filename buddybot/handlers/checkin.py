"""Check-ins: the client's check-in — who did you see (taps), how, mood, now and then
satisfaction, an optional message for the professional, and a thank-you — and the prompts
the scheduler sends (``jobs.py``). Callback data: ``ci:<check-in>:<action>[:<value>]``.

This module renders; the flow is ``flows/checkin.py``, applied to the check-in row by
``services/checkin_answers.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
from html import escape

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from buddybot import outgoing
from buddybot.context import BuddyContext
from buddybot.flows.checkin import EACH, MODES, Action, Press, Step, parse_press, who_order
from buddybot.handlers import basics, meetup, network, replies, sharing
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, on_press, on_screen, show
from buddybot.handlers.common import Reply, faces_row
from buddybot.handlers.pages import pieces_of
from buddybot.i18n import Translator, text_key
from buddybot.network import by_circle
from buddybot.roles import ParticipantRole
from buddybot.services import checkin_answers, checkins
from buddybot.services.checkin_answers import Asked, Finished, Question
from buddybot.services.checkins import Prompt
from buddybot.services.outbox import Outgoing
from buddybot.services.people import Role

CHECKIN = "ci"
# Names per page of the who question: the five to ten people someone sees often fit on
# the first page (they come first), in five rows of two.
PAGE_SIZE = 10
HOW_TEXT = {
    "in_person": text_key("checkin.all.in_person"),
    "call": text_key("checkin.all.call"),
    "message": text_key("checkin.all.message"),
}
MODE_TEXT = {
    "in_person": text_key("checkin.mode.in_person"),
    "call": text_key("checkin.mode.call"),
    "message": text_key("checkin.mode.message"),
}


def _button(text: str, checkin_id: int, *parts: str) -> InlineKeyboardButton:
    return button(text, CHECKIN, str(checkin_id), *parts)


def prompt_reply(tr: Translator, prompt: Prompt, *, reminder: bool) -> Reply:
    """A scheduled prompt (or its reminder): a client's is the check-in's first question
    itself, so answering starts with the first name tapped; a buddy's asks "Did you meet
    …?"."""
    if prompt.role is ParticipantRole.BUDDY or prompt.question is None:
        text = tr(
            "checkin.buddy_prompt", name=escape(prompt.first_name), clients=escape(prompt.clients)
        )
        buttons = [
            _button(tr("checkin.buddy_met"), prompt.checkin_id, "met"),
            _button(tr("checkin.buddy_not_met"), prompt.checkin_id, "notmet"),
        ]
        return Reply(text, InlineKeyboardMarkup([buttons]))
    question = question_reply(tr, prompt.question)
    if not reminder:
        return question
    # The question greets them by name already.
    return Reply(tr("checkin.reminder") + "\n\n" + question.text, question.keyboard)


# ------------------------------------------------------------------ the questions


def _back_and_stop(tr: Translator, checkin_id: int) -> list[InlineKeyboardButton]:
    return [
        _button(tr("button.back"), checkin_id, "back"),
        _button(tr("checkin.stop"), checkin_id, "stop"),
    ]


def _marked(text: str, chosen: bool) -> str:
    """A button's text with the answer given before marked (after Back, a toggle)."""
    return "✅ " + text if chosen else text


def _who_reply(tr: Translator, question: Question) -> Reply:
    state, checkin_id = question.state, question.checkin_id
    circles = [c for members in by_circle(list(question.network)).values() for c in members]
    ordered = who_order(circles, state.likely)
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    page = min(state.page, pages - 1)
    toggles = [
        _button(_marked(c.label, c.contact_id in state.chosen), checkin_id, "t", str(c.contact_id))
        for c in ordered[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    ]
    rows = [toggles[i : i + 2] for i in range(0, len(toggles), 2)]
    paging = []
    if page > 0:
        paging.append(_button(tr("page.previous"), checkin_id, "pg", str(page - 1)))
    if page + 1 < pages:
        paging.append(_button(tr("page.next"), checkin_id, "pg", str(page + 1)))
    if paging:
        rows.append(paging)
    rows.append([_button(tr("checkin.someone_new"), checkin_id, "new")])
    if state.chosen:
        # Ending the question says how, for everyone chosen: one tap instead of two.
        rows.append(
            [
                _button(_marked(tr(HOW_TEXT[mode]), state.how == mode), checkin_id, "how", mode)
                for mode in MODES
            ]
        )
        each = _marked(tr("checkin.how_each"), state.how == EACH)
        rows.append([_button(each, checkin_id, "how", EACH)])
    else:
        rows.append([_button(tr("checkin.nobody"), checkin_id, "nobody")])
    if state.step is None:
        rows.append([_button(tr("checkin.not_now"), checkin_id, "skip")])
    else:
        rows.append([_button(tr("checkin.stop"), checkin_id, "stop")])
    return Reply(_who_text(tr, question), InlineKeyboardMarkup(rows))


def _who_text(tr: Translator, question: Question) -> str:
    state, name = question.state, escape(question.first_name)
    if state.since is None:
        text = tr("checkin.who_first", name=name)
    else:
        day = format_date(state.since, format="EEEE", locale=tr.language)
        text = tr("checkin.who", name=name, day=day)
    if not question.network:
        text += "\n\n" + tr("checkin.no_network")
    elif len(question.network) > PAGE_SIZE and not state.chosen:
        text += "\n\n" + tr("checkin.who_type")
    elif state.chosen:
        text += "\n\n" + tr("checkin.who_how")
    return text


def _mode_reply(tr: Translator, question: Question) -> Reply:
    state, checkin_id = question.state, question.checkin_id
    contact = state.current_contact
    label = next((c.label for c in question.network if c.contact_id == contact), "")
    given = state.modes.get(str(contact), "") if str(contact) in state.modes else ""
    buttons = [
        _button(_marked(tr(MODE_TEXT[mode]), given == mode), checkin_id, "mode", mode)
        for mode in MODES
    ]
    skip = [_button(_marked(tr("button.skip"), given is None), checkin_id, "mode", "-")]
    keyboard = InlineKeyboardMarkup([buttons, skip, _back_and_stop(tr, checkin_id)])
    return Reply(tr("checkin.how", label=escape(label)), keyboard)


def _faces_reply(question: Question, tr: Translator, text: str, action: str) -> Reply:
    checkin_id, state = question.checkin_id, question.state
    given = state.mood if action == "mood" else state.satisfaction
    faces = faces_row(CHECKIN, str(checkin_id), action, chosen=given)
    return Reply(text, InlineKeyboardMarkup([faces, _back_and_stop(tr, checkin_id)]))


def question_reply(tr: Translator, question: Question) -> Reply:
    """The question where the check-in stands now."""
    step = question.state.step or Step.WHO
    if step is Step.WHO:
        return _who_reply(tr, question)
    if step is Step.MODE:
        return _mode_reply(tr, question)
    if step is Step.MOOD:
        return _faces_reply(question, tr, tr("checkin.mood"), "mood")
    if step is Step.SATISFACTION:
        return _faces_reply(question, tr, tr("checkin.satisfaction"), "sat")
    skip = InlineKeyboardMarkup([[_button(tr("button.skip"), question.checkin_id, "msg_skip")]])
    if step is Step.REASON:
        return Reply(tr("checkin.buddy_reason"), skip)
    return Reply(tr("checkin.message", professional=escape(question.professional)), skip)


def _thanks(tr: Translator, finished: Finished) -> str:
    name = escape(finished.first_name)
    if finished.buddy:
        return tr("checkin.buddy_thanks", name=name)
    if not finished.contacts_this_week:  # no count of nobody: no blame
        return tr("checkin.thanks_nobody", name=name)
    return tr.plural("checkin.thanks", finished.contacts_this_week, name=name)


def thanks_reply(tr: Translator, finished: Finished) -> Reply:
    """The thank-you; under a client's: Back (while the check-in is open) and a message
    for their professional, or, once they chose to write, the invitation to type it."""
    text, checkin_id = _thanks(tr, finished), finished.checkin_id
    professional = escape(finished.professional)
    if finished.buddy or not checkin_id:
        return Reply(text)
    if finished.writing:
        cancel = _button(tr("button.cancel"), checkin_id, "unwrite")
        invitation = tr("checkin.write_now", professional=professional)
        return Reply(text + "\n\n" + invitation, InlineKeyboardMarkup([[cancel]]))
    buttons = []
    if finished.may_change:
        buttons.append(_button(tr("button.back"), checkin_id, "back"))
    if finished.professional:
        buttons.append(_button(tr("checkin.write", professional=professional), checkin_id, "write"))
    return Reply(text, InlineKeyboardMarkup([buttons]) if buttons else None)


# ------------------------------------------------------------------ the client's side


async def _pressed(pressed: Pressed, event: Press, context: BuddyContext) -> Stale | None:
    """Every button of a check-in."""
    query, runtime = pressed.query, context.runtime
    outcome = await checkin_answers.press(
        runtime.database, pressed.telegram_user_id, event, pressed.message_id, runtime.clock()
    )
    if isinstance(outcome, checkin_answers.Refused):
        return STALE
    tr = runtime.translator_in(outcome.language)
    if isinstance(outcome, checkin_answers.Closed):
        await query.answer(tr("checkin.already_closed"), show_alert=True)
        # Its buttons are stale: the bot may have stopped after storing the last answer,
        # before the thank-you replaced them. The message says it is closed instead.
        if on_screen(query):
            with contextlib.suppress(BadRequest):
                await query.edit_message_text(tr("checkin.closed"))
        return None
    if isinstance(outcome, checkin_answers.NotBegun):
        await query.answer(tr("checkin.already_answered"))
        return None
    if isinstance(outcome, Asked) and outcome.again:
        # Pressed twice, or an old question is still on screen (the bot stopped after
        # storing the answer, before showing the next question): the question where they
        # are now is shown again.
        reply = question_reply(tr, outcome.question)
        await asyncio.gather(
            query.answer(tr("checkin.already_answered")), show(query, reply.text, reply.keyboard)
        )
        return None
    if isinstance(outcome, Finished) and (outcome.too_late or outcome.again):
        # The same thank-you, with what can still be done under it.
        reply = thanks_reply(tr, outcome)
        note = tr("checkin.too_late") if outcome.too_late else tr("checkin.already_answered")
        await asyncio.gather(
            query.answer(note, show_alert=outcome.too_late),
            show(query, reply.text, reply.keyboard),
        )
        return None
    reply = _press_reply(tr, outcome)
    # Both at once: one round trip to Telegram per press instead of two.
    await asyncio.gather(query.answer(), show(query, reply.text, reply.keyboard))
    return None


def _press_reply(tr: Translator, outcome: checkin_answers.PressOutcome) -> Reply:
    if isinstance(outcome, Asked):
        return question_reply(tr, outcome.question)
    if isinstance(outcome, Finished):
        return thanks_reply(tr, outcome)
    if isinstance(outcome, checkin_answers.Paused):
        go_on = _button(tr("checkin.go_on"), outcome.checkin_id, "who")
        return Reply(tr("checkin.paused"), InlineKeyboardMarkup([[go_on]]))
    if isinstance(outcome, checkin_answers.Skipped):
        return Reply(tr("checkin.skipped"))
    if isinstance(outcome, checkin_answers.MeetupStarted):
        return meetup.start_reply(tr, outcome.start)
    assert isinstance(outcome, checkin_answers.SomeoneNew)
    # "Someone new": the network's add flow, which leads back here afterwards.
    return network.contact_step_reply(tr, outcome.draft)


checkin_button = on_press(parse_press, _pressed)


async def show_question(pressed: Pressed, context: BuddyContext, checkin_id: int) -> None:
    """Show check-in ``checkin_id``'s question where it stands, on the pressed message (as
    its "Go on" button would): the way back from adding someone new."""
    await _pressed(pressed, Press(checkin_id, Action.WHO), context)


async def checkin_command(update: Update, context: BuddyContext) -> None:
    """`/checkin`: start a check-in now (or continue the open one)."""
    person, message = context.person, update.effective_message
    if (
        person.role is not Role.CLIENT
        or person.consent_withdrawn
        or message is None
        or person.record_id is None
    ):
        await basics.not_for_role(update, context.tr)
        return
    opened = await checkin_answers.open_now(
        context.runtime.database, person.record_id, context.runtime.clock()
    )
    if opened is None:
        await basics.not_for_role(update, context.tr)
        return
    if isinstance(opened, checkin_answers.WaitingForGuardian):
        reply = Reply(context.tr("checkin.waiting_for_guardian"))
    else:
        reply = question_reply(context.tr, opened.question)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)


async def member_changed(update: Update, context: BuddyContext) -> None:
    """Telegram tells us someone blocked (or unblocked) the bot in their private chat. The
    bot added to or removed from a group says nothing about the person who did it."""
    member = update.my_chat_member
    if member is None or member.chat.type != ChatType.PRIVATE:
        return
    blocked = member.new_chat_member.status in ("kicked", "left")
    await checkins.reachability_changed(
        context.runtime.database, member.from_user.id, reachable=not blocked
    )


# A client's words in one message to the professional, with room for the line around them.
FORWARD_PIECE = 3500


def _passed_on(
    tr: Translator, chat_id: int, client_id: int, first_name: str, message: str
) -> list[Outgoing]:
    """The client's message for their professional, whole: in parts when it is longer than
    one message holds (numbered, so the professional reads them as one), with "↩️ Reply to
    …" under the last."""
    name = escape(first_name)
    pieces = pieces_of(message, FORWARD_PIECE)
    if len(pieces) == 1:
        texts = [tr("checkin.forwarded", name=name, text=escape(pieces[0]))]
    else:
        texts = [
            tr("checkin.forwarded_part", name=name, part=n, parts=len(pieces), text=escape(piece))
            for n, piece in enumerate(pieces, start=1)
        ]
    answer = replies.reply_buttons(tr, client_id, first_name)
    return [
        Outgoing(chat_id, text, "a client's message", buttons=answer if last else ())
        for last, text in ((n == len(texts), text) for n, text in enumerate(texts, start=1))
    ]


async def message_typed(update: Update, context: BuddyContext) -> bool:
    """Typed text during a check-in: the message for the professional (asked for under
    the thank-you), a buddy's reason, or a kind hint and the same question again. False
    when no check-in is going on."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.text is None:
        return False
    runtime = context.runtime
    outcome = await checkin_answers.text_typed(
        runtime.database, user.id, message.text, runtime.clock()
    )
    if outcome is None:
        return False
    tr = runtime.translator_in(outcome.language)
    if isinstance(outcome, Asked):
        question = question_reply(tr, outcome.question)
        if outcome.unknown_name is not None:
            hint = tr("checkin.unknown_name", name=escape(outcome.unknown_name))
        else:
            hint = tr("flow.use_buttons") if outcome.again else ""
        reply = Reply("\n\n".join(filter(None, (hint, question.text))), question.keyboard)
    elif isinstance(outcome, checkin_answers.MessageKept):
        reply = sharing.question(tr, outcome.checkin_id, outcome.professional)
    else:
        reply = thanks_reply(tr, outcome)
    if not isinstance(outcome, Asked) and outcome.forward_to and outcome.message is not None:
        # Kept before the answer: a hiccup answering the client must not lose their words.
        chat_id, language = outcome.forward_to
        notes = _passed_on(
            runtime.translator_in(language),
            chat_id,
            outcome.client_id,
            outcome.first_name,
            outcome.message,
        )
        await outgoing.post_from(context, *notes)
    await message.reply_text(reply.text, reply_markup=reply.keyboard)
    return True
