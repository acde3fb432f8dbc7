"""The operator's commands (issue 16, item 7): every refusal is one line on stderr naming
the problem and its fix, with the documented exit code (2 for a setting or an argument, 1
for the rest), no traceback, and nothing changed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from buddybot import cli
from buddybot.clock import utcnow
from buddybot.services import organisations
from buddybot.storage import crypto
from buddybot.storage.database import Database

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def line(self) -> str:
        """The one line of a refusal (and proof that there is only one)."""
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, self.err
        assert lines[0].startswith("buddybot: "), self.err
        return lines[0]


Buddybot = Callable[..., Result]


@pytest.fixture
def buddybot(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    debug_logging: None,
) -> Iterator[Buddybot]:
    """``buddybot(*args)`` as the operator types it, in an empty folder, with the test run's
    keys; the keys and logging the command activates are put back afterwards."""
    keyring = crypto.active()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BUDDYBOT_ENCRYPTION_KEYS", keyring.to_json())

    def command(*args: str) -> Result:
        try:
            code = cli.main(list(args))
        except SystemExit as exit:  # argparse refuses an argument by exiting
            code = int(exit.code or 0)
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return Result(code, captured.out, captured.err)

    try:
        yield command
    finally:
        crypto.activate(keyring)


def _refusal(result: Result, code: int, *phrases: str) -> str:
    assert result.code == code, result
    line = result.line
    for phrase in phrases:
        assert phrase in line
    return line


def _argument_error(result: Result, *phrases: str) -> None:
    """argparse's own refusal: its usage and one error line, exit 2."""
    assert result.code == 2
    error = result.err.strip().splitlines()[-1]
    assert error.startswith("buddybot")
    assert "error: " in error
    for phrase in phrases:
        assert phrase in error


