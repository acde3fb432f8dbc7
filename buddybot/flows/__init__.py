"""Conversations as pure flows: a state plus an event gives a new state and what to show;
no Telegram, no database."""
