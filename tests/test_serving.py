"""What `make run` starts: `flask init`, then gunicorn with two workers, answering over HTTP."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        return response.status, json.loads(response.read())


def test_gunicorn_serves_health_and_openapi(fresh_database_url, tmp_path):
    env = os.environ | {"DATABASE_URL": fresh_database_url, "VIGIL_LOG_LEVEL": "WARNING"}
    init = subprocess.run(
        [BIN / "flask", "--app", "server", "init"], env=env, capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    assert "login:    admin" in init.stdout
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [
                BIN / "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "server:create_app()",
            ],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/api/health")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        assert (status, body) == (200, {"status": "ok", "database": "ok"})
        status, spec = get(f"http://127.0.0.1:{port}/api/openapi.json")
        assert status == 200 and spec["info"]["title"] == "Vigil"
    finally:
        server.terminate()
        server.wait(timeout=30)
