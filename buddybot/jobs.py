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
from typing import Any

from telegram.ext import JobQueue

from buddybot import sender
from buddybot.context import BuddyContext
from buddybot.handlers.checkin import prompt_reply
from buddybot.handlers.digest import send_digest
from buddybot.notes import tell_professional
from buddybot.services import checkins, digest, privacy
from buddybot.services.checkins import Prompt
from buddybot.settings import Settings

log = logging.getLogger(__name__)

# A few sends in flight at once; the rate limiter keeps the total within Telegram's 30/s.
SENDERS = 4


async def tick(context: BuddyContext) -> None:
    """Every few seconds: make due prompts, send them, remind once, close old ones, and send
    the weekly digests whose moment has come."""
    database, now = context.runtime.database, context.runtime.clock()
    async with database.transaction() as session:
        await checkins.materialise(session, now)
    async with database.transaction() as session:
        prompts = await checkins.claim_prompts(session, now)
    await _send_all(context, prompts, reminder=False)
    async with database.transaction() as session:
        reminders = await checkins.claim_reminders(session, now)
        closed = await checkins.expire(session, now)
    await _send_all(context, reminders, reminder=True)
    for prompt in closed:
        await _close_prompt(context, prompt)
    await weekly_digests(context)


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
    reply = prompt_reply(context.runtime.translator_in(prompt.language), prompt, reminder=reminder)
    return await sender.send(
        context.bot,
        prompt.telegram_user_id,
        reply.text,
        keyboard=reply.keyboard,
        what=f"check-in {prompt.checkin_id}",
    )


async def _record(
    context: BuddyContext, outcomes: list[tuple[Prompt, sender.Sent]], *, reminder: bool
) -> None:
    now = context.runtime.clock()
    async with context.runtime.database.transaction() as session:
        for prompt, sent in outcomes:
            gone = sent.delivery is sender.Delivery.GONE
            if sent.message_id is not None and not reminder:
                await checkins.record_sent(session, prompt.checkin_id, sent.message_id, now)
            elif not sent.ok and (gone or not reminder):
                await checkins.record_failed(session, prompt.checkin_id, now, unreachable=gone)


async def _close_prompt(context: BuddyContext, prompt: Prompt) -> None:
    """Take the buttons off a prompt whose answer window passed; already changed, deleted or
    unreachable, the row is closed either way."""
    if prompt.message_id is None:
        return
    tr = context.runtime.translator_in(prompt.language)
    await sender.replace(
        context.bot,
        prompt.telegram_user_id,
        prompt.message_id,
        tr("checkin.closed"),
        what=f"check-in {prompt.checkin_id} closed",
    )


async def weekly_digests(context: BuddyContext) -> None:
    """Each professional whose digest moment has come gets last week's digest once (claimed
    in the database, so replicas and restarts do not repeat it)."""
    database, now = context.runtime.database, context.runtime.clock()
    async with database.transaction() as session:
        due = await digest.claim_due(session, now)
    for claim in due:
        tr = context.runtime.translator_in(claim.language)
        async with database.transaction() as session:
            caseload = await digest.caseload_for(session, claim)
        # A digest is a picture and several messages: a temporary failure is not retried
        # here, part-way; its claim goes stale and the whole digest is tried again.
        sent = await sender.deliver(
            partial(send_digest, context, claim.telegram_user_id, tr, caseload, so_far=False),
            what=f"digest {claim.digest_id}",
            attempts=1,
        )
        if sent.delivery is sender.Delivery.LATER:
            continue
        # Sent, or given up for someone who blocked the bot: not retried in a loop.
        async with database.transaction() as session:
            await digest.record_sent(session, claim.digest_id, context.runtime.clock())


async def daily_purge(context: BuddyContext) -> None:
    """The clean-up of expired data; professionals hear whose data was erased after the
    grace period."""
    settings = context.runtime.settings
    async with context.runtime.database.transaction() as session:
        report = await privacy.purge(
            session,
            now=context.runtime.clock(),
            grace_days=settings.consent_grace_days,
            retention_months=settings.retention_months,
        )
    log.info(
        "purge: %d erased, %d old check-ins and meetups, %d links released, "
        "%d wrong codes, %d questions and %d handled updates forgotten",
        len(report.erased),
        report.old_answers,
        report.released_links,
        report.failed_attempts,
        report.awaited_answers,
        report.handled_updates,
    )
    for told in report.erased:
        await tell_professional(
            context.bot,
            told,
            lambda tr, name: tr("notify.erased", name=name),
            default_language=settings.default_language,
        )


def schedule_jobs(job_queue: JobQueue[Any], settings: Settings) -> None:
    """Register every recurring job of the bot. The tick only looks at the schedule of
    record in the database and the purge is idempotent, so every replica may run both."""
    job_queue.run_repeating(
        tick, interval=settings.tick_seconds, first=settings.tick_seconds, name="checkin-tick"
    )
    job_queue.run_repeating(  # daily, starting a few minutes after start-up
        daily_purge, interval=timedelta(days=1), first=timedelta(minutes=5), name="daily-purge"
    )
