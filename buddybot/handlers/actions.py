"""Network-strengthening actions: a professional records what they set up for a client
(work model, life domain, start, end, then a short label typed) and sees what changed
since each started. Reached from the client's page in /clients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from buddybot.actions import (
    END_MONTHS,
    START_DAYS_AGO,
    Action,
    ActionDraft,
    Effect,
    Span,
    WorkModel,
)
from buddybot.context import BuddyContext
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, number, on_press, show
from buddybot.handlers.common import Reply
from buddybot.handlers.figures import arrow, decimal_or_dash, percent
from buddybot.handlers.network import DOMAIN_TEXT
from buddybot.i18n import Translator, text_key
from buddybot.network import Domain
from buddybot.pictures.lettering import isolate
from buddybot.services import actions
from buddybot.services.actions import ActionEffect, BadLabel, ClientActions

ACTIONS = "ac"
CLIENTS = "cl"  # handlers/clients.py: the client's page
TOPIC_LABEL = actions.TOPIC_LABEL

WORK_MODEL_TEXT = {
    WorkModel.COMPETENCE: text_key("work_model.competence"),
    WorkModel.BUDDY: text_key("work_model.buddy"),
    WorkModel.NETWORK_MEETING: text_key("work_model.network_meeting"),
    WorkModel.GROUP: text_key("work_model.group"),
    WorkModel.VOLUNTEERING: text_key("work_model.volunteering"),
    WorkModel.NEIGHBOURHOOD: text_key("work_model.neighbourhood"),
    WorkModel.COMMUNITY: text_key("work_model.community"),
}
_START_TEXT = {
    0: text_key("action.start.today"),
    7: text_key("action.start.week"),
    30: text_key("action.start.month"),
    91: text_key("action.start.months_3"),
}
_END_TEXT = {
    None: text_key("action.end.open"),
    3: text_key("action.end.months_3"),
    6: text_key("action.end.months_6"),
    12: text_key("action.end.year"),
}


def work_model_text(tr: Translator, work_model: str) -> str:
    """A work model in words: a default one translated, an organisation's own name as it is
    (not escaped: callers escape for HTML)."""
    known = {model.value: key for model, key in WORK_MODEL_TEXT.items()}
    return tr(known[work_model]) if work_model in known else work_model


def _day(tr: Translator, day: date) -> str:
    return format_date(day, format="d MMM y", locale=tr.language)


def _closeness(tr: Translator, span: Span) -> str:
    return f"{percent(tr, span.closeness_start)} → {percent(tr, span.closeness_end)}"


def _heading(tr: Translator, action: Action) -> str:
    when = (
        tr("action.from", start=_day(tr, action.starts_on))
        if action.ends_on is None
        else tr("action.between", start=_day(tr, action.starts_on), end=_day(tr, action.ends_on))
    )
    return tr(
        "action.line",
        label=isolate(escape(action.label)),
        work_model=escape(work_model_text(tr, action.work_model)),
        domain=escape(tr(DOMAIN_TEXT[action.domain])),
        when=when,
    )


def _changes(tr: Translator, action: Action, effect: Effect) -> list[str]:
    """What changed since the start against the span before: new contacts in the aimed
    domain, frequency, satisfaction and closeness, each with ▲▼=."""
    since, before = effect.since, effect.before
    change, earlier = since.closeness_change, before.closeness_change
    return [
        tr(
            "action.new_in_domain",
            domain=escape(tr(DOMAIN_TEXT[action.domain])),
            since=since.new_in_domain,
            before=before.new_in_domain,
        )
        + arrow(since.new_in_domain, before.new_in_domain),
        tr(
            "action.frequency",
            since=decimal_or_dash(tr, since.frequency),
            before=decimal_or_dash(tr, before.frequency),
        )
        + arrow(since.frequency, before.frequency),
        tr(
            "action.satisfaction",
            since=decimal_or_dash(tr, since.satisfaction),
            before=decimal_or_dash(tr, before.satisfaction),
        )
        + arrow(since.satisfaction, before.satisfaction),
        tr("action.closeness", since=_closeness(tr, since), before=_closeness(tr, before))
        # In percentage points: a share moves by hundredths.
        + arrow(
            None if change is None else change * 100, None if earlier is None else earlier * 100
        ),
    ]


def effect_lines(tr: Translator, item: ActionEffect) -> list[str]:
    """An action in one line, and under it what changed since it started against the same
    span before it, a line each (HTML, names escaped)."""
    heading = _heading(tr, item.action)
    if item.effect is None:
        return [heading, "   " + tr("action.too_soon")]
    compared = tr.plural("action.compared", item.effect.days)
    changes = _changes(tr, item.action, item.effect)
    return [heading, *("   " + line for line in (compared, *changes))]


def effect_summary(tr: Translator, item: ActionEffect) -> str:
    """An action and what changed since it started, in one line for the digest."""
    heading = _heading(tr, item.action)
    if item.effect is None:
        return f"{heading}: {tr('action.too_soon')}"
    changes = _changes(tr, item.action, item.effect)
    return f"{heading}: {tr.plural('action.compared_short', item.effect.days)} " + " · ".join(
        changes
    )


def _page(tr: Translator, view: ClientActions) -> Reply:
    client_id = str(view.client_id)
    name = escape(view.first_name)
    lines = [tr("action.title", name=name)]
    if not view.actions:
        lines.append(tr("action.none", name=name))
    for item in view.actions:
        lines += ["", *effect_lines(tr, item)]
    rows = [[button(tr("action.new"), ACTIONS, client_id, "n")]]
    rows += [
        [
            button(
                tr("action.end_now", label=item.action.label),
                ACTIONS,
                client_id,
                "e",
                str(item.action.action_id),
            )
        ]
        for item in view.actions
        if item.action.running(view.today)
    ]
    rows.append([button(tr("compare.back", name=view.first_name), CLIENTS, client_id)])
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows))


# ------------------------------------------------------------------ a new action, step by step


def _step_rows(
    tr: Translator, prefix: tuple[str, ...], choices: list[tuple[str, str]], per_row: int
) -> list[list[InlineKeyboardButton]]:
    buttons = [button(text, ACTIONS, *prefix, value) for text, value in choices]
    rows = [buttons[n : n + per_row] for n in range(0, len(buttons), per_row)]
    back = button(tr("button.back"), ACTIONS, *prefix[:-1]) if len(prefix) > 2 else None
    cancel = button(tr("button.cancel"), ACTIONS, prefix[0])
    rows.append([b for b in (back, cancel) if b is not None])
    return rows


def _step(tr: Translator, view: ClientActions, chosen: tuple[str, ...]) -> Reply:
    """The next question of a new action after the buttons ``chosen`` so far (work model,
    domain, start); the end's question last."""
    prefix = (str(view.client_id), "n", *chosen)
    name = escape(view.first_name)
    if not chosen:
        choices = [
            (work_model_text(tr, model), str(index)) for index, model in enumerate(view.work_models)
        ]
        return Reply(tr("action.ask_work_model", name=name), _markup(tr, prefix, choices, 1))
    if len(chosen) == 1:
        choices = [(tr(DOMAIN_TEXT[d]), str(index)) for index, d in enumerate(Domain)]
        return Reply(tr("action.ask_domain"), _markup(tr, prefix, choices, 2))
    if len(chosen) == 2:
        choices = [
            (tr(_START_TEXT[days]), (view.today - timedelta(days=days)).strftime("%Y%m%d"))
            for days in START_DAYS_AGO
        ]
        return Reply(tr("action.ask_start"), _markup(tr, prefix, choices, 2))
    choices = [(tr(_END_TEXT[months]), str(months or 0)) for months in END_MONTHS]
    return Reply(tr("action.ask_end"), _markup(tr, prefix, choices, 2))


