"""`make demo` plays the story through the real bot and writes the transcript and files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from buddybot.demo import run_demo
from buddybot.sandbox.browser import NoBrowserError, chromium_binary
from buddybot.sandbox.media import image_size
from buddybot.settings import load_settings


def test_demo_prints_a_transcript_in_which_the_bot_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo-output"
    path = run_demo(load_settings(), str(out))
    transcript = path.read_text(encoding="utf-8")
    assert transcript == capsys.readouterr().out.split("Transcript written to")[0]
    assert "👤 Jonas: /start\n🤖 BuddyBot: Hoi! 👋 Ik ben BuddyBot." in transcript
    assert "Welkom, Els! ✅" in transcript
    assert "Welcome, Amira! ✅" in transcript
    assert "(to Els)\n🤖 BuddyBot: ✅ Amira doet nu mee." in transcript
    assert "Great! Bram is your buddy now." in transcript
    assert "first 429, then 200" in transcript
    width, height = image_size((out / "invitation-qr.png").read_bytes())
    assert width == height > 200
    assert image_size((out / "amira-circle.png").read_bytes()) == (1080, 1320)
    assert "Your support worker changed your network: Praatgroep added" in transcript
    assert "the scheduler sends the check-in" in transcript
    assert "This week you were in touch with 2 people from your network." in transcript
    export = json.loads((out / "amira-mydata.json").read_text(encoding="utf-8"))
    assert export["moods"][0]["score_1_to_5"] == 4
    assert export["check_ins"][0]["message_to_professional"] == (
        "Thanks for helping me with the letter!"
    )
    assert len(export["contact_events"]) == 2
    assert export["you"]["first_name"] == "Amira"
    assert export["buddies"][0]["buddy"] == "Bram"

    # Twelve weeks later: the weekly digest, with every client's pictures, and the exports.
    assert "Monday 09:00: the scheduler sends Els her weekly digest." in transcript
    digest = (out / "digest.txt").read_text(encoding="utf-8")
    assert "3 cliënten hebben aandacht nodig" in digest
    assert "• Noah: niet bereikbaar (bot geblokkeerd)" in digest
    assert "• Kevin: twee weken geen antwoord" in digest
    assert "Band vervaagt: Oma" in digest  # Lotte's fading tie
    assert "Dichterbij gekomen: Collega Lien" in digest  # Sara's circle move
    assert "Buddy: 1 ontmoeting" in digest  # Bram's live meetup with Amira
    for name in ("amira", "youssef", "lotte", "kevin", "sara", "noah"):
        assert image_size((out / f"weeks-{name}.png").read_bytes()) == (1080, 600)
        assert image_size((out / f"circle-{name}.png").read_bytes()) == (1080, 1320)
    assert "📅 Your week" in transcript
    weeks_csv = (out / "export-weeks.csv").read_text(encoding="utf-8-sig")
    assert weeks_csv.count("\nYoussef,") >= 12
    # /export has no names until Els asks for them (issue 18, item 8).
    private = (out / "export-weeks-without-names.csv").read_text(encoding="utf-8-sig")
    assert "Youssef" not in private
    assert private.count("\nclient-") == weeks_csv.count("\n") - 1

    # The professional's desk and the organisation's view (issue 18).
    assert "🤖 BuddyBot: 💬 Els answers you: Graag gedaan! Tot dinsdag." in transcript
    before_after = (out / "amira-before-after.txt").read_text(encoding="utf-8")
    assert before_after.startswith("Amira: Intake en nu\n")
    assert "Emotionele nabijheid (deel heel dichtbij): 40% → 40% =" in before_after
    assert image_size((out / "amira-before-after.png").read_bytes()) == (1080, 1320)
    assert "✅ Bewaard: Buddy via de Kring." in (out / "youssef-actions.txt").read_text(
        encoding="utf-8"
    )
    assert "🎯 \u2068Buddy via de Kring\u2069 · Buddy (persoonlijke vriend) · Vrienden" in (
        out / "digest-with-action.txt"
    ).read_text(encoding="utf-8")
    actions_csv = (out / "export-actions-without-names.csv").read_text(encoding="utf-8-sig")
    assert "buddy,friends" in actions_csv
    assert "Buddy via de Kring" not in actions_csv
    report = "\n".join(page.extract_text() for page in PdfReader(out / "report-amira.pdf").pages)
    report = report.replace("\u2068", "").replace("\u2069", "")  # a name's direction marks
    assert "Verslag: Amira" in report
    assert "Thanks for helping me with the letter!" in report  # Amira agreed to share it
    organisation = (out / "organisation.txt").read_text(encoding="utf-8")
    assert "Cliënten: 6 · buddy's: 1" in organisation
    # One client with an action: that work model's figures are not shown.
    assert "niet getoond, zodat groepen van minder dan 5 cliënten onherkenbaar blijven" in (
        organisation
    )
    for name in ("Amira", "Youssef", "Lotte", "Kevin", "Sara", "Noah"):
        assert name not in organisation
    assert image_size((out / "organisation.png").read_bytes())[0] == 1080
    # The Mini App, in a headless browser where one is installed.
    try:
        chromium_binary()
    except NoBrowserError as missing:
        reason = str(missing)
    else:
        reason = ""
    if reason:
        assert f"No screenshots of the Mini App: {reason}." in transcript
        return
    assert image_size((out / "mini-app-circle.png").read_bytes())[0] == 720  # 360 px, ×2
    assert image_size((out / "mini-app-dashboard.png").read_bytes())[0] == 1280
    assert image_size((out / "mini-app-amira.png").read_bytes())[0] == 1280
