"""Every text exists in Dutch and English, with the same placeholders, and is used."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from buddybot.commands import COMMANDS
from buddybot.i18n import LANGUAGES, catalog_texts, pick_language, read_catalog, translator

PACKAGE = Path(__file__).resolve().parent.parent / "buddybot"
KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")


def _catalog_texts(language: str) -> dict[str, tuple[str, ...]]:
    """Every key with its forms (one for a plain text, several for plurals)."""
    return {
        key: (text,) if isinstance(text, str) else text
        for key, text in catalog_texts(read_catalog(language)).items()
    }


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _keys_used_in_code() -> set[str]:
    """Keys given as a literal first argument to a translator: ``tr("key")``,
    ``tr.plural("key", n)``, ``sender.tr("key")`` and the like."""
    used = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            first = node.args[0]
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            called_on = node.func.value if isinstance(node.func, ast.Attribute) else None
            is_translator = (
                name == "text_key"
                or name.endswith("_tr")
                or (
                    name == "tr"
                    or (name == "plural" and isinstance(called_on, ast.Name | ast.Attribute))
                    or (
                        isinstance(node.func, ast.Call)
                        and getattr(node.func.func, "id", "") == "translator"
                    )
                )
            )
            if is_translator:
                used |= _literal_strings(first)
    return used


def _literal_strings(node: ast.expr) -> set[str]:
    """The string constants an argument can be: ``"a"`` or ``"a" if x else "b"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _literal_strings(node.body) | _literal_strings(node.orelse)
    return set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_translated(language: str) -> None:
    texts = _catalog_texts(language)
    assert texts, f"no texts in the {language} catalog"
    empty = [key for key, forms in texts.items() if not all(form.strip() for form in forms)]
    assert not empty, f"{language} has empty translations: {empty}"


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    catalogs = {language: _catalog_texts(language) for language in LANGUAGES}
    reference = catalogs[LANGUAGES[0]]
    for language, texts in catalogs.items():
        assert set(texts) == set(reference), (
            f"{language} differs: missing {set(reference) - set(texts)}, "
            f"extra {set(texts) - set(reference)}"
        )
        for key, forms in texts.items():
            wanted = _placeholders(reference[key][-1])
            for form in forms:
                assert _placeholders(form) <= wanted | {"count"}, (language, key, form)


def test_every_key_used_in_the_code_has_a_text() -> None:
    used = _keys_used_in_code()
    assert "start.unknown" in used, "the key scanner finds nothing; check _keys_used_in_code"
    used |= {command.description_key for command in COMMANDS}
    for language in LANGUAGES:
        missing = used - set(_catalog_texts(language))
        assert not missing, f"{language} lacks {sorted(missing)}"


def test_no_text_in_the_catalogs_is_unused() -> None:
    used = _keys_used_in_code() | {command.description_key for command in COMMANDS}
    unused = set(_catalog_texts(LANGUAGES[0])) - used
    assert not unused, f"texts nobody uses (remove them or use them): {sorted(unused)}"


def test_keys_look_like_keys() -> None:
    for key in _catalog_texts(LANGUAGES[0]):
        assert KEY.match(key), key


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("nl", 1, "na 1 maand gewist."),
        ("nl", 24, "na 24 maanden gewist."),
        ("en", 1, "after 1 month."),
        ("en", 0, "after 0 months."),
    ],
)
def test_plural_forms(language: str, count: int, expected: str) -> None:
    assert translator(language).plural("privacy.retention", count).endswith(expected)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("nl", "nl"), ("nl-BE", "nl"), ("en-GB", "en"), ("EN", "en"), ("fr", "nl"), (None, "nl")],
)
def test_telegram_language_codes_map_to_a_language_we_speak(
    code: str | None, expected: str
) -> None:
    assert pick_language(code) == expected


def test_placeholders_are_filled_in() -> None:
    assert "Amira" in translator("en")("start.welcome_back", name="Amira")


def test_a_missing_key_falls_back_instead_of_failing() -> None:
    assert translator("en")("no.such.key") == "no.such.key"


def test_every_status_has_words() -> None:
    from buddybot.handlers.clients import _STATUS_TEXT
    from buddybot.roles import ParticipantStatus

    assert set(_STATUS_TEXT) == set(ParticipantStatus)


@pytest.mark.parametrize(
    ("page", "texts_of"),
    [
        ("circle.js", "buddybot.webapp.texts:circle_texts"),
        ("dashboard.js", "buddybot.webapp.dashboard_texts:dashboard_texts"),
    ],
)
def test_every_text_a_mini_app_page_asks_for_is_sent(page: str, texts_of: str) -> None:
    """The pages take every word from the API's ``texts`` (``t("name")`` in their
    scripts, or ``texts.name``): each name they ask for is there, in both languages."""
    import importlib

    module, function = texts_of.split(":")
    make = getattr(importlib.import_module(module), function)
    script = (PACKAGE / "webapp" / "static" / page).read_text()
    asked = set(re.findall(r'\bt\("([a-z_]+)"', script) + re.findall(r"\btexts\.([a-z_]+)", script))
    assert asked
    for language in LANGUAGES:
        sent = make(translator(language))
        assert asked <= set(sent), f"{page} asks for texts not sent: {sorted(asked - set(sent))}"
        assert all(sent.values()), language
