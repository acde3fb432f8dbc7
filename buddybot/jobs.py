"""The recurring jobs, registered by :func:`schedule_jobs` (called from ``app.py``): the
scheduler tick (check-in prompts, reminders, closing, weekly digests) and the daily purge.
Any replica may run them: the schedule of record and the claims are in the database, so
each prompt and digest goes out once (architecture notes, "Scheduling: durable, once, at
the right local time")."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from functools import partial
from html import escape
from typing import Any

from telegram.ext import JobQueue

from buddybot import outgoing, sender
from buddybot.context import BuddyContext
from buddybot.handlers.checkin import prompt_reply
from buddybot.handlers.digest import digest_parts, send_part
from buddybot.handlers.organisation import view_parts
from buddybot.i18n import text_key
from buddybot.services import checkins, digest, organisation_view, privacy
from buddybot.services.checkins import Prompt
from buddybot.services.outbox import Outgoing
from buddybot.services.privacy import Told
from buddybot.settings import Settings

log = logging.getLogger(__name__)

# A few sends in flight at once; the rate limiter keeps the total within Telegram's 30/s.
SENDERS = 4


async def tick(context: BuddyContext) -> None:
    """Every few seconds: make due prompts, send them, remind once, close old ones, send
    the weekly digests whose moment has come, and what waits in the outbox. Each of these
    fails alone: one that cannot be done (a row that does not decrypt, say) is logged and
    tried again next tick, and the others still run."""
    for part in (_prompts, _reminders_and_closing, weekly_digests, monthly_digests, _outbox):
        try:
            await part(context)
        except Exception as error:
            log.error("tick: %s failed (%s)", part.__name__.strip("_"), type(error).__qualname__)


async def _prompts(context: BuddyContext) -> None:
    database, now = context.runtime.database, context.runtime.clock()
    async with database.transaction() as session:
        await checkins.materialise(session, now)
    async with database.transaction() as session:
        prompts = await checkins.claim_prompts(session, now)
    await _send_all(context, prompts, reminder=False)


async def _reminders_and_closing(context: BuddyContext) -> None:
    database, now = context.runtime.database, context.runtime.clock()
    async with database.transaction() as session:
        reminders = await checkins.claim_reminders(session, now)
        closed = await checkins.expire(session, now)
    await _send_all(context, reminders, reminder=True)
    for prompt in closed:
        await _close_prompt(context, prompt)


async def _outbox(context: BuddyContext) -> None:
    await outgoing.send_due(context.bot, context.runtime.database, context.runtime.clock)


async def _send_all(context: BuddyContext, prompts: list[Prompt], *, reminder: bool) -> None:
    """Send with a few in flight at once, while one recorder writes each outcome as soon as
    it is known: recording never holds up sending, and only one transaction of this process
    writes at a time."""
    if not prompts:
        return
    pending: asyncio.Queue[Prompt] = asyncio.Queue()
    for prompt in prompts:
        pending.put_nowait(prompt)
    outcomes: asyncio.Queue[tuple[Prompt, sender.Sent] | None] = asyncio.Queue()

    async def send_pending() -> None:
        while not pending.empty():
            prompt = pending.get_nowait()
            outcomes.put_nowait((prompt, await _send_prompt(context, prompt, reminder=reminder)))

    async def record() -> None:
        done = False
        while not done:
            batch = [await outcomes.get()]
            while not outcomes.empty():
                batch.append(outcomes.get_nowait())
            done = None in batch
            await _record(context, [o for o in batch if o is not None], reminder=reminder)

    recording = asyncio.create_task(record())
    await asyncio.gather(*(send_pending() for _ in range(min(SENDERS, len(prompts)))))
    outcomes.put_nowait(None)
    await recording


async def _send_prompt(context: BuddyContext, prompt: Prompt, *, reminder: bool) -> sender.Sent:
    try:
        reply = prompt_reply(
            context.runtime.translator_in(prompt.language), prompt, reminder=reminder
        )
    except Exception as error:  # one prompt that cannot be written must not stop the rest
        log.error("check-in %s: not written (%s)", prompt.checkin_id, type(error).__qualname__)
        return sender.Sent(sender.Delivery.LATER)
    sent = await sender.send(
        context.bot,
        prompt.telegram_user_id,
        reply.text,
        keyboard=reply.keyboard,
        what=f"check-in {prompt.checkin_id}",
    )
    if reminder and sent.ok:
        # One live copy of the question: the prompt above points down to the reminder.
        await _replace_prompt(context, prompt, text_key("checkin.goes_on_below"), "moved down")
    return sent


async def _record(
    context: BuddyContext, outcomes: list[tuple[Prompt, sender.Sent]], *, reminder: bool
) -> None:
    now = context.runtime.clock()
    async with context.runtime.database.transaction() as session:
        for prompt, sent in outcomes:
            if sent.ok or sent.delivery is sender.Delivery.UNKNOWN:
                if reminder:
                    await checkins.record_reminded(session, prompt.checkin_id, sent.message_id)
                else:
                    await checkins.record_sent(session, prompt.checkin_id, sent.message_id, now)
            elif sent.delivery is sender.Delivery.LATER:
                await checkins.record_later(session, prompt.checkin_id, now, reminder=reminder)
            elif sent.delivery is sender.Delivery.GONE or not reminder:
                gone = sent.delivery is sender.Delivery.GONE
                await checkins.record_failed(session, prompt.checkin_id, now, unreachable=gone)


async def _close_prompt(context: BuddyContext, prompt: Prompt) -> None:
    """Take the buttons off a prompt whose answer window passed; already changed, deleted or
    unreachable, the row is closed either way."""
    await _replace_prompt(context, prompt, text_key("checkin.closed"), "closed")


async def _replace_prompt(context: BuddyContext, prompt: Prompt, key: str, why: str) -> None:
    """The text of ``key`` in place of the prompt's message and its buttons (when its
    message is known)."""
    if prompt.message_id is None:
        return
    tr = context.runtime.translator_in(prompt.language)
    await sender.replace(
        context.bot,
        prompt.telegram_user_id,
        prompt.message_id,
        tr(key),
        what=f"check-in {prompt.checkin_id} {why}",
    )


async def weekly_digests(context: BuddyContext) -> None:
    """Each professional whose digest moment has come gets last week's digest once (claimed
    in the database, so replicas and restarts do not repeat it). Each digest fails alone: a
    passing Telegram problem, or one that cannot be made, is tried again later and the
    other professionals' digests go on."""
    database, now = context.runtime.database, context.runtime.clock()
    async with database.transaction() as session:
        due = await digest.claim_due(session, now)
    for claim in due:
        # Drawing and sending the ones before may have taken longer than a claim lives:
        # renewed, or left to the replica that took it meanwhile (never sent twice).
        async with database.transaction() as session:
            if not await digest.renew_claim(session, claim, context.runtime.clock()):
                continue
        try:
            delivery = await _send_digest(context, claim)
        except Exception as error:
            log.error("digest %s: not made (%s)", claim.digest_id, type(error).__qualname__)
            delivery = sender.Delivery.LATER
        async with database.transaction() as session:
            if delivery is sender.Delivery.LATER:
                await digest.record_later(session, claim.digest_id, context.runtime.clock())
            else:  # sent, or given up for someone who blocked the bot
                reachable = delivery is not sender.Delivery.GONE
                await digest.record_sent(
                    session, claim.digest_id, context.runtime.clock(), reachable=reachable
                )


