"""`/organisation` and the hand-over, for a coordinator (issue 18, item 6): the organisation's
figures without client names, as a picture and a text (also the monthly digest's parts), and
a caseload handed over with buttons: who leaves, who takes over, one confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from buddybot import outgoing
from buddybot.context import BuddyContext
from buddybot.handlers import basics
from buddybot.handlers.actions import work_model_text
from buddybot.handlers.buttons import STALE, Pressed, Stale, button, number, on_press, show
from buddybot.handlers.digest import DigestPart, send_part
from buddybot.handlers.pages import split_for_telegram
from buddybot.i18n import Translator, translator
from buddybot.organisation_figures import MIN_GROUP, Figures, Group
from buddybot.pictures.lettering import isolate
from buddybot.pictures.organisation import OrganisationRow, OrganisationTexts, render_organisation
from buddybot.services import handover, organisation_view
from buddybot.services.handover import Colleague
from buddybot.services.organisation_view import OrganisationView
from buddybot.services.organisations import Transfer
from buddybot.services.outbox import Outgoing
from buddybot.storage.database import Database

ORGANISATION = "org"


# ------------------------------------------------------------------ words and numbers


def _signed(tr: Translator, value: float) -> str:
    return format_decimal(round(value, 1), format="+0.0;-0.0", locale=tr.language)


def _share(tr: Translator, figures: Figures) -> str:
    share = figures.compliance
    return "–" if share is None else format_percent(share, locale=tr.language)


def _whole_lines(tr: Translator, figures: Figures, buddies: int) -> list[str]:
    lines = [tr("organisation.people", clients=figures.clients, buddies=buddies)]
    if figures.compliance is None:
        lines.append(tr("organisation.no_compliance"))
    else:
        lines.append(
            tr(
                "organisation.compliance",
                share=_share(tr, figures),
                answered=figures.answered,
                sent=figures.sent,
            )
        )
    lines.append(
        tr(
            "organisation.directions",
            grew=figures.grew,
            stayed=figures.stayed,
            shrank=figures.shrank,
        )
    )
    if figures.satisfaction_change is None:
        lines.append(tr("organisation.no_satisfaction"))
    else:
        lines.append(
            tr(
                "organisation.satisfaction",
                change=_signed(tr, figures.satisfaction_change),
                clients=figures.satisfaction_clients,
            )
        )
    if figures.closeness_change is None:
        lines.append(tr("organisation.no_closeness"))
    else:
        lines.append(
            tr(
                "organisation.closeness",
                change=_signed(tr, figures.closeness_change),
                clients=figures.closeness_clients,
            )
        )
    return lines


def _group_lines(tr: Translator, name: str, figures: Figures | None) -> str:
    if figures is None:
        return tr("organisation.group_not_shown", name=escape(name), minimum=MIN_GROUP)
    satisfaction = figures.satisfaction_change
    closeness = figures.closeness_change
    return "\n".join(
        [
            tr(
                "organisation.group",
                name=escape(name),
                clients=figures.clients,
                grew=figures.grew,
                stayed=figures.stayed,
                shrank=figures.shrank,
            ),
            tr(
                "organisation.group_changes",
                satisfaction="–" if satisfaction is None else _signed(tr, satisfaction),
                closeness="–" if closeness is None else _signed(tr, closeness),
                compliance=_share(tr, figures),
            ),
        ]
    )


def _model_name(tr: Translator, group: Group) -> str:
    return work_model_text(tr, group.name)


def view_blocks(tr: Translator, view: OrganisationView) -> list[str]:
    """The view as paragraphs (split into messages by the caller): the whole organisation,
    then per work model and per professional; groups under ``MIN_GROUP`` clients say so
    and show nothing else."""
    figures = view.figures
    head = [
        tr(
            "organisation.title",
            organisation=escape(view.organisation_name),
            date=format_date(view.day, format="d MMMM y", locale=tr.language),
        ),
        tr("organisation.legend", minimum=MIN_GROUP),
    ]
    if figures.whole is None or figures.buddies is None:
        head.append(tr("organisation.too_small", minimum=MIN_GROUP))
        return ["\n".join(head)]
    blocks = ["\n".join(head + _whole_lines(tr, figures.whole, figures.buddies))]
    models = [_group_lines(tr, _model_name(tr, g), g.figures) for g in figures.by_work_model]
    blocks.append(tr("organisation.by_work_model"))
    blocks += models or [tr("organisation.no_actions")]
    blocks.append(tr("organisation.by_professional"))
    blocks += [_group_lines(tr, g.name, g.figures) for g in figures.by_professional] or [
        tr("organisation.no_professionals")
    ]
    return blocks


def picture_rows(tr: Translator, view: OrganisationView) -> list[OrganisationRow]:
    """The picture's rows: the whole organisation, the work models, the caseloads."""
    figures = view.figures

    def counts(shown: Figures | None) -> tuple[int, int, int] | None:
        return None if shown is None else (shown.grew, shown.stayed, shown.shrank)

    rows = [OrganisationRow(tr("organisation.whole"), counts(figures.whole), heading=True)]
    rows += [
        OrganisationRow(_model_name(tr, group), counts(group.figures), heading=number == 0)
        for number, group in enumerate(figures.by_work_model)
    ]
    rows += [
        OrganisationRow(group.name, counts(group.figures), heading=number == 0)
        for number, group in enumerate(figures.by_professional)
    ]
    return rows


