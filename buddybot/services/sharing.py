"""Whether a client's message for their professional may also be read by the professional's
team (in the report for the team meeting, ``services/report.py``). The client decides per
message, right after writing it; until they say yes, only their professional reads it."""

from __future__ import annotations

from dataclasses import dataclass

from buddybot.services.people import Role, identify
from buddybot.storage import checkins as stored
from buddybot.storage import people
from buddybot.storage.database import Database


@dataclass(frozen=True)
class Shared:
    """The client's choice as it now stands, with their professional's name and their
    language (to say it back)."""

    checkin_id: int
    shared: bool
    professional: str
    language: str | None


async def share_message(
    database: Database, telegram_user_id: int, checkin_id: int, shared: bool
) -> Shared | None:
    """Record whether the message kept with ``checkin_id`` may go into the team's report.
    None when that check-in is not this person's or holds no message (a forged or old
    button)."""
    async with database.transaction() as session:
        person = await identify(session, telegram_user_id)
        checkin = await stored.by_id(session, checkin_id)
        # Only the client who wrote it: a professional's record id is another table's, and
        # may be the same number as a client's.
        if (
            person.role is not Role.CLIENT
            or person.record_id is None
            or checkin is None
            or checkin.participant_id != person.record_id
            or not (checkin.data or {}).get("message")
        ):
            return None
        checkin.data = {**(checkin.data or {}), "shared": shared}
        client = await people.participant_by_id(session, person.record_id)
        professional = (
            None
            if client is None
            else await people.professional_by_id(session, client.professional_id)
        )
        return Shared(
            checkin_id,
            shared,
            "" if professional is None else professional.display_name,
            person.language,
        )
