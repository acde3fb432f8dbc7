"""The words of the professional's dashboard (``/app/dashboard``), in the person's language.

The page has no words of its own: every sentence comes from the catalogs through here, sent
as ``texts`` in the answers of ``/api/dashboard`` and ``/api/dashboard/client``. A text with
a placeholder keeps it for the page to fill in (``"{name}'s network over time"``): the page
puts in a name, a date or a number it knows, as plain text, never as markup. Names of
clients, circles, domains and kinds, statuses, dates and the client's lines come with the
data, not from here.
"""

from __future__ import annotations

from buddybot.i18n import Translator


def dashboard_texts(tr: Translator) -> dict[str, str]:
    """Every sentence of the dashboard page, by the name the page uses. Placeholders left
    for the page: ``{name}``, ``{weeks}``, ``{values}``, ``{week}``, ``{value}``,
    ``{names}``, ``{place}``, ``{circle}``, ``{domain}``, ``{kind}``, ``{contact}``,
    ``{day}``, ``{number}`` and ``{total}``."""
    name, weeks, values = "{name}", "{weeks}", "{values}"
    contact, place = "{contact}", "{place}"
    return {
        # The caseload.
        "title": tr("webapp.dashboard.title"),
        "help": tr("webapp.dashboard.help", weeks=weeks),
        "none": tr("webapp.dashboard.none"),
        "column_client": tr("webapp.dashboard.column_client"),
        "attention": tr("webapp.dashboard.attention"),
        "contacts_chart": tr("webapp.dashboard.contacts_chart"),
        "mood_chart": tr("webapp.dashboard.mood_chart"),
        "contacts_alt": tr("webapp.dashboard.contacts_alt", weeks=weeks, values=values),
        "mood_alt": tr("webapp.dashboard.mood_alt", weeks=weeks, values=values),
        "week_value": tr("webapp.dashboard.week_value", week="{week}", value="{value}"),
        "no_answer": tr("webapp.dashboard.no_answer"),
        "separator": tr("webapp.dashboard.separator"),
        "open": tr("webapp.dashboard.open"),
        "open_label": tr("webapp.dashboard.open_label", name=name),
        "export": tr("webapp.dashboard.export"),
        # One client through time.
        "client_title": tr("webapp.dashboard.client_title", name=name),
        "client_help": tr("webapp.dashboard.client_help"),
        "back": tr("webapp.dashboard.back"),
        "report": tr("webapp.dashboard.report"),
        "circle_alt": tr("webapp.dashboard.circle_alt", name=name, day="{day}"),
        "slider": tr("webapp.dashboard.slider"),
        "frame_number": tr("webapp.dashboard.frame_number", number="{number}", total="{total}"),
        "previous": tr("webapp.dashboard.previous"),
        "next": tr("webapp.dashboard.next"),
        "legend": tr("webapp.dashboard.legend"),
        "new": tr("webapp.dashboard.new"),
        "new_help": tr("webapp.dashboard.new_help"),
        "moved": tr("webapp.dashboard.moved"),
        "moved_help": tr("webapp.dashboard.moved_help"),
        "removed": tr("webapp.dashboard.removed"),
        "removed_help": tr("webapp.dashboard.removed_help"),
        "changes": tr("webapp.dashboard.changes"),
        "no_changes": tr("webapp.dashboard.no_changes"),
        "changes_new": tr("webapp.dashboard.changes_new", names="{names}"),
        "changes_moved": tr("webapp.dashboard.changes_moved", names="{names}"),
        "changes_removed": tr("webapp.dashboard.changes_removed", names="{names}"),
        "moved_from": tr("webapp.dashboard.moved_from", name=name, place=place),
        "place": tr("webapp.dashboard.place", circle="{circle}", domain="{domain}"),
        "contact": tr(
            "webapp.dashboard.contact",
            name=name,
            kind="{kind}",
            circle="{circle}",
            domain="{domain}",
        ),
        "contact_new": tr("webapp.dashboard.contact_new", contact=contact),
        "contact_moved": tr("webapp.dashboard.contact_moved", contact=contact, place=place),
        "contact_removed": tr("webapp.dashboard.contact_removed", contact=contact),
        "empty_circle": tr("webapp.dashboard.empty_circle"),
        "measures": tr("webapp.dashboard.measures"),
        "column_measure": tr("webapp.dashboard.column_measure"),
        "no_measures": tr("webapp.dashboard.no_measures"),
        "compare_day": tr("webapp.dashboard.compare_day", day="{day}"),
        "compared": tr("webapp.dashboard.compared", day="{day}"),
        "actions": tr("webapp.dashboard.actions"),
        "no_actions": tr("webapp.dashboard.no_actions"),
        # Both views.
        "working": tr("webapp.dashboard.working"),
        "offline": tr("webapp.dashboard.offline"),
        "retry": tr("webapp.dashboard.retry"),
    }
