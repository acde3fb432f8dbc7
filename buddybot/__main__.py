"""``python -m buddybot`` is the same as the ``buddybot`` command."""

import sys

from buddybot.cli import main

sys.exit(main())
