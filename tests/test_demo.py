"""`make demo` plays a conversation in which the bot answers, and writes the transcript."""

from __future__ import annotations

from pathlib import Path

import pytest

from buddybot.demo import run_demo
from buddybot.settings import load_settings


def test_demo_prints_a_transcript_in_which_the_bot_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = run_demo(load_settings(), str(tmp_path / "demo-output"))
    transcript = path.read_text(encoding="utf-8")
    assert transcript == capsys.readouterr().out.split("Transcript written to")[0]
    assert "👤 Jonas: /start\n🤖 BuddyBot: Hoi! 👋 Ik ben BuddyBot." in transcript
    assert "🤖 BuddyBot: 🔒 Your data in BuddyBot" in transcript
    assert "Hi Amira! 👋" in transcript
    assert "first 429, then 200" in transcript
    assert transcript.count("🤖 BuddyBot") >= 9
