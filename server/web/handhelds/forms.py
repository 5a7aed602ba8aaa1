"""What the handheld pages read: the list's filters and the enrollment form."""

from typing import Any

from werkzeug.datastructures import MultiDict

from server.api.devices.schemas import DeviceListArgs
from server.api.enrollment.schemas import CodeRequestSchema
from server.web.forms import Fields, drop_nulls, load, number, typed

CODE_FIELDS = Fields(("site_id", "ttl_minutes"), readers={"site_id": number, "ttl_minutes": number})
# How long a new code may live, as the form offers it (the API takes 5 minutes to a day).
LIFETIMES = (10, 30, 60, 240, 1440)
DEFAULT_LIFETIME = 30
MAX_PAGE = 10_000


def list_args(args: MultiDict[str, str]) -> dict[str, Any]:
    """The list's filters read by the API's own schema: a site, and a page of the list."""
    wanted = {k: args[k] for k in ("site_id",) if args.get(k)}
    found = load(DeviceListArgs(only=("site_id",)), wanted)
    page = args.get("page", 1, type=int) or 1
    return found | {"page": min(max(page, 1), MAX_PAGE)}


def code_request(form: MultiDict[str, str]) -> dict[str, Any]:
    """The enrollment form as the API's POST /enrollment-codes body, checked by its schema."""
    return load(CodeRequestSchema(), drop_nulls(typed(form, CODE_FIELDS)))
