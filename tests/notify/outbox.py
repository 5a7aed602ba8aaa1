"""Helpers for outbox tests: alerts raised as the evaluator would, endpoints added directly."""

import base64
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from server.domain.actor import reset_actor, set_actor
from server.domain.alerts import lifecycle
from server.domain.alerts.kinds import AlertKey, AlertKind
from server.domain.models import (
    Alert,
    AlertSeverity,
    EndpointKind,
    Notification,
    NotifyEndpoint,
    Organization,
    Site,
)
from server.worker import EVALUATOR
from tests.notify.servers import Received

# An overdue generator check, as inspection.overdue finds it; its Chinese title is ZH_TITLE.
TITLE_ARGS = {
    "asset": "1号发电机",
    "form": "月度检查",
    "late": {"days": 3},
    "due": "2026-12-01 09:00",
}
ZH_TITLE = "1号发电机：月度检查 已逾期 3 天（应于 2026-12-01 09:00）"
PUBLIC_URL = "https://vigil.example"


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


def verifying(secret: str):
    """A receiver's check: Standard Webhooks verification with the secret it holds."""

    def check(request: Received) -> None:
        Webhook(secret).verify(request.body, request.headers)

    return check


@contextmanager
def as_evaluator() -> Iterator[None]:
    token = set_actor(EVALUATOR)
    try:
        yield
    finally:
        reset_actor(token)


def finding(
    site: Site, n: int = 1, severity: AlertSeverity = AlertSeverity.HIGH, **evidence: Any
) -> lifecycle.Finding:
    """The n-th overdue check at site, found with this severity (high: told at once, without
    the grouping wait of low and medium news) and evidence."""
    return lifecycle.Finding(
        key=AlertKey.of(AlertKind.INSPECTION_OVERDUE, n, "2026-12-01T01:00:00+00:00"),
        title_args=TITLE_ARGS,
        site_id=site.id,
        severity=severity,
        evidence=evidence,
    )


def found(session: Session, site: Site, n: int = 1, **kw: Any) -> Alert:
    """Raise (or keep current) the n-th alert at site, as the evaluator."""
    with as_evaluator():
        alert = lifecycle.raise_or_update(session, site.org_id, finding(site, n, **kw))
        session.flush()
    return alert


def endpoint(session: Session, org: Organization, url: str, **kw: Any) -> NotifyEndpoint:
    """An active endpoint of org; a webhook signs with a fresh secret unless given one."""
    kw.setdefault("kind", EndpointKind.WEBHOOK)
    if kw["kind"] is EndpointKind.WEBHOOK:
        kw.setdefault("secrets", [new_secret()])
    kw.setdefault("name", f"hook {kw['kind']}")
    made = NotifyEndpoint(org_id=org.id, url=url, **kw)
    session.add(made)
    session.flush()
    return made


def notifications(session: Session) -> list[Notification]:
    session.expire_all()
    return list(session.scalars(select(Notification).order_by(Notification.id)))
