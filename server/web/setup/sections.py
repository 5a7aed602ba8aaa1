"""The setup pages' sections: what an admin or supervisor sets up, in the order they do it.

Each section is a page group of its own (server/web/<group>/); this list only names them for
the setup index and the bar of sections every setup page shows.
"""

from dataclasses import dataclass

from flask import request
from flask_babel import lazy_gettext as _l

from server.domain import access
from server.domain.actor import Actor, Role


@dataclass(frozen=True)
class Section:
    group: str  # the page group's blueprint name
    title: str
    purpose: str
    allowed: frozenset[Role] = access.CONSOLE  # who is shown it (the page checks again)

    def open_to(self, actor: Actor | None) -> bool:
        return actor is not None and actor.role in self.allowed

    @property
    def endpoint(self) -> str:
        return f"console.{self.group}.index"


SECTIONS = (
    Section("sites", _l("Sites"), _l("Sites and zones, their timezone and what raises alerts")),
    Section(
        "checkpoints",
        _l("Checkpoints"),
        _l("Places to scan and equipment: on the plan, chips, import from a sheet"),
    ),
    Section("tags", _l("Tags"), _l("QR tags: issue, revoke, reissue, print label sheets")),
    Section("routes", _l("Routes"), _l("The stops of a patrol route, in order, with their rules")),
    Section(
        "schedules", _l("Schedules"), _l("When rounds are due: patterns, preview, pause and end")
    ),
    Section(
        "inspection_templates",
        _l("Inspection templates"),
        _l("Checklists and limits for plant, and when inspections are due"),
    ),
    Section("handhelds", _l("Handhelds"), _l("Enroll a handheld by QR code; see and revoke them")),
    Section("people", _l("People"), _l("Accounts, roles, sites and person tags")),
    Section(
        "notify",
        _l("Notifications"),
        _l("Webhooks and group robots told of alerts; who is told when nobody answers"),
        access.MANAGE_NOTIFY,
    ),
    Section("audit", _l("Audit trail"), _l("Who changed what, when: before and after")),
    Section("wand_imports", _l("Wand import"), _l("Load a classic wand's export, checked first")),
)
GROUPS = frozenset(s.group for s in SECTIONS) | {"setup"}


def current_group() -> str | None:
    """The page group of the page being shown."""
    parts = (request.endpoint or "").split(".")
    return parts[1] if len(parts) > 2 else None