def picture_texts(tr: Translator, view: OrganisationView) -> OrganisationTexts:
    """Every word on the organisation picture."""
    return OrganisationTexts(
        title=tr("organisation.chart_title", organisation=isolate(view.organisation_name)),
        clients=tr("organisation.chart_clients"),
        grew=tr("organisation.chart_grew"),
        stayed=tr("organisation.chart_stayed"),
        shrank=tr("organisation.chart_shrank"),
        not_shown=tr("organisation.chart_not_shown", minimum=MIN_GROUP),
    )


def organisation_picture(tr: Translator, view: OrganisationView) -> bytes:
    """The organisation picture as PNG bytes."""
    return render_organisation(picture_rows(tr, view), picture_texts(tr, view))


def view_parts(tr: Translator, view: OrganisationView, *, monthly: bool) -> list[DigestPart]:
    """The picture (only when the organisation's figures may be shown), then the texts; the
    hand-over button under the last. Made the same way on a retry, so the parts already
    sent can be skipped."""
    picture = picture_part(tr, view, monthly=monthly)
    return [*([picture] if picture else []), *text_parts(tr, view)]


def picture_part(tr: Translator, view: OrganisationView, *, monthly: bool) -> DigestPart | None:
    """The organisation picture with its caption; None when the figures may not be shown."""
    if view.figures.whole is None:
        return None
    caption = tr(
        "organisation.monthly_caption" if monthly else "organisation.caption",
        month=format_date(view.day, format="MMMM y", locale=tr.language),
    )
    return DigestPart(caption, organisation_picture(tr, view))


def text_parts(tr: Translator, view: OrganisationView) -> list[DigestPart]:
    """The figures in words, in as many messages as they need; the hand-over button under
    the last."""
    *texts, last = split_for_telegram(view_blocks(tr, view))
    keyboard = InlineKeyboardMarkup(
        [[button(tr("organisation.handover_button"), ORGANISATION, "ho")]]
    )
    return [*(DigestPart(text) for text in texts), DigestPart(last, keyboard=keyboard)]


# ------------------------------------------------------------------ /organisation


