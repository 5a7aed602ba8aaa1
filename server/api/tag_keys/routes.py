"""Tag signing keys: rotate and retire."""

import marshmallow as ma
from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import Id, Schema
from server.domain.registry import tag_keys
from server.http.session import db_session

blp = Blueprint("tag_keys", __name__, url_prefix="/api/v1", description="Tag signing keys")


class TagKeySchema(Schema):
    """A signing key (its secret is derived, never stored or shown)."""

    id = Id()
    number = ma.fields.Integer(metadata={"description": "The key id printed in payloads"})
    created_at = ma.fields.AwareDateTime()
    retired_at = ma.fields.AwareDateTime(allow_none=True)
    active_tags = ma.fields.Integer(metadata={"description": "Active tags it signed"})


def _dump(key):
    return {
        **{c: getattr(key, c) for c in ("id", "number", "created_at", "retired_at")},
        "active_tags": tag_keys.active_tags(db_session(), key),
    }


@blp.route("/tag-keys")
class TagKeys(MethodView):
    @blp.authenticated
    @blp.allows(tag_keys.ONLY_ADMIN)
    @blp.response(200, TagKeySchema(many=True))
    def get(self):
        """List your organization's tag keys (admin)"""
        return [_dump(k) for k in db_session().scalars(tag_keys.list_query())]

    @blp.authenticated
    @blp.allows(tag_keys.ONLY_ADMIN)
    @blp.response(201, TagKeySchema)
    def post(self):
        """Rotate: sign new tags with a new key; older live keys keep verifying (admin)"""
        key = tag_keys.rotate(db_session())
        db_session().commit()
        return _dump(key)


@blp.route("/tag-keys/<id:key_id>/retire")
class Retire(MethodView):
    @blp.authenticated
    @blp.allows(tag_keys.ONLY_ADMIN)
    @blp.documents(404, 409)
    @blp.response(200, TagKeySchema)
    def post(self, key_id):
        """Retire a key: every tag it signed stops verifying (admin)"""
        key = tag_keys.retire(db_session(), key_id)
        db_session().commit()
        return _dump(key)
