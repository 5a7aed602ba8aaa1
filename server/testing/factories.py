"""Factories: objects with sane defaults, written straight to the test's session."""

import base64
import hashlib
import io
import itertools
import secrets
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import photos
from server.domain.actor import Role
from server.domain.clock import utcnow
from server.domain.models import (
    Alert,
    AlertEntry,
    AlertSeverity,
    ApiToken,
    Asset,
    AssetKind,
    AssetLimit,
    Cadence,
    Checkpoint,
    Device,
    DeviceEvent,
    DeviceToken,
    EndpointKind,
    EnrollmentCode,
    EscalationPolicy,
    InspectionRecord,
    InspectionSchedule,
    InspectionTemplate,
    Notification,
    NotificationState,
    NotifyEndpoint,
    NotifyPreference,
    Organization,
    PatrolRoute,
    PersonTag,
    PhotoRef,
    PhysicalTag,
    PhysicalTagKind,
    QrTag,
    Report,
    ReportFormat,
    ReportKind,
    ReportSchedule,
    ReportState,
    Round,
    RouteOrder,
    RouteStop,
    Schedule,
    Site,
    TagKey,
    TagSubject,
    TemplateVersion,
    User,
    Zone,
    ZoneKind,
)
from server.domain.registry import passwords
from server.domain.registry.auth import token_hash

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


