"""Every mapped table, importable from one place (Alembic and services use this)."""

from server.domain.models.alerts import Alert, AlertEntry, AlertSeverity, AlertState
from server.domain.models.assets import Asset, AssetKind
from server.domain.models.audit import AuditEvent
from server.domain.models.checkpoints import Checkpoint, PhysicalTag, PhysicalTagKind
from server.domain.models.device_events import DeviceEvent
from server.domain.models.devices import Device, device_sites
from server.domain.models.duty import Duty
from server.domain.models.enrollment import DeviceToken, EnrollmentCode
from server.domain.models.inspections import (
    AssetLimit,
    InspectionRecord,
    InspectionSchedule,
    InspectionTemplate,
    Reading,
    TemplateVersion,
)
from server.domain.models.notify import (
    EndpointKind,
    Escalation,
    EscalationPolicy,
    Notification,
    NotificationAttempt,
    NotificationState,
    NotifyEndpoint,
    NotifyPreference,
)
from server.domain.models.patrol import (
    PatrolRoute,
    Round,
    RoundStatus,
    RouteOrder,
    RouteStop,
    Schedule,
)
from server.domain.models.photos import Photo, PhotoRef
from server.domain.models.reports import (
    Cadence,
    Report,
    ReportFormat,
    ReportKind,
    ReportSchedule,
    ReportState,
)
from server.domain.models.tags import QrTag, TagKey, TagStatus, TagSubject
from server.domain.models.tenancy import Organization, Site, Zone, ZoneKind
from server.domain.models.users import (
    ApiToken,
    LoginFailure,
    PersonTag,
    TokenKind,
    User,
    user_sites,
)

__all__ = [
    "Alert",
    "AlertEntry",
    "AlertSeverity",
    "AlertState",
    "ApiToken",
    "Asset",
    "AssetKind",
    "AssetLimit",
    "AuditEvent",
    "Cadence",
    "Checkpoint",
    "Device",
    "DeviceEvent",
    "DeviceToken",
    "Duty",
    "EndpointKind",
    "EnrollmentCode",
    "Escalation",
    "EscalationPolicy",
    "InspectionRecord",
    "InspectionSchedule",
    "InspectionTemplate",
    "LoginFailure",
    "Notification",
    "NotificationAttempt",
    "NotificationState",
    "NotifyEndpoint",
    "NotifyPreference",
    "Organization",
    "PatrolRoute",
    "PersonTag",
    "Photo",
    "PhotoRef",
    "PhysicalTag",
    "PhysicalTagKind",
    "QrTag",
    "Reading",
    "Report",
    "ReportFormat",
    "ReportKind",
    "ReportSchedule",
    "ReportState",
    "Round",
    "RoundStatus",
    "RouteOrder",
    "RouteStop",
    "Schedule",
    "Site",
    "TagKey",
    "TagStatus",
    "TagSubject",
    "TemplateVersion",
    "TokenKind",
    "User",
    "Zone",
    "ZoneKind",
    "device_sites",
    "user_sites",
]
