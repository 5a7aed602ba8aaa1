"""What the people forms send, read as the API's JSON body for a user would hold it."""

from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from server.api.users.schemas import UserListArgs
from server.domain.actor import Role
from server.domain.models import User
from server.web.checkpoints.forms import chip_lines, chips
from server.web.forms import Fields, load, number

ROLES = {
    Role.GUARD: _l("Guard"),
    Role.ENGINEER: _l("Engineer"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Admin"),
}
# Every field but the password, which is read as typed (spaces are part of it) or generated.
# An edit sends them all: no ticked site removes the sites, an empty box removes the tags.
PERSON = Fields(
    ("name", "login", "role", "site_ids", "person_tags"),
    readers={"site_ids": number, "person_tags": chips},
    multi=("site_ids",),
    keep_blank=("person_tags",),
)
MAX_PAGE = 10_000


def list_args(args: MultiDict[str, str]) -> dict[str, Any]:
    """The list's filters, read by the API's own schema, and the page of the list."""
    wanted = {k: args[k] for k in ("site_id", "role", "q") if args.get(k)}
    found = load(UserListArgs(only=("site_id", "role", "q")), wanted)
    page = args.get("page", 1, type=int) or 1
    return found | {"page": min(max(page, 1), MAX_PAGE)}


def values_of(user: User) -> dict[str, Any]:
    """A person's fields as the form shows them."""
    return {
        "name": user.name,
        "login": user.login,
        "role": user.role.value,
        "site_ids": user.site_ids,
        "person_tags": chip_lines(user.person_tags),
    }


def as_typed(form: MultiDict[str, str]) -> dict[str, Any]:
    """What was typed, to show again beside a refusal (never the password)."""
    return {
        "name": form.get("name", ""),
        "login": form.get("login", ""),
        "role": form.get("role", ""),
        "site_ids": [number(v) for v in form.getlist("site_ids")],
        "person_tags": form.get("person_tags", ""),
    }
