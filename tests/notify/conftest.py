"""Fixtures for channel tests: loopback servers started and stopped around each test."""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from server import migrate
from server.testing.factories import Factory
from tests.conftest import make_test_app
from tests.notify.servers import Receiver, free_port


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    """Start loopback HTTP receivers: `receiver(check=...)`."""
    with ExitStack() as stack:
        yield lambda check=None: stack.enter_context(Receiver(check))


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    """An HTTP client that ignores proxy settings (everything here is on the loopback)."""
    with httpx.Client(trust_env=False, timeout=5.0) as client:
        yield client


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., Controller]]:
    """Start aiosmtpd on 127.0.0.1: `smtp_server(handler, **smtp_options)`."""
    controllers: list[Controller] = []

    def start(handler: Any, **options: Any) -> Controller:
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        controllers.append(controller)
        return controller

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def committed(fresh_database_url):
    """The app's Vigil on a migrated database of its own, and Factory: for what commits."""
    migrate.upgrade(fresh_database_url)
    app = make_test_app(fresh_database_url)
    yield app.extensions["vigil"], Factory
    app.extensions["vigil"].engine.dispose()
