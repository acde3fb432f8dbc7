"""The bot's commands: which exist, who may use them, and the key of their description;
and the menu under the text field: the few commands each role uses most, as big buttons.

``/help`` and the Telegram command menu are both built from this one list, so they cannot
drift apart. Features add their command here and their handler in ``handlers/__init__.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from buddybot.i18n import LANGUAGES, Translator, text_key, translator
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
    Command("organisation", frozenset({Role.COORDINATOR})),
    Command("handover", frozenset({Role.COORDINATOR})),
)


def commands_for(role: Role) -> list[Command]:
    """The commands a person with this role can use, in menu order."""
    return [command for command in COMMANDS if role in command.roles]


# The menu: 2–4 buttons a role needs most, so nobody has to know a command. Each button
# does exactly what its command does; its text says so in the person's language.
MENUS: dict[Role, tuple[str, ...]] = {
    Role.CLIENT: ("checkin", "network", "myweek", "help"),
    Role.BUDDY: ("meetup", "help"),
    Role.PROFESSIONAL: ("clients", "invite", "digest", "help"),
    Role.COORDINATOR: ("organisation", "handover", "help"),
}
MENU_TEXT = {
    "checkin": text_key("menu.checkin"),
    "network": text_key("menu.network"),
    "myweek": text_key("menu.myweek"),
    "meetup": text_key("menu.meetup"),
    "clients": text_key("menu.clients"),
    "invite": text_key("menu.invite"),
    "digest": text_key("menu.digest"),
    "organisation": text_key("menu.organisation"),
    "handover": text_key("menu.handover"),
    "help": text_key("menu.help"),
}


def menu_for(role: Role, tr: Translator) -> list[list[str]]:
    """The menu buttons of a role in one language, two to a row (big enough to tap);
    none for someone the bot does not know."""
    texts = [tr(MENU_TEXT[name]) for name in MENUS.get(role, ())]
    return [texts[i : i + 2] for i in range(0, len(texts), 2)]


def command_of_menu_text(text: str) -> str | None:
    """The command a menu button's text stands for, in any language (someone may tap a
    button of the menu they had before changing language); None for other text."""
    for name, key in MENU_TEXT.items():
        if any(translator(language)(key) == text for language in LANGUAGES):
            return name
    return None


def menu_texts() -> frozenset[str]:
    """Every menu button's text in every language: what a menu tap can send."""
    return frozenset(
        translator(language)(key) for key in MENU_TEXT.values() for language in LANGUAGES
    )
