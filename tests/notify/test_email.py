"""E-mail against aiosmtpd on the loopback: parts, Chinese subject, Message-ID, login, refusals."""

import shutil
import ssl
import subprocess
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from server.notify.channels import Message
from server.notify.channels.email import EmailChannel, SmtpSettings, message_id
from tests.notify.servers import free_port

MESSAGE = Message(
    idempotency_key="alert-42.step-1.user-7",
    change="raised",
    title="漏检：一号楼 B2 配电室 02:00 巡更",
    text="站点：一号楼\n时间：2026-12-04 02:00\n三个巡更点未打卡。",
    html="<p>站点：一号楼</p><p>三个巡更点未打卡。</p>",
    link="https://vigil.example/console/alerts/42",
    facts={"alert_id": 42},
)


class Sink:
    """Keeps what it is given; refuses recipients with `refuse` when set."""

    def __init__(self, refuse: str | None = None) -> None:
        self.refuse = refuse
        self.mails: list[EmailMessage] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append(message_from_bytes(envelope.original_content, policy=default))
        return "250 OK"


def settings(controller: Any, **overrides: Any) -> SmtpSettings:
    base = SmtpSettings(
        host="127.0.0.1", port=controller.port, sender="Vigil <alerts@vigil.example>", timeout=5
    )
    return SmtpSettings(**(base.__dict__ | overrides))


class TestDelivery:
    def test_a_mail_arrives_with_both_parts_its_chinese_subject_and_message_id(self, smtp_server):
        sink = Sink()
        outcome = EmailChannel(settings(smtp_server(sink)), "duty@example.test").send(MESSAGE)

        assert outcome.delivered and not outcome.retryable and outcome.error is None
        (mail,) = sink.mails
        assert mail["Subject"] == MESSAGE.title
        assert mail["Message-ID"] == "<alert-42.step-1.user-7@vigil.example>"
        assert mail["To"] == "duty@example.test"
        plain = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert plain == f"{MESSAGE.text}\n\n{MESSAGE.link}\n"
        assert mail.get_body(("html",)).get_content().strip() == MESSAGE.html

    def test_without_html_the_mail_is_plain_text_only(self, smtp_server):
        sink = Sink()
        plain = Message(**(MESSAGE.__dict__ | {"html": None}))
        assert EmailChannel(settings(smtp_server(sink)), "duty@example.test").send(plain).delivered
        assert sink.mails[0].get_content_type() == "text/plain"

    def test_a_key_unfit_for_a_message_id_becomes_a_stable_digest(self):
        first = message_id("alert:42 step:1", "alerts@vigil.example")
        assert first == message_id("alert:42 step:1", "alerts@vigil.example")
        assert first.endswith("@vigil.example>") and ":" not in first


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
class TestLogin:
    """Plain AUTH without TLS, which aiosmtpd allows only with auth_require_tls=False."""

    @staticmethod
    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data == (b"vigil", b"s3cret")
        return AuthResult(success=ok, handled=False)

    def options(self) -> dict[str, Any]:
        return {
            "authenticator": self.authenticator,
            "auth_required": True,
            "auth_require_tls": False,
        }

    def test_login_with_the_right_password_delivers(self, smtp_server):
        sink = Sink()
        controller = smtp_server(sink, **self.options())
        channel = EmailChannel(settings(controller, username="vigil", password="s3cret"), "a@b.c")
        assert channel.send(MESSAGE).delivered
        assert len(sink.mails) == 1

    def test_a_wrong_password_is_final(self, smtp_server):
        controller = smtp_server(Sink(), **self.options())
        channel = EmailChannel(settings(controller, username="vigil", password="nope"), "a@b.c")
        outcome = channel.send(MESSAGE)
        assert (outcome.delivered, outcome.retryable, outcome.status) == (False, False, 535)


class TestFailures:
    def test_a_451_is_worth_another_try(self, smtp_server):
        controller = smtp_server(Sink(refuse="451 4.3.0 Try again later"))
        outcome = EmailChannel(settings(controller), "a@b.c").send(MESSAGE)
        assert (outcome.delivered, outcome.retryable, outcome.status) == (False, True, 451)
        assert "Try again later" in outcome.excerpt

    def test_a_550_is_final(self, smtp_server):
        controller = smtp_server(Sink(refuse="550 5.1.1 No such mailbox"))
        outcome = EmailChannel(settings(controller), "a@b.c").send(MESSAGE)
        assert (outcome.delivered, outcome.retryable, outcome.status) == (False, False, 550)

    def test_a_closed_port_is_worth_another_try(self):
        closed = SmtpSettings(host="127.0.0.1", port=free_port(), sender="a@vigil.example")
        outcome = EmailChannel(closed, "a@b.c").send(MESSAGE)
        assert (outcome.delivered, outcome.retryable, outcome.status) == (False, True, None)
        assert outcome.error and "connection" in outcome.error


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl command to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class TestStartTls:
    def start(self, smtp_server, certificate) -> Any:
        cert, key = certificate
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(cert, key)
        self.sink = Sink()
        return smtp_server(self.sink, tls_context=server_context, require_starttls=True)

    def test_starttls_with_a_trusted_certificate_delivers(self, smtp_server, certificate):
        controller = self.start(smtp_server, certificate)
        trusted = ssl.create_default_context(cafile=str(certificate[0]))
        channel = EmailChannel(settings(controller, starttls=True, tls_context=trusted), "a@b.c")
        assert channel.send(MESSAGE).delivered
        assert len(self.sink.mails) == 1

    def test_an_untrusted_certificate_is_final(self, smtp_server, certificate):
        controller = self.start(smtp_server, certificate)
        outcome = EmailChannel(settings(controller, starttls=True), "a@b.c").send(MESSAGE)
        assert (outcome.delivered, outcome.retryable) == (False, False)
        assert outcome.error and "certificate" in outcome.error

    def test_a_server_that_requires_starttls_refuses_plain_mail_for_good(
        self, smtp_server, certificate
    ):
        controller = self.start(smtp_server, certificate)
        outcome = EmailChannel(settings(controller), "a@b.c").send(MESSAGE)
        assert (outcome.delivered, outcome.retryable, outcome.status) == (False, False, 530)
