"""The bot's commands: which exist, who may use them, and the key of their description.

``/help`` and the Telegram command menu are both built from this one list, so they cannot
drift apart. Features add their command here and their handler in ``handlers/__init__.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from buddybot.services.people import Role

EVERYONE = frozenset(Role)
PROFESSIONALS = frozenset({Role.PROFESSIONAL})
CLIENTS_AND_BUDDIES = frozenset({Role.CLIENT, Role.BUDDY})


@dataclass(frozen=True)
class Command:
    """A slash command, e.g. ``/privacy``."""

    name: str
    roles: frozenset[Role] = EVERYONE

    @property
    def description_key(self) -> str:
        """The i18n key of the one-line description shown in /help and the menu."""
        return f"command.{self.name}"


COMMANDS: tuple[Command, ...] = (
    Command("start"),
    Command("help"),
    Command("privacy"),
    Command("language"),
    Command("checkin", frozenset({Role.CLIENT})),
    Command("network", frozenset({Role.CLIENT})),
    Command("myweek", frozenset({Role.CLIENT})),
    Command("meetup", frozenset({Role.BUDDY})),
    Command("schedule", frozenset({Role.CLIENT})),
    Command("pause", frozenset({Role.CLIENT})),
    Command("resume", frozenset({Role.CLIENT})),
    Command("mydata"),
    Command("stop", CLIENTS_AND_BUDDIES),
    Command("delete", CLIENTS_AND_BUDDIES),
    Command("clients", PROFESSIONALS),
    Command("invite", PROFESSIONALS),
    Command("invitations", PROFESSIONALS),
    Command("digest", PROFESSIONALS),
    Command("export", PROFESSIONALS),
)


def commands_for(role: Role) -> list[Command]:
    """The commands a person with this role can use, in menu order."""
    return [command for command in COMMANDS if role in command.roles]
