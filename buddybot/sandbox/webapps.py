"""Telegram's side of a Mini App launch: the signed launch data (*initData*) Telegram gives a
page it opens, and the URL it opens it with (the data in the fragment, ``#tgWebAppData=``).

Signed as Telegram signs it (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):
the fields sorted by name, one ``name=value`` per line, HMAC-SHA256 with the key
HMAC-SHA256("WebAppData", bot token).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

# The Bot API version the sandbox's Mini App launches claim (Telegram sends its own).
WEB_APP_VERSION = "8.0"


def launch_data(token: str, user: dict[str, Any], signed_at: datetime) -> str:
    """The launch data Telegram gives a page opened by ``user`` at ``signed_at``."""
    fields = {
        "query_id": secrets.token_urlsafe(12),
        "user": json.dumps(user, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(signed_at.timestamp())),
    }
    check = "\n".join(f"{name}={fields[name]}" for name in sorted(fields))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields, quote_via=quote)


def launch_url(url: str, init_data: str) -> str:
    """The URL Telegram opens: the page's own, with the launch data in the fragment (which
    browsers never send to the server)."""
    fragment = urlencode(
        {
            "tgWebAppData": init_data,
            "tgWebAppVersion": WEB_APP_VERSION,
            "tgWebAppPlatform": "tdesktop",
        },
        quote_via=quote,
    )
    return f"{url}#{fragment}"
