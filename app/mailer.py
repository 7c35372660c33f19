"""Hand composed bytes to the SMTP server, or to instance/outbox/ when none is configured.

A forum with a mail account sends through that account's server, logging in with its
password or with XOAUTH2. Without one, the connection settings are Flask-Mail's
(MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, ...). The message itself is built by
app.mail.compose, which Flask-Mail's Message cannot do for iMIP.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.extensions import mail
from app.mail.accounts.refusals import explain
from app.mail.accounts.tokens import TokenError
from app.mail.accounts.xoauth2 import XOAuth2
from app.models import MailAccount
from app.services.mailaccounts import state as account_state
from app.services.mailaccounts.runtime import Login, login_for

log = logging.getLogger(__name__)


class SendError(Exception):
    """A message was not accepted; PERMANENT says whether trying again can help."""

    def __init__(self, message: str, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class LoginError(SendError):
    """The server could not be reached or refused the login: no message was tried."""


@dataclass(frozen=True)
class Server:
    """A mail account's SMTP server and login."""

    host: str
    port: int
    tls: str  # ssl, starttls or plain
    login: Login

    @property
    def key(self) -> tuple:
        """Return what identifies a connection to this server as this account's version."""
        return ("account", self.login.account_id, self.login.version, self.host, self.port)


def server_of(account: MailAccount | None) -> tuple[Server | None, str | None]:
    """Return the SMTP server of the mail ACCOUNT and its address, or (None, None)."""
    if account is None:
        return None, None
    server = Server(account.smtp_host, account.smtp_port, account.smtp_tls, login_for(account))
    return server, account.address


class SMTPTransport:
    """One SMTP connection reused for a batch of messages."""

    def __init__(self, server: Server | None = None) -> None:
        self.server = server
        self.host: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect and log in: to the account's server, else with Flask-Mail's settings."""
        timeout = current_app.config["MAIL_TIMEOUT"]
        try:
            if self.server is None:
                self.host = mail.connect().configure_host()
                # Flask-Mail sets no timeout: a server that stops answering would hold the
                # forum's send lock (app/sendlock.py) for ever.
                self.host.sock.settimeout(timeout)
            else:
                self.host = _connect(self.server, timeout)
                account_state.logged_in(self.server.login.account_id)
        except smtplib.SMTPAuthenticationError as exc:
            if self.server is not None and self.server.login.tokens is not None:
                self.server.login.tokens.forget()  # the next attempt asks for a new token
            raise LoginError(_describe(exc.smtp_code, exc.smtp_error), permanent=False) from exc
        except TokenError as exc:
            raise LoginError(_explained(str(exc)), permanent=False) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise LoginError(f"cannot connect to SMTP server: {exc}", permanent=False) from exc

    def send(self, raw: bytes, sender: str, recipient: str) -> None:
        """Send RAW to RECIPIENT, raising SendError when it is not accepted."""
        self.begin(sender, recipient, len(raw))
        self.finish(raw)

    # smtplib's sendmail() in its two halves, so that a batch can open the next message
    # while the last one's mark commits (app.delivery): its steps, replies and resets.
    def begin(self, sender: str, recipient: str, size: int) -> None:
        """Open a message of SIZE bytes to RECIPIENT (MAIL FROM, RCPT TO); finish() sends
        it. Raise SendError when the server refuses either."""
        host = self.host
        try:
            host.ehlo_or_helo_if_needed()
            options = [f"size={size}"] if host.does_esmtp and host.has_extn("size") else []
            code, text = host.mail(sender, options)
            if code == 250:
                code, text = host.rcpt(recipient)
        except (smtplib.SMTPException, OSError) as exc:
            raise self._lost(exc) from exc
        if code not in (250, 251):
            self._refused(code, text)

    def finish(self, raw: bytes) -> None:
        """Send RAW as the message begin() opened; SendError when it is not accepted."""
        try:
            code, text = self.host.data(raw)
        except smtplib.SMTPDataError as exc:  # DATA itself refused
            code, text = exc.smtp_code, exc.smtp_error
        except (smtplib.SMTPException, OSError) as exc:
            raise self._lost(exc) from exc
        if code != 250:
            self._refused(code, text)

    def _refused(self, code: int, text: bytes) -> None:
        """Raise the SendError of a refusal, leaving the connection ready for the next
        message (RSET), or closed when the server is closing it (421)."""
        if code == 421:
            self.host.close()
            self.host = None
        else:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.host.rset()
        raise SendError(_describe(code, text), permanent=code >= 500)

    def _lost(self, exc: Exception) -> SendError:
        """Return the SendError of a connection gone mid-message: the batch stops here."""
        self.host = None
        return SendError(f"SMTP connection lost: {exc}", permanent=False)

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


def _connect(server: Server, timeout: float) -> smtplib.SMTP:
    """Return an SMTP connection to SERVER, protected as it says and logged in."""
    context = ssl.create_default_context()
    if server.tls == "ssl":
        host = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        host = smtplib.SMTP(server.host, server.port, timeout=timeout)
    try:
        host.ehlo()
        if server.tls == "starttls":
            host.starttls(context=context)
            host.ehlo()
        login = server.login
        if login.tokens is not None:
            user, token = login.tokens.credentials()
            host.auth("XOAUTH2", XOAuth2(user, token))
        elif login.password:
            host.login(login.user, login.password)
    except BaseException:
        host.close()
        raise
    return host


def _describe(code: int, text: bytes | str) -> str:
    """Return an SMTP reply as one readable line, led by what it means when it is known."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return _explained(f"{code} {text}".strip())