def _markup(
    tr: Translator, prefix: tuple[str, ...], choices: list[tuple[str, str]], per_row: int
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(_step_rows(tr, prefix, choices, per_row))


@dataclass(frozen=True)
class ActionPress:
    """``ac:<client>`` (the actions), ``ac:<client>:e:<action>`` (it ended today),
    ``ac:<client>:n[:<model>[:<domain>[:<yyyymmdd>[:<months>]]]]`` (a new one, step by
    step; the last step asks for the label)."""

    client_id: int
    chosen: tuple[str, ...] | None = None  # None: not a new action
    end_action: int | None = None


def _valid_choices(chosen: tuple[str, ...]) -> bool:
    """Each step's value as the buttons make it: a work model's index, a domain's index,
    a start date (yyyymmdd), months until the end (0: not known)."""
    numbers = [number(value) for value in chosen]
    if len(chosen) > 4 or any(n is None for n in numbers):
        return False
    domain_ok = len(numbers) < 2 or (numbers[1] or 0) < len(Domain)
    start_ok = len(chosen) < 3 or len(chosen[2]) == 8
    end_ok = len(numbers) < 4 or (numbers[3] or None) in END_MONTHS
    return domain_ok and start_ok and end_ok


def _parse(parts: tuple[str, ...]) -> ActionPress | None:
    client_id = number(parts[0]) if parts else None
    if client_id is None:
        return None
    rest = parts[1:]
    if not rest:
        return ActionPress(client_id)
    if rest[0] == "e" and len(rest) == 2 and (action_id := number(rest[1])) is not None:
        return ActionPress(client_id, end_action=action_id)
    if rest[0] == "n" and _valid_choices(rest[1:]):
        return ActionPress(client_id, chosen=rest[1:])
    return None


def _draft(chosen: tuple[str, ...]) -> ActionDraft | None:
    model, domain, start, months = chosen
    try:
        starts_on = date(int(start[:4]), int(start[4:6]), int(start[6:]))
    except ValueError:
        return None
    return ActionDraft(int(model), list(Domain)[int(domain)], starts_on, int(months) or None)


async def _on_press(pressed: Pressed, data: ActionPress, context: BuddyContext) -> Stale | None:
    tr, runtime = context.tr, context.runtime
    user, now = pressed.telegram_user_id, runtime.clock()
    if data.chosen is not None and len(data.chosen) == 4:
        draft = _draft(data.chosen)
        name = (
            None
            if draft is None
            else await actions.ask_label(runtime.database, user, data.client_id, draft, now)
        )
        if name is None:
            return STALE
        await pressed.query.answer()
        cancel = button(tr("button.cancel"), ACTIONS, str(data.client_id))
        back = button(tr("button.back"), ACTIONS, str(data.client_id), "n", *data.chosen[:-1])
        await show(
            pressed.query,
            tr("action.ask_label", name=escape(name)),
            InlineKeyboardMarkup([[back, cancel]]),
        )
        return None
    if data.end_action is not None:
        view = await actions.end_action(
            runtime.database, user, data.client_id, data.end_action, now
        )
    else:
        view = await actions.client_actions(runtime.database, user, data.client_id, now)
        # Back to the actions, or Cancel on a step: a label asked for is no longer awaited.
        await actions.forget_label(runtime.database, user)
    if view is None or (data.chosen and int(data.chosen[0]) >= len(view.work_models)):
        return STALE
    await pressed.query.answer()
    reply = _page(tr, view) if data.chosen is None else _step(tr, view, data.chosen)
    await show(pressed.query, reply.text, reply.keyboard)
    return None


action_button = on_press(_parse, _on_press)


async def label_typed(
    update: Update, context: BuddyContext, topic: str, data: dict[str, Any]
) -> None:
    """The label of a new action was typed: save it and show the client's actions; a label
    that cannot be one is asked again, and nothing is saved."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    tr, runtime = context.tr, context.runtime
    kept = actions.draft_of(data)
    outcome = (
        None
        if kept is None
        else await actions.record_action(
            runtime.database, user.id, kept, message.text, runtime.clock()
        )
    )
    if isinstance(outcome, BadLabel) and kept is not None:
        cancel = button(tr("button.cancel"), ACTIONS, str(kept.client_id))
        await message.reply_text(
            tr("action.bad_label"), reply_markup=InlineKeyboardMarkup([[cancel]])
        )
        return
    if outcome is None or isinstance(outcome, BadLabel):
        await actions.forget_label(runtime.database, user.id)
        await message.reply_text(tr("button.stale"))
        return
    reply = _page(tr, outcome.view)
    saved = tr("action.saved", label=escape(outcome.action.label))
    await message.reply_text(f"{saved}\n\n{reply.text}", reply_markup=reply.keyboard)