async def _send_digest(context: BuddyContext, claim: digest.DigestClaim) -> sender.Delivery:
    """Send the parts of a claimed digest not sent on an earlier try, recording each one
    that went out; the first that does not go out stops it (a refused part is skipped)."""
    database = context.runtime.database
    tr = context.runtime.translator_in(claim.language)
    async with database.transaction() as session:
        caseload = await digest.caseload_for(session, claim)
    parts = digest_parts(tr, caseload, so_far=False)
    for number, part in enumerate(parts[claim.parts_sent :], start=claim.parts_sent + 1):
        sent = await sender.deliver(
            partial(send_part, context.bot, claim.telegram_user_id, part),
            what=f"digest {claim.digest_id} part {number}",
        )
        if sent.delivery in (sender.Delivery.LATER, sender.Delivery.GONE):
            return sent.delivery
        async with database.transaction() as session:
            await digest.record_part_sent(session, claim.digest_id, number)
    return sender.Delivery.SENT


async def monthly_digests(context: BuddyContext) -> None:
    """Each coordinator gets the organisation digest on the first of the month, at their
    digest time, once (claimed per coordinator and month in the database, as the weekly
    digest); each fails alone and is tried again later."""
    database, now = context.runtime.database, context.runtime.clock()
    async with database.transaction() as session:
        due = await organisation_view.claim_due_months(session, now)
    for claim in due:
        async with database.transaction() as session:
            if not await organisation_view.renew_month_claim(
                session, claim, context.runtime.clock()
            ):
                continue
        try:
            delivery = await _send_month(context, claim)
        except Exception as error:
            log.error("month %s: not made (%s)", claim.digest_id, type(error).__qualname__)
            delivery = sender.Delivery.LATER
        async with database.transaction() as session:
            if delivery is sender.Delivery.LATER:
                await organisation_view.record_month_later(
                    session, claim.digest_id, context.runtime.clock()
                )
            else:
                await organisation_view.record_month_sent(
                    session,
                    claim.digest_id,
                    context.runtime.clock(),
                    reachable=delivery is not sender.Delivery.GONE,
                )


