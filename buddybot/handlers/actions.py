"""Network-strengthening actions, as a professional sees and records them."""

from __future__ import annotations

from buddybot.actions import WorkModel
from buddybot.i18n import Translator, text_key

WORK_MODEL_TEXT = {
    WorkModel.COMPETENCE: text_key("work_model.competence"),
    WorkModel.BUDDY: text_key("work_model.buddy"),
    WorkModel.NETWORK_MEETING: text_key("work_model.network_meeting"),
    WorkModel.GROUP: text_key("work_model.group"),
    WorkModel.VOLUNTEERING: text_key("work_model.volunteering"),
    WorkModel.NEIGHBOURHOOD: text_key("work_model.neighbourhood"),
    WorkModel.COMMUNITY: text_key("work_model.community"),
}


def work_model_text(tr: Translator, work_model: str) -> str:
    """A work model in words: a default one translated, an organisation's own name as it is
    (not escaped: callers escape for HTML)."""
    known = {model.value: key for model, key in WORK_MODEL_TEXT.items()}
    return tr(known[work_model]) if work_model in known else work_model
