"""Attacks on the Mini App (issue 19) as an attacker and as a careless user would make them:
edited launch data, people without a circle or caseload, handed-over and stopped clients,
removed contacts, the limit of contacts, bad bodies, the static files, and the log. Each
test pins a rule that holds; those "found by review" failed before their fix."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, urlencode

import aiohttp
import pytest
from sqlalchemy import func, select

from buddybot.clock import ManualClock
from buddybot.network import MAX_CONTACTS
from buddybot.runner import BotProcess
from buddybot.sandbox import SandboxUser, TelegramSandbox
from buddybot.services import circle as circle_service
from buddybot.services import organisations
from buddybot.storage import people as stored_people
from buddybot.storage.models import (
    Checkin,
    CheckinStatus,
    Contact,
    ContactEvent,
    Mood,
)
from tests.journeys import buddy_for, client_page, invite, professional_joins
from tests.mini_app import MAMA, amira_with_mama, audit_lines, base_url, call, history


class _Lines(logging.Handler):
    """Every log line, as the operator would see it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def log_lines(debug_logging: None) -> Iterator[_Lines]:
    """The log at DEBUG (the sandbox fixture's own check does not know what was typed into
    the Mini App: those texts never pass through the chat)."""
    handler = _Lines()
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


async def _raw(
    bot: BotProcess,
    method: str,
    path: str,
    init_data: str | None,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, str]:
    """Any request: (status, body text, content type)."""
    sent = dict(headers or {})
    if init_data is not None:
        sent["Authorization"] = f"tma {init_data}"
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, base_url(bot) + path, data=data, headers=sent) as response,
    ):
        return response.status, await response.text(), response.content_type


async def _participant_id(bot: BotProcess, person: SandboxUser) -> int:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        record = await stored_people.participant_by_telegram_id(session, person.id)
        assert record is not None
        return record.id


async def _professional_of_kring_gent(
    bot: BotProcess, sandbox: TelegramSandbox, name: str, *, coordinator: bool = False
) -> SandboxUser:
    assert bot.database is not None
    async with bot.database.transaction() as session:
        invite_one = (
            organisations.invite_coordinator if coordinator else organisations.invite_professional
        )
        made = await invite_one(session, "Kring Gent", name, now=bot.clock(), days=14)
    person = sandbox.user(name, language_code="nl")
    await person.ask(f"/start {made.code}")
    return person


# ------------------------------------------------------------------ launch data


async def test_edited_launch_data_is_refused_and_written(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """A second ``user`` field, a ``signature`` field added, a user id changed inside the
    signed JSON, another scheme: 401, an audit line each, and nothing changes."""
    bot = mini_app_bot
    _, amira, mama = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)
    fields = parse_qsl(signed)
    user = dict(fields)["user"]
    other_user = quote('{"id":1,"is_bot":false,"first_name":"Els"}')
    attempts = [
        f"{signed}&user={other_user}",  # the other user after the signed one
        f"user={other_user}&{signed}",  # and before it
        f"{signed}&signature=AAAA",
        urlencode([(k, user.replace(str(amira.id), "1") if k == "user" else v) for k, v in fields]),
        f"{signed}&padding={'x' * 4000}",
    ]
    for launch in attempts:
        status, refused = await call(bot, "/api/circle/remove", launch, {"contact": mama})
        assert (status, refused["error"]) == (401, "unauthorised"), launch[:80]
    for header in (f"TMA {signed}", f"Bearer {signed}", signed):
        status, _, _ = await _raw(
            bot, "POST", "/api/circle/remove", None, b'{"contact": 1}', {"Authorization": header}
        )
        assert status == 401, header[:20]
    written = await audit_lines(bot, "refused.webapp.launch")
    assert len(written) == len(attempts) + 3
    assert await history(bot) == ["added"]


# ------------------------------------------------------------------ who reaches what


