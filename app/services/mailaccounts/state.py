"""What the page shows of a mailbox: written at once, beside whatever the caller does.

The IMAP worker and the send jobs record logins and errors in the middle of their
own work; these writes commit on a connection of their own, so neither waits for
the other's transaction, and a rolled-back batch does not take the state with it.
"""

from __future__ import annotations

import logging
import socket
import ssl
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, update

from app.extensions import db
from app.i18n import gettext as _
from app.mail.accounts.refusals import explain
from app.models import MailAccount, utcnow

log = logging.getLogger(__name__)


def _write(account_id: int, **values) -> None:
    """Set VALUES on the account row and commit them at once."""
    with db.engine.begin() as conn:
        conn.execute(update(MailAccount).where(MailAccount.id == account_id).values(**values))


def logged_in(account_id: int) -> None:
    """Record a good login: the last error and the failure episode are over."""
    _write(account_id, last_login_dt=utcnow(), last_error=None, last_error_dt=None,
           failing_since_dt=None, failure_notified_dt=None)


def saw_mail(account_id: int) -> None:
    """Record that mail was read just now."""
    _write(account_id, last_seen_dt=utcnow())


def failed(account_id: int, error: object) -> str:
    """Record ERROR in plain Danish (what IT must do, when known); return that text."""
    text, now = describe(error), utcnow()
    _write(account_id, last_error=text[:4000], last_error_dt=now,
           failing_since_dt=func.coalesce(MailAccount.failing_since_dt, now))
    if _first_to_tell(account_id, now):
        _tell_secretary(account_id)
    return text


def _first_to_tell(account_id: int, now) -> bool:
    """Claim the one mail of this failure episode, once it has lasted long enough."""
    minutes = current_app.config["FAILING_NOTICE_MINUTES"]
    with db.engine.begin() as conn:
        claimed = conn.execute(
            update(MailAccount)
            .where(MailAccount.id == account_id, MailAccount.failure_notified_dt.is_(None),
                   MailAccount.failing_since_dt <= now - timedelta(minutes=minutes))
            .values(failure_notified_dt=now))
        return claimed.rowcount == 1


def _tell_secretary(account_id: int) -> None:
    """Queue the mail that tells the forum's secretary the mailbox is failing."""
    from app import jobs

    try:
        jobs.enqueue(jobs.send_notices, [["mailbox_failing", account_id]])
    except Exception:  # noqa: BLE001 - the banner still shows; the queue may be away
        log.exception("Could not queue the notice that account %s is failing", account_id)


def describe(error: object) -> str:
    """Return ERROR as the page says it: the known refusal's or network failure's Danish
    text, else the error itself."""
    raw = str(error) or type(error).__name__
    refusal = explain(raw)
    if refusal is not None:
        return f"{refusal.da} ({raw[:300]})"
    network = _network(error)
    return f"{network} ({raw[:300]})" if network else raw[:1000]


def _network(error: object) -> str | None:
    """Return what a failure to reach the server means, in Danish, or None."""
    while isinstance(error, BaseException):
        if isinstance(error, socket.gaierror):
            return _("The server's name cannot be found: check it, and that this machine "
                     "can reach it.")
        if isinstance(error, ConnectionRefusedError):
            return _("The server refuses the connection: check the port.")
        if isinstance(error, TimeoutError | socket.timeout):
            return _("The server does not answer: check the name, the port and any firewall.")
        if isinstance(error, ssl.SSLError):
            return _("The encrypted connection failed: check the encryption and the port.")
        error = error.__cause__ or error.__context__
    return None
