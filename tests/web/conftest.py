"""The console in a real Chromium: a served demo estate, signed-in pages, screenshots, axe."""

import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from server import migrate
from server.testing.factories import PASSWORD
from tests.conftest import make_test_app, run
from tests.databases import create_database, drop_database

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
DEMO_PASSWORD = "vigil-demo-2026"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


class ConsoleClient(FlaskClient):
    """A test client signed in to the console; csrf is the token its forms carry."""

    csrf: str

    def post_form(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        """POST a form as the console's pages do, CSRF token included."""
        return self.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kw)


@pytest.fixture
def console_as(app: Flask, db: Any) -> Callable[..., ConsoleClient]:
    """console_as(user): a client signed in as user through the sign-in form (test data is
    rolled back with the test, as the API tests' is)."""

    def signed_in(user: Any, password: str = PASSWORD) -> ConsoleClient:
        app.test_client_class = ConsoleClient
        try:
            client = app.test_client()
        finally:
            app.test_client_class = None
        form = client.get("/console/sign-in").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        done = client.post(
            "/console/sign-in",
            data={"login": user.login, "password": password, "csrf_token": token},
        )
        assert done.status_code == 302, done.text
        page = client.get("/console/today").text
        client.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return client

    return signed_in


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """Debian's Chromium; Playwright must never download a browser."""
    if shutil.which("chromium") is None:
        pytest.skip("needs the Debian package 'chromium' (apt-get install chromium)")
    return {"executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on a database of its own holding the demo estate (committed: a browser sees it)."""
    url = create_database(tmp_path_factory.mktemp("console"))
    migrate.upgrade(url)
    app = make_test_app(url)
    run(app, "demo")
    yield app
    app.extensions["vigil"].engine.dispose()
    drop_database(url)


@pytest.fixture(scope="session")
def console(demo_app: Flask) -> Iterator[str]:
    """The demo app served on a loopback port; its base URL."""
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    """Each browser test runs on a desktop and on a phone."""
    return request.param


@pytest.fixture
def page(browser: Browser, viewport: str, console: str) -> Iterator[Page]:
    """A fresh browser (no cookies) at the viewport's size, speaking English first."""
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        base_url=console,
        locale="en-US",
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.viewport_name = viewport  # type: ignore[attr-defined]
    yield page
    context.close()


def sign_in(page: Page, login: str = "demo-super", password: str = DEMO_PASSWORD) -> None:
    """Open the sign-in page and sign in through its form, as a person would."""
    page.goto("/console/sign-in")
    fill_sign_in(page, login, password)


def fill_sign_in(page: Page, login: str = "demo-super", password: str = DEMO_PASSWORD) -> None:
    """Sign in on the sign-in page already open."""
    page.locator("#login").fill(login)
    page.locator("#password").fill(password)
    page.locator("form[action$='/sign-in'] button[type=submit]").click()
    page.wait_for_load_state()


def switch_language(page: Page, code: str) -> None:
    """Use the switch in the bar."""
    page.locator(f".langs a[lang^='{code}']").click()
    page.wait_for_load_state()


def shoot(page: Page, name: str) -> Path:
    """A full-page screenshot in tests/web/screenshots (git ignores it), named by page,
    language and viewport, for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    language = "zh" if page.locator("html").get_attribute("lang") == "zh-CN" else "en"
    path = SCREENSHOTS / f"{name}-{language}-{page.viewport_name}.png"  # type: ignore[attr-defined]
    page.screenshot(path=path, full_page=True)
    return path


_AXE = Axe()


def accessible(page: Page) -> None:
    """axe-core in the page: no serious or critical violation."""
    results = _AXE.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, "\n".join(bad)
