"""Hand composed bytes to the SMTP server, or to instance/outbox/ when none is configured.

Connection settings are Flask-Mail's (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, ...);
the message itself is built by app.mail.compose, which Flask-Mail's Message cannot
do for iMIP, so only the connection is Flask-Mail's.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from flask import current_app

from app.extensions import mail

log = logging.getLogger(__name__)


class SendError(Exception):
    """A message was not accepted; PERMANENT says whether trying again can help."""

    def __init__(self, message: str, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class SMTPTransport:
    """One SMTP connection reused for a batch of messages."""

    def __init__(self) -> None:
        self.host: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect and log in with Flask-Mail's settings."""
        try:
            self.host = mail.connect().configure_host()
            # Flask-Mail sets no timeout: a server that stops answering would hold the
            # forum's send lock (app/sendlock.py) for ever.
            self.host.sock.settimeout(current_app.config["MAIL_TIMEOUT"])
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"cannot connect to SMTP server: {exc}", permanent=False) from exc

    def send(self, raw: bytes, sender: str, recipient: str) -> None:
        """Send RAW to RECIPIENT, raising SendError when it is not accepted."""
        try:
            self.host.sendmail(sender, [recipient], raw)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = exc.recipients.get(recipient, (450, b"refused"))
            raise SendError(_describe(code, text), permanent=code >= 500) from exc
        except smtplib.SMTPResponseException as exc:
            raise SendError(_describe(exc.smtp_code, exc.smtp_error),
                            permanent=exc.smtp_code >= 500) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.host = None  # the connection is gone; the batch stops here
            raise SendError(f"SMTP connection lost: {exc}", permanent=False) from exc

    def close(self) -> None:
        """Say goodbye, tolerating a server that already hung up."""
        if self.host is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.host.quit()
            self.host = None


def _describe(code: int, text: bytes | str) -> str:
    """Return an SMTP reply as one readable line."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


class OutboxTransport:
    """Write each message as an .eml file: the embedded default without SMTP."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def open(self) -> None:
        """Make sure the folder exists."""
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, raw: bytes, sender: str, recipient: str) -> None:
        """Write RAW to a new file named by time and recipient."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        safe = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in recipient)
        path = self.folder / f"{stamp}-{time.monotonic_ns() % 10**9:09d}-{safe}.eml"
        path.write_bytes(raw)

    def close(self) -> None:
        """Nothing to close."""


@contextlib.contextmanager
def transport() -> Iterator[SMTPTransport | OutboxTransport]:
    """Yield the configured transport, open, and close it afterwards."""
    config = current_app.config
    chosen = SMTPTransport() if config.get("MAIL_SERVER") else OutboxTransport(
        config["MAIL_OUTBOX_DIR"])
    chosen.open()
    try:
        yield chosen
    finally:
        chosen.close()


def describe() -> str:
    """Say where mail goes, for the secretary's page."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return f"SMTP {config['MAIL_SERVER']}:{config['MAIL_PORT']}"
    return f"outbox {config['MAIL_OUTBOX_DIR']} ({socket.gethostname()})"
