"""Vigil: field-patrol and equipment-inspection backend."""

from pathlib import Path
from typing import Any

from flask import Flask

from server import logs, settings
from server.db import make_engine, make_sessionmaker
from server.domain import photos
from server.domain.registry import passwords, signing
from server.notify.channels.email import SmtpSettings
from server.storage import LocalBlobStore


class Vigil:
    """What the app holds for the request layer: database, blob storage, photo limits."""

    def __init__(self, config: dict[str, Any], instance: Path) -> None:
        self.engine = make_engine(
            config["DATABASE_URL"], sqlite_busy_timeout_ms=config["SQLITE_BUSY_TIMEOUT_MS"]
        )
        self.sessionmaker = make_sessionmaker(self.engine)
        self.blobs = LocalBlobStore(Path(config["PHOTO_DIR"] or instance / "photos"))
        self.photo_limits = photos.Limits(config["MAX_PHOTO_BYTES"], config["MAX_PHOTO_PIXELS"])
        self.public_url = config["PUBLIC_URL"]  # links in notifications start here
        self.smtp = (
            SmtpSettings(
                config["SMTP_HOST"],
                config["SMTP_PORT"],
                config["SMTP_SENDER"],
                starttls=bool(config["SMTP_STARTTLS"]),
                username=config["SMTP_USERNAME"] or None,
                password=config["SMTP_PASSWORD"] or None,
            )
            if config["SMTP_HOST"]
            else None
        )


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app: settings -> logging -> database -> API -> console -> CLI."""
    from server.api import init_api
    from server.cli import init_cli
    from server.web import init_web

    app = Flask(__name__, instance_path=str(settings.INSTANCE))
    app.config.update(settings.load(config))
    # The default SQLite file lives here; a fresh checkout does not have the folder yet.
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = settings.instance_secret(Path(app.instance_path))
    signing.configure(app.config["SECRET_KEY"])
    app.json.ensure_ascii = False  # Chinese names stay readable in responses.
    logs.configure(app.config["LOG_LEVEL"])
    passwords.configure(
        app.config["ARGON2_TIME_COST"],
        app.config["ARGON2_MEMORY_KIB"],
        app.config["ARGON2_PARALLELISM"],
    )
    app.extensions["vigil"] = Vigil(app.config, Path(app.instance_path))
    init_api(app)
    init_web(app)
    init_cli(app)
    return app