def _explained(text: str) -> str:
    """Return TEXT led by the Danish explanation of a known refusal."""
    refusal = explain(text)
    return f"{refusal.da} ({text})" if refusal else text


class OutboxTransport:
    """Write each message as an .eml file: the embedded default without SMTP."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)
        self._recipient = ""

    def open(self) -> None:
        """Make sure the folder exists."""
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, raw: bytes, sender: str, recipient: str) -> None:
        """Write RAW to a new file named by time and recipient."""
        self.begin(sender, recipient, len(raw))
        self.finish(raw)

    def begin(self, sender: str, recipient: str, size: int) -> None:
        """Remember the recipient of the next message."""
        self._recipient = recipient

    def finish(self, raw: bytes) -> None:
        """Write RAW to a new file named by time and recipient."""
        recipient = self._recipient
        stamp = time.strftime("%Y%m%d-%H%M%S")
        safe = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in recipient)
        path = self.folder / f"{stamp}-{time.monotonic_ns() % 10**9:09d}-{safe}.eml"
        path.write_bytes(raw)

    def close(self) -> None:
        """Nothing to close."""


class _Keeper:
    """At most one SMTP connection per server left open between batches, for the next.

    Jobs send small batches (one meeting, one mailbox check's notices); a real server
    takes a TLS handshake and a login for every new connection, and Exchange Online
    also limits how many a sender opens. Each forum's account keeps its own.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[tuple, tuple[SMTPTransport, float]] = {}

    def take(self, settings: tuple, max_idle: float) -> SMTPTransport | None:
        """Return the kept connection for SETTINGS if it is fresh and still answers."""
        with self._lock:
            kept = self._kept.pop(settings, None)
        if kept is None:
            return None
        connection, since = kept
        if time.monotonic() - since < max_idle and connection.alive():
            return connection
        connection.close()
        return None

    def keep(self, settings: tuple, connection: SMTPTransport) -> None:
        """Keep CONNECTION for the next batch to the same server (closing the one before)."""
        with self._lock:
            old = self._kept.pop(settings, None)
            self._kept[settings] = (connection, time.monotonic())
        if old is not None:
            old[0].close()

    def close(self) -> None:
        """Close every kept connection."""
        with self._lock:
            kept, self._kept = list(self._kept.values()), {}
        for connection, _since in kept:
            connection.close()


_KEEPER = _Keeper()
atexit.register(_KEEPER.close)


def _settings(config) -> tuple:
    """Return what identifies an SMTP connection: server, port, encryption and login."""
    return tuple(config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
                                             "MAIL_USE_SSL", "MAIL_USERNAME", "MAIL_PASSWORD"))


@contextlib.contextmanager
def transport(server: Server | None = None) -> Iterator[SMTPTransport | OutboxTransport]:
    """Yield the transport to SERVER (a forum's account), else the configured one, open;
    afterwards keep an SMTP connection that is still sound for the next batch
    (MAIL_KEEPALIVE_SECONDS), or close it."""
    config = current_app.config
    if server is None and not config.get("MAIL_SERVER"):
        outbox = OutboxTransport(config["MAIL_OUTBOX_DIR"])
        outbox.open()
        yield outbox
        return
    settings = server.key if server is not None else _settings(config)
    max_idle = config["MAIL_KEEPALIVE_SECONDS"]
    connection = _KEEPER.take(settings, max_idle) if max_idle > 0 else None
    if connection is None:
        connection = SMTPTransport(server)
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
