"""A real Vigil server (flask init, then gunicorn with two workers) on a free loopback port."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, select

from server.domain.models import Device, DeviceEvent

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(database_url: str, folder: Path, *commands: str, workers: int = 2) -> Iterator[str]:
    """Init the database, run extra flask commands (e.g. 'demo'), serve; yields the base URL."""
    env = os.environ | {
        "DATABASE_URL": database_url,
        "VIGIL_LOG_LEVEL": "WARNING",
        "VIGIL_PHOTO_DIR": str(folder / "photos"),
        "VIGIL_SECRET_KEY": "live-test-secret",
    }
    for command in ("init", *commands):
        done = subprocess.run(
            [BIN / "flask", "--app", "server", command], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    port = free_port()
    log = folder / "gunicorn.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [
                BIN / "gunicorn",
                "-c",
                "python:server.serving",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "server:create_app()",
            ],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/health", timeout=5):  # noqa: S310
                    break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def stored_events(database_url: str, serial_prefix: str) -> tuple[int, int]:
    """Events stored from the devices whose serials start so, and distinct (device, uuid) pairs."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(DeviceEvent.device_id, DeviceEvent.uuid)
                .join(Device, Device.id == DeviceEvent.device_id)
                .where(Device.serial.startswith(serial_prefix))
            ).all()
    finally:
        engine.dispose()
    return len(rows), len(set(rows))
