"""Plain helpers shared by the device sync tests (the fixtures live in conftest.py)."""

from sqlalchemy import select

from server.domain.models import DeviceEvent


def new_code(client, supervisor, site):
    response = client.post(
        "/api/v1/enrollment-codes", json={"site_id": site.id}, headers=supervisor
    )
    assert response.status_code == 201, response.json
    return response.json


def stored(db, **filters):
    return db.scalars(select(DeviceEvent).filter_by(**filters).order_by(DeviceEvent.id)).all()