async def test_a_buddy_and_a_coordinator_reach_no_circle_and_no_caseload(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot
    els, amira, _ = await amira_with_mama(bot, sandbox, clock)
    bram = await buddy_for(sandbox, els, amira)
    cora = await _professional_of_kring_gent(bot, sandbox, "Cora", coordinator=True)
    amira_id = await _participant_id(bot, amira)
    for person in (bram, cora):
        signed = person.launch_data(clock.now)
        for path, body in (
            ("/api/circle", {}),
            ("/api/circle/add", {**MAMA, "label": "Jan"}),
            ("/api/dashboard", {}),
            ("/api/dashboard/client", {"client": amira_id}),
            ("/api/dashboard/report", {"client": amira_id}),
            ("/api/dashboard/export", {}),
        ):
            status, refused = await call(bot, path, signed, body)
            assert (status, refused["error"]) == (403, "forbidden"), (person.first_name, path)
    # Els's own caseload holds Amira's buddy, but a buddy is no client to open.
    bram_id = await _participant_id(bot, bram)
    for path in ("/api/dashboard/client", "/api/dashboard/report"):
        status, _ = await call(bot, path, els.launch_data(clock.now), {"client": bram_id})
        assert status == 403, path
    assert len(await audit_lines(bot, "refused.webapp.circle")) == 4
    assert len(await audit_lines(bot, "refused.webapp.dashboard")) == 2
    assert len(await audit_lines(bot, "refused.webapp.client")) == 3
    assert await history(bot) == ["added"]


async def test_a_client_handed_over_to_a_colleague(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Els leaves and her caseload goes to Piet: Els's launch data reaches nothing any
    more, Piet opens Amira."""
    bot = mini_app_bot
    els, amira, _ = await amira_with_mama(bot, sandbox, clock)
    piet = await _professional_of_kring_gent(bot, sandbox, "Piet")
    amira_id = await _participant_id(bot, amira)
    assert bot.database is not None
    async with bot.database.transaction() as session:
        await organisations.transfer_caseload(session, "Kring Gent", "Els", "Piet")
    as_els = els.launch_data(clock.now)
    for path, body in (
        ("/api/dashboard", {}),
        ("/api/dashboard/client", {"client": amira_id}),
        ("/api/dashboard/report", {"client": amira_id}),
        ("/api/dashboard/export", {}),
    ):
        status, refused = await call(bot, path, as_els, body)
        assert (status, refused["error"]) == (403, "forbidden"), path
    status, caseload = await call(bot, "/api/dashboard", piet.launch_data(clock.now))
    assert (status, [c["id"] for c in caseload["clients"]]) == (200, [amira_id])
    status, found = await call(
        bot, "/api/dashboard/client", piet.launch_data(clock.now), {"client": amira_id}
    )
    assert (status, found["name"]) == (200, "Amira")


async def test_a_client_who_has_not_agreed_yet_reaches_no_circle(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Between opening the invitation and agreeing, nothing may be stored about her."""
    bot = mini_app_bot
    els = await professional_joins(bot, sandbox)
    noor = sandbox.user("Noor", language_code="en")
    welcome = await noor.ask(f"/start {await invite(els, '👤 Een cliënt', 'Noor')}")
    await noor.press(welcome, "English")
    await noor.wait_for_edit(welcome, 0)
    for path, body in (("/api/circle", {}), ("/api/circle/add", MAMA)):
        status, refused = await call(bot, path, noor.launch_data(clock.now), body)
        assert (status, refused["error"]) == (403, "forbidden"), path
    assert await history(bot) == []


async def test_a_client_who_stopped_changes_nothing(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot
    _, amira, mama = await amira_with_mama(bot, sandbox, clock)
    stop = await amira.ask("/stop")
    await amira.press(stop, "Yes, I'll stop")
    await amira.wait_for_edit(stop, 0)
    signed = amira.launch_data(clock.now)
    for path, body in (
        ("/api/circle/move", {"contact": mama, "circle": 1, "domain": "work"}),
        ("/api/circle/rename", {"contact": mama, "label": "Mum"}),
        ("/api/circle/remove", {"contact": mama}),
        ("/api/circle/add", {**MAMA, "label": "Jan"}),
    ):
        status, refused = await call(bot, path, signed, body)
        assert (status, refused["error"]) == (403, "forbidden"), path
    assert await history(bot) == ["added"]


# ------------------------------------------------------------------ the circle's rules


async def test_a_removed_contact_cannot_be_moved_or_renamed(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot
    _, amira, mama = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)
    assert (await call(bot, "/api/circle/remove", signed, {"contact": mama}))[0] == 200
    for path, body in (
        ("/api/circle/move", {"contact": mama, "circle": 1, "domain": "work"}),
        ("/api/circle/rename", {"contact": mama, "label": "Mum"}),
    ):
        status, gone = await call(bot, path, signed, body)
        assert (status, gone["error"]) == (409, "gone"), path
        assert "Mama" in gone["message"]
    assert await history(bot) == ["added", "removed"]


async def test_the_limit_of_contacts_holds_in_the_mini_app(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """At 100 contacts a new one, and one taken off earlier coming back, are refused
    kindly; nothing changes."""
    bot = mini_app_bot
    _, amira, mama = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)
    assert (await call(bot, "/api/circle/remove", signed, {"contact": mama}))[0] == 200
    for number in range(MAX_CONTACTS):
        body = {**MAMA, "label": f"Friend {number}"}
        status, answer = await call(bot, "/api/circle/add", signed, body)
        assert status == 200, (number, answer)
    for label in ("Friend 100", "Mama"):
        status, full = await call(bot, "/api/circle/add", signed, {**MAMA, "label": label})
        assert (status, full["error"]) == (422, "full"), label
        assert "100" in full["message"]
    status, state = await call(bot, "/api/circle", signed)
    assert len(state["contacts"]) == MAX_CONTACTS
    assert len(await history(bot)) == 2 + MAX_CONTACTS


async def test_two_adds_at_once_at_the_limit_make_no_101st_contact(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Two taps (or two screens) at once at 99 contacts: one is added, the others are
    refused. (On PostgreSQL, where transactions are not queued one at a time, the count
    and the insert of each add can interleave.)"""
    bot = mini_app_bot
    _, amira, _ = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)
    for number in range(MAX_CONTACTS - 2):
        status, _ = await call(bot, "/api/circle/add", signed, {**MAMA, "label": f"F{number}"})
        assert status == 200
    answers = await asyncio.gather(
        *(call(bot, "/api/circle/add", signed, {**MAMA, "label": f"Last {n}"}) for n in range(4))
    )
    assert sorted(status for status, _ in answers) == [200, 422, 422, 422]
    assert bot.database is not None
    async with bot.database.transaction() as session:
        current = await session.scalar(
            select(func.count()).select_from(Contact).where(Contact.removed_at.is_(None))
        )
    assert current == MAX_CONTACTS


async def test_two_moves_at_once_both_land_in_the_history(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot
    _, amira, mama = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)
    answers = await asyncio.gather(
        call(bot, "/api/circle/move", signed, {"contact": mama, "circle": 1, "domain": "family"}),
        call(bot, "/api/circle/move", signed, {"contact": mama, "circle": 2, "domain": "work"}),
    )
    assert [status for status, _ in answers] == [200, 200]
    _, state = await call(bot, "/api/circle", signed)
    (now,) = state["contacts"]
    assert (now["circle"], now["domain"]) in ((1, "family"), (2, "work"))
    assert len(await history(bot)) == 3


async def test_names_are_cleaned_kept_literal_and_stay_out_of_the_log(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock, log_lines: _Lines
) -> None:
    """Direction marks and control characters go (as from a typed name), HTML stays text,
    a name of only invisible characters is refused kindly; none of it reaches the log."""
    bot = mini_app_bot
    _, amira, mama = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)
    body = {**MAMA, "label": "\u202eZuzanna\u200f\x00<img src=x>"}
    status, added = await call(bot, "/api/circle/add", signed, body)
    assert status == 200, added
    assert added["contacts"][-1]["label"] == "Zuzanna<img src=x>"
    for label in ("\u202e\u200f\x00", "\n\t "):
        status, bad = await call(bot, "/api/circle/add", signed, {**MAMA, "label": label})
        assert (status, bad["error"]) == (422, "bad_label"), repr(label)
    status, odd = await call(bot, "/api/circle/add", signed, {**MAMA, "label": "{name} %s %(x)s"})
    assert (status, odd["contacts"][-1]["label"]) == (200, "{name} %s %(x)s")
    assert odd["said"].startswith("{name} %s %(x)s is now in your circle")
    status, renamed = await call(
        bot, "/api/circle/rename", signed, {"contact": mama, "label": "Oma Wilhelmina"}
    )
    assert status == 200
    assert "Oma Wilhelmina" in renamed["said"]
    assert await history(bot) == ["added", "added", "added", "relabelled"]
    for personal in ("Zuzanna", "Wilhelmina", "Mama"):
        assert personal not in log_lines.text


async def test_fields_of_the_wrong_type_are_refused(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot
    _, amira, _ = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)
    for body in (
        {**MAMA, "label": 12},
        {**MAMA, "label": ["Jan"]},
        {**MAMA, "kind": "robot"},
        {**MAMA, "kind": None},
        {**MAMA, "circle": "1"},
        {**MAMA, "circle": 1.0},
        {**MAMA, "circle": 0},
        {**MAMA, "domain": ["family"]},
        {**MAMA, "anyway": "true"},
        {"label": "Jan"},
    ):
        status, refused = await call(bot, "/api/circle/add", signed, body)
        assert (status, refused["error"]) == (400, "bad_request"), body
    for raw in (b"null", b"42", b'"x"', b"", b"{", b'{"contact": NaN}'):
        status, _, kind = await _raw(bot, "POST", "/api/circle/remove", signed, raw)
        assert (status, kind) == (400, "application/json"), raw
    for contact in (-1, 2**63, None):
        status, _ = await call(bot, "/api/circle/remove", signed, {"contact": contact})
        assert status == 400, contact
    assert await history(bot) == ["added"]


async def test_ids_beyond_any_record_are_refused_not_a_server_error(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock, log_lines: _Lines
) -> None:
    """The id columns are INTEGER on PostgreSQL: an id that fits is looked up (none there:
    refused and written), a bigger one is a body no page sends (400); never a 500."""
    bot = mini_app_bot
    els, amira, _ = await amira_with_mama(bot, sandbox, clock)
    for big, expected in ((2**31 - 1, 403), (2**31, 400), (2**40, 400), (2**63 - 1, 400)):
        move = {"contact": big, "circle": 1, "domain": "family"}
        status, _ = await call(bot, "/api/circle/move", amira.launch_data(clock.now), move)
        assert status == expected, big
        status, _ = await call(
            bot, "/api/dashboard/client", els.launch_data(clock.now), {"client": big}
        )
        assert status == expected, big
    assert " ERROR " not in log_lines.text


async def test_the_static_files_stay_inside_their_folder(mini_app_bot: BotProcess) -> None:
    bot = mini_app_bot
    for path in (
        "/app/static/%2e%2e/launch.py",
        "/app/static/..%2flaunch.py",
        "/app/static/..%5claunch.py",
        "/app/static/%2e%2e%2f%2e%2e%2fsettings.py",
        "/app/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f.env",
        "/app/static/",
    ):
        status, text, _ = await _raw(bot, "GET", path, None)
        assert status in (403, 404), path
        assert "import" not in text, path


# ------------------------------------------------------------------ the dashboard's figures


async def test_weeks_without_an_answer_are_gaps_and_answered_weeks_count_zero(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Last week answered with two contacts and mood 4, the week before asked but not
    answered, the week before that answered with no one met and mood 2, before that
    nothing: the charts show 2/4, a gap, 0/2, a gap."""
    bot = mini_app_bot
    els, amira, mama = await amira_with_mama(bot, sandbox, clock)
    as_els = els.launch_data(clock.now)
    weeks = [
        datetime.fromisoformat(w).date()
        for w in (await call(bot, "/api/dashboard", as_els))[1]["weeks"]
    ]
    amira_id = await _participant_id(bot, amira)
    at = datetime(2000, 1, 1, tzinfo=UTC)
    assert bot.database is not None
    async with bot.database.transaction() as session:
        for back, status, mood, met in (
            (1, CheckinStatus.ANSWERED, 4, 2),
            (2, CheckinStatus.EXPIRED, None, 0),
            (3, CheckinStatus.ANSWERED, 2, 0),
        ):
            day = weeks[-back] + timedelta(days=2)
            checkin = Checkin(
                participant_id=amira_id,
                slot_at=at + timedelta(days=back),
                local_date=day,
                status=status,
            )
            session.add(checkin)
            await session.flush()
            if mood is not None:
                session.add(
                    Mood(
                        participant_id=amira_id,
                        checkin_id=checkin.id,
                        at=at,
                        local_date=day,
                        score=mood,
                    )
                )
            for _ in range(met):
                session.add(
                    ContactEvent(
                        client_id=amira_id,
                        contact_id=mama,
                        checkin_id=checkin.id,
                        at=at,
                        local_date=day,
                        reported_by="client",
                    )
                )
    (entry,) = (await call(bot, "/api/dashboard", as_els))[1]["clients"]
    assert entry["contacts"][-4:] == [None, 0, None, 2]
    assert entry["mood"][-4:] == [None, 2.0, None, 4.0]
    assert set(entry["contacts"][:-4]) == {None}


# ------------------------------------------------------------------ faults


async def test_a_body_over_the_size_limit_gets_413_not_a_server_error(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock, log_lines: _Lines
) -> None:
    """Before the fix found by review: a body over 1 MB answers 500 "server" and logs an ERROR
    (HTTPRequestEntityTooLarge); right: 413 (or 400) with a kind message, no error line."""
    bot = mini_app_bot
    _, amira, _ = await amira_with_mama(bot, sandbox, clock)
    huge = b'{"label": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    status, text, kind = await _raw(bot, "POST", "/api/circle", amira.launch_data(clock.now), huge)
    assert (status, kind) in ((413, "application/json"), (400, "application/json")), text
    assert " ERROR " not in log_lines.text


async def test_an_oversized_launch_header_leaves_no_name_and_no_traceback_in_the_log(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock, log_lines: _Lines
) -> None:
    """Launch data padded past aiohttp's usual 8 KB header limit: refused in JSON as
    launch data too long to be Telegram's, and aiohttp's own error (for a header past the
    server's limit) is logged without its text, which would quote the launch data."""
    bot = mini_app_bot
    _, amira, mama = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)
    status, text, kind = await _raw(
        bot,
        "POST",
        "/api/circle/remove",
        f"{signed}&padding={'x' * 9000}",
        b'{"contact": %d}' % mama,
    )
    assert (status, kind) == (401, "application/json"), text
    status, _, _ = await _raw(
        bot, "POST", "/api/circle/remove", f"{signed}&padding={'x' * 70_000}", b"{}"
    )
    assert status == 400  # past the server's limit: aiohttp answers itself
    assert "Traceback" not in log_lines.text
    assert "Amira" not in log_lines.text


async def test_an_unknown_charset_changes_nothing(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock, log_lines: _Lines
) -> None:
    """A body is read as JSON, which is UTF-8 (RFC 8259, 8.1), whatever charset the request
    claims: "charset=nonsense" once ended in a 500 and an ERROR line."""
    bot = mini_app_bot
    _, amira, _ = await amira_with_mama(bot, sandbox, clock)
    status, text, _ = await _raw(
        bot,
        "POST",
        "/api/circle",
        amira.launch_data(clock.now),
        b"{}",
        {"Content-Type": "application/json; charset=nonsense"},
    )
    assert status == 200, text
    assert " ERROR " not in log_lines.text


async def test_deeply_nested_json_is_a_bad_request(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock, log_lines: _Lines
) -> None:
    """Before the fix found by review: a body of 100,000 "[" answers 500 and logs an ERROR
    (RecursionError in the JSON parser); right: 400 bad_request, no error line."""
    bot = mini_app_bot
    _, amira, _ = await amira_with_mama(bot, sandbox, clock)
    status, text, _ = await _raw(
        bot, "POST", "/api/circle", amira.launch_data(clock.now), b"[" * 100_000
    )
    assert status == 400, text
    assert " ERROR " not in log_lines.text


async def test_the_server_error_message_is_in_the_persons_language(
    mini_app_bot: BotProcess,
    sandbox: TelegramSandbox,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    log_lines: _Lines,
) -> None:
    """Something unexpected: a 500 in Amira's language (it was always the bot's default),
    and one line in the log with the kind of error only."""
    bot = mini_app_bot
    _, amira, _ = await amira_with_mama(bot, sandbox, clock)

    async def broken(*_: object) -> None:
        raise RuntimeError("Amira's secret")

    monkeypatch.setattr(circle_service, "own_circle", broken)
    status, answer = await call(bot, "/api/circle", amira.launch_data(clock.now))
    assert (status, answer["error"]) == (500, "server")
    assert answer["message"].startswith("Something went wrong on our side. Nothing is lost.")
    assert "Mini App call /api/circle failed: RuntimeError" in log_lines.text
    assert "secret" not in log_lines.text


async def test_a_name_of_thousands_of_characters_is_refused_as_a_bad_name(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Before the fix found by review: a pasted label over 1000 characters gets 400 "bad_request"
    ("That did not work. Please try again.") while 41-1000 get 422 "bad_label" with what a
    name may be; right: 422 bad_label for any string too long (docs: 400 only for a missing
    field or wrong type)."""
    bot = mini_app_bot
    _, amira, mama = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)
    for path, body in (
        ("/api/circle/add", {**MAMA, "label": "Jan " * 2500}),
        ("/api/circle/rename", {"contact": mama, "label": "x" * 10_000}),
    ):
        status, refused = await call(bot, path, signed, body)
        assert (status, refused["error"]) == (422, "bad_label"), path


async def test_every_answer_under_api_is_json(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Before the fix found by review: GET/PUT on an API path and an unknown /api/ path answer
    text/plain ("405: Method Not Allowed", "404: Not Found"); right: JSON {"error",
    "message"} as docs/webapp.md says of every answer."""
    bot = mini_app_bot
    _, amira, _ = await amira_with_mama(bot, sandbox, clock)
    signed = amira.launch_data(clock.now)
    for method, path in (("GET", "/api/circle"), ("PUT", "/api/circle"), ("POST", "/api/x")):
        status, text, kind = await _raw(bot, method, path, signed, b"{}")
        assert status in (404, 405), (method, path)
        assert kind == "application/json", (method, path, text)


async def test_opening_a_client_in_the_dashboard_is_written_as_a_view(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Before the fix found by review: the dashboard shows a client's circle through time, measures
    and actions without an audit line, while opening the same client in the chat writes
    "client.viewed" (and the digest "digest.client_viewed"); right: the same audit line (ids
    only)."""
    bot = mini_app_bot
    els, amira, _ = await amira_with_mama(bot, sandbox, clock)
    amira_id = await _participant_id(bot, amira)
    await client_page(els, "Amira")
    in_chat = len(await audit_lines(bot, "client.viewed"))
    assert in_chat == 1
    status, _ = await call(
        bot, "/api/dashboard/client", els.launch_data(clock.now), {"client": amira_id}
    )
    assert status == 200
    viewed = await audit_lines(bot, "client.viewed")
    assert len(viewed) == in_chat + 1
    assert viewed[-1].subject_id == amira_id
