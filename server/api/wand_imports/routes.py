"""Importing classic guard-tour wand exports (CSV or Excel)."""

import dataclasses

import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_smorest.fields import Upload

from server.api.blueprint import Blueprint
from server.api.common import Id, Schema
from server.http.session import db_session
from server.ingest import wand

blp = Blueprint("wand_imports", __name__, url_prefix="/api/v1", description="Classic wand exports")

MAX_FILE_BYTES = 20 * 1024 * 1024


class ImportForm(Schema):
    """The export (.csv in UTF-8 or GB18030, or .xlsx), where its reads belong, how to read it."""

    file = Upload(required=True)
    site_id = Id(required=True)
    kind = ma.fields.String(load_default="ibutton", validate=ma.validate.OneOf(wand.WAND_KINDS))
    wand_serial = ma.fields.String(
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "When the file has no wand column"},
    )
    clock_offset_seconds = ma.fields.Float(
        load_default=0.0,
        validate=ma.validate.Range(-366 * 86400, 366 * 86400),
        metadata={"description": "PC time minus wand time at download (cradle software shows it)"},
    )
    tag_column = ma.fields.String(validate=ma.validate.Length(max=50))
    time_column = ma.fields.String(validate=ma.validate.Length(max=50))
    wand_column = ma.fields.String(validate=ma.validate.Length(max=50))
    time_format = ma.fields.String(
        validate=ma.validate.Length(max=50), metadata={"example": "%Y/%m/%d %H:%M:%S"}
    )


class ReportSchema(Schema):
    """What the import stored; re-importing the same reads stores nothing twice."""

    reads = ma.fields.Integer()
    imported = ma.fields.Integer()
    duplicates = ma.fields.Integer()
    conflicts = ma.fields.Integer()
    person_reads = ma.fields.Integer()
    unmatched = ma.fields.List(ma.fields.Dict(), metadata={"description": "Unknown tag ids"})
    bad_rows = ma.fields.List(ma.fields.Dict(), metadata={"description": "{line, reason}"})
    wands = ma.fields.List(ma.fields.String())
    flags = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


@blp.before_request
def _limit():
    request.max_content_length = MAX_FILE_BYTES


@blp.route("/wand-imports")
class WandImports(MethodView):
    @blp.authenticated
    @blp.arguments(ImportForm, location="multipart")
    @blp.response(200, ReportSchema)
    def post(self, form):
        """Import a wand export as scans; re-imports and overlaps add nothing (admin, supervisor)"""
        upload = form.pop("file")
        options = wand.Options(**{k: v for k, v in form.items() if k != "site_id"})
        report = wand.import_file(
            db_session(), form["site_id"], upload.read(), upload.filename or "", options
        )
        db_session().commit()
        return dataclasses.asdict(report)
