"""One database session per request, closed (and so rolled back unless committed) at teardown."""

from flask import Flask, current_app, g
from sqlalchemy.orm import Session


def db_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["vigil"].sessionmaker()
    return g.db_session


def init_session(app: Flask) -> None:
    """Close the request's session when the app context ends."""

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()
