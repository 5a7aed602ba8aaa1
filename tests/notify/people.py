"""Helpers for end-to-end notification tests: people told by e-mail, and what they received."""

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.models import NotifyPreference, Organization, Site, User
from server.notify import delivery
from server.notify.channels.email import SmtpSettings
from server.testing.factories import Factory
from tests.notify.outbox import PUBLIC_URL


def person(
    db: Session,
    make: Factory,
    org: Organization,
    sites: list[Site],
    name: str,
    role: Role = Role.SUPERVISOR,
    **preference: Any,
) -> User:
    """A user of org at sites, told by e-mail at name@example.test (in Chinese, on Shanghai's
    clock, with a digest at 08:00 unless preference says otherwise)."""
    user = make.user(org, role, sites=sites, name=name)
    defaults = {"language": "zh", "timezone": "Asia/Shanghai", "digest": True}
    db.add(
        NotifyPreference(
            org_id=org.id, user_id=user.id, email=f"{name}@example.test", **defaults | preference
        )
    )
    db.flush()
    return user


@contextmanager
def acting_as(user: User) -> Iterator[None]:
    """Act as user, as a request of theirs would."""
    token = set_actor(Actor(user.id, user.org_id, user.role, frozenset(user.site_ids)))
    try:
        yield
    finally:
        reset_actor(token)


def mail_deliverer(sessions: sessionmaker[Session], port: int) -> Callable[[datetime], int]:
    """A delivery pass as of an instant, mail handed to the SMTP server on the loopback port."""
    smtp = SmtpSettings("127.0.0.1", port, "Vigil <alerts@vigil.example>", timeout=5)
    rng = random.Random(19)

    def run(now: datetime) -> int:
        with httpx.Client(trust_env=False) as http:
            return delivery.deliver(
                sessions, delivery.channels(http, smtp), now, "w1", public_url=PUBLIC_URL, rng=rng
            )

    return run


def told(mails: list[EmailMessage]) -> list[tuple[str, str]]:
    """(recipient, subject) of each mail, in order."""
    return [(str(mail["To"]), str(mail["Subject"])) for mail in mails]


def plain(mail: EmailMessage) -> str:
    """A mail's plain-text part."""
    part = mail.get_body(("plain",))
    assert part is not None
    return part.get_content()  # type: ignore[attr-defined]
