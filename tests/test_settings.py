"""Settings: defaults, environment, TOML file, and one clear line for every bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from buddybot.settings import Mode, Settings, SettingsError, describe_fields, load_settings


def test_defaults_are_the_embedded_setup() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///buddybot.db"
    assert settings.mode is Mode.POLLING
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.timezone == "Europe/Brussels"
    assert settings.default_language == "nl"
    assert settings.telegram_token is None


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDDYBOT_LISTEN_PORT", "9000")
    monkeypatch.setenv("BUDDYBOT_DEFAULT_LANGUAGE", "en")
    monkeypatch.setenv("BUDDYBOT_LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.listen_port == 9000
    assert settings.default_language == "en"
    assert settings.log_level == "DEBUG"


def test_toml_file_is_read_and_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "buddybot.toml"
    config.write_text('timezone = "Europe/Amsterdam"\nlisten_port = 8443\n')
    monkeypatch.setenv("BUDDYBOT_CONFIG_FILE", str(config))
    monkeypatch.setenv("BUDDYBOT_LISTEN_PORT", "9443")
    settings = load_settings()
    assert settings.timezone == "Europe/Amsterdam"
    assert settings.listen_port == 9443


def test_committed_example_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    example = Path(__file__).resolve().parent.parent / "config" / "buddybot.example.toml"
    monkeypatch.setenv("BUDDYBOT_CONFIG_FILE", str(example))
    assert load_settings().mode is Mode.POLLING


def test_secrets_in_the_config_file_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "buddybot.toml"
    config.write_text('telegram_token = "123:abc"\n')
    monkeypatch.setenv("BUDDYBOT_CONFIG_FILE", str(config))
    with pytest.raises(SettingsError, match="BUDDYBOT_TELEGRAM_TOKEN is a secret"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("BUDDYBOT_LISTEN_PORT", "eighty", "BUDDYBOT_LISTEN_PORT"),
        ("BUDDYBOT_LISTEN_PORT", "70000", "BUDDYBOT_LISTEN_PORT"),
        ("BUDDYBOT_TIMEZONE", "Mars/Olympus", "BUDDYBOT_TIMEZONE"),
        ("BUDDYBOT_DEFAULT_LANGUAGE", "fr", "BUDDYBOT_DEFAULT_LANGUAGE"),
        ("BUDDYBOT_MODE", "carrier-pigeon", "BUDDYBOT_MODE"),
        ("BUDDYBOT_DATABASE_URL", "mysql://localhost/x", "BUDDYBOT_DATABASE_URL"),
        ("BUDDYBOT_DATABASE_URL", "not a url", "BUDDYBOT_DATABASE_URL"),
        ("BUDDYBOT_TELEGRAM_API_URL", "ftp://example.org", "BUDDYBOT_TELEGRAM_API_URL"),
        ("BUDDYBOT_LOG_LEVEL", "LOUD", "BUDDYBOT_LOG_LEVEL"),
        ("BUDDYBOT_WEBHOOK_SECRET", "has spaces", "BUDDYBOT_WEBHOOK_SECRET"),
    ],
)
def test_a_bad_value_gives_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert named in message
    assert "\n" not in message


def test_webhook_mode_needs_url_and_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDDYBOT_MODE", "webhook")
    with pytest.raises(SettingsError, match="BUDDYBOT_WEBHOOK_URL is required"):
        load_settings()
    monkeypatch.setenv("BUDDYBOT_WEBHOOK_URL", "https://bot.example.org/telegram")
    with pytest.raises(SettingsError, match="BUDDYBOT_WEBHOOK_SECRET is required"):
        load_settings()
    monkeypatch.setenv("BUDDYBOT_WEBHOOK_SECRET", "s3cret-token")
    assert load_settings().mode is Mode.WEBHOOK


def test_plain_database_urls_get_the_async_driver() -> None:
    assert load_settings(database_url="postgresql://u:p@db/buddy").database_url == (
        "postgresql+asyncpg://u:p@db/buddy"
    )
    assert load_settings(database_url="sqlite:///x.db").database_url == "sqlite+aiosqlite:///x.db"


def test_missing_token_is_explained() -> None:
    with pytest.raises(SettingsError, match=r"BUDDYBOT_TELEGRAM_TOKEN is not set.*BotFather"):
        load_settings().require_token()
    assert load_settings(telegram_token=" 1:abc ").require_token() == "1:abc"


def test_every_setting_is_documented_in_the_readme_and_the_example() -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text()
    example = (root / "config" / "buddybot.example.toml").read_text()
    for name, _default, description in describe_fields():
        assert description, name
        assert name in readme, f"{name} missing from the README configuration table"
        assert name.removeprefix("BUDDYBOT_").lower() in example, f"{name} missing from example"
    assert len(describe_fields()) == len(Settings.model_fields)


def test_a_misspelt_variable_is_named_with_a_suggestion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDDYBOT_DATABSE_URL", "postgresql://db/x")
    with pytest.raises(SettingsError, match=r"BUDDYBOT_DATABSE_URL.*BUDDYBOT_DATABASE_URL"):
        load_settings()


def test_test_only_variables_are_not_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDDYBOT_TEST_POSTGRES_URL", "postgresql://db/x")
    assert load_settings().database_url == "sqlite+aiosqlite:///buddybot.db"


def test_a_broken_or_unexpected_config_file_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "buddybot.toml"
    monkeypatch.setenv("BUDDYBOT_CONFIG_FILE", str(config))
    config.write_text("listen_port = \n")
    with pytest.raises(SettingsError, match=r"buddybot\.toml is not valid TOML"):
        load_settings()
    config.write_text('colour = "blue"\n')
    with pytest.raises(SettingsError, match="Unknown setting 'colour' in the config file"):
        load_settings()


@pytest.mark.parametrize(
    "token", ["hello", "123456789:XYZ…", "bot123456789:AAE", "https://t.me/MyBuddyBot", "123 :x"]
)
def test_a_token_not_shaped_like_botfathers_is_refused_up_front(
    monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.setenv("BUDDYBOT_TELEGRAM_TOKEN", token)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("BUDDYBOT_TELEGRAM_TOKEN is invalid")
    assert "@BotFather" in message
    assert token not in message  # a secret, even a wrong one
    assert "\n" not in message


def test_a_config_file_that_is_not_there_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BUDDYBOT_CONFIG_FILE", str(tmp_path / "buddybott.toml"))
    with pytest.raises(SettingsError, match=r"BUDDYBOT_CONFIG_FILE names .*buddybott\.toml"):
        load_settings()
    monkeypatch.setenv("BUDDYBOT_CONFIG_FILE", str(tmp_path))
    with pytest.raises(SettingsError, match="BUDDYBOT_CONFIG_FILE names the folder"):
        load_settings()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BUDDYBOT_CONFIG_FILE")
    assert load_settings().listen_port == 8080  # config/buddybot.toml is optional


def test_a_webhook_url_must_be_https_except_on_this_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BUDDYBOT_MODE", "webhook")
    monkeypatch.setenv("BUDDYBOT_WEBHOOK_SECRET", "s3cret-token")
    for url in ("http://bot.example.org/telegram", "bot.example.org/telegram", "ftp://x.org/t"):
        monkeypatch.setenv("BUDDYBOT_WEBHOOK_URL", url)
        with pytest.raises(SettingsError, match=r"BUDDYBOT_WEBHOOK_URL is invalid.*https://"):
            load_settings()
    for url in ("https://bot.example.org/telegram", "http://127.0.0.1:8080/telegram"):
        monkeypatch.setenv("BUDDYBOT_WEBHOOK_URL", url)
        assert load_settings().webhook_url == url
