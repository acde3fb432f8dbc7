"""The Mini App: web pages inside Telegram, an edge beside ``handlers/`` (docs/webapp.md)."""
