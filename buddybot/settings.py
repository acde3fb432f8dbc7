"""All configuration of BuddyBot, in one pydantic-settings class.

Values come, highest priority first, from: keyword arguments (tests), environment variables
prefixed ``BUDDYBOT_``, the optional TOML file ``config/buddybot.toml``, and the defaults below.
Secrets (the bot token, the webhook secret) are only read from the environment.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from difflib import get_close_matches
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from buddybot.i18n import LANGUAGES
from buddybot.roles import DEFAULT_TIME_ZONE

ENV_PREFIX = "BUDDYBOT_"
DEFAULT_CONFIG_FILE = Path("config/buddybot.toml")
CONFIG_FILE_ENV = "BUDDYBOT_CONFIG_FILE"
SECRET_FIELDS = frozenset({"telegram_token", "webhook_secret", "encryption_keys"})

# Telegram only accepts these characters in a webhook secret token.
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# BotFather's tokens: the bot's numeric id, a colon, then letters, digits, _ and -
# ("123456789:AAE…"). The length after the colon is not checked: Telegram has not promised it.
_TOKEN = re.compile(r"^[0-9]+:[A-Za-z0-9_-]+$")
# Hosts where an http:// webhook is allowed: this machine only (the sandbox, tests).
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Plain driver names are rewritten to the async drivers we ship with.
_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}
_SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}


class Mode(StrEnum):
    """How the bot receives updates from Telegram."""

    POLLING = "polling"
    WEBHOOK = "webhook"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming the setting."""


class _SecretFreeToml(TomlConfigSettingsSource):
    """The TOML file source, refusing secrets so they never end up in a committed file."""

    def __init__(self, settings_cls: type[BaseSettings], toml_file: Path) -> None:
        try:
            super().__init__(settings_cls, toml_file=toml_file)
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(f"The config file {toml_file} is not valid TOML: {error}") from None
        except OSError as error:
            raise SettingsError(
                f"Cannot read the config file {toml_file}: {error.strerror}; fix its "
                f"permissions or point {CONFIG_FILE_ENV} at another file"
            ) from None

    def __call__(self) -> dict[str, Any]:
        values = super().__call__()
        for name in SECRET_FIELDS & {key.lower() for key in values}:
            raise SettingsError(
                f"{ENV_PREFIX}{name.upper()} is a secret: set it in the environment, "
                "not in the config file"
            )
        return values


