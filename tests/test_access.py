"""The authorization matrix: every role against every action that names a record.

Actors: the client's own professional, another professional of the same organisation, a
professional of another organisation, the client, another client, the client's buddy, and a
stranger. Every refusal is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from buddybot.clock import utcnow
from buddybot.roles import ParticipantStatus, ProfessionalStatus
from buddybot.services import access, invitations, joining, organisations
from buddybot.storage import people
from buddybot.storage.database import Database
from buddybot.storage.models import AuditLog

OWN_PRO, SAME_ORG_PRO, OTHER_ORG_PRO, CLIENT, OTHER_CLIENT, BUDDY, STRANGER = (
    101,
    102,
    103,
    201,
    202,
    301,
    999,
)
ACTORS = {
    "own professional": OWN_PRO,
    "same-organisation professional": SAME_ORG_PRO,
    "other-organisation professional": OTHER_ORG_PRO,
    "client": CLIENT,
    "other client": OTHER_CLIENT,
    "buddy": BUDDY,
    "stranger": STRANGER,
}


@dataclass
class World:
    client_id: int
    invitation_id: int
    buddy_link_id: int


async def _join_professional(session, organisation: str, name: str, telegram_id: int) -> None:
    created = await organisations.invite_professional(
        session, organisation, name, now=utcnow(), days=14
    )
    await joining.open_invitation(session, created.code, telegram_id, now=utcnow())


async def _join(session, code: str, telegram_id: int) -> None:
    opened = await joining.open_invitation(session, code, telegram_id, now=utcnow())
    assert opened.invitation_id is not None
    await joining.answer_consent(
        session, opened.invitation_id, telegram_id, agree=True, language="nl", now=utcnow()
    )


async def _world(database: Database) -> World:
    async with database.transaction() as session:
        await organisations.create_organisation(session, "Kring Gent")
        await organisations.create_organisation(session, "Elders")
        await _join_professional(session, "Kring Gent", "Els", OWN_PRO)
        await _join_professional(session, "Kring Gent", "Tom", SAME_ORG_PRO)
        await _join_professional(session, "Elders", "Mallory", OTHER_ORG_PRO)
        els = await access.acting_professional(session, OWN_PRO)
        tom = await access.acting_professional(session, SAME_ORG_PRO)
        assert els is not None
        assert tom is not None
        amira = await invitations.invite_client(session, els, "Amira", now=utcnow(), days=14)
        await _join(session, amira.code, CLIENT)
        other = await invitations.invite_client(session, tom, "Karim", now=utcnow(), days=14)
        await _join(session, other.code, OTHER_CLIENT)
        client = await people.participant_by_telegram_id(session, CLIENT)
        assert client is not None
        bram = await invitations.invite_buddy(session, els, client, "Bram", now=utcnow(), days=14)
        await _join(session, bram.code, BUDDY)
        ((link, _),) = await people.buddy_links_of_client(session, client.id)
        pending = await invitations.invite_client(session, els, "Noor", now=utcnow(), days=14)
        return World(client.id, pending.invitation_id, link.id)


async def _refusals(database: Database) -> int:
    async with database.transaction() as session:
        count = await session.scalar(select(func.count()).where(AuditLog.action.like("refused.%")))
    return count or 0


async def _allowed(database: Database, world: World, action: str, actor: int) -> bool:
    async with database.transaction() as session:
        if action == "act as professional (/invite, /clients, /invitations)":
            return await access.acting_professional(session, actor) is not None
        if action == "view the client / invite a buddy for them":
            return (
                await access.own_client(session, actor, world.client_id, "client.view") is not None
            )
        if action == "withdraw an invitation":
            invitation = await access.own_open_invitation(
                session, actor, world.invitation_id, utcnow()
            )
            return invitation is not None
        if action == "agree to the client's buddy":
            return (
                await access.buddy_link_to_answer(session, actor, world.buddy_link_id) is not None
            )
    raise AssertionError(action)


MATRIX = {
    "act as professional (/invite, /clients, /invitations)": {
        OWN_PRO,
        SAME_ORG_PRO,
        OTHER_ORG_PRO,
    },
    "view the client / invite a buddy for them": {OWN_PRO},
    "withdraw an invitation": {OWN_PRO},
    "agree to the client's buddy": {CLIENT},
}


@pytest.mark.parametrize("action", list(MATRIX))
async def test_authorization_matrix(database: Database, action: str) -> None:
    world = await _world(database)
    for name, actor in ACTORS.items():
        before = await _refusals(database)
        allowed = await _allowed(database, world, action, actor)
        assert allowed == (actor in MATRIX[action]), f"{name} × {action}"
        refused_now = await _refusals(database) - before
        # acting_professional is a plain look-up; the others record every refusal.
        if action != "act as professional (/invite, /clients, /invitations)":
            assert refused_now == (0 if allowed else 1), f"{name} × {action} audit"


async def test_a_professional_who_left_acts_on_nothing(database: Database) -> None:
    world = await _world(database)
    async with database.transaction() as session:
        els = await people.professional_by_telegram_id(session, OWN_PRO)
        assert els is not None
        els.status = ProfessionalStatus.LEFT
    assert not await _allowed(database, world, "view the client / invite a buddy for them", OWN_PRO)


async def test_a_client_who_left_is_no_longer_on_anyones_caseload(database: Database) -> None:
    world = await _world(database)
    async with database.transaction() as session:
        client = await people.participant_by_id(session, world.client_id)
        assert client is not None
        client.status = ParticipantStatus.LEFT
    assert not await _allowed(database, world, "view the client / invite a buddy for them", OWN_PRO)


async def test_nothing_new_is_set_up_for_a_client_who_stopped(database: Database) -> None:
    world = await _world(database)
    async with database.transaction() as session:
        client = await people.participant_by_id(session, world.client_id)
        assert client is not None
        client.consent_withdrawn_at = utcnow()
    async with database.transaction() as session:
        assert await access.own_client(session, OWN_PRO, world.client_id, "client.view")
        refused = await access.own_client(
            session, OWN_PRO, world.client_id, "invite.buddy", still_taking_part=True
        )
        assert refused is None
