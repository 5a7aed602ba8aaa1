"""One database session per request, closed (and so rolled back unless committed) at teardown."""

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from server.db import READS_ONLY

# Safe methods never write, so on SQLite they read without taking the write lock.
_READING = frozenset({"GET", "HEAD"})


def db_session() -> Session:
    """The request's session, opened on first use; GET and HEAD must not write through it."""
    if "db_session" not in g:
        options = {READS_ONLY: True} if request.method in _READING else {}
        g.db_session = current_app.extensions["vigil"].sessionmaker(execution_options=options)
    return g.db_session


def init_session(app: Flask) -> None:
    """Close the request's session when the app context ends."""

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()
