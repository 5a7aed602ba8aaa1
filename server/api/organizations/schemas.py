"""Organization schemas."""

import marshmallow as ma

from server.api.common import RegistrySchema, Schema, name_field
from server.api.fields import Text


class FirstAdminSchema(Schema):
    """The first admin of a new organization."""

    name = name_field(required=True)
    login = Text(required=True, validate=ma.validate.Regexp(r"^[A-Za-z0-9._@-]{3,100}$"))
    password = Text(required=True, load_only=True, validate=ma.validate.Length(max=200))


class OrganizationSchema(RegistrySchema):
    """A tenant."""

    name = name_field(required=True)


class OrganizationCreateSchema(OrganizationSchema):
    """A new tenant, optionally with its first admin."""

    admin = ma.fields.Nested(FirstAdminSchema, load_only=True)


class OrganizationUpdateSchema(OrganizationSchema):
    """Fields a PATCH may change; only operators deactivate."""
