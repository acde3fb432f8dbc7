"""A client's history written as it happened, for tests that compare dates: the map and the
answers of the 14 weeks since joining, counted by hand in tests/test_before_after.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from buddybot.network import Contact, ContactKind, Domain, Support
from buddybot.runner import BotProcess
from buddybot.services import contacts
from buddybot.storage import contacts as stored_contacts
from buddybot.storage import models
from tests.clocked import answered_at

BRUSSELS = ZoneInfo("Europe/Brussels")
# The client joined on a Monday at 10:00 in Brussels; "now" is 14 weeks and 2 days later.
JOINED = datetime(2026, 1, 5, 10, tzinfo=BRUSSELS)
NOW = JOINED + timedelta(weeks=14, days=2)

MAMA = Contact(
    0,
    ContactKind.PERSON,
    "Mama",
    1,
    Domain.FAMILY,
    support_received=frozenset({Support.EMOTIONAL}),
    support_given=frozenset({Support.COMPANY}),
)
JAN = Contact(0, ContactKind.PERSON, "Jan", 2, Domain.FRIENDS)
DOCTOR = Contact(
    0, ContactKind.PERSON, "Huisarts", 3, Domain.CARE, support_received=frozenset({Support.ADVICE})
)
FIKKIE = Contact(0, ContactKind.ANIMAL, "Fikkie", 1, Domain.FAMILY)
RITA = Contact(0, ContactKind.PERSON, "Rita", 2, Domain.NEIGHBOURHOOD)

# Week (counted from the week of joining) → (who was seen, satisfaction or None).
ANSWERS = {
    0: (("Mama", "Jan"), 2),
    1: (("Mama", "Jan", "Fikkie"), None),
    # week 2: no check-in at all (missing, not zero)
    3: (("Mama",), 3),
    11: (("Mama", "Jan", "Rita", "Fikkie"), 4),
    12: (("Mama", "Rita"), None),
    13: (("Mama", "Jan", "Rita", "Fikkie"), 5),
}


async def client_history(bot: BotProcess, client_id: int) -> dict[str, int]:
    """The map and the answers of 14 weeks, written as they happened; the contacts' ids by
    label."""
    assert bot.database is not None
    by = contacts.Editor("client", client_id)
    async with bot.database.transaction() as session:
        client = await session.get(models.Participant, client_id)
        assert client is not None
        client.consent_given_at = JOINED.astimezone(UTC)
        ids = {}
        for contact in (MAMA, JAN, DOCTOR, FIKKIE):
            added = await contacts.add_contact(session, client_id, contact, by=by, now=JOINED)
            ids[contact.label] = added.contact_id
        at = JOINED + timedelta(weeks=8)
        ids["Rita"] = (
            await contacts.add_contact(session, client_id, RITA, by=by, now=at)
        ).contact_id
        records = {r.label: r for r in await stored_contacts.current_records(session, client_id)}
        jan = replace(JAN, contact_id=ids["Jan"], circle=1)
        await contacts.update_contact(
            session, records["Jan"], jan, by=by, now=JOINED + timedelta(weeks=9)
        )
        await contacts.remove_contact(
            session, records["Huisarts"], by=by, now=JOINED + timedelta(weeks=10)
        )
    for week, (seen, satisfaction) in ANSWERS.items():
        at = JOINED + timedelta(weeks=week, days=1)
        await answered_at(bot, client_id, at, [ids[n] for n in seen], satisfaction=satisfaction)
    return ids
