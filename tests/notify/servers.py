"""Real servers on the loopback for channel tests: an HTTP receiver and SMTP sinks."""

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    """One request as the receiver saw it."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    @classmethod
    def errcode(cls, code: int, message: str = "ok") -> "Reply":
        return cls(200, json.dumps({"errcode": code, "errmsg": message}).encode())


class Receiver:
    """An HTTP server answering scripted replies in turn (then the last one), after `check`.

    `check(request)` raising turns the answer into 401 with the error as body: a receiver that
    verifies what it gets, as a real one would.
    """

    def __init__(self, check: Callable[[Received], None] | None = None) -> None:
        self.check = check
        self.replies: list[Reply] = [Reply()]
        self.received: list[Received] = []
        self.rejections: list[str] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def script(self, *replies: Reply) -> None:
        self.replies = list(replies)

    def _next(self, request: Received) -> Reply:
        with self._lock:
            self.received.append(request)
            if self.check is not None:
                try:
                    self.check(request)
                except Exception as error:
                    self.rejections.append(repr(error))
                    return Reply(401, repr(error).encode())
            return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                parts = urlsplit(self.path)
                request = Received(
                    path=parts.path,
                    query={k: v[0] for k, v in parse_qs(parts.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
                reply = receiver._next(request)
                time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except OSError:
                    pass  # the client gave up waiting (the timeout tests)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    """A port nothing listens on at this moment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
