"""What `make run` starts, answering over HTTP; and simulated handhelds against it."""

import gc
import json
import socket
import urllib.request
from urllib.parse import urlsplit

from gunicorn.http.message import MAX_REQUEST_LINE

from server import serving
from server.api.errors import body
from server.http import limits
from server.testing.live import live_server, simulate, stored_events


def get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        return response.status, json.loads(response.read())


def test_gunicorn_serves_health_and_openapi(fresh_database_url, tmp_path):
    with live_server(fresh_database_url, tmp_path) as url:
        assert get(f"{url}/api/health") == (200, {"status": "ok", "database": "ok"})
        status, spec = get(f"{url}/api/openapi.json")
        assert status == 200 and spec["info"]["title"] == "Vigil"


def send(url: str, target: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    """One GET written byte for byte on a raw socket: status, content type and body."""
    address = urlsplit(url)
    fields = {"Host": address.netloc, **(headers or {}), "Connection": "close"}
    head = f"GET {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(f"{head}\r\n".encode())
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    status_and_fields, _, content = answer.partition(b"\r\n\r\n")
    status_line, *lines = status_and_fields.decode("latin-1").split("\r\n")
    content_type = next(v for k, _, v in (x.partition(": ") for x in lines) if k == "Content-Type")
    return int(status_line.split()[1]), content_type, content


def test_a_long_url_or_header_is_refused_as_json_up_to_gunicorns_ceiling(
    fresh_database_url, tmp_path
):
    long_url = "/api/health?pad=" + "a" * limits.MAX_URL_BYTES
    long_field = "a" * limits.MAX_FIELD_BYTES
    with live_server(fresh_database_url, tmp_path, workers=1) as url:
        url_refused = send(url, long_url)
        header_refused = send(url, "/api/health", {"X-Pad": long_field})
        # Past gunicorn's ceiling it answers itself, in HTML, as the README says.
        past_line = send(url, "/api/health?pad=" + "a" * serving.limit_request_line)
        past_field = send(url, "/api/health", {"X-Pad": "a" * serving.limit_request_field_size})
    assert url_refused[:2] == (414, "application/json")
    assert json.loads(url_refused[2]) == body(
        414, f"the URL is {len(long_url)} bytes; at most {limits.MAX_URL_BYTES} are accepted"
    )
    assert header_refused[:2] == (431, "application/json")
    assert json.loads(header_refused[2]) == body(
        431,
        f"the header X-Pad is {len('X-Pad') + len(long_field)} bytes; "
        f"at most {limits.MAX_FIELD_BYTES} are accepted for one header",
    )
    assert past_line[:2] == (414, "text/html")
    assert past_field[:2] == (431, "text/html")


def test_gunicorns_ceiling_is_bounded_and_above_vigils_limits():
    # 0 would let a request line grow without bound; above 8190 gunicorn cuts it back silently.
    assert limits.MAX_URL_BYTES + len("OPTIONS  HTTP/1.1") < serving.limit_request_line
    assert serving.limit_request_line == MAX_REQUEST_LINE
    # gunicorn counts a field as "name: value" plus CRLF; Vigil counts name and value.
    assert limits.MAX_FIELD_BYTES + len(": \r\n") < serving.limit_request_field_size


def test_simulated_handhelds_sync_against_a_real_server(fresh_database_url, tmp_path):
    with live_server(fresh_database_url, tmp_path, "demo") as url:
        report = simulate(url, devices=3, batch=10, interval=0.2, seconds=2)
        stored = stored_events(fresh_database_url, report["serial_prefix"])
    assert report["errors"] == 0, report["first_errors"]
    assert report["accepted"] >= 3 * 10 and report["duplicate"] == 0
    # Every event a device saw accepted is stored, once.
    assert stored == (report["accepted"], report["accepted"])


def test_a_gunicorn_worker_freezes_its_startup_heap():
    gc.unfreeze()
    try:
        serving.post_worker_init(None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