async def organisation_command(update: Update, context: BuddyContext) -> None:
    """`/organisation`: the organisation's figures now, for its coordinator."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    view = await organisation_view.on_demand(
        context.runtime.database, user.id, context.runtime.clock()
    )
    if view is None:
        await basics.not_for_role(update, context.tr)
        return
    # The figures first: the coordinator reads them while the picture is drawn (the two
    # together took 2.5 s for 2,000 clients, the figures alone under 2; benchmarks.organisation).
    for part in text_parts(context.tr, view):
        await send_part(context.bot, user.id, part)
    picture = picture_part(context.tr, view, monthly=False)
    if picture is not None:
        await send_part(context.bot, user.id, picture)


# ------------------------------------------------------------------ the hand-over


def transfer_notes(transfer: Transfer, default_language: str) -> list[Outgoing]:
    """Everyone moved hears who their professional is now, and the new professional how
    many people they took over, each in their own language (the admin command and the
    coordinator's hand-over send the same)."""
    new, old = escape(transfer.to_name), escape(transfer.from_name)
    notes = [
        Outgoing(
            person.telegram_user_id,
            translator(person.language, default_language)(
                "transfer.new_professional", new=new, old=old
            ),
            "transfer note",
            participant_id=person.participant_id,
        )
        for person in transfer.moved
        if person.telegram_user_id is not None
    ]
    if transfer.to_telegram_id is not None:
        tr = translator(transfer.to_language, default_language)
        text = tr.plural("transfer.taken_over", len(transfer.moved), old=old)
        notes.append(Outgoing(transfer.to_telegram_id, text, "transfer note"))
    return notes


def _colleague_button(
    tr: Translator, colleague: Colleague, *parts: str
) -> list[InlineKeyboardButton]:
    label = tr("handover.colleague", name=colleague.name, people=colleague.people)
    return [button(label, ORGANISATION, "ho", *parts, str(colleague.professional_id))]


def _cancel_row(tr: Translator) -> list[InlineKeyboardButton]:
    return [button(tr("handover.cancel"), ORGANISATION, "cancel")]


async def handover_command(update: Update, context: BuddyContext) -> None:
    """`/handover`: who is leaving? (the first step, as the button under the view)."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    choice = await handover.choose(context.runtime.database, user.id)
    if choice is None:
        await basics.not_for_role(update, context.tr)
        return
    text, keyboard = _leaving_question(context.tr, choice.colleagues)
    await message.reply_text(text, reply_markup=keyboard)


def _leaving_question(
    tr: Translator, colleagues: Sequence[Colleague]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [_colleague_button(tr, colleague) for colleague in colleagues]
    rows.append(_cancel_row(tr))
    return tr("handover.who_leaves"), InlineKeyboardMarkup(rows)


@dataclass(frozen=True)
class HandoverPress:
    """``org:ho`` (who leaves?), ``org:ho:<id>`` (who takes over?), ``org:ho:<id>:<id>``
    (confirm), ``org:do:<id>:<id>`` (hand over) or ``org:cancel``."""

    step: str
    leaving: int | None = None
    taking_over: int | None = None


def _parse(parts: tuple[str, ...]) -> HandoverPress | None:
    if parts == ("cancel",):
        return HandoverPress("cancel")
    if parts == ("ho",):
        return HandoverPress("leaving")
    ids = [number(part) for part in parts[1:]]
    if any(found is None for found in ids):
        return None
    if parts[0] == "ho" and len(ids) == 1:
        return HandoverPress("taking_over", ids[0])
    if parts[0] == "ho" and len(ids) == 2:
        return HandoverPress("confirm", ids[0], ids[1])
    if parts[0] == "do" and len(ids) == 2:
        return HandoverPress("do", ids[0], ids[1])
    return None


async def _on_press(pressed: Pressed, data: HandoverPress, context: BuddyContext) -> Stale | None:
    tr, database = context.tr, context.runtime.database
    user = pressed.telegram_user_id
    if data.step == "cancel":
        await pressed.query.answer()
        await show(pressed.query, tr("handover.cancelled"), None)
        return None
    if data.step in ("leaving", "taking_over"):
        choice = await handover.choose(database, user, data.leaving)
        if choice is None:
            return STALE
        await pressed.query.answer()
        if choice.leaving is None:
            text, keyboard = _leaving_question(tr, choice.colleagues)
        elif not choice.colleagues:
            text, keyboard = tr("handover.nobody"), InlineKeyboardMarkup([_cancel_row(tr)])
        else:
            leaving = choice.leaving
            rows = [
                _colleague_button(tr, c, str(leaving.professional_id)) for c in choice.colleagues
            ]
            rows.append(_cancel_row(tr))
            text = tr("handover.who_takes_over", leaving=escape(leaving.name))
            keyboard = InlineKeyboardMarkup(rows)
        await show(pressed.query, text, keyboard)
        return None
    assert data.leaving is not None
    assert data.taking_over is not None
    if data.step == "confirm":
        return await _confirm(pressed, data.leaving, data.taking_over, context)
    return await _hand_over(pressed, data.leaving, data.taking_over, context)


async def _confirm(
    pressed: Pressed, leaving_id: int, taking_over_id: int, context: BuddyContext
) -> Stale | None:
    tr = context.tr
    pair = await handover.confirm(
        context.runtime.database, pressed.telegram_user_id, leaving_id, taking_over_id
    )
    if pair is None:
        return STALE
    await pressed.query.answer()
    text = tr.plural(
        "handover.confirm",
        pair.leaving.people,
        leaving=escape(pair.leaving.name),
        taking_over=escape(pair.taking_over.name),
    )
    yes = button(tr("handover.yes"), ORGANISATION, "do", str(leaving_id), str(taking_over_id))
    await show(pressed.query, text, InlineKeyboardMarkup([[yes], _cancel_row(tr)]))
    return None


async def _hand_over(
    pressed: Pressed, leaving_id: int, taking_over_id: int, context: BuddyContext
) -> Stale | None:
    tr, runtime = context.tr, context.runtime
    default = runtime.settings.default_language
    done = await handover.hand_over(
        runtime.database,
        pressed.telegram_user_id,
        leaving_id,
        taking_over_id,
        runtime.clock(),
        lambda transfer: transfer_notes(transfer, default),
    )
    if done is None:
        return STALE
    await pressed.query.answer()
    transfer = done.transfer
    text = tr.plural(
        "handover.done",
        len(transfer.moved),
        leaving=escape(transfer.from_name),
        taking_over=escape(transfer.to_name),
    )
    await show(pressed.query, text, None)
    outgoing.send_soon(context, done.note_ids)
    return None


handover_button = on_press(_parse, _on_press)


# ------------------------------------------------------------------ the demo


async def organisation_demo(
    database: Database, organisation: str, now: datetime, language: str = "nl"
) -> tuple[str, bytes]:
    """The coordinator's view of ``organisation`` at ``now`` as the demo shows it: its text
    (HTML, as the coordinator reads it) and the organisation picture (PNG bytes)."""
    tr = translator(language)
    view = await organisation_view.view_of_organisation(database, organisation, now)
    return "\n\n".join(view_blocks(tr, view)), organisation_picture(tr, view)
