"""/api/docs renders in a real browser, offline, and shows every endpoint."""

import shutil
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_test_app

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs the Debian package 'chromium' (apt-get install chromium)"
)


@pytest.fixture
def base_url(database_url):
    app = make_test_app(database_url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["vigil"].engine.dispose()


def rendered_dom(url: str, profile) -> str:
    """The page's DOM after its scripts ran, from headless Chromium with no network but loopback."""
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=15000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def test_swagger_ui_lists_every_operation(base_url, client, tmp_path):
    spec = client.get("/api/openapi.json").json
    dom = rendered_dom(f"{base_url}/api/docs", tmp_path / "profile")
    assert 'class="swagger-ui' in dom, dom[:500]
    for path in spec["paths"]:
        assert f'data-path="{path}"' in dom, f"{path} not rendered"
