"""The daily digest: once a day at each person's hour, what their quiet hours held and what is
still open at their sites, in one e-mail; nothing is sent on a day with nothing in it."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from server.domain.actor import Role
from server.domain.models import (
    Alert,
    AlertState,
    Notification,
    NotificationState,
    NotifyPreference,
    User,
)
from server.domain.notify import outbox


def make(session: Session, now: datetime) -> int:
    """Digests for everyone whose hour has come today and who has none yet; how many."""
    people = session.execute(
        select(NotifyPreference, User)
        .join(User, User.id == NotifyPreference.user_id)
        .where(NotifyPreference.digest, NotifyPreference.email.is_not(None), User.active)
        .order_by(NotifyPreference.user_id)
        .with_for_update(skip_locked=True, of=NotifyPreference)
    ).all()
    made = 0
    for preference, user in people:
        local = now.astimezone(ZoneInfo(preference.timezone))
        today = local.date()
        if preference.digest_done_on == today or local.time() < preference.digest_at:
            continue
        preference.digest_done_on = today
        held = session.scalars(
            select(Notification.id).where(
                Notification.user_id == user.id, Notification.state == NotificationState.HELD
            )
        ).all()
        if not held and not _open(session, user):
            continue  # an empty day sends nothing
        row = {
            "org_id": user.org_id,
            "dedupe": f"d{user.id}.{today.isoformat()}",
            "user_id": user.id,
            "step": 0,
            "change": "digest",
            "state": NotificationState.PENDING,
            "attempts": 0,
            "first_at": now,
            "next_at": now,
        }
        if not outbox.insert(session, [row]):
            continue
        digest_id = session.scalar(
            select(Notification.id).where(Notification.dedupe == row["dedupe"])
        )
        if held:
            session.execute(
                update(Notification)
                .where(Notification.id.in_(held), Notification.state == NotificationState.HELD)
                .values(state=NotificationState.DIGESTED, batch_id=digest_id)
                .execution_options(synchronize_session=False)
            )
        made += 1
    session.flush()
    return made


def _open(session: Session, user: User) -> int:
    """How many alerts are still open at the person's sites (an admin's: every site)."""
    stmt = select(func.count()).select_from(Alert)
    stmt = stmt.where(Alert.org_id == user.org_id, Alert.state != AlertState.RESOLVED)
    if user.role is not Role.ADMIN:
        stmt = stmt.where(Alert.site_id.in_(user.site_ids))
    return session.scalar(stmt) or 0
