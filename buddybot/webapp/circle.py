"""The client's circle in the Mini App (docs/webapp.md, "The client's circle"): the API
calls, each decoded, handed to ``services/circle.py`` and rendered as JSON."""

from __future__ import annotations

from typing import Any

from buddybot.handlers.network import CIRCLE_TEXT, DOMAIN_TEXT, KIND_ICON, KIND_TEXT
from buddybot.i18n import Translator, text_key
from buddybot.network import CIRCLES, MAX_CONTACTS, Contact, ContactKind, Domain
from buddybot.services import circle
from buddybot.services.circle import Done, NotDone, Problem
from buddybot.webapp.server import ApiError, Call, Endpoint
from buddybot.webapp.texts import circle_texts

PROBLEM_STATUS = {
    Problem.BAD_LABEL: 422,
    Problem.TAKEN: 422,
    Problem.FULL: 422,
    Problem.GONE: 409,
}


def contact_json(contact: Contact) -> dict[str, Any]:
    """One contact as the page draws it."""
    return {
        "id": contact.contact_id,
        "label": contact.label,
        "kind": contact.kind.value,
        "circle": contact.circle,
        "domain": contact.domain.value,
    }


def circle_words(tr: Translator) -> dict[str, Any]:
    """The names of the circles, life domains and kinds, in the order they are drawn."""
    return {
        "circles": [{"circle": n, "name": tr(CIRCLE_TEXT[n])} for n in CIRCLES],
        "domains": [{"domain": d.value, "name": tr(DOMAIN_TEXT[d])} for d in Domain],
        "kinds": [
            {"kind": k.value, "name": tr(KIND_TEXT[k]), "icon": KIND_ICON[k]} for k in ContactKind
        ],
    }


async def state(call: Call) -> dict[str, Any]:
    """``/api/circle``: everything the page shows."""
    found = await circle.own_circle(call.runtime.database, call.telegram_user_id)
    if found is None:
        raise call.refused()
    return {
        "language": call.tr.language,
        "texts": circle_texts(call.tr),
        **circle_words(call.tr),
        "contacts": [contact_json(c) for c in found.contacts],
        "max_contacts": MAX_CONTACTS,
    }


async def move(call: Call) -> dict[str, Any]:
    """``/api/circle/move``: ``{"contact", "circle", "domain"}``."""
    contact_id, ring = call.number("contact"), call.number("circle")
    domain = call.choice("domain", Domain)
    if ring not in CIRCLES:
        raise call.bad_request()
    runtime = call.runtime
    done = await circle.move(
        runtime.database, call.telegram_user_id, contact_id, ring, domain, runtime.clock()
    )
    return _answer(call, done, text_key("webapp.said.moved"))


async def rename(call: Call) -> dict[str, Any]:
    """``/api/circle/rename``: ``{"contact", "label"}``."""
    contact_id, label = call.number("contact"), call.text("label")
    runtime = call.runtime
    done = await circle.rename(
        runtime.database, call.telegram_user_id, contact_id, label, runtime.clock()
    )
    return _answer(call, done, text_key("webapp.said.renamed"))


async def remove(call: Call) -> dict[str, Any]:
    """``/api/circle/remove``: ``{"contact"}``."""
    runtime = call.runtime
    done = await circle.remove(
        runtime.database, call.telegram_user_id, call.number("contact"), runtime.clock()
    )
    return _answer(call, done, text_key("webapp.said.removed"))


async def add(call: Call) -> dict[str, Any]:
    """``/api/circle/add``: ``{"label", "kind", "circle", "domain"}``, and ``"anyway":
    true`` to add a second contact with a name already on the circle."""
    label, kind = call.text("label"), call.choice("kind", ContactKind)
    ring, domain = call.number("circle"), call.choice("domain", Domain)
    anyway = call.body.get("anyway", False)
    if ring not in CIRCLES or not isinstance(anyway, bool):
        raise call.bad_request()
    runtime = call.runtime
    done = await circle.add(
        runtime.database,
        call.telegram_user_id,
        label,
        kind,
        ring,
        domain,
        runtime.clock(),
        anyway=anyway,
    )
    return _answer(call, done, text_key("webapp.said.added"))


def _answer(call: Call, done: Done | NotDone | None, said: str) -> dict[str, Any]:
    tr = call.tr
    if done is None:
        raise call.refused()
    if isinstance(done, NotDone):
        raise ApiError(PROBLEM_STATUS[done.problem], done.problem.value, _problem(tr, done))
    contact = done.contact
    return {
        "contacts": [contact_json(c) for c in done.circle.contacts],
        "said": tr(
            said,
            name=contact.label,
            circle=tr(CIRCLE_TEXT[contact.circle]),
            domain=tr(DOMAIN_TEXT[contact.domain]),
        ),
    }


def _problem(tr: Translator, done: NotDone) -> str:
    if done.problem is Problem.BAD_LABEL:
        return tr("add.bad_label")
    if done.problem is Problem.TAKEN:
        return tr("webapp.problem.taken", name=done.label)
    if done.problem is Problem.FULL:
        return tr("network.full", max=MAX_CONTACTS)
    return tr("webapp.problem.gone", name=done.label)


ENDPOINTS: dict[str, Endpoint] = {
    "/api/circle": state,
    "/api/circle/move": move,
    "/api/circle/rename": rename,
    "/api/circle/remove": remove,
    "/api/circle/add": add,
}
