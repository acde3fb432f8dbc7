"""`buddybot` as a program: start-up problems give one clear line and a non-zero exit code;
`run` serves real Bot API traffic in both modes and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from benchmarks.processes import free_port
from buddybot import cli
from buddybot.clock import utcnow
from buddybot.roles import ParticipantRole, ParticipantStatus
from buddybot.sandbox import DEFAULT_TOKEN, TelegramSandbox
from buddybot.schedule import local_date
from buddybot.storage import crypto, migrate, people
from buddybot.storage.database import Database
from buddybot.storage.models import Checkin, CheckinStatus, Contact, ContactEvent, Mood
from tests.conftest import WEBHOOK_SECRET


def _environment(**settings: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("BUDDYBOT_")}
    env["BUDDYBOT_CONFIG_FILE"] = os.devnull
    env["BUDDYBOT_ENCRYPTION_KEYS"] = crypto.active().to_json()
    env.update({f"BUDDYBOT_{name.upper()}": value for name, value in settings.items()})
    return env


def _run(*args: str, cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "buddybot", *args],
        cwd=cwd,
        env=_environment(**settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _assert_one_clear_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("buddybot:")]
    assert len(lines) == 1, result.stderr
    for phrase in expected:
        assert phrase in lines[0]


def test_run_without_a_token_says_how_to_get_one(tmp_path: Path) -> None:
    result = _run("run", cwd=tmp_path)
    _assert_one_clear_line(result, "BUDDYBOT_TELEGRAM_TOKEN", "BotFather")
    assert result.returncode == 2


def test_run_without_an_encryption_key_says_how_to_make_one(tmp_path: Path) -> None:
    result = _run("run", cwd=tmp_path, telegram_token="1:x", encryption_keys="")
    _assert_one_clear_line(result, "no encryption key", "buddybot admin new-key")
    assert result.returncode == 2  # a setting, as the README says
    assert not (tmp_path / "buddybot.db").exists()  # refused before touching the database


def test_new_key_then_run_with_the_key_file(tmp_path: Path) -> None:
    made = _run("admin", "new-key", "--out", "keys.json", cwd=tmp_path, encryption_keys="")
    assert made.returncode == 0, made.stderr
    assert "BUDDYBOT_KEY_FILE" in made.stdout
    migrated = _run("migrate", cwd=tmp_path, encryption_keys="", key_file="keys.json")
    assert migrated.returncode == 0, migrated.stderr


def test_a_malformed_setting_is_named(tmp_path: Path) -> None:
    result = _run("run", cwd=tmp_path, telegram_token="1:x", listen_port="lots")
    _assert_one_clear_line(result, "BUDDYBOT_LISTEN_PORT")
    assert result.returncode == 2


def test_an_unreachable_database_is_named(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/test"
    result = _run("run", cwd=tmp_path, telegram_token="1:x", database_url=url)
    _assert_one_clear_line(result, "Cannot reach the database", "BUDDYBOT_DATABASE_URL")
    assert result.returncode == 1


def test_an_unreachable_telegram_is_named(tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{free_port()}/bot"
    result = _run("run", cwd=tmp_path, telegram_token="1:x", telegram_api_url=api)
    _assert_one_clear_line(result, "Cannot reach the Telegram Bot API", "BUDDYBOT_TELEGRAM_API_URL")
    assert "1:x" not in result.stderr


def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    result = _run("migrate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    with sqlite3.connect(tmp_path / "buddybot.db") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"organisation", "participant", "professional", "audit_log"} <= tables


def test_the_bot_runs_on_uvloop_where_it_is_installed() -> None:
    loops: list[str] = []

    async def bot() -> None:
        loops.append(type(asyncio.get_running_loop()).__module__)

    cli.run_loop(bot())
    installed = importlib.util.find_spec("uvloop") is not None  # not on Windows
    expected = "uvloop" if installed else "asyncio"
    assert loops[0].split(".")[0] == expected


async def _start_bot(tmp_path: Path, **settings: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "buddybot",
        "run",
        cwd=tmp_path,
        env=_environment(**settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_a_refused_token_is_named(sandbox: TelegramSandbox, tmp_path: Path) -> None:
    process = await _start_bot(
        tmp_path, telegram_token="999:wrong", telegram_api_url=sandbox.api_url
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    assert "Telegram refused the bot token" in stderr.decode()
    assert "Traceback" not in stderr.decode()


async def test_run_answers_in_polling_mode(sandbox: TelegramSandbox, tmp_path: Path) -> None:
    process = await _start_bot(
        tmp_path, telegram_token=DEFAULT_TOKEN, telegram_api_url=sandbox.api_url
    )
    try:
        sam = sandbox.user("Sam", language_code="en")
        assert "I'm BuddyBot" in (await sam.ask("/start", timeout=30)).content
        assert "Your data" in (await sam.ask("/privacy")).content
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert "Sam" not in stderr.decode()


@pytest.mark.parametrize("language", ["nl", "en"])
async def test_sigterm_in_webhook_mode_lets_the_update_in_progress_finish(
    sandbox: TelegramSandbox, tmp_path: Path, language: str
) -> None:
    port = free_port()
    process = await _start_bot(
        tmp_path,
        telegram_token=DEFAULT_TOKEN,
        telegram_api_url=sandbox.api_url,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_secret=WEBHOOK_SECRET,
        listen_host="127.0.0.1",
        listen_port=str(port),
    )
    try:
        await sandbox.wait_for(lambda: bool(sandbox.webhook_info()["url"]), timeout=30)
        slow = sandbox.inject_fault("sendMessage", 200, delay=1.5)
        person = sandbox.user("Noor", language_code=language)
        await person.send("/privacy")
        await sandbox.wait_for(lambda: slow.times == 0)  # the reply is on its way
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    reply = await person.next_message()
    assert ("Jouw gegevens" if language == "nl" else "Your data") in reply.content
    # The update was acknowledged only after it was handled, so Telegram keeps nothing pending.
    assert sandbox.webhook_info()["pending_update_count"] == 0


def test_admin_creates_an_organisation_and_a_professional_link(tmp_path: Path) -> None:
    created = _run("admin", "create-org", "Kring Gent", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert "Organisation 'Kring Gent' created." in created.stdout
    _assert_one_clear_line(
        _run("admin", "create-org", "Kring Gent", cwd=tmp_path), "already an organisation"
    )
    _assert_one_clear_line(
        _run(
            "admin",
            "invite-professional",
            *("--org", "Kring", "--name", "Els", "--bot-username", "BuddyBot"),
            cwd=tmp_path,
        ),
        "no organisation called 'Kring'",
        "'Kring Gent'",
    )
    invited = _run(
        "admin",
        "invite-professional",
        "--org",
        "Kring Gent",
        "--name",
        "Els",
        "--bot-username",
        "BuddyBot",
        cwd=tmp_path,
    )
    assert invited.returncode == 0, invited.stderr
    assert "Link: https://t.me/BuddyBot?start=" in invited.stdout
    code = invited.stdout.split("Code: ")[1].split()[0]
    assert len(code) >= 22
    listing = _run("admin", "list", cwd=tmp_path)
    assert listing.stdout.splitlines() == ["Kring Gent", "  #1 Els [invited]: 0 clients, 0 buddies"]


def test_admin_link_without_token_or_username_is_explained(tmp_path: Path) -> None:
    _run("admin", "create-org", "Kring Gent", cwd=tmp_path)
    result = _run(
        "admin", "invite-professional", "--org", "Kring Gent", "--name", "Els", cwd=tmp_path
    )
    _assert_one_clear_line(result, "BUDDYBOT_TELEGRAM_TOKEN")
    assert _run("admin", "list", cwd=tmp_path).stdout.splitlines()[1:] == [
        "  (no professionals yet)"
    ]


async def _organisation_with_a_client(url: str) -> None:
    """Kring Gent with Amira, who agreed a week ago and answered one check-in about Mama."""
    database = Database(url)
    await migrate.upgrade(database)
    now = utcnow() - timedelta(days=7)
    day = local_date(now, "Europe/Brussels")
    async with database.transaction() as session:
        organisation = await people.add_organisation(session, "Kring Gent")
        amira = await people.add_participant(
            session,
            organisation,
            ParticipantRole.CLIENT,
            first_name="Amira",
            status=ParticipantStatus.ACTIVE,
        )
        amira.consent_given_at = now - timedelta(days=7)
        mama = Contact(client_id=amira.id, kind="person", label="Mama", circle=1, domain="family")
        checkin = Checkin(
            participant_id=amira.id, slot_at=now, local_date=day, status=CheckinStatus.ANSWERED
        )
        session.add_all([mama, checkin])
        await session.flush()
        session.add_all(
            [
                ContactEvent(
                    client_id=amira.id,
                    contact_id=mama.id,
                    checkin_id=checkin.id,
                    at=now,
                    local_date=day,
                    reported_by="client",
                ),
                Mood(
                    participant_id=amira.id, checkin_id=checkin.id, at=now, local_date=day, score=4
                ),
            ]
        )
    await database.dispose()


def test_research_export_is_pseudonymised(tmp_path: Path) -> None:
    asyncio.run(_organisation_with_a_client(f"sqlite+aiosqlite:///{tmp_path / 'buddybot.db'}"))
    _assert_one_clear_line(
        _run("export", "--org", "Kring", "--out", "out", cwd=tmp_path),
        "no organisation",
        "Kring Gent",
    )
    result = _run("export", "--org", "Kring Gent", "--out", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Exported 1 clients" in result.stdout
    weeks = (tmp_path / "out" / "weeks.csv").read_text(encoding="utf-8-sig")
    events = (tmp_path / "out" / "events.csv").read_text(encoding="utf-8-sig")
    for text in (weeks, events):
        assert "Amira" not in text
        assert "Mama" not in text
    rows = [line.split(",") for line in weeks.splitlines()[1:]]
    assert len(rows) >= 2  # from the week she agreed to last week
    pseudonym = rows[0][0]
    assert len(pseudonym) == 12
    assert all(row[0] == pseudonym for row in rows)
    assert any(row[6] == "1" for row in rows)  # one contact event in one of the weeks
    assert "mood" in events


def test_admin_verifies_the_audit_log(tmp_path: Path) -> None:
    _run("admin", "create-org", "Kring Gent", cwd=tmp_path)
    _run(
        "admin",
        "invite-professional",
        *("--org", "Kring Gent", "--name", "Els", "--bot-username", "BuddyBot"),
        cwd=tmp_path,
    )
    intact = _run("admin", "verify-audit", cwd=tmp_path)
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("The audit log is intact: ")
    with sqlite3.connect(tmp_path / "buddybot.db") as connection:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET actor_id = 99")
    _assert_one_clear_line(_run("admin", "verify-audit", cwd=tmp_path), "tampered with", "line 1")
