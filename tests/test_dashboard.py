"""The professional's dashboard in the Mini App (issue 19, item 3): the caseload with trends,
one client through time, the report and the export; only for the professional's own clients
while their consent stands. On SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

from buddybot.clock import ManualClock
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from tests.journeys import invite, professional_elsewhere
from tests.mini_app import amira_over_two_weeks, audit_lines, call


async def test_the_caseload_and_one_client_through_time(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot
    els, _ = await amira_over_two_weeks(bot, sandbox, clock)
    await invite(els, "👤 Een cliënt", "Noor")  # invited, not joined
    as_els = els.launch_data(clock.now)

    status, caseload = await call(bot, "/api/dashboard", as_els)
    assert status == 200
    assert caseload["language"] == "nl"
    assert len(caseload["weeks"]) == len(caseload["week_labels"]) == 12
    amira, noor = caseload["clients"]
    assert (amira["name"], amira["can_open"], noor["name"], noor["can_open"]) == (
        "Amira",
        True,
        "Noor",
        False,
    )
    assert amira["status"] == "doet mee"
    assert len(amira["contacts"]) == len(amira["mood"]) == 12
    assert set(amira["contacts"]) == {None}  # no check-in answered yet: gaps, not zeros
    assert caseload["texts"]["title"]

    status, found = await call(bot, "/api/dashboard/client", as_els, {"client": amira["id"]})
    assert status == 200
    assert found["name"] == "Amira"
    frames = found["frames"]
    assert len(frames) == 3
    first, second, third = frames
    (mama,) = first["contacts"]
    assert (mama["label"], mama["circle"], first["new"]) == ("Mama", 3, [mama["id"]])
    assert [c["label"] for c in second["contacts"]] == ["Mama", "Jan"]
    assert second["moved"] == [{"id": mama["id"], "circle": 3, "domain": "family"}]
    assert [c["label"] for c in third["removed"]] == ["Jan"]
    assert third["day"] == (clock.now).date().isoformat()
    assert found["measures"]["before"].startswith("Intake (")
    assert found["measures"]["after"].startswith("Nu (")
    rows = {row[0]: row[1:] for row in found["measures"]["rows"]}
    assert rows["Netwerkleden (ook dieren, plekken)"][1].startswith("1")
    assert found["actions"] == []

    status, refused = await call(bot, "/api/dashboard/client", as_els, {"client": noor["id"]})
    assert (status, refused["error"]) == (409, "not_joined")

    # Before and after at any two dates: the second frame's day against today.
    body = {"client": amira["id"], "day": second["day"]}
    status, compared = await call(bot, "/api/dashboard/measures", as_els, body)
    assert status == 200
    measures = compared["measures"]
    assert measures["day"] == second["day"]
    assert measures["before"].startswith("Op ")
    rows = {row[0]: row[1:] for row in measures["rows"]}
    assert rows["Netwerkleden (ook dieren, plekken)"] == ["2", "1 ▼"]
    body = {"client": amira["id"], "day": "1999-01-01"}  # before joining: the day of joining
    status, earliest = await call(bot, "/api/dashboard/measures", as_els, body)
    assert (status, earliest["measures"]["day"]) == (200, first["day"])
    for day in ("yesterday", "2026-13-01", 20260101):
        status, _ = await call(
            bot, "/api/dashboard/measures", as_els, {"client": amira["id"], "day": day}
        )
        assert status == 400, day
    as_noor = await call(
        bot, "/api/dashboard/measures", as_els, {"client": noor["id"], "day": first["day"]}
    )
    assert as_noor[0] == 409


async def test_the_report_and_the_export_arrive_in_the_chat(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    bot = mini_app_bot
    els, _ = await amira_over_two_weeks(bot, sandbox, clock)
    as_els = els.launch_data(clock.now)
    amira = (await call(bot, "/api/dashboard", as_els))[1]["clients"][0]["id"]
    els.catch_up()

    status, said = await call(bot, "/api/dashboard/report", as_els, {"client": amira})
    assert (status, said["said"]) == (200, "Het rapport staat in je chat met de bot.")
    report = await els.next_message()
    assert report.document is not None
    assert report.document.data.startswith(b"%PDF")

    status, said = await call(bot, "/api/dashboard/export", as_els)
    assert status == 200
    assert said["said"].startswith("De export staat in je chat")
    files = [await els.next_message() for _ in range(3)]
    assert [f.document.file_name for f in files if f.document] == [
        "buddybot-weeks.csv",
        "buddybot-answers.csv",
        "buddybot-actions.csv",
    ]
    assert "Amira" not in b"".join(f.document.data for f in files if f.document).decode()


async def test_no_one_else_reaches_the_dashboard(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """Another organisation's professional, the client herself and a stranger: 403 and an
    audit line, for the caseload, a client, the report and the export."""
    bot = mini_app_bot
    els, amira = await amira_over_two_weeks(bot, sandbox, clock)
    amira_id = (await call(bot, "/api/dashboard", els.launch_data(clock.now)))[1]["clients"][0][
        "id"
    ]
    jef = await professional_elsewhere(bot, sandbox)
    stranger = sandbox.user("Wim")
    for person in (jef, amira, stranger):
        signed = person.launch_data(clock.now)
        for path, body in (
            ("/api/dashboard/client", {"client": amira_id}),
            ("/api/dashboard/report", {"client": amira_id}),
            ("/api/dashboard/measures", {"client": amira_id, "day": "2026-01-01"}),
        ):
            status, refused = await call(bot, path, signed, body)
            assert (status, refused["error"]) == (403, "forbidden"), (person.first_name, path)
    for person in (amira, stranger):
        signed = person.launch_data(clock.now)
        for path in ("/api/dashboard", "/api/dashboard/export"):
            status, refused = await call(bot, path, signed)
            assert (status, refused["error"]) == (403, "forbidden"), (person.first_name, path)
    status, jefs = await call(bot, "/api/dashboard", jef.launch_data(clock.now))
    assert (status, jefs["clients"]) == (200, [])
    assert len(await audit_lines(bot, "refused.webapp.client")) == 3
    assert len(await audit_lines(bot, "refused.client.report")) == 3
    assert len(await audit_lines(bot, "refused.client.compare")) == 3
    assert len(await audit_lines(bot, "refused.webapp.dashboard")) == 2
    assert len(await audit_lines(bot, "refused.export")) == 2

    # Amira stops: Els keeps her on the list, but no longer sees her data.
    stop = await amira.ask("/stop")
    await amira.press(stop, "Yes, I'll stop")
    await amira.wait_for_edit(stop, 0)
    as_els = els.launch_data(clock.now)
    caseload = (await call(bot, "/api/dashboard", as_els))[1]["clients"]
    assert [(c["name"], c["can_open"], c["contacts"][-1]) for c in caseload] == [
        ("Amira", False, None)
    ]
    status, _ = await call(bot, "/api/dashboard/client", as_els, {"client": amira_id})
    assert status == 403
    status, stopped = await call(bot, "/api/dashboard/report", as_els, {"client": amira_id})
    assert (status, stopped["error"]) == (409, "not_joined")
    assert stopped["message"].startswith("Deze cliënt is gestopt met BuddyBot")
    assert len(await audit_lines(bot, "refused.webapp.client")) == 4


async def test_a_change_made_by_touch_reaches_the_professionals_digest(
    mini_app_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    """The professional is told as after a change in the chat: in the digest."""
    bot = mini_app_bot
    els, _ = await amira_over_two_weeks(bot, sandbox, clock)
    els.catch_up()
    question = await els.ask("/digest")
    await els.tap(question, "Deze week tot nu")
    assert (await els.next_message()).photo is not None
    this_week = (await els.next_message()).content
    assert this_week.endswith("Uit de cirkel: Jan"), this_week
