"""Every text a person reads comes from here, in Dutch or English.

The catalogs are gettext ``.po`` files under ``buddybot/locales/<lang>/LC_MESSAGES/``, read with
Babel. Message ids are stable keys (``start.unknown``), not English sentences, so both languages
are equally complete and a test can check that every key has a text in every language.
Placeholders use ``str.format`` names: ``{name}``. Plurals use the catalog's Plural-Forms rule.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from gettext import c2py
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES = ("nl", "en")
DOMAIN = "buddybot"
LOCALES_DIR = Path(__file__).parent / "locales"

log = logging.getLogger(__name__)


def catalog_path(language: str) -> Path:
    """Where the .po catalog of a language lives."""
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str) -> Catalog:
    """Parse the .po catalog of one language."""
    with catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


@dataclass(frozen=True)
class Translator:
    """Texts in one language: ``tr("key", name=...)`` and ``tr.plural("key", n, ...)``."""

    language: str
    _texts: dict[str, str | tuple[str, ...]]
    _plural_index: Any
    _fallback: Translator | None = None

    def __call__(self, key: str, /, **values: Any) -> str:
        text = self._texts.get(key)
        if isinstance(text, str) and text:
            return text.format(**values)
        return self._missing(key, lambda other: other(key, **values))

    def plural(self, key: str, count: int, /, **values: Any) -> str:
        """The text for ``count`` things; ``{count}`` is available as a placeholder."""
        forms = self._texts.get(key)
        if isinstance(forms, tuple):
            form = forms[min(int(self._plural_index(count)), len(forms) - 1)]
            if form:
                return form.format(count=count, **values)
        return self._missing(key, lambda other: other.plural(key, count, **values))

    def instead(self, keys: Mapping[str, str], /, **values: Any) -> Translator:
        """This translator with the texts of ``keys`` said by other keys, which also get
        ``values``: the same question asked about someone else ("How close is Mama to
        you?" → "… to Amira?" for her professional)."""
        return _Instead(
            self.language, self._texts, self._plural_index, self._fallback, keys, values
        )

    def date(self, moment: date | datetime, time_zone: str | None = None) -> str:
        """A day as people write it in this language: "9 december 2026" / "9 December 2026"."""
        if isinstance(moment, datetime) and time_zone:
            moment = moment.astimezone(ZoneInfo(time_zone))
        day = moment.date() if isinstance(moment, datetime) else moment
        return format_date(day, format="d MMMM y", locale=self.language)

    def _missing(self, key: str, ask: Any) -> str:
        # The completeness test keeps this from happening; in production a person still gets
        # a sentence rather than an error.
        log.warning("missing translation %s for %s", key, self.language)
        if self._fallback is not None:
            return str(ask(self._fallback))
        return key


@dataclass(frozen=True)
class _Instead(Translator):
    """A translator that says some keys by others (:meth:`Translator.instead`)."""

    _keys: Mapping[str, str] = field(default_factory=dict)
    _values: Mapping[str, Any] = field(default_factory=dict)

    def __call__(self, key: str, /, **values: Any) -> str:
        if key in self._keys:
            return super().__call__(self._keys[key], **self._values, **values)
        return super().__call__(key, **values)


def text_key(key: str) -> str:
    """Mark a string as a text key where it is not passed to a translator directly (in a table,
    say), so the completeness test finds it."""
    return key


def catalog_texts(catalog: Catalog) -> dict[str, str | tuple[str, ...]]:
    """Key → text (or plural forms) of every finished message in a catalog."""
    texts: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if message.id and not message.fuzzy:
            key = message.id if isinstance(message.id, str) else message.id[0]
            string = message.string
            texts[key] = string if isinstance(string, str) else tuple(string or ())
    return texts


@cache
def _load(language: str, fallback_language: str | None) -> Translator:
    catalog = read_catalog(language)
    fallback = _load(fallback_language, None) if fallback_language else None
    return Translator(language, catalog_texts(catalog), c2py(catalog.plural_expr), fallback)


def translator(language: str | None, default: str = LANGUAGES[0]) -> Translator:
    """The translator for a language; unknown or missing languages get the default one."""
    chosen = pick_language(language, default)
    fallback = default if default != chosen else next(lang for lang in LANGUAGES if lang != chosen)
    return _load(chosen, fallback)


def pick_language(language_code: str | None, default: str = LANGUAGES[0]) -> str:
    """Map a Telegram ``language_code`` (``nl``, ``nl-BE``, ``en-GB``, ``fr``) to one we speak."""
    if language_code:
        base = language_code.replace("_", "-").split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default
