"""Hand composed bytes to the SMTP server, or to instance/outbox/ when none is configured.

Connection settings are Flask-Mail's (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, ...);
the message itself is built by app.mail.compose, which Flask-Mail's Message cannot
do for iMIP, so only the connection is Flask-Mail's.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import smtplib
import socket
import threading
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

    def alive(self) -> bool:
        """Tell whether the server still answers on this connection (one NOOP)."""
        if self.host is None:
            return False
        try:
            return self.host.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def close(self) -> None:
        """Say goodbye, tolerating a server that already hung up."""
        if self.host is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.host.quit()
            self.host.close()  # quit() leaves the socket open when the server is gone
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


class _Keeper:
    """At most one SMTP connection left open between batches, for the next batch.

    Jobs send small batches (one meeting, one mailbox check's notices); a real server
    takes a TLS handshake and a login for every new connection, and Exchange Online
    also limits how many a sender opens.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: tuple[tuple, SMTPTransport, float] | None = None

    def take(self, settings: tuple, max_idle: float) -> SMTPTransport | None:
        """Return the kept connection if it has SETTINGS, is fresh and still answers."""
        with self._lock:
            kept, self._kept = self._kept, None
        if kept is None:
            return None
        kept_settings, connection, since = kept
        if (kept_settings == settings and time.monotonic() - since < max_idle
                and connection.alive()):
            return connection
        connection.close()
        return None

    def keep(self, settings: tuple, connection: SMTPTransport) -> None:
        """Keep CONNECTION for the next batch (closing any other kept one)."""
        with self._lock:
            old, self._kept = self._kept, (settings, connection, time.monotonic())
        if old is not None:
            old[1].close()

    def close(self) -> None:
        """Close the kept connection, if any."""
        with self._lock:
            old, self._kept = self._kept, None
        if old is not None:
            old[1].close()


_KEEPER = _Keeper()
atexit.register(_KEEPER.close)


def _settings(config) -> tuple:
    """Return what identifies an SMTP connection: server, port, encryption and login."""
    return tuple(config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
                                             "MAIL_USE_SSL", "MAIL_USERNAME", "MAIL_PASSWORD"))


@contextlib.contextmanager
def transport() -> Iterator[SMTPTransport | OutboxTransport]:
    """Yield the configured transport, open; afterwards keep an SMTP connection that is
    still sound for the next batch (MAIL_KEEPALIVE_SECONDS), or close it."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        outbox = OutboxTransport(config["MAIL_OUTBOX_DIR"])
        outbox.open()
        yield outbox
        return
    settings, max_idle = _settings(config), config["MAIL_KEEPALIVE_SECONDS"]
    connection = _KEEPER.take(settings, max_idle) if max_idle > 0 else None
    if connection is None:
        connection = SMTPTransport()
        connection.open()
    try:
        yield connection
    except BaseException:
        connection.close()  # whatever went wrong, the next batch starts afresh
        raise
    if max_idle > 0 and connection.host is not None:
        _KEEPER.keep(settings, connection)
    else:
        connection.close()


def close_kept() -> None:
    """Close the SMTP connection kept between batches (a worker stopping)."""
    _KEEPER.close()


def describe() -> str:
    """Say where mail goes, for the secretary's page."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return f"SMTP {config['MAIL_SERVER']}:{config['MAIL_PORT']}"
    return f"outbox {config['MAIL_OUTBOX_DIR']} ({socket.gethostname()})"
