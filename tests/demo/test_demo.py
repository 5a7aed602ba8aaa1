"""The demo estate: loaded once, a realistic week of rounds and plant, every kind of trouble."""

import re

from sqlalchemy import func, select

from server import demo
from server.domain.alerts.kinds import AlertKind
from server.domain.alerts.titles import render
from server.domain.models import (
    Alert,
    AlertState,
    Asset,
    AssetKind,
    Checkpoint,
    Device,
    DeviceEvent,
    Photo,
    Round,
    RoundStatus,
    User,
)
from tests.conftest import log_in, run


def test_demo_loads_a_realistic_estate_once(fresh_app):
    run(fresh_app, "init")
    output = run(fresh_app, "demo")
    assert "Demo tenant loaded." in output and demo.PASSWORD in output
    with fresh_app.extensions["vigil"].sessionmaker() as session:
        names = session.scalars(select(Checkpoint.name)).all()
        kinds = set(session.scalars(select(Asset.kind)))
        roles = {
            u.role.value for u in session.scalars(select(User).where(User.login.like("demo-%")))
        }
        devices = session.scalar(select(func.count()).select_from(Device))
    assert len(names) >= 15
    assert all(re.search(r"[\u4e00-\u9fff]", n) and re.search(r"[A-Za-z]", n) for n in names)
    assert {AssetKind.GENERATOR, AssetKind.TRANSFORMER} <= kinds
    assert roles == {"admin", "supervisor", "guard", "engineer"}
    assert devices >= 1
    token = log_in(fresh_app, "demo-super", demo.PASSWORD).json["token"]
    listed = fresh_app.test_client().get(
        "/api/v1/checkpoints?page_size=200", headers={"Authorization": f"Bearer {token}"}
    )
    assert len(listed.json) == len(names)
    assert "Demo tenant already present." in run(fresh_app, "demo")


def test_demo_has_a_week_of_rounds_with_real_alerts_and_incident_photos(fresh_app):
    run(fresh_app, "init")
    output = run(fresh_app, "demo")
    assert "HT-0001 and HT-0002 are enrolled" in output
    with fresh_app.extensions["vigil"].sessionmaker() as session:
        events = session.scalars(select(DeviceEvent).order_by(DeviceEvent.corrected_time)).all()
        photos = session.scalars(select(Photo)).all()
        found = session.scalars(select(Alert).order_by(Alert.id)).all()
        walked = session.scalars(select(Round)).all()
    kinds = [e.type for e in events]
    assert kinds.count("scan") > 7 * 5 * 10 and kinds.count("incident") == 2
    assert all(e.flags == [] for e in events), "demo scans all verify and place"
    assert len(photos) == 2
    blobs = fresh_app.extensions["vigil"].blobs
    assert all(blobs.exists(f"{p.sha256}.thumbnail.jpg") for p in photos)
    # Every kind of trouble a supervisor meets, each once, and the loop closed on one.
    assert {a.kind for a in found} == {
        "round_missed",
        "round_incomplete",
        "round_late_start",
        "round_rushed",
        "round_task",
        "impossible_speed",
        "far_scan",
        "guard_inactive",
        # The plant room's four weeks of inspections.
        "inspection_out_of_bounds",
        "inspection_above_usual",
        "inspection_unexplained_drop",
        "inspection_check_failed",
        "inspection_overdue",
    }
    assert len({a.key for a in found}) == len(found)
    closed = {a.kind: a.resolution for a in found if a.resolved_by is not None}
    assert set(closed) == {"round_missed", "inspection_check_failed"}
    assert "retrained" in closed["round_missed"]
    battery = [a for a in found if a.evidence.get("item") == "battery_v"]
    assert [a.evidence["value"] for a in battery] == [11.8]
    (late,) = [a for a in found if a.kind == "inspection_overdue"]
    assert "overdue by 3 days" in late.title
    # Each title is kept as facts too, so a Chinese page can tell it in Chinese.
    for alert in found:
        assert render(AlertKind(alert.kind), alert.title_args, "en") == alert.title
        assert "{" not in render(AlertKind(alert.kind), alert.title_args, "zh")
    assert "已逾期 3 天" in render(AlertKind.INSPECTION_OVERDUE, late.title_args, "zh")
    assert any(a.state is AlertState.ACKNOWLEDGED for a in found)
    silences = sorted(
        (a.severity.value, a.state.value) for a in found if a.kind == "guard_inactive"
    )
    # One real silence (the missed round), one false alarm cleared when the handheld synced.
    assert silences == [("critical", "resolved"), ("medium", "open")]
    assert sum(r.voluntary for r in walked) == 1
    assert sum(r.status is RoundStatus.COMPLETED for r in walked) >= 40
    token = log_in(fresh_app, "demo-super", demo.PASSWORD).json["token"]
    until = max(r.due_at for r in walked).isoformat()
    since = min(r.due_at for r in walked).isoformat()
    summary = fresh_app.test_client().get(
        "/api/v1/rounds/summary",
        query_string={"since": since, "until": until},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert summary.status_code == 200
    assert summary.json["by_status"]["missed"] == 1 and summary.json["voluntary_rounds"] == 1
    assert summary.json["missed_checkpoints"][0]["name"] == "车库B2区 Car park zone B2"
    run(fresh_app, "demo")  # loading again adds nothing
    with fresh_app.extensions["vigil"].sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(DeviceEvent)) == len(events)
