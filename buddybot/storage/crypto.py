"""Encryption at rest for personal content (names, contact labels, notes, messages,
Telegram user ids), so a copied database file or backup reveals none of it.

AES-256-GCM (``cryptography``) with a fresh 96-bit nonce per value; the column's purpose
(``"contact.label"``) and the row's seal are bound in as associated data (:func:`in_row`), so
a value cannot be moved to another column or another row unnoticed. A stored value reads
``<key id>:<base64 of nonce + ciphertext>``, so several keys can live side by side: new values
use the current key, old ones are read with the key they name until ``buddybot admin
rotate-key`` has re-encrypted them.

Telegram user ids are also stored as a keyed hash (HMAC-SHA256 with the look-up key) for
finding a person by the id Telegram sends. The look-up key is not rotated with the others:
changing it would need every hash recomputed at once.

The keys live outside the database: a JSON key file or ``BUDDYBOT_ENCRYPTION_KEYS``
(``buddybot admin new-key`` makes one), never in a table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from buddybot.settings import ENV_PREFIX, Settings, SettingsError

KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
# The fix for every key that does not fit the data: a new key file never opens old data.
USE_THE_DATA_KEYS = (
    f"set {ENV_PREFIX}KEY_FILE (or {ENV_PREFIX}ENCRYPTION_KEYS) to the key file this data was "
    "encrypted with, or its backup"
)


class EncryptionKeyError(Exception):
    """A key is missing, malformed or wrong; the message says what to do."""


@dataclass(frozen=True)
class Keyring:
    """The encryption keys by id, which one encrypts new values, and the look-up key."""

    current: str
    keys: dict[str, bytes]
    lookup_key: bytes
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.current not in self.keys:
            raise EncryptionKeyError(f"the current key {self.current!r} is not among the keys")
        for key_id, key in {**self.keys, "lookup": self.lookup_key}.items():
            if not _KEY_ID.match(key_id) or len(key) != KEY_BYTES:
                raise EncryptionKeyError(
                    f"key {key_id!r} must be {KEY_BYTES} bytes with a short id"
                )
        self._ciphers.update({key_id: AESGCM(key) for key_id, key in self.keys.items()})

    @classmethod
    def generate(cls, key_id: str = "k1") -> Keyring:
        """A new keyring with one random key and a random look-up key."""
        return cls(key_id, {key_id: os.urandom(KEY_BYTES)}, os.urandom(KEY_BYTES))

    def with_new_key(self, key_id: str) -> Keyring:
        """This keyring plus a new random key, which becomes the current one."""
        if key_id in self.keys:
            raise EncryptionKeyError(f"there already is a key {key_id!r}")
        return Keyring(key_id, {**self.keys, key_id: os.urandom(KEY_BYTES)}, self.lookup_key)

    def to_json(self) -> str:
        """The keyring as the key file holds it."""
        return json.dumps(
            {
                "current": self.current,
                "keys": {key_id: _b64(key) for key_id, key in self.keys.items()},
                "lookup": _b64(self.lookup_key),
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Keyring:
        """Read a key file's content (or the environment variable's)."""
        try:
            data = json.loads(text)
            return cls(
                str(data["current"]),
                {str(k): base64.b64decode(v, validate=True) for k, v in data["keys"].items()},
                base64.b64decode(data["lookup"], validate=True),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise EncryptionKeyError(
                f"the encryption keys are not readable ({type(error).__name__}); "
                "make a key file with `buddybot admin new-key`"
            ) from None

    def encrypt(self, plaintext: str, purpose: str) -> str:
        """``plaintext`` encrypted with the current key, for the column ``purpose``."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current].encrypt(nonce, plaintext.encode(), purpose.encode())
        return f"{self.current}:{_b64(nonce + sealed)}"

    def decrypt(self, stored: str, purpose: str) -> str:
        """The plaintext of a stored value, with the key it names."""
        key_id, _, payload = stored.partition(":")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise EncryptionKeyError(
                f"A value is encrypted with key {key_id!r}, which is not configured: "
                f"{USE_THE_DATA_KEYS}"
            )
        try:
            raw = base64.b64decode(payload)
            plain = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode())
        except (InvalidTag, ValueError):  # ValueError: not base64, or too short
            raise EncryptionKeyError(
                f"A value of {purpose} does not decrypt with key {key_id!r}: it was encrypted "
                f"with another key, or changed or moved in the database; {USE_THE_DATA_KEYS}"
            ) from None
        return plain.decode()

    def lookup(self, telegram_user_id: int) -> str:
        """The keyed hash of a Telegram user id, stored for finding the person."""
        message = f"telegram:{telegram_user_id}".encode()
        return hmac.new(self.lookup_key, message, hashlib.sha256).hexdigest()


