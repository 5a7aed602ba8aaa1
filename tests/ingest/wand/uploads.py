"""Posting exports to the API, and reading back what was stored."""

import io

from sqlalchemy import func, select

from server.domain.models import AuditEvent, Device, DeviceEvent

# A night's reads on one wand: the guard's own button, then three checkpoints.
PERSON = ("WAND-7", "01-0000-00BB-BB00-01", "2026/11/21 22:00:05")
READS = [
    ("WAND-7", "01-0000-00AA-AA00-01", "2026/11/21 22:03:10"),
    ("WAND-7", "01-0000-00AA-AA00-02", "2026/11/21 22:09:44"),
    ("WAND-7", "01-0000-00AA-AA00-03", "2026/11/21 22:15:02"),
]
HEADER = ("Wand", "Tag ID", "Time")


def post(client, headers, site, data, filename="export.csv", **form):
    body = {
        "site_id": str(site.id),
        **{k: str(v) for k, v in form.items()},
        "file": (io.BytesIO(data), filename),
    }
    response = client.post(
        "/api/v1/wand-imports", data=body, headers=headers, content_type="multipart/form-data"
    )
    response.request.input_stream.close()  # a large body is spooled to a file the client keeps
    return response


def upload(client, headers, site, data, filename="export.csv", **form):
    response = post(client, headers, site, data, filename, **form)
    assert response.status_code == 200, response.json
    return response.json


def scans(db):
    db.expire_all()
    return db.scalars(select(DeviceEvent).order_by(DeviceEvent.corrected_time)).all()


def counts(db):
    """Rows of everything an import writes."""
    db.expire_all()
    tables = (DeviceEvent, Device, AuditEvent)
    stored = {t.__name__: db.scalar(select(func.count()).select_from(t)) for t in tables}
    stored["with a guard"] = db.scalar(
        select(func.count()).select_from(DeviceEvent).where(DeviceEvent.user_id.is_not(None))
    )
    return stored
