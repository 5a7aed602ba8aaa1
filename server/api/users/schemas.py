"""User schemas."""

import marshmallow as ma

from server.api.checkpoints.schemas import PhysicalTagSchema
from server.api.common import MAX_SITES, Id, ListArgs, RegistrySchema, name_field
from server.api.fields import Bool, Text
from server.domain.actor import Role


class UserSchema(RegistrySchema):
    """A person who logs in; the password is write-only."""

    org_id = Id(dump_only=True)
    name = name_field(required=True)
    login = Text(
        required=True,
        validate=ma.validate.Regexp(
            r"^[A-Za-z0-9._@-]{3,100}$", error="3 to 100 letters, digits or . _ @ -"
        ),
    )
    role = ma.fields.Enum(Role, by_value=True, required=True)
    site_ids = ma.fields.List(
        Id(),
        validate=ma.validate.Length(max=MAX_SITES),
        metadata={"description": "Sites worked on"},
    )
    password = Text(required=True, load_only=True, validate=ma.validate.Length(max=200))
    person_tags = ma.fields.List(
        ma.fields.Nested(PhysicalTagSchema),
        validate=ma.validate.Length(max=5),
        metadata={"description": "The guard's own buttons or cards, for classic wands"},
    )
    is_superuser = Bool(dump_only=True, metadata={"description": "Operates the installation"})


class UserUpdateSchema(UserSchema):
    """Fields a PATCH may change; a new password revokes the user's tokens."""


class UserListArgs(ListArgs):
    """Filters for the user list."""

    site_id = Id()
    role = ma.fields.Enum(Role, by_value=True)