class Settings(BaseSettings):
    """BuddyBot's settings. Every field can be set as ``BUDDYBOT_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        case_sensitive=False,
        extra="forbid",
        validate_default=True,
    )

    telegram_token: SecretStr | None = Field(
        default=None, description="Bot token from @BotFather (secret, environment only)."
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL; the token is appended to it.",
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///buddybot.db", description="SQLAlchemy database URL."
    )
    mode: Mode = Field(default=Mode.POLLING, description="polling or webhook.")
    webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL Telegram posts updates to (webhook mode)."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Secret token Telegram sends with each update (webhook mode)."
    )
    listen_host: str = Field(
        default="0.0.0.0", description="Address the web server (webhook, Mini App) binds."
    )
    listen_port: int = Field(
        default=8080, ge=1, le=65535, description="Web server port (webhook, Mini App)."
    )
    webapp_url: str | None = Field(
        default=None,
        description="Public HTTPS URL of the Mini App (docs/webapp.md); unset: no Mini App.",
    )
    webapp_max_age_minutes: int = Field(
        default=60,
        ge=1,
        le=24 * 60,
        description="How long a Mini App's signed launch data is accepted (minutes).",
    )
    webapp_telegram_js: bool = Field(
        default=True,
        description="Load Telegram's telegram-web-app.js in the Mini App (off: offline, tests).",
    )
    timezone: str = Field(default=DEFAULT_TIME_ZONE, description="Default time zone.")
    default_language: str = Field(default="nl", description="Language when nothing else is known.")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR.")
    send_rate: float = Field(
        default=30,
        gt=0,
        le=1000,
        description="Messages per second over all chats (Telegram's limit is about 30).",
    )
    tick_seconds: int = Field(
        default=30, ge=1, le=600, description="How often due check-ins are looked for."
    )
    concurrent_updates: int = Field(
        # High: an update in progress may be waiting its turn under Telegram's 30/s, and
        # one waiting for a free place does not even get its button answered meanwhile.
        default=2048,
        ge=1,
        le=10000,
        description="How many updates are handled at the same time (one chat's in order).",
    )
    invitation_days: int = Field(
        default=14, ge=1, le=90, description="How many days an invitation link stays valid."
    )
    consent_grace_days: int = Field(
        default=30,
        ge=0,
        le=365,
        description="Days data is kept after /stop, in case the person changes their mind.",
    )
    retention_months: int = Field(
        default=24, ge=1, le=120, description="Answers older than this many months are erased."
    )
    key_file: Path | None = Field(
        default=None,
        description="JSON file with the encryption keys (make one: buddybot admin new-key).",
    )
    encryption_keys: SecretStr | None = Field(
        default=None,
        description="The key file's content, for containers (secret, environment only).",
    )
    ephemeral_keys: bool = Field(
        default=False,
        description="Demo and tests only: a throw-away key; the data is unreadable afterwards.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            _SecretFreeToml(settings_cls, toml_file=_config_file()),
        )

    @field_validator("telegram_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        # Checked here, so a token pasted wrong stops every command before it touches the
        # database, not after `run` has migrated a new one.
        token = value.get_secret_value().strip() if value is not None else ""
        if token and not _TOKEN.match(token):
            raise ValueError(
                "must look like 123456789:AAE… (the bot's number, a colon, then letters, "
                "digits, _ and -): copy it again from @BotFather"
            )
        return value

    @field_validator("key_file", mode="before")
    @classmethod
    def _empty_key_file_is_none(cls, value: Any) -> Any:
        # An empty BUDDYBOT_KEY_FILE= is "no key file", not the current folder.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        # Telegram only posts to HTTPS; plain http is for this machine (the sandbox, tests).
        if value is None:
            return value
        url = urlsplit(value)
        if not url.hostname:
            raise ValueError("must be a URL like https://bot.example.org/telegram")
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in _LOOPBACK_HOSTS):
            raise ValueError(
                "must start with https:// (Telegram only posts to HTTPS), "
                "e.g. https://bot.example.org/telegram"
            )
        return value

    @field_validator("webapp_url")
    @classmethod
    def _check_webapp_url(cls, value: str | None) -> str | None:
        # Telegram opens Mini Apps over HTTPS only; plain http is for this machine (sandbox).
        if value is None or not value.strip():
            return None
        url = urlsplit(value)
        if not url.hostname or url.query or url.fragment:
            raise ValueError("must be a URL like https://bot.example.org (no ? or #)")
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in _LOOPBACK_HOSTS):
            raise ValueError(
                "must start with https:// (Telegram opens Mini Apps over HTTPS only), "
                "e.g. https://bot.example.org"
            )
        return value.rstrip("/")

    @field_validator("telegram_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("is not a database URL") from None
        driver = _ASYNC_DRIVERS.get(url.drivername, url.drivername)
        if driver not in _SUPPORTED_DRIVERS:
            raise ValueError("must be a sqlite+aiosqlite:// or postgresql+asyncpg:// URL")
        return url.set(drivername=driver).render_as_string(hide_password=False)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("is not a known time zone (e.g. Europe/Brussels)") from None
        return value

    @field_validator("default_language")
    @classmethod
    def _check_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of: {', '.join(LANGUAGES)}")
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.match(value.get_secret_value()):
            raise ValueError("must be 1-256 characters A-Z, a-z, 0-9, _ or -")
        return value

    @model_validator(mode="after")
    def _check_webhook_mode(self) -> Settings:
        if self.mode is Mode.WEBHOOK:
            if not self.webhook_url:
                raise SettingsError(f"{ENV_PREFIX}WEBHOOK_URL is required in webhook mode")
            if self.webhook_secret is None:
                raise SettingsError(f"{ENV_PREFIX}WEBHOOK_SECRET is required in webhook mode")
        return self

    @property
    def log_level_number(self) -> int:
        """The log level as the number the logging module uses."""
        return logging.getLevelNamesMapping()[self.log_level]

    def require_token(self) -> str:
        """The bot token, or a SettingsError telling how to get one."""
        if self.telegram_token is None or not self.telegram_token.get_secret_value().strip():
            raise SettingsError(
                f"{ENV_PREFIX}TELEGRAM_TOKEN is not set: ask @BotFather in Telegram for a token "
                f"and export {ENV_PREFIX}TELEGRAM_TOKEN=<token>"
            )
        return self.telegram_token.get_secret_value().strip()


def _config_file() -> Path:
    """The TOML file to read: ``config/buddybot.toml`` if there, or the one
    ``BUDDYBOT_CONFIG_FILE`` names, which must be there: a mistyped path would otherwise
    run on the defaults unnoticed."""
    named = os.environ.get(CONFIG_FILE_ENV)
    if named is None:
        return DEFAULT_CONFIG_FILE
    if Path(named).is_dir():
        raise SettingsError(f"{CONFIG_FILE_ENV} names the folder {named!r}: name the TOML file")
    if not Path(named).exists():
        raise SettingsError(
            f"{CONFIG_FILE_ENV} names {named!r}, which does not exist: fix the path "
            f"or unset {CONFIG_FILE_ENV}"
        )
    return Path(named)


def load_settings(**overrides: Any) -> Settings:
    """Load the settings, turning any problem into one SettingsError line that names the setting."""
    _refuse_unknown_environment_variables()
    try:
        return Settings(**overrides)
    except SettingsError:
        raise
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None
    except ValueError as exc:
        # pydantic-settings raises a plain ValueError when an environment value is not valid JSON
        # for a complex field, or when the TOML file cannot be parsed.
        raise SettingsError(f"Settings could not be read: {_first_line(str(exc))}") from None


# Variables with our prefix that are not settings but are read elsewhere.
_OTHER_VARIABLES = frozenset({CONFIG_FILE_ENV})
_TEST_PREFIX = f"{ENV_PREFIX}TEST_"


def _refuse_unknown_environment_variables() -> None:
    # A typo (BUDDYBOT_DATABSE_URL) would otherwise be ignored silently and the bot would
    # run on the default database.
    known = {f"{ENV_PREFIX}{name.upper()}" for name in Settings.model_fields} | _OTHER_VARIABLES
    for name in sorted(os.environ):
        upper = name.upper()
        if (
            upper.startswith(ENV_PREFIX)
            and upper not in known
            and not upper.startswith(_TEST_PREFIX)
        ):
            guess = get_close_matches(upper, sorted(known), n=1)
            hint = f" (did you mean {guess[0]}?)" if guess else ""
            raise SettingsError(f"Unknown setting {name}{hint}")


def _describe(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return f"Unknown setting {field!r} in the config file"
    return f"{ENV_PREFIX}{field.upper()} is invalid: {message}"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def describe_fields() -> list[tuple[str, str, str]]:
    """(environment name, default, description) for every setting, for docs and `--help`."""
    rows = []
    for name, info in Settings.model_fields.items():
        rows.append((f"{ENV_PREFIX}{name.upper()}", _default_text(info), info.description or ""))
    return rows


def _default_text(info: FieldInfo) -> str:
    default = info.get_default()
    return "" if default is None else str(default)