def in_row(purpose: str, seal: str) -> str:
    """What a value is bound to (its associated data): the column ``purpose`` of the row
    whose seal is ``seal`` (``storage.columns.RowSealed``). The one place this is decided."""
    return f"{purpose}@{seal}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


_active: Keyring | None = None


def activate(keyring: Keyring) -> None:
    """Use ``keyring`` for every value this process stores or reads."""
    global _active
    _active = keyring


def active() -> Keyring:
    """The keyring in use; raises when none was activated (a programming error: start-up
    activates one or refuses to start)."""
    if _active is None:
        raise EncryptionKeyError("no encryption keys are active")
    return _active


def load(key_file_text: str | None, environment_value: str | None, *, ephemeral: bool) -> Keyring:
    """The keyring from the environment variable or the key file; when ``ephemeral`` (the
    demo, tests) the one already in use in this process or a throw-away one; else a clear
    refusal."""
    for text in (environment_value, key_file_text):
        if text:
            return Keyring.from_json(text)
    if ephemeral:
        return _active or Keyring.generate()
    raise EncryptionKeyError(
        "no encryption key: personal data is stored encrypted. Make a key file with "
        "`buddybot admin new-key --out /etc/buddybot/keys.json` (keep it outside the "
        "database and its backups), then set BUDDYBOT_KEY_FILE=/etc/buddybot/keys.json"
    )


def encrypt_json(value: Any, purpose: str) -> str:
    """A JSON document encrypted as one value."""
    return active().encrypt(json.dumps(value, separators=(",", ":")), purpose)


def decrypt_json(stored: str, purpose: str) -> Any:
    """The JSON document of :func:`encrypt_json`."""
    return json.loads(active().decrypt(stored, purpose))


def key_source(settings: Settings) -> str:
    """Where the keys in use come from, for messages (the same order as :func:`load`)."""
    if settings.encryption_keys is not None and settings.encryption_keys.get_secret_value():
        return f"{ENV_PREFIX}ENCRYPTION_KEYS"
    if settings.key_file is not None:
        return f"{ENV_PREFIX}KEY_FILE {settings.key_file}"
    return f"the throw-away key of {ENV_PREFIX}EPHEMERAL_KEYS"


def keyring_of(settings: Settings) -> Keyring:
    """The encryption keys the settings name (``BUDDYBOT_KEY_FILE`` or
    ``BUDDYBOT_ENCRYPTION_KEYS``), or a :class:`~buddybot.settings.SettingsError` telling
    how to make them."""
    try:
        text = settings.key_file.read_text() if settings.key_file is not None else None
    except OSError as error:
        raise SettingsError(
            f"Cannot read {ENV_PREFIX}KEY_FILE {settings.key_file}: {error.strerror}"
        ) from None
    secret = settings.encryption_keys.get_secret_value() if settings.encryption_keys else None
    try:
        return load(text, secret, ephemeral=settings.ephemeral_keys)
    except EncryptionKeyError as error:
        raise SettingsError(str(error)) from None
