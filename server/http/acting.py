"""Who acts on a request: a bearer token resolved to the domain's Actor, set for the call."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, request

from server.domain.actor import Actor, reset_actor, set_actor
from server.domain.errors import Unauthenticated
from server.domain.registry import auth, enrollment
from server.http.session import db_session


def bearer_token() -> str:
    """The token of an 'Authorization: Bearer ...' header, or Unauthenticated."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("send 'Authorization: Bearer <token>' (POST /api/v1/auth/token)")
    return token.strip()


def user_from_token() -> Actor:
    """The user whose bearer token the request carries (g keeps the token for sign-out)."""
    found = auth.resolve(db_session(), bearer_token())
    g.token_id, g.user_id = found.token_id, found.actor.user_id
    return found.actor


def device_from_token() -> Actor:
    """The handheld whose device token the request carries (g.device: who it is)."""
    device, actor = enrollment.resolve_device(db_session(), bearer_token())
    g.device = device
    return actor


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """The domain sees actor as the current one for the duration."""
    token = set_actor(actor)
    try:
        yield actor
    finally:
        reset_actor(token)
