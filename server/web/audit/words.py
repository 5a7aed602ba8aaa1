"""The audit trail in words: what was changed and how, each value as a person reads it, and
where the console shows the object an event is about (the one table of such links)."""

from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from server.domain.audit import ChangeKind
from server.domain.models import AuditEvent

# The objects the trail records, by the type it stores (the table's name, singular).
OBJECT_TYPES = {
    "organization": _l("Organization"),
    "site": _l("Site"),
    "zone": _l("Zone"),
    "checkpoint": _l("Checkpoint"),
    "asset": _l("Asset"),
    "qr_tag": _l("QR tag"),
    "tag_key": _l("Tag signing key"),
    "route": _l("Route"),
    "schedule": _l("Schedule"),
    "inspection_template": _l("Inspection template"),
    "inspection_schedule": _l("Inspection schedule"),
    "asset_limit": _l("Limits"),
    "inspection_record": _l("Inspection record"),
    "alert": _l("Alert"),
    "user": _l("Person"),
    "device": _l("Handheld or wand"),
    "enrollment_code": _l("Enrollment code"),
}
# What was done, by the action the trail stores.
ACTIONS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "deactivate": _l("Deactivated"),
    "reactivate": _l("Reactivated"),
    "issue": _l("Tag issued"),
    "reissue": _l("Reissued"),
    "revoke": _l("Withdrawn"),
    "rotate": _l("New key"),
    "retire": _l("Retired"),
    "enroll": _l("Enrolled"),
    "import": _l("Wand export imported"),
    "install_starter": _l("Starter template installed"),
    "set_limits": _l("Limits set"),
    "clear_limits": _l("Limits cleared"),
    "raise": _l("Alert raised"),
    "updated": _l("Alert updated"),
    "acknowledged": _l("Acknowledged"),
    "rectified": _l("Rectified"),
    "resolved": _l("Resolved"),
    "reopened": _l("Reopened"),
    "auto_resolve": _l("Cleared by itself"),
    "follow_up_ok": _l("Reading back within limits"),
}
# How a field changed, in a word and a mark (never by colour alone).
KINDS = {
    ChangeKind.ADDED: (_l("added"), "+"),
    ChangeKind.REMOVED: (_l("removed"), "−"),
    ChangeKind.CHANGED: (_l("changed"), "→"),
}
# Where the console shows each kind of object: (endpoint, the argument taking its id).
LINKS: dict[str, tuple[str, str]] = {
    "site": ("console.sites.show", "site_id"),
    "checkpoint": ("console.checkpoints.edit", "checkpoint_id"),
    "asset": ("console.checkpoints.edit_asset", "asset_id"),
    "qr_tag": ("console.tags.show", "tag_id"),
    "route": ("console.routes.edit", "route_id"),
    "schedule": ("console.schedules.show", "schedule_id"),
    "inspection_template": ("console.inspection_templates.edit", "template_id"),
    "inspection_schedule": ("console.inspection_templates.schedule", "schedule_id"),
    "inspection_record": ("console.inspections.record", "record_id"),
    "alert": ("console.alerts.show", "alert_id"),
    "user": ("console.people.show", "user_id"),
    "enrollment_code": ("console.handhelds.code", "code_id"),
}
# Objects without a page of their own, shown on their site's page.
ON_SITE = {"zone": "console.sites.show", "device": "console.handhelds.index"}


def object_type(value: str) -> str:
    return str(OBJECT_TYPES.get(value, value))


def action(value: str) -> str:
    return str(ACTIONS.get(value, value))


def link(event: AuditEvent) -> str | None:
    """The console page of the event's object, if the console has one."""
    if event.object_type in LINKS:
        endpoint, argument = LINKS[event.object_type]
        values = {argument: event.object_id}
    elif event.object_type in ON_SITE and event.site_id:
        endpoint, values = ON_SITE[event.object_type], {"site_id": event.site_id}
    else:
        return None
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


def shown(value: Any) -> str:
    """A recorded value as text: yes/no, lists and objects spelled out, text as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown(item)}" for key, item in value.items())
    return str(value)


GLOBALS = {
    "object_type_word": object_type,
    "audit_action_word": action,
    "change_kind": KINDS.get,
    "object_link": link,
    "shown": shown,
}
