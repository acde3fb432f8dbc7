"""Who someone is in BuddyBot and where they stand: the roles and statuses every room shares.

Plain enums, stored as short strings (``storage/models.py``); handlers and services use them
without reaching into storage.
"""

from __future__ import annotations

from enum import StrEnum

# Flanders first; settings.timezone is what the running bot hands to new people.
DEFAULT_TIME_ZONE = "Europe/Brussels"


class ParticipantRole(StrEnum):
    """The two kinds of people a professional invites."""

    CLIENT = "client"
    BUDDY = "buddy"


class AgeGroup(StrEnum):
    """How old a client or buddy is, as their professional marks it. Under 13 (the Belgian
    age of digital consent) a parent or guardian must agree before check-ins start."""

    ADULT = "adult"
    TEEN = "teen"  # 13 to 17
    CHILD = "child"  # under 13


class ParticipantStatus(StrEnum):
    """Where a client or buddy stands; shown to the professional in their caseload."""

    INVITED = "invited"
    ACTIVE = "active"
    PAUSED = "paused"
    UNREACHABLE = "unreachable"
    LEFT = "left"


class ProfessionalStatus(StrEnum):
    """Whether a professional still works with the bot."""

    INVITED = "invited"
    ACTIVE = "active"
    LEFT = "left"


class ProfessionalRole(StrEnum):
    """What someone on an organisation's staff does in the bot: a professional works with a
    caseload; a coordinator (teamverantwoordelijke) sees the organisation's figures without
    client names and hands caseloads over."""

    PROFESSIONAL = "professional"
    COORDINATOR = "coordinator"


class InvitationRole(StrEnum):
    """Whom an invitation is for."""

    PROFESSIONAL = "professional"
    CLIENT = "client"
    BUDDY = "buddy"
