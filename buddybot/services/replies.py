"""A professional answers a client's message (issue 18, item 4): "↩️ Reply to Amira" under
the message passed on, the answer typed, and the answer delivered to the client through the
outbox. One transaction per step; no Telegram types.

Who may answer is decided again at each step, whatever the button said: the client must
still be the professional's own (``access.own_client``: anyone else is refused and written
to the audit log) and their consent must stand; a client who stopped, or who blocked the
bot, gets nothing, and the professional is told which of the two it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from buddybot.roles import ParticipantStatus
from buddybot.services import access, outbox, questions
from buddybot.services.access import OwnClient
from buddybot.services.outbox import Outgoing
from buddybot.storage import audit
from buddybot.storage.database import Database

# The typed question "your answer for Amira" (``handlers/typed.TOPICS``); its data names the
# client: {"client": <participant id>}.
TOPIC = "client.reply"
ACTION = "client.reply"
# What the outbox and the log call these messages (no personal data).
WHAT = "a professional's answer to a client"


@dataclass(frozen=True)
class Asking:
    """The professional is to type the answer for ``client_name`` now."""

    client_name: str


@dataclass(frozen=True)
class NotTakingPart:
    """The client stopped (withdrew their consent): nothing is sent to them."""

    client_name: str


@dataclass(frozen=True)
class Unreachable:
    """The client cannot be reached on Telegram (blocked the bot): nothing is sent."""

    client_name: str


@dataclass(frozen=True)
class Addressee:
    """What the words for the client are made of: ``text`` as the professional typed it,
    ``professional`` (their name as clients see it) and the client's ``language``."""

    language: str | None
    professional: str
    text: str


@dataclass(frozen=True)
class Sent:
    """The answer is in the outbox (``message_ids``: its messages, to send at once) and in
    the audit log."""

    client_name: str
    message_ids: tuple[int, ...]


# Writes the client's messages (HTML, each within one Telegram message) for an answer.
Writer = Callable[[Addressee], Sequence[str]]


async def _may_answer(
    session: AsyncSession, telegram_user_id: int, client_id: int
) -> OwnClient | NotTakingPart | Unreachable | None:
    """The client, when this professional may write to them now; why not otherwise; None
    when this is not their client (refused, in the audit log)."""
    own = await access.own_client(session, telegram_user_id, client_id, ACTION)
    if own is None:
        return None
    name = own.client.first_name or ""
    if not access.consent_stands(own.client):
        return NotTakingPart(name)
    if own.client.status is ParticipantStatus.UNREACHABLE or own.client.telegram_user_id is None:
        return Unreachable(name)
    return own


async def ask(
    database: Database, telegram_user_id: int, client_id: int, now: datetime
) -> Asking | NotTakingPart | Unreachable | None:
    """The professional pressed "Reply to …": their next typed text is the answer for
    client ``client_id`` (an earlier typed question is let go). None when refused."""
    async with database.transaction() as session:
        allowed = await _may_answer(session, telegram_user_id, client_id)
        if not isinstance(allowed, OwnClient):
            return allowed
        await questions.expect(
            session, telegram_user_id, TOPIC, now=now, data={"client": allowed.client.id}
        )
        return Asking(allowed.client.first_name or "")


async def send(
    database: Database,
    telegram_user_id: int,
    client_id: int,
    text: str,
    now: datetime,
    write: Writer,
) -> Sent | NotTakingPart | Unreachable | None:
    """The typed answer ``text`` for client ``client_id``: checked again (the client may
    have stopped, or moved to another professional, since the button was pressed), then
    posted to the outbox in the client's words (``write``) and written to the audit log
    (ids and the number of messages, never the text), all in one transaction. The question
    is over whatever the outcome. None when refused."""
    async with database.transaction() as session:
        await questions.answered(session, telegram_user_id)
        allowed = await _may_answer(session, telegram_user_id, client_id)
        if not isinstance(allowed, OwnClient):
            return allowed
        client, professional = allowed.client, allowed.professional
        assert client.telegram_user_id is not None  # _may_answer: reachable
        texts = write(Addressee(client.language, professional.display_name, text))
        messages = [
            Outgoing(client.telegram_user_id, part, WHAT, participant_id=client.id)
            for part in texts
        ]
        ids = await outbox.post(session, messages, now)
        await audit.add_audit_entry(
            session,
            actor_kind="professional",
            actor_id=professional.id,
            action=ACTION,
            subject_kind="participant",
            subject_id=client.id,
            detail={"messages": len(ids)},
        )
        return Sent(client.first_name or "", tuple(ids))


async def cancel(database: Database, telegram_user_id: int, client_id: int) -> bool:
    """Cancel pressed under the question for an answer to ``client_id``: that answer is let
    go. False when it was not the one awaited (already sent, cancelled, another question
    asked since, or an answer to another client: Cancel under an older question must not
    call off the newest)."""
    async with database.transaction() as session:
        awaited = await questions.expected(session, telegram_user_id)
        if awaited is None or awaited.topic != TOPIC or awaited.data.get("client") != client_id:
            return False
        await questions.answered(session, telegram_user_id)
        return True