async def _send_month(
    context: BuddyContext, claim: organisation_view.MonthClaim
) -> sender.Delivery:
    """Send the parts of a claimed monthly digest not sent on an earlier try, recording
    each one that went out."""
    database = context.runtime.database
    tr = context.runtime.translator_in(claim.language)
    async with database.transaction() as session:
        view = await organisation_view.view_for_claim(session, claim, context.runtime.clock())
    parts = view_parts(tr, view, monthly=True)
    for number, part in enumerate(parts[claim.parts_sent :], start=claim.parts_sent + 1):
        sent = await sender.deliver(
            partial(send_part, context.bot, claim.telegram_user_id, part),
            what=f"month {claim.digest_id} part {number}",
        )
        if sent.delivery in (sender.Delivery.LATER, sender.Delivery.GONE):
            return sent.delivery
        async with database.transaction() as session:
            await organisation_view.record_month_part_sent(session, claim.digest_id, number)
    return sender.Delivery.SENT


async def daily_purge(context: BuddyContext) -> None:
    """The clean-up of expired data; professionals hear whose data was erased after the
    grace period (posted with each erasure, sent from the outbox)."""
    runtime = context.runtime
    settings = runtime.settings

    def note(told: Told) -> Outgoing | None:
        if told.professional_telegram_id is None:
            return None
        tr = runtime.translator_in(told.professional_language)
        text = tr("notify.erased", name=escape(told.first_name))
        return Outgoing(told.professional_telegram_id, text, "note to a professional")

    report = await privacy.purge(
        runtime.database,
        now=runtime.clock(),
        grace_days=settings.consent_grace_days,
        retention_months=settings.retention_months,
        note=note,
    )
    log.info(
        "purge: %d erased, %d old check-ins and meetups, %d links released, "
        "%d wrong codes, %d questions and %d handled updates forgotten, %d steps failed",
        report.erased,
        report.old_answers,
        report.released_links,
        report.failed_attempts,
        report.awaited_answers,
        report.handled_updates,
        report.failed,
    )
    await outgoing.send_due(context.bot, runtime.database, runtime.clock)


def schedule_jobs(job_queue: JobQueue[Any], settings: Settings) -> None:
    """Register every recurring job of the bot. The tick only looks at the schedule of
    record in the database and the purge is idempotent, so every replica may run both."""
    job_queue.run_repeating(
        tick, interval=settings.tick_seconds, first=settings.tick_seconds, name="checkin-tick"
    )
    job_queue.run_repeating(  # daily, starting a few minutes after start-up
        daily_purge, interval=timedelta(days=1), first=timedelta(minutes=5), name="daily-purge"
    )
