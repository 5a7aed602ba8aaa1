"""E-mail over SMTP with the standard library: a plain-text part and, when given, an HTML one."""

import hashlib
import re
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from server.domain.clock import utcnow
from server.notify.channels.message import Message, Outcome

_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,200}$")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand mail over."""

    host: str
    port: int
    sender: str
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0
    tls_context: ssl.SSLContext | None = None  # None: the system's trusted CAs


class EmailChannel:
    """One recipient's mailbox."""

    def __init__(self, settings: SmtpSettings, to: str) -> None:
        self.settings = settings
        self.to = to

    def send(self, message: Message) -> Outcome:
        started = time.monotonic()
        try:
            with smtplib.SMTP(
                self.settings.host, self.settings.port, timeout=self.settings.timeout
            ) as smtp:
                if self.settings.starttls:
                    smtp.starttls(context=self.settings.tls_context or ssl.create_default_context())
                if self.settings.username:
                    smtp.login(self.settings.username, self.settings.password or "")
                smtp.send_message(self.compose(message))
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            return _refused(code, reply, started)
        except smtplib.SMTPResponseException as error:
            return _refused(error.smtp_code, error.smtp_error, started)
        except smtplib.SMTPNotSupportedError as error:
            return _failed(False, f"not supported: {error}", started)
        except ssl.SSLCertVerificationError as error:
            return _failed(False, f"certificate: {error}", started)
        except (OSError, smtplib.SMTPException) as error:
            return _failed(True, f"connection: {error!r}", started)
        return Outcome.ok(250, _since(started))

    def compose(self, message: Message) -> EmailMessage:
        """The mail itself; its Message-ID comes from the idempotency key."""
        mail = EmailMessage()
        mail["From"] = self.settings.sender
        mail["To"] = self.to
        mail["Subject"] = message.title
        mail["Date"] = format_datetime(utcnow())
        mail["Message-ID"] = message_id(message.idempotency_key, self.settings.sender)
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
        mail.set_content(f"{message.text}\n\n{message.link}\n")
        if message.html is not None:
            mail.add_alternative(message.html, subtype="html")
        for attached in message.attachments:
            maintype, subtype = attached.mimetype.split("/", 1)
            mail.add_attachment(
                attached.data, maintype=maintype, subtype=subtype, filename=attached.name
            )
        return mail


def message_id(key: str, sender: str) -> str:
    """`<key@sender-domain>`; a key a Message-ID cannot hold is replaced by its digest."""
    if not _ATOM.match(key) or key.startswith(".") or key.endswith(".") or ".." in key:
        key = hashlib.sha256(key.encode()).hexdigest()[:40]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "vigil.invalid"
    return f"<{key}@{domain}>"


def _refused(code: int, reply: bytes | str, started: float) -> Outcome:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return Outcome.failed(
        retryable=400 <= code < 500,
        status=code,
        latency_ms=_since(started),
        error=f"SMTP {code}",
        excerpt=text,
    )


def _failed(retryable: bool, error: str, started: float) -> Outcome:
    return Outcome.failed(retryable=retryable, status=None, latency_ms=_since(started), error=error)


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
