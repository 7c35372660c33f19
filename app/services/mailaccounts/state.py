"""What the page shows of a mailbox: written at once, beside whatever the caller does.

The IMAP worker and the send jobs record logins and errors in the middle of their
own work; these writes commit on a connection of their own, so neither waits for
the other's transaction, and a rolled-back batch does not take the state with it.
"""

from __future__ import annotations

import logging

from sqlalchemy import update

from app.extensions import db
from app.mail.accounts.refusals import explain
from app.models import MailAccount, utcnow

log = logging.getLogger(__name__)


def _write(account_id: int, **values) -> None:
    """Set VALUES on the account row and commit them at once."""
    with db.engine.begin() as conn:
        conn.execute(update(MailAccount).where(MailAccount.id == account_id).values(**values))


def logged_in(account_id: int) -> None:
    """Record a good login: the last error is over."""
    _write(account_id, last_login_dt=utcnow(), last_error=None, last_error_dt=None)


def saw_mail(account_id: int) -> None:
    """Record that mail was read just now."""
    _write(account_id, last_seen_dt=utcnow())


def failed(account_id: int, error: object) -> str:
    """Record ERROR in plain Danish (what IT must do, when known); return that text."""
    text = describe(error)
    _write(account_id, last_error=text[:4000], last_error_dt=utcnow())
    return text


def describe(error: object) -> str:
    """Return ERROR as the page says it: the known refusal's Danish text, else the error."""
    raw = str(error) or type(error).__name__
    refusal = explain(raw)
    return f"{refusal.da} ({raw[:300]})" if refusal else raw[:1000]
