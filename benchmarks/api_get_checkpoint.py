"""api.get_checkpoint: a token-authenticated GET of one checkpoint, beside a bare Flask route."""

import os
import secrets
import tempfile
from datetime import timedelta

from flask import Flask

from benchmarks import seed
from benchmarks.report import emit, interleaved
from server import create_app, migrate, serving
from server.domain.actor import Role
from server.domain.clock import utcnow
from server.domain.models import ApiToken, Checkpoint, PhysicalTag, User
from server.domain.registry.auth import token_hash

CALLS = 500


def _seed(app: Flask) -> tuple[int, str]:
    with app.extensions["vigil"].sessionmaker() as session:
        org, site = seed.tenant(session)
        checkpoint = Checkpoint(
            org_id=org.id,
            site_id=site.id,
            name="高压配电室 HV room",
            code="PR-HV",
            latitude=31.2211,
            longitude=121.5442,
            radius_m=25,
            instructions="禁止单独进入",
        )
        checkpoint.physical_tags = [PhysicalTag(org_id=org.id, kind="nfc", uid="04A21F9C")]
        user = User(
            org_id=org.id, name="Li", login="bench", role=Role.SUPERVISOR, password_hash="unused"
        )
        user.sites = [site]
        token = secrets.token_urlsafe(32)
        session.add_all([checkpoint, user])
        session.flush()
        session.add(
            ApiToken(
                user_id=user.id,
                token_hash=token_hash(token),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        session.commit()
        return checkpoint.id, token


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{os.path.join(folder, 'bench.db')}"
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
        checkpoint_id, token = _seed(app)
        serving.settle()  # as each gunicorn worker does once the app is loaded
        client = app.test_client()
        path, headers = f"/api/v1/checkpoints/{checkpoint_id}", {"Authorization": f"Bearer {token}"}
        first = client.get(path, headers=headers)
        assert first.status_code == 200, first.json
        body = first.get_json()

        bare = Flask("bare")
        bare.json.ensure_ascii = False
        bare.add_url_rule("/checkpoint", view_func=lambda: body)
        bare_client = bare.test_client()
        assert bare_client.get("/checkpoint").get_json() == body

        ours, baseline = interleaved(
            lambda: client.get(path, headers=headers), lambda: bare_client.get("/checkpoint"), CALLS
        )
        emit(
            "api.get_checkpoint",
            ours * 1000,
            "ms",
            baseline * 1000,
            f"in-process WSGI, SQLite file, median of 5 rounds x {CALLS} calls; ours resolves the "
            "token, scopes the query, loads chips, dumps the schema and sets an ETag",
        )
        app.extensions["vigil"].engine.dispose()
