"""A client's message to their professional reaches them whole, however long (issue 17,
item 6: it was cut at 1,000 characters without a word): in numbered parts when it is
longer than one Telegram message holds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from buddybot.clock import ManualClock
from buddybot.flows.checkin import TEXT_LIMIT
from buddybot.handlers.pages import pieces_of
from buddybot.runner import BotProcess
from buddybot.sandbox import TelegramSandbox
from buddybot.sandbox.formatting import utf16_length
from tests.clocked import client_id_of, prompted, with_network
from tests.journeys import joined_client


@given(st.text(min_size=0, max_size=600), st.integers(min_value=2, max_value=80))
def test_pieces_fit_and_give_the_text_back(text: str, limit: int) -> None:
    pieces = pieces_of(text, limit)
    assert all(utf16_length(piece) <= limit for piece in pieces)
    joined = pieces[0]
    for piece in pieces[1:]:
        # Cut at a space (dropped) or, in one long word, right between two characters.
        assert text.startswith(joined + " " + piece) or text.startswith(joined + piece)
        joined = joined + " " + piece if text.startswith(joined + " " + piece) else joined + piece
    assert joined == text


async def test_a_message_as_long_as_telegram_allows_reaches_the_professional_whole(
    clocked_bot: BotProcess, sandbox: TelegramSandbox, clock: ManualClock
) -> None:
    els, amira = await joined_client(clocked_bot, sandbox)
    await with_network(clocked_bot, await client_id_of(clocked_bot, amira), "Mama")
    amira.catch_up()
    prompt = await prompted(clocked_bot, clock, amira)
    for tap in ("Nobody", "🙂", "🙂", "💬 Tell Els something"):
        await amira.tap(prompt, tap)
    assert prompt.content.endswith("Type your message for Els below.")
    words = " ".join(f"woord{n}" for n in range(600))
    message = (words + " & <einde>")[:TEXT_LIMIT]
    els.catch_up()
    await amira.send(message)
    first, second = await els.next_message(), await els.next_message()
    assert first.content.startswith("💬 Amira schrijft (1 van 2): woord0 ")
    assert second.content.startswith("💬 Amira schrijft (2 van 2): ")
    passed_on = (
        first.content.removeprefix("💬 Amira schrijft (1 van 2): ")
        + " "
        + second.content.removeprefix("💬 Amira schrijft (2 van 2): ")
    )
    assert passed_on == message
