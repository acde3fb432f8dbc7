"""A readable record of a conversation in the sandbox, as the demo prints it."""

from __future__ import annotations

from dataclasses import dataclass, field

from buddybot.sandbox.chats import ChatMessage
from buddybot.sandbox.users import SandboxUser


@dataclass
class Transcript:
    """Collects what people typed and tapped and what the bot answered."""

    bot_name: str = "BuddyBot"
    lines: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """A narrator's line (what is about to happen)."""
        self.lines += ["", f"── {text}"]

    def said(self, person: SandboxUser, text: str) -> None:
        """A person typed and sent ``text``."""
        self.lines.append(f"👤 {person.first_name}: {text}")

    def tapped(self, person: SandboxUser, button: str) -> None:
        """A person tapped a button."""
        self.lines.append(f"👤 {person.first_name} taps [{button}]")

    def bot(self, message: ChatMessage, *, edited: bool = False, alert: str | None = None) -> None:
        """The bot sent (or edited) a message, or showed an alert."""
        if alert is not None:
            self.lines.append(f"🤖 {self.bot_name} (pop-up): {alert}")
            return
        label = f"{self.bot_name} (edits its message)" if edited else self.bot_name
        attachments = []
        if message.photo is not None:
            attachments.append(f"[picture, {message.photo.size} bytes]")
        if message.document is not None:
            attachments.append(f"[document {message.document.file_name}]")
        body = message.content.splitlines()
        if attachments:
            first, rest = " ".join(attachments), body
        else:
            first, rest = (body or [""])[0], body[1:]
        self.lines.append(f"🤖 {label}: {first}")
        self.lines += [f"   {line}" if line else "" for line in rest]
        if message.buttons:
            self.lines.append("   " + " ".join(f"[{button.text}]" for button in message.buttons))
        menu = _menu_texts(message)
        if menu:
            self.lines.append("   ⌨️ " + " ".join(f"[{text}]" for text in menu))

    def text(self) -> str:
        """The whole transcript."""
        return "\n".join(self.lines).strip() + "\n"


def _menu_texts(message: ChatMessage) -> list[str]:
    """The buttons of the menu (reply keyboard) a message puts under the text field."""
    rows = (message.reply_markup or {}).get("keyboard") or []
    return [
        button if isinstance(button, str) else str(button.get("text", ""))
        for row in rows
        for button in row
    ]
