"""The words of the Mini App pages, in the person's language, for the page to show.

The pages have no words of their own: every sentence comes from the catalogs through here,
in the ``texts`` of the page's first API answer. A text with a placeholder keeps it for the
page to fill in (``"Remove {name} from your network?"``): the page puts in a name it knows,
as plain text, never as markup. Circle, domain and kind names are not here; the API sends
them with their ids (``circles``, ``domains``, ``kinds``).
"""

from __future__ import annotations

from buddybot.i18n import Translator

# What a placeholder becomes: itself, so the page can fill it in.
_NAME = "{name}"


def circle_texts(tr: Translator) -> dict[str, str]:
    """Every sentence of the circle page (``/app/circle``), by the name the page uses.
    Placeholders left for the page: ``{name}``, ``{kind}``, ``{circle}``, ``{domain}``."""
    keep = {"name": _NAME, "kind": "{kind}", "circle": "{circle}", "domain": "{domain}"}
    return {
        "title": tr("webapp.circle.title"),
        "help": tr("webapp.circle.help"),
        "you": tr("webapp.circle.you"),
        "empty": tr("webapp.circle.empty"),
        "add": tr("webapp.circle.add"),
        "contact": tr("webapp.circle.contact", **keep),
        "cell": tr("webapp.circle.cell", circle="{circle}", domain="{domain}"),
        "chosen": tr("webapp.circle.chosen", name=_NAME),
        "tap_where": tr("webapp.circle.tap_where", name=_NAME),
        "keys_where": tr("webapp.circle.keys_where"),
        "rename": tr("webapp.circle.rename"),
        "remove": tr("webapp.circle.remove"),
        "cancel": tr("webapp.circle.cancel"),
        "rename_label": tr("webapp.circle.rename_label", name=_NAME),
        "save": tr("webapp.circle.save"),
        "remove_ask": tr("webapp.circle.remove_ask", name=_NAME),
        "yes": tr("webapp.circle.yes"),
        "no": tr("webapp.circle.no"),
        "add_title": tr("webapp.circle.add_title"),
        "add_name": tr("webapp.circle.add_name"),
        "add_kind": tr("webapp.circle.add_kind"),
        "add_where": tr("webapp.circle.add_where"),
        "add_or_choose": tr("webapp.circle.add_or_choose"),
        "add_circle": tr("webapp.circle.add_circle"),
        "add_domain": tr("webapp.circle.add_domain"),
        "add_save": tr("webapp.circle.add_save"),
        "add_anyway": tr("webapp.circle.add_anyway"),
        "need_name": tr("webapp.circle.need_name"),
        "need_place": tr("webapp.circle.need_place"),
        "offline": tr("webapp.circle.offline"),
        "retry": tr("webapp.circle.retry"),
        "legend": tr("webapp.circle.legend"),
        "busy": tr("webapp.circle.busy"),
    }
