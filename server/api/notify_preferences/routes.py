"""Notification preferences: everyone sets their own; an admin may set anyone's."""

from functools import wraps
from typing import Any

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import patch_schema
from server.api.notify_preferences.schemas import (
    NotifyPreferenceSchema,
    NotifyPreferenceUpdateSchema,
)
from server.domain.actor import current_actor
from server.domain.notify import preferences
from server.http.session import db_session

blp = Blueprint(
    "notify_preferences",
    __name__,
    url_prefix="/api/v1",
    description="How each person is told of alerts: e-mail, language, quiet hours, daily digest",
)


def _oneself_or_admin(func: Any) -> Any:
    """Refuse (403) others before the body is read, as blp.allows does for roles."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        preferences.require_reach(kwargs["user_id"])
        return func(*args, **kwargs)

    return wrapper


# A PUT changes the fields it sends; the others keep their values.
_PUT = patch_schema(NotifyPreferenceUpdateSchema)


@blp.route("/users/me/notify-preferences")
class MyPreferences(MethodView):
    @blp.authenticated
    @blp.response(200, NotifyPreferenceSchema)
    def get(self):
        """Your notification preferences (the defaults until you set them)"""
        return preferences.get(db_session(), current_actor().user_id)

    @blp.authenticated
    @blp.arguments(_PUT)
    @blp.response(200, NotifyPreferenceSchema)
    def put(self, data):
        """Set your notification preferences; fields left out keep their values"""
        found = preferences.put(db_session(), current_actor().user_id, data)
        db_session().commit()
        return found


@blp.route("/users/<id:user_id>/notify-preferences")
class PreferencesOf(MethodView):
    @blp.authenticated
    @_oneself_or_admin
    @blp.documents(404)
    @blp.response(200, NotifyPreferenceSchema)
    def get(self, user_id):
        """A person's notification preferences (yourself, or anyone for an admin)"""
        return preferences.get(db_session(), user_id)

    @blp.authenticated
    @_oneself_or_admin
    @blp.documents(404)
    @blp.arguments(_PUT)
    @blp.response(200, NotifyPreferenceSchema)
    def put(self, data, user_id):
        """Set a person's notification preferences (yourself, or anyone for an admin)"""
        found = preferences.put(db_session(), user_id, data)
        db_session().commit()
        return found
