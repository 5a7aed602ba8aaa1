"""The notifications form, read as the API's PUT body for a person's preferences would hold it."""

from typing import Any

from werkzeug.datastructures import MultiDict

from server.api.common import patch_schema
from server.api.notify_preferences.schemas import NotifyPreferenceUpdateSchema
from server.domain.models import NotifyPreference
from server.web.forms import Fields, load, typed

FIELDS = Fields(
    ("email", "language", "timezone", "quiet_start", "quiet_end", "digest", "digest_at"),
    checkboxes=("digest",),
)
# Each language in its own words, as the switch in the bar names them.
LANGUAGES = (("zh", "中文"), ("en", "English"))


def read(form: MultiDict[str, str]) -> dict[str, Any]:
    """The form's fields checked by the API's schema (an empty time or address is none)."""
    return load(patch_schema(NotifyPreferenceUpdateSchema), typed(form, FIELDS))


def values_of(preference: NotifyPreference) -> dict[str, Any]:
    """The preferences as the form shows them: times of day as "HH:MM"."""
    shown = {name: getattr(preference, name) for name in FIELDS.names}
    for name in ("quiet_start", "quiet_end", "digest_at"):
        shown[name] = shown[name].strftime("%H:%M") if shown[name] is not None else ""
    return shown


def as_typed(form: MultiDict[str, str]) -> dict[str, Any]:
    """What was typed, to show again beside a refusal."""
    shown: dict[str, Any] = {name: form.get(name, "") for name in FIELDS.names}
    shown["digest"] = bool(form.get("digest"))
    return shown
