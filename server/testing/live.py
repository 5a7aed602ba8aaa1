"""A real Vigil server (flask init, then gunicorn) on a free loopback port, and what it stored."""

import json
import os
import signal
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


def server_env(database_url: str, folder: Path) -> dict[str, str]:
    """The environment a Vigil process runs with: this database, photos under folder."""
    return os.environ | {
        "DATABASE_URL": database_url,
        "VIGIL_LOG_LEVEL": "WARNING",
        "VIGIL_PHOTO_DIR": str(folder / "photos"),
        "VIGIL_SECRET_KEY": "live-test-secret",
    }


def flask(env: dict[str, str], *commands: str) -> None:
    """Run `flask init` and then each command (e.g. 'demo'), as an operator would."""
    for command in ("init", *commands):
        done = subprocess.run(
            [BIN / "flask", "--app", "server", command], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr


class Gunicorn:
    """gunicorn serving Vigil on one loopback port; it can be killed outright and started again."""

    def __init__(self, env: dict[str, str], folder: Path, workers: int = 2) -> None:
        self.env, self.workers = env, workers
        self.log = folder / "gunicorn.log"
        self.url = f"http://127.0.0.1:{free_port()}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the master and its workers, and wait until /api/health answers."""
        with self.log.open("ab") as log_file:
            self.process = subprocess.Popen(
                [
                    BIN / "gunicorn",
                    "-c",
                    "python:server.serving",
                    "--workers",
                    str(self.workers),
                    "--bind",
                    self.url.removeprefix("http://"),
                    "server:create_app()",
                ],
                env=self.env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so kill() reaches the workers
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/api/health", timeout=5):  # noqa: S310
                    return
            except OSError:
                assert self.process.poll() is None, self.log.read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: a power cut, as far as Vigil can tell."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM), as an operator's restart does."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@contextmanager
def live_server(database_url: str, folder: Path, *commands: str, workers: int = 2) -> Iterator[str]:
    """Init the database, run extra flask commands (e.g. 'demo'), serve; yields the base URL."""
    env = server_env(database_url, folder)
    flask(env, *commands)
    server = Gunicorn(env, folder, workers)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def simulate(url: str, *, devices: int, batch: int, interval: float, seconds: float) -> dict:
    """Run the handheld simulator (device_protocol.simulate) against url; its JSON report."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "device_protocol.simulate",
            *("--url", url, "--devices", str(devices), "--batch", str(batch)),
            *("--interval", str(interval), "--seconds", str(seconds)),
        ],
        capture_output=True,
        text=True,
        timeout=seconds * 10 + 120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def stored_uuids(database_url: str, serial_prefix: str) -> list[str]:
    """The uuid of every event stored from the devices whose serials start so, repeats kept."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return list(
                conn.scalars(
                    select(DeviceEvent.uuid)
                    .join(Device, Device.id == DeviceEvent.device_id)
                    .where(Device.serial.startswith(serial_prefix))
                )
            )
    finally:
        engine.dispose()


def stored_events(database_url: str, serial_prefix: str) -> tuple[int, int]:
    """Events stored from the devices whose serials start so, and how many are distinct."""
    uuids = stored_uuids(database_url, serial_prefix)
    return len(uuids), len(set(uuids))