class Factory:
    """Builds registry objects for one test session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _add(self, obj: Any) -> Any:
        self.session.add(obj)
        self.session.flush()
        return obj

    def org(self, name: str | None = None) -> Organization:
        return self._add(Organization(name=name or f"Org {next(_seq)}"))

    def site(self, org: Organization, name: str | None = None, **kw: Any) -> Site:
        kw.setdefault("timezone", "Asia/Shanghai")
        return self._add(Site(org_id=org.id, name=name or f"Site {next(_seq)}", **kw))

    def zone(self, site: Site, **kw: Any) -> Zone:
        kw.setdefault("kind", ZoneKind.BUILDING)
        kw.setdefault("name", f"Zone {next(_seq)}")
        return self._add(Zone(org_id=site.org_id, site_id=site.id, **kw))

    def checkpoint(self, site: Site, **kw: Any) -> Checkpoint:
        n = next(_seq)
        kw.setdefault("name", f"Checkpoint {n}")
        kw.setdefault("code", f"CP{n}")
        return self._add(Checkpoint(org_id=site.org_id, site_id=site.id, **kw))

    def asset(self, site: Site, **kw: Any) -> Asset:
        n = next(_seq)
        kw.setdefault("kind", AssetKind.GENERATOR)
        kw.setdefault("name", f"Generator {n}")
        kw.setdefault("code", f"G{n}")
        return self._add(Asset(org_id=site.org_id, site_id=site.id, **kw))

    def chip(self, owner: Checkpoint | User, uid: str, kind: str = "ibutton") -> Any:
        """A normalised chip id on a checkpoint (PhysicalTag) or a person (PersonTag)."""
        common = {"org_id": owner.org_id, "kind": PhysicalTagKind(kind), "uid": uid}
        if isinstance(owner, Checkpoint):
            return self._add(PhysicalTag(checkpoint_id=owner.id, **common))
        return self._add(PersonTag(user_id=owner.id, **common))

    def tag_key(self, org: Organization, number: int = 1) -> TagKey:
        return self._add(TagKey(org_id=org.id, number=number))

    def qr_tag(self, thing: Checkpoint | Asset, key: TagKey | None = None, **kw: Any) -> QrTag:
        """An active tag for a checkpoint or an asset."""
        is_checkpoint = isinstance(thing, Checkpoint)
        key = key or self.session.scalar(select(TagKey).where(TagKey.org_id == thing.org_id))
        key = key or self.tag_key(self.session.get(Organization, thing.org_id))
        return self._add(
            QrTag(
                org_id=thing.org_id,
                site_id=thing.site_id,
                subject=TagSubject.CHECKPOINT if is_checkpoint else TagSubject.ASSET,
                checkpoint_id=thing.id if is_checkpoint else None,
                asset_id=None if is_checkpoint else thing.id,
                key_id=key.id,
                **kw,
            )
        )

    def enrollment_code(
        self, site: Site, code: str | None = None, **kw: Any
    ) -> tuple[EnrollmentCode, str]:
        """A live code (plain text returned) for site."""
        code = code or secrets.token_hex(6).upper()
        kw.setdefault("expires_at", utcnow() + timedelta(minutes=30))
        record = EnrollmentCode(
            org_id=site.org_id, site_id=site.id, code_hash=token_hash(code), **kw
        )
        return self._add(record), code

    def device_auth(self, device: Device) -> dict[str, str]:
        """Headers a handheld sends: its bearer token and the protocol version."""
        plain = secrets.token_urlsafe(32)
        self._add(DeviceToken(device_id=device.id, token_hash=token_hash(plain)))
        return {"Authorization": f"Bearer {plain}", "Vigil-Protocol": "1"}

    def photo(
        self, device: Device, site: Site, blobs: Any, size: tuple[int, int] = (64, 48)
    ) -> str:
        """A stored JPEG referred to by an incident of device on site; returns its sha256."""
        buffer = io.BytesIO()
        Image.new("RGB", size, (next(_seq) % 255, 90, 160)).save(buffer, "JPEG")
        data = buffer.getvalue()
        sha = hashlib.sha256(data).hexdigest()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "p.jpg"
            path.write_bytes(data)
            photos.store(self.session, blobs, device.org_id, device.id, sha, path, photos.Limits())
        # An incident as sync stores it: every field the protocol requires, and the photo.
        incident = {"category": "damage", "severity": "low", "text": "照片", "photos": [sha]}
        event = self.event(device, site, "incident", data=incident)
        self._add(
            PhotoRef(org_id=device.org_id, device_id=device.id, event_id=event.id, sha256=sha)
        )
        return sha

    def event(
        self,
        device: Device,
        site: Site,
        type: str,
        at: datetime | None = None,
        received_at: datetime | None = None,
        **kw: Any,
    ) -> DeviceEvent:
        """An event of device on site, as sync stores it: sent at `at` (now), received then."""
        at = at or utcnow()
        kw.setdefault("data", {})
        kw.setdefault("flags", [])
        return self._add(
            DeviceEvent(
                org_id=device.org_id,
                device_id=device.id,
                uuid=str(uuid.uuid4()),
                type=type,
                fingerprint="0" * 64,
                device_time=at,
                corrected_time=at,
                time_source="wall_clock",
                received_at=received_at or at,
                site_id=site.id,
                **kw,
            )
        )

    def device(self, org: Organization, sites: list[Site], **kw: Any) -> Device:
        kw.setdefault("serial", f"SN{next(_seq)}")
        device = Device(org_id=org.id, **kw)
        device.sites = sites
        return self._add(device)

    def user(
        self,
        org: Organization,
        role: Role = Role.GUARD,
        sites: list[Site] | None = None,
        password: str = PASSWORD,
        **kw: Any,
    ) -> User:
        n = next(_seq)
        kw.setdefault("name", f"User {n}")
        kw.setdefault("login", f"user{n}")
        user = User(org_id=org.id, role=role, password_hash=passwords.hash_password(password), **kw)
        user.sites = sites or []
        return self._add(user)

    def route(self, checkpoints: list[Checkpoint], **kw: Any) -> PatrolRoute:
        """A route walking the checkpoints (all of one site) in list order."""
        first = checkpoints[0]
        kw.setdefault("name", f"Route {next(_seq)}")
        route = PatrolRoute(org_id=first.org_id, site_id=first.site_id, **kw)
        route.stops = [
            RouteStop(position=n, checkpoint_id=c.id) for n, c in enumerate(checkpoints, start=1)
        ]
        return self._add(route)

    def schedule(self, route: PatrolRoute, **kw: Any) -> Schedule:
        """A nightly 22:00 schedule of route, effective now."""
        kw.setdefault("name", f"Schedule {next(_seq)}")
        kw.setdefault("rrule", "FREQ=DAILY")
        kw.setdefault("start_local", "2026-01-01T22:00")
        kw.setdefault("window_min", 60)
        kw.setdefault("effective_from", utcnow())
        return self._add(
            Schedule(org_id=route.org_id, site_id=route.site_id, route_id=route.id, **kw)
        )

    def round(self, schedule: Schedule, **kw: Any) -> Round:
        """A round of schedule due now, expecting its route's checkpoints."""
        route = self.session.get_one(PatrolRoute, schedule.route_id)
        due = kw.pop("due_at", utcnow())
        expected = [
            {"position": s.position, "checkpoint_id": s.checkpoint_id, "name": "C"}
            for s in route.stops
        ]
        return self._add(
            Round(
                org_id=schedule.org_id,
                site_id=schedule.site_id,
                route_id=route.id,
                schedule_id=schedule.id,
                due_at=due,
                window_start=due,
                window_end=due + timedelta(hours=1),
                order=route.order or RouteOrder.STRICT,
                expected=expected,
                **kw,
            )
        )

    def template(self, org: Organization, **kw: Any) -> InspectionTemplate:
        """An inspection template with one temperature reading, at version 1."""
        n = next(_seq)
        definition = kw.pop("definition", None) or {
            "sections": [
                {
                    "key": "main",
                    "title": "Main",
                    "items": [
                        {"key": "temp_c", "type": "number", "label": "Temperature", "unit": "°C",
                         "warning": [None, 80], "critical": [None, 95]},
                    ],
                }
            ]
        }  # fmt: skip
        kw.setdefault("code", f"template_{n}")
        kw.setdefault("name", f"Template {n}")
        template = self._add(InspectionTemplate(org_id=org.id, version=1, **kw))
        self._add(TemplateVersion(template_id=template.id, version=1, definition=definition))
        return template

    def inspection_schedule(
        self, asset: Asset, template: InspectionTemplate, **kw: Any
    ) -> InspectionSchedule:
        """Due every 30 days from now."""
        kw.setdefault("max_days", 30)
        kw.setdefault("effective_from", utcnow())
        return self._add(
            InspectionSchedule(
                org_id=asset.org_id,
                site_id=asset.site_id,
                asset_id=asset.id,
                template_id=template.id,
                **kw,
            )
        )

    def inspection(self, asset: Asset, template: InspectionTemplate, **kw: Any) -> Any:
        """A normal record of the template's first version, done an hour ago."""
        version = self.session.scalar(
            select(TemplateVersion).where(TemplateVersion.template_id == template.id)
        )
        return self._add(
            InspectionRecord(
                org_id=asset.org_id,
                uuid=str(uuid.uuid4()),
                site_id=asset.site_id,
                asset_id=asset.id,
                template_id=template.id,
                version_id=version.id,
                version=1,
                at=kw.pop("at", utcnow() - timedelta(hours=1)),
                values=kw.pop("values", {"temp_c": 40}),
                status="normal",
                **kw,
            )
        )

    def limit(self, asset: Asset, item_key: str = "temp_c", **kw: Any) -> AssetLimit:
        """The asset's own warning limit for an item."""
        kw.setdefault("warning", [None, 70])
        return self._add(
            AssetLimit(
                org_id=asset.org_id,
                site_id=asset.site_id,
                asset_id=asset.id,
                item_key=item_key,
                **kw,
            )
        )

    def alert(self, found: Round, **kw: Any) -> Alert:
        """An open alert about a round."""
        kw.setdefault("key", f"round_missed:{found.id}")
        return self._add(
            Alert(
                org_id=found.org_id,
                site_id=found.site_id,
                kind=kw.pop("kind", "round_missed"),
                severity=kw.pop("severity", AlertSeverity.HIGH),
                title=kw.pop("title", "Round missed"),
                round_id=found.id,
                evidence=kw.pop("evidence", {}),
                **kw,
            )
        )

    def notify_endpoint(self, org: Organization, **kw: Any) -> NotifyEndpoint:
        """A signed webhook of org (at a port nothing listens on)."""
        kw.setdefault("name", f"Hook {next(_seq)}")
        kw.setdefault("kind", EndpointKind.WEBHOOK)
        kw.setdefault("url", "http://127.0.0.1:9/hook?key=K3Y")
        kw.setdefault("secrets", ["whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()])
        return self._add(NotifyEndpoint(org_id=org.id, **kw))

    def notification(self, alert: Alert, endpoint: NotifyEndpoint, **kw: Any) -> Notification:
        """An outbox row announcing the alert at endpoint, given up on (dead) unless told."""
        entry = self._add(
            AlertEntry(alert_id=alert.id, action="raised", severity=alert.severity, evidence={})
        )
        kw.setdefault("state", NotificationState.DEAD)
        kw.setdefault("attempts", 1)
        return self._add(
            Notification(
                org_id=alert.org_id,
                alert_id=alert.id,
                entry_id=entry.id,
                endpoint_id=endpoint.id,
                site_id=alert.site_id,
                severity=alert.severity,
                dedupe=f"a{entry.id}.s0.e{endpoint.id}",
                change="raised",
                **kw,
            )
        )

    def escalation_policy(self, org: Organization, **kw: Any) -> EscalationPolicy:
        """A ladder of org's: the site's supervisors at once, then its admins after 15 minutes."""
        kw.setdefault("name", f"Ladder {next(_seq)}")
        kw.setdefault("steps", [{"roles": ["supervisor"]}, {"after_min": 15, "roles": ["admin"]}])
        return self._add(EscalationPolicy(org_id=org.id, **kw))

    def report(
        self, site: Site, blobs: Any, content: bytes = b"%PDF-1.4 made", **kw: Any
    ) -> Report:
        """A made daily activity report of site's night shift of 2026-12-01, its bytes stored."""
        sha = hashlib.sha256(content).hexdigest()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "r.pdf"
            path.write_bytes(content)
            blobs.put_file(sha, path)
        since = datetime.fromisoformat("2026-12-01T12:00:00+00:00")
        kw.setdefault("subject", "2026-12-01 20:00")
        kw.setdefault("params", {"day": "2026-12-01", "shift": "20:00", "name": "夜班"})
        return self._add(
            Report(
                org_id=site.org_id,
                site_id=site.id,
                kind=ReportKind.DAILY_ACTIVITY,
                format=ReportFormat.PDF,
                language="zh",
                since=since,
                until=since + timedelta(hours=12),
                state=ReportState.MADE,
                made_at=utcnow(),
                checked_at=utcnow(),
                sha256=sha,
                size=len(content),
                fingerprint="0" * 64,
                **kw,
            )
        )

    def report_schedule(self, site: Site, **kw: Any) -> ReportSchedule:
        """Each shift's daily activity report of site, e-mailed to the given people."""
        kw.setdefault("name", f"Shift report {next(_seq)}")
        kw.setdefault("kind", ReportKind.DAILY_ACTIVITY)
        kw.setdefault("cadence", Cadence.SHIFT)
        return self._add(ReportSchedule(org_id=site.org_id, site_id=site.id, **kw))

    def notify_preference(self, user: User, **kw: Any) -> NotifyPreference:
        """How user is told: by e-mail (in Chinese, unless told), with no quiet hours."""
        kw.setdefault("email", f"user{user.id}@example.com")
        return self._add(NotifyPreference(org_id=user.org_id, user_id=user.id, **kw))

    def token(self, user: User, ttl: timedelta = timedelta(hours=1)) -> str:
        """A live bearer token for user."""
        plain = secrets.token_urlsafe(32)
        self._add(
            ApiToken(user_id=user.id, token_hash=token_hash(plain), expires_at=utcnow() + ttl)
        )
        return plain

    def auth(self, user: User) -> dict[str, str]:
        """Request headers carrying a fresh token for user."""
        return {"Authorization": f"Bearer {self.token(user)}"}
