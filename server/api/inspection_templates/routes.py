"""Inspection templates and their versions."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, attributes, paginated, patch_schema
from server.api.inspection_templates.schemas import (
    TemplateListArgs,
    TemplateSchema,
    TemplateUpdateSchema,
    VersionSchema,
)
from server.domain import access
from server.domain.inspection import templates
from server.domain.models import InspectionTemplate
from server.http.session import db_session

blp = Blueprint(
    "inspection_templates",
    __name__,
    url_prefix="/api/v1",
    description="Versioned inspection forms, and the starter set",
)


def _dump(template: InspectionTemplate) -> dict:
    fields = attributes(template, TemplateSchema, "definition")
    return fields | {"definition": templates.version(db_session(), template).definition}


@blp.route("/inspection-templates")
class Templates(MethodView):
    @blp.authenticated
    @blp.arguments(TemplateListArgs, location="query")
    @blp.response(200, TemplateSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List your organization's inspection templates, each with its current form"""
        stmt = templates.list_query(args)
        page = paginated(
            db_session(), stmt, InspectionTemplate, args, pagination_parameters, templates.SORTABLE
        )
        return [_dump(t) for t in page]

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(409)
    @blp.arguments(TemplateSchema)
    @blp.response(201, TemplateSchema)
    def post(self, data):
        """Create a template with its first version (admin, supervisor)"""
        template = templates.create(db_session(), data)
        db_session().commit()
        return _dump(template)


@blp.route("/inspection-templates/starters")
class Starters(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.response(200, TemplateSchema(many=True))
    def post(self):
        """Install the templates Vigil ships with that you do not have yet (admin, supervisor)"""
        installed = templates.install_starters(db_session())
        db_session().commit()
        return [_dump(t) for t in installed]


@blp.route("/inspection-templates/<id:template_id>")
class TemplateById(MethodView):
    @blp.authenticated
    @blp.etag
    @blp.documents(404)
    @blp.response(200, TemplateSchema)
    def get(self, template_id):
        """Get a template with its current form"""
        return _dump(templates.get(db_session(), template_id))

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(TemplateUpdateSchema))
    @blp.response(200, TemplateSchema)
    def patch(self, data, template_id):
        """Change a template; a new definition becomes the next version (admin, supervisor)"""
        precondition = blp.if_match(TemplateSchema, _dump)
        template = templates.update(db_session(), template_id, data, precondition)
        db_session().commit()
        return _dump(template)


@blp.route("/inspection-templates/<id:template_id>/versions/<id:version>")
class TemplateVersion(MethodView):
    @blp.authenticated
    @blp.documents(404)
    @blp.response(200, VersionSchema)
    def get(self, template_id, version):
        """Get one version of a template's form, as older records were filled against it"""
        template = templates.get(db_session(), template_id)
        return templates.version(db_session(), template, version)