def test_a_missing_sqlite_folder_is_one_line_for_every_command(tmp_path: Path) -> None:
    # Run as real processes: the traceback came from a thread of the failed connection,
    # printed after the command's own line, and not every time.
    env = {k: v for k, v in os.environ.items() if not k.startswith("BUDDYBOT_")}
    env |= {
        "BUDDYBOT_CONFIG_FILE": os.devnull,
        "BUDDYBOT_ENCRYPTION_KEYS": crypto.active().to_json(),
        "BUDDYBOT_TELEGRAM_TOKEN": "1:x",
        "BUDDYBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'nowhere' / 'buddybot.db'}",
    }
    for args in (["run"], ["migrate"], ["admin", "list"], ["export", "--org", "K", "--out", "o"]):
        result = subprocess.run(
            [sys.executable, "-m", "buddybot", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 1, args
        assert result.stderr.strip().splitlines() == [result.stderr.strip()], result.stderr
        assert "Cannot reach the database" in result.stderr
        assert "nowhere does not exist" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_keys_that_do_not_open_the_data_are_named_before_anything_changes(
    buddybot: Buddybot, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert buddybot("admin", "create-org", "Kring Gent").code == 0
    invited = buddybot(
        "admin", "invite-professional", "--org", "Kring Gent", "--name", "Els",
        "--bot-username", "MyBuddyBot",
    )  # fmt: skip
    assert invited.code == 0, invited.err

    keys = os.environ["BUDDYBOT_ENCRYPTION_KEYS"]
    ours = crypto.active().current
    monkeypatch.setenv("BUDDYBOT_ENCRYPTION_KEYS", crypto.Keyring.generate("k7").to_json())
    line = _refusal(
        buddybot("admin", "create-org", "Kring Brugge"),
        2,
        f"The data is encrypted with key {ours!r}",
        "BUDDYBOT_ENCRYPTION_KEYS does not hold",
        "the key file this data was encrypted with, or its backup",
    )
    assert "\n" not in line
    # The same key id, another key: a second `new-key` made elsewhere.
    key_file = Path("other-keys.json")
    key_file.write_text(crypto.Keyring.generate(ours).to_json())
    monkeypatch.delenv("BUDDYBOT_ENCRYPTION_KEYS")
    monkeypatch.setenv("BUDDYBOT_KEY_FILE", str(key_file))
    _refusal(
        buddybot("admin", "list"),
        2,
        f"Key {ours!r} of BUDDYBOT_KEY_FILE other-keys.json does not open the data",
        "BUDDYBOT_KEY_FILE",
    )
    monkeypatch.delenv("BUDDYBOT_KEY_FILE")
    monkeypatch.setenv("BUDDYBOT_ENCRYPTION_KEYS", keys)
    listing = buddybot("admin", "list")
    assert listing.out.splitlines()[0] == "Kring Gent"  # Kring Brugge was not made


def test_a_key_value_naming_a_missing_key_says_what_to_do() -> None:
    stored = crypto.Keyring.generate("k1").encrypt("Mama", "contact.label")
    with pytest.raises(crypto.EncryptionKeyError) as caught:
        crypto.Keyring.generate("k2").decrypt(stored, "contact.label")
    assert "BUDDYBOT_KEY_FILE" in str(caught.value)


def test_new_key_where_it_cannot_write_is_one_line_and_writes_nothing(
    buddybot: Buddybot, tmp_path: Path
) -> None:
    Path("notes.txt").write_text("not a folder\n")
    _refusal(
        buddybot("admin", "new-key", "--out", "notes.txt/keys.json"),
        1,
        "Cannot write the key file notes.txt/keys.json",
        "notes.txt is a file, not a folder",
        "give --out a file in a folder this user can write to",
    )
    _refusal(
        buddybot("admin", "new-key", "--out", "notes.txt"),
        1,
        "notes.txt is not a key file",
    )
    assert Path("notes.txt").read_text() == "not a folder\n"
    if os.geteuid() != 0:  # root writes anyway
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        _refusal(
            buddybot("admin", "new-key", "--out", str(locked / "keys.json")),
            1,
            "Permission denied",
        )
        assert list(locked.iterdir()) == []
    assert not list(tmp_path.glob("*.new"))


def test_an_invitation_link_takes_the_bot_username_with_or_without_at(
    buddybot: Buddybot,
) -> None:
    buddybot("admin", "create-org", "Kring Gent")
    invited = buddybot(
        "admin", "invite-professional", "--org", "Kring Gent", "--name", "Els",
        "--bot-username", "@MyBuddyBot",
    )  # fmt: skip
    assert invited.code == 0, invited.err
    assert "Link: https://t.me/MyBuddyBot?start=" in invited.out


@pytest.mark.parametrize(
    "username", ["https://t.me/MyBuddyBot", "bad name!", "Bot", "MyBuddy", "@", "t.me/MyBot"]
)
def test_a_wrong_bot_username_is_refused_before_anything_happens(
    buddybot: Buddybot, tmp_path: Path, username: str
) -> None:
    result = buddybot(
        "admin", "invite-professional", "--org", "Kring Gent", "--name", "Els",
        "--bot-username", username,
    )  # fmt: skip
    _argument_error(result, "--bot-username", "is not a bot's username", "MyBuddyBot")
    assert not (tmp_path / "buddybot.db").exists()


def test_a_professional_needs_a_name(buddybot: Buddybot, tmp_path: Path) -> None:
    _argument_error(
        buddybot("admin", "invite-professional", "--org", "Kring Gent", "--bot-username", "AbcBot"),
        "--name",
    )
    _argument_error(
        buddybot(
            "admin",
            "invite-professional",
            "--org",
            "Kring Gent",
            "--name",
            "  ",
            "--bot-username",
            "AbcBot",
        ),
        "--name",
        "must not be empty",
    )
    assert not (tmp_path / "buddybot.db").exists()


def test_two_professionals_with_one_name_are_told_apart_by_number(
    buddybot: Buddybot, monkeypatch: pytest.MonkeyPatch
) -> None:
    buddybot("admin", "create-org", "Kring Gent")
    for name in ("Els", "Els", "Tom"):
        buddybot(
            "admin", "invite-professional", "--org", "Kring Gent", "--name", name,
            "--bot-username", "MyBuddyBot",
        )  # fmt: skip
    listing = buddybot("admin", "list").out.splitlines()
    assert listing[1].startswith("  #1 Els [invited]: 0 clients, 0 buddies (added 20")
    assert listing[2].startswith("  #2 Els [invited]: 0 clients, 0 buddies (added 20")
    assert listing[3] == "  #3 Tom [invited]: 0 clients, 0 buddies"  # no namesake, no date
    monkeypatch.setenv("BUDDYBOT_TELEGRAM_TOKEN", "1:x")
    line = _refusal(
        buddybot("admin", "transfer", "--org", "Kring Gent", "--from", "Els", "--to", "Tom"),
        1,
        "Several professionals are called 'Els'",
        "1 (invited, added 20",
        "2 (invited, added 20",
        "give the number instead of the name",
    )
    assert "0 clients" in line
    _refusal(
        buddybot("admin", "transfer", "--org", "Kring Gent", "--from", "Ellen", "--to", "3"),
        1,
        "No professional 'Ellen'",
        "there is: 1 Els, 2 Els, 3 Tom",
    )


async def test_a_professional_is_named_by_number_with_or_without_hash(
    database: Database,
) -> None:
    async with database.transaction() as session:
        await organisations.create_organisation(session, "Kring Gent")
        for name in ("Els", "Els", "Tom"):
            await organisations.invite_professional(
                session, "Kring Gent", name, now=utcnow(), days=14
            )
    async with database.transaction() as session:
        moved = await organisations.transfer_caseload(session, "Kring  Gent", "2", "#3")
    assert (moved.from_name, moved.to_name) == ("Els", "Tom")
    async with database.transaction() as session:
        summaries = await organisations.overview(session)
    statuses = [(p.professional_id, p.status.value) for p in summaries[0].professionals]
    assert statuses == [(1, "invited"), (2, "left"), (3, "invited")]


@pytest.mark.parametrize(
    "args",
    [
        ["admin", "transfer", "--org", "Kring Gent", "--from", "Els"],
        ["admin", "set-retention", "--org", "Kring Gent", "--months", "0"],
        ["admin", "set-retention", "--org", "Kring Gent", "--months", "twelve"],
        ["admin", "rotate-key", "--batch", "0"],
        ["admin", "create-org", ""],
        # Typed in a Latin-1 terminal: the byte reaches Python as a lone surrogate.
        ["admin", "create-org", "Kring G\udceb"],
        ["export", "--org", "Kring Gent"],
        ["run", "--verbose"],
    ],
)
def test_argument_errors_come_before_settings_and_the_database(
    buddybot: Buddybot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str]
) -> None:
    # A token that would be refused, and no keys: the argument is still what is named.
    monkeypatch.setenv("BUDDYBOT_TELEGRAM_TOKEN", "not-a-token")
    monkeypatch.delenv("BUDDYBOT_ENCRYPTION_KEYS")
    _argument_error(buddybot(*args))
    assert not (tmp_path / "buddybot.db").exists()


def test_a_malformed_token_stops_run_before_the_database(
    buddybot: Buddybot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BUDDYBOT_TELEGRAM_TOKEN", "123456789:AAE…")
    _refusal(buddybot("run"), 2, "BUDDYBOT_TELEGRAM_TOKEN is invalid", "@BotFather")
    assert not (tmp_path / "buddybot.db").exists()


def test_a_config_file_that_is_not_there_stops_every_command(
    buddybot: Buddybot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BUDDYBOT_CONFIG_FILE", "config/buddybot.tom")
    _refusal(buddybot("admin", "list"), 2, "BUDDYBOT_CONFIG_FILE names 'config/buddybot.tom'")
    assert not (tmp_path / "buddybot.db").exists()


def test_an_http_webhook_url_stops_run(buddybot: Buddybot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDDYBOT_TELEGRAM_TOKEN", "1:x")
    monkeypatch.setenv("BUDDYBOT_MODE", "webhook")
    monkeypatch.setenv("BUDDYBOT_WEBHOOK_URL", "http://bot.example.org/telegram")
    monkeypatch.setenv("BUDDYBOT_WEBHOOK_SECRET", "s3cret")
    _refusal(buddybot("run"), 2, "BUDDYBOT_WEBHOOK_URL is invalid", "https://")


def test_an_export_to_a_folder_it_cannot_write_is_refused_first(
    buddybot: Buddybot, tmp_path: Path
) -> None:
    buddybot("admin", "create-org", "Kring Gent")
    Path("weeks").write_text("")
    _refusal(
        buddybot("export", "--org", "Kring Gent", "--out", "weeks/2026"),
        1,
        "Cannot write to weeks/2026",
        "weeks is a file, not a folder",
    )
    _refusal(buddybot("export", "--org", "Kring", "--out", "out/2026"), 1, "no organisation")
    assert not (tmp_path / "out").exists()  # refused, nothing made
    done = buddybot("export", "--org", "Kring  Gent", "--out", "out/2026")
    assert done.code == 0, done.err
    assert sorted(p.name for p in (tmp_path / "out" / "2026").iterdir()) == [
        "actions.csv",
        "events.csv",
        "weeks.csv",
    ]


def test_a_demo_into_a_folder_it_cannot_write_is_one_line(buddybot: Buddybot) -> None:
    Path("demo-output").write_text("")
    _refusal(buddybot("demo"), 1, "Cannot write to demo-output", "is a file, not a folder")


def test_the_command_line_answers_without_loading_the_bot() -> None:
    # `buddybot --help` and argument errors took 2-4 s: every command imported matplotlib.
    probe = (
        "import sys, buddybot.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'matplotlib', 'telegram', 'sqlalchemy', 'pydantic', 'aiohttp'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_the_key_file_the_readme_makes_is_not_committed() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for name in ("keys.json", "config/keys.json", "prod.keys.json", "keys.json.new"):
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", name],  # noqa: S607 - git from PATH, as make does
            cwd=ROOT,
            check=False,
            timeout=30,
        )
        assert ignored.returncode == 0, name


def test_the_readme_calls_buddybot_where_make_put_it() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = readme.split("```sh")[1:]
    commands = [line.strip() for block in blocks for line in block.split("```")[0].splitlines()]
    assert [line for line in commands if line.startswith("buddybot ")] == []


def test_an_organisation_keeps_its_own_work_models_and_can_go_back_to_the_seven(
    buddybot: Buddybot,
) -> None:
    buddybot("admin", "create-org", "Kring Gent")
    done = buddybot(
        "admin", "set-work-models", "--org", "Kring Gent", "--models", "Buddywerking", "Praatgroep"
    )
    assert done.code == 0, done.err
    assert done.out.strip() == "'Kring Gent' records actions with 2 work models of its own."
    _refusal(
        buddybot(
            "admin",
            "set-work-models",
            "--org",
            "Kring Gent",
            "--models",
            "Praatgroep",
            "praatgroep",
        ),
        1,
        "Each work model is named once",
    )
    _refusal(
        buddybot("admin", "set-work-models", "--org", "Kring Gent", "--models", "x" * 41),
        1,
        "1 to 40 characters",
    )
    back = buddybot("admin", "set-work-models", "--org", "Kring Gent", "--default")
    assert back.out.strip() == "'Kring Gent' records actions with the seven defaults."
