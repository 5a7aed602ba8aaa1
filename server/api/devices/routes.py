"""Devices (handhelds)."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated, patch_schema
from server.api.devices.schemas import DeviceListArgs, DeviceSchema, DeviceUpdateSchema
from server.domain import access
from server.domain.models import Device
from server.domain.registry import devices
from server.http.session import db_session

blp = Blueprint("devices", __name__, url_prefix="/api/v1", description="Handheld devices")


@blp.route("/devices")
class Devices(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_DEVICES)
    @blp.arguments(DeviceListArgs, location="query")
    @blp.response(200, DeviceSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List devices on your sites (admin, supervisor)"""
        stmt = devices.list_query(args)
        return paginated(db_session(), stmt, Device, args, pagination_parameters, devices.SORTABLE)

    @blp.authenticated
    @blp.allows(access.MANAGE_DEVICES)
    @blp.documents(409)
    @blp.arguments(DeviceSchema)
    @blp.response(201, DeviceSchema)
    def post(self, data):
        """Register a device (admin, supervisor)"""
        device = devices.create(db_session(), data)
        db_session().commit()
        return device


@blp.route("/devices/<id:device_id>")
class DeviceById(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_DEVICES)
    @blp.etag
    @blp.documents(404)
    @blp.response(200, DeviceSchema)
    def get(self, device_id):
        """Get a device (admin, supervisor)"""
        return devices.get(db_session(), device_id)

    @blp.authenticated
    @blp.allows(access.MANAGE_DEVICES)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(DeviceUpdateSchema))
    @blp.response(200, DeviceSchema)
    def patch(self, data, device_id):
        """Change a device; {"active": false} deactivates it (admin, supervisor)"""
        device = devices.update(db_session(), device_id, data, blp.if_match(DeviceSchema))
        db_session().commit()
        return device
