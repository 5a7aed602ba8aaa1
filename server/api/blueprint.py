"""Vigil's Blueprint: flask-smorest's, with optional If-Match and authentication built in."""

from collections.abc import Callable
from functools import wraps
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import request
from flask_smorest import pagination as fs_pagination
from flask_smorest.error_handler import ErrorSchema
from flask_smorest.utils import resolve_schema_instance
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import PreconditionFailed, UnsupportedMediaType

from server.domain import access
from server.domain.actor import Role, current_actor
from server.domain.errors import Invalid
from server.http.acting import acting_as, device_from_token, user_from_token

ERRORS = {
    404: "Not found, or not visible to you",
    409: "Conflicts with existing data (a duplicate code, name or login)",
    412: "If-Match did not match: the object changed since you read it",
}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string", "maxLength": 200},
    "description": "ETag from a GET; the change is refused (412) if the object changed since",
}


# The last page a list may be asked for: past it, OFFSET arithmetic leaves what databases hold.
MAX_PAGE = 1_000_000
_page_schema_factory = fs_pagination._pagination_parameters_schema_factory


def _bounded_page_schema(page: int, page_size: int, max_page_size: int) -> type:
    """flask-smorest's paging arguments, with a last page (it sets none): `?page=10**30` is a
    client's 422, not an OFFSET no database can take. It offers no hook for this, hence the swap
    of its factory below; the OpenAPI test sees the maximum, so an upgrade that drops it fails."""
    base = _page_schema_factory(page, page_size, max_page_size)
    bounded = type(
        base.__name__,
        (base,),
        {"page": ma.fields.Integer(load_default=page, validate=ma.validate.Range(1, MAX_PAGE))},
    )
    return bounded


fs_pagination._pagination_parameters_schema_factory = _bounded_page_schema


class Parser(FlaskParser):
    """webargs' Flask parser; JSON nested deeper than Python can read is a client's 400 too."""

    def _raw_load_json(self, req: Any) -> Any:
        try:
            return super()._raw_load_json(req)
        except RecursionError as error:
            # A body of a hundred thousand '[' is a malformed request, not a server failure.
            self._handle_invalid_json_error(error, req)  # type: ignore[arg-type]


def _json_body_only() -> None:
    sent = request.get_data(cache=True)
    if sent and not request.is_json:
        raise UnsupportedMediaType(
            f"send the body as JSON (Content-Type: application/json), not {request.mimetype!r}"
        )
    if request.method in ("PUT", "PATCH") and (not sent or request.get_json(silent=True) == {}):
        raise Invalid(
            "nothing to change: send the fields to change as a JSON object",
            {"json": {"_schema": ["At least one field is required."]}},
        )


class Blueprint(flask_smorest.Blueprint):
    """Every view is authenticated unless marked public; If-Match is honoured when sent."""

    ARGUMENTS_PARSER = Parser()

    # "multipart": form fields and files in one schema, documented as one multipart body
    # (separate form and files arguments would become OpenAPI 2 formData parameters).
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "multipart": "multipart/form-data",
    }

    # Clients opt in to lost-update protection by sending If-Match; it is not demanded.
    METHODS_NEEDING_CHECK_ETAG: list[str] = []

    def authenticated(self, func: Any) -> Any:
        """Resolve the bearer token to an actor for the view, and document the requirement."""

        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with acting_as(user_from_token()):
                return func(*args, **kwargs)

        wrapper = self.doc(security=[{"bearerAuth": []}])(wrapper)
        wrapper = self.alt_response(401, schema=ErrorSchema, description="Not authenticated")(
            wrapper
        )
        return self.alt_response(403, schema=ErrorSchema, description="Role not allowed")(wrapper)

    def arguments(self, schema: Any, *, location: str = "json", **kwargs: Any) -> Any:
        """flask-smorest's, and a JSON body must be JSON (415 otherwise, never ignored); a PUT
        or PATCH must change something (an empty object is refused, never stored)."""
        decorator = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return decorator

        def outer(func: Any) -> Any:
            parsed = decorator(func)

            @wraps(parsed)
            def wrapper(*args: Any, **kw: Any) -> Any:
                _json_body_only()
                return parsed(*args, **kw)

            return wrapper

        return outer

    def allows(self, roles: frozenset[Role]) -> Callable[[Any], Any]:
        """Refuse other roles (403) before the request's input is read, so a guard never learns
        an operation's schema from its 422. Goes under @authenticated; the domain checks the
        same set again, where the rule lives."""

        def decorator(func: Any) -> Any:
            @wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                actor = current_actor()
                if not actor.is_superuser:  # operators' own rules live in the domain
                    access.require_role(actor, roles)
                return func(*args, **kwargs)

            return wrapper

        return decorator

    def documents(self, *codes: int) -> Callable[[Any], Any]:
        """Document the errors a view can answer besides 401/403/422 (and If-Match for 412)."""

        def decorator(func: Any) -> Any:
            for code in codes:
                func = self.alt_response(code, schema=ErrorSchema, description=ERRORS[code])(func)
            if 412 in codes:
                func = self.doc(parameters=[IF_MATCH])(func)
            return func

        return decorator

    def device_authenticated(self, func: Any) -> Any:
        """Resolve a device token to its device for the view, and document the requirement."""

        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with acting_as(device_from_token()):
                return func(*args, **kwargs)

        wrapper = self.doc(security=[{"deviceToken": []}])(wrapper)
        return self.alt_response(401, schema=ErrorSchema, description="Not an enrolled device")(
            wrapper
        )

    def if_match(
        self, schema: Any, present: Callable[[Any], Any] | None = None
    ) -> Callable[[Any], None]:
        """A precondition refusing a change to a stale copy (412) when If-Match was sent.

        present: how the view turns the object into what it serves, when not the object itself.
        """

        def check(obj: Any) -> None:
            if request.if_match:
                shown = present(obj) if present else obj
                etag = self._generate_etag(resolve_schema_instance(schema).dump(shown))
                if etag not in request.if_match:
                    raise PreconditionFailed("the object changed since you read it; GET it again")

        return check


@Blueprint.ARGUMENTS_PARSER.location_loader("multipart")
def _load_multipart(req: Any, schema: Any) -> MultiDictProxy:
    return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)
