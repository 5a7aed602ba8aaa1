"""Login schemas."""

import marshmallow as ma

from server.api.common import Schema
from server.api.fields import Instant, Text
from server.api.users.schemas import UserSchema


class LoginSchema(Schema):
    """Credentials to exchange for a token."""

    login = Text(required=True, validate=ma.validate.Length(min=1, max=100))
    password = Text(required=True, load_only=True, validate=ma.validate.Length(min=1, max=200))


class TokenSchema(Schema):
    """A bearer token: send it as 'Authorization: Bearer <token>'."""

    token = Text()
    token_type = Text(metadata={"example": "Bearer"})
    expires_at = Instant()
    user = ma.fields.Nested(UserSchema)


class PasswordChangeSchema(Schema):
    """The current password, and the new one (at least 10 characters)."""

    current_password = Text(
        required=True, load_only=True, validate=ma.validate.Length(min=1, max=200)
    )
    new_password = Text(required=True, load_only=True, validate=ma.validate.Length(min=1, max=200))
