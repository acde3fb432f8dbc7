"""Benchmarks: each is ``python -m benchmarks.<name>``, printing figures (see the README).

Every benchmark process uses one encryption keyring: the one a parent benchmark passed in
BUDDYBOT_ENCRYPTION_KEYS, else a throw-away one, put in the environment so that the bots
and passes it starts as child processes read the same data.
"""

import os

from buddybot.storage import crypto

_passed = os.environ.get("BUDDYBOT_ENCRYPTION_KEYS")
crypto.activate(crypto.Keyring.from_json(_passed) if _passed else crypto.Keyring.generate("bench"))
os.environ["BUDDYBOT_ENCRYPTION_KEYS"] = crypto.active().to_json()
