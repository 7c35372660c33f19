"""Test a mail account from the page: log in to IMAP and SMTP, as a job, and keep the verdict."""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db, rq
from app.models import MailAccount, utcnow
from app.services.mailaccounts import runtime
from app.services.mailaccounts.state import describe

log = logging.getLogger(__name__)


def request_check(account: MailAccount) -> None:
    """Mark ACCOUNT's check as under way; the caller enqueues check_account after the commit."""
    account.last_check = {"pending": True}


def enqueue(account_id: int) -> None:
    """Queue the check of ACCOUNT_ID (after the commit that requested it)."""
    from app.jobs import ensure_queue

    ensure_queue()
    rq.queue.enqueue(check_account, account_id, job_timeout=120)


def check_account(account_id: int) -> dict:
    """Log in to the account's IMAP and SMTP servers and record what each said (a job)."""
    account = db.session.get(MailAccount, account_id)
    if account is None:
        return {}
    with force_locale(account.forum.language or "da"):
        verdict = {"imap": _imap(account), "smtp": _smtp(account)}
    verdict["ok"] = verdict["imap"]["ok"] and verdict["smtp"]["ok"]
    account.last_check, account.last_check_dt = verdict, utcnow()
    if verdict["ok"]:
        account.last_login_dt, account.last_error, account.last_error_dt = utcnow(), None, None
    db.session.commit()
    return verdict


def _imap(account: MailAccount) -> dict:
    """Log in to IMAP and look at each folder read; return the verdict."""
    from workers.imap import close, connect
    from workers.supervisor import account_settings

    try:
        settings = account_settings(account, current_app.config)
        client = connect(settings)
    except Exception as error:  # noqa: BLE001 - whatever failed is the verdict
        return {"ok": False, "text": describe(error)}
    try:
        counts = [f"{folder}: {client.folder_status(folder, ['MESSAGES'])[b'MESSAGES']}"
                  for folder in settings.folders]
        return {"ok": True, "text": _("Logged in to %(host)s. Messages waiting: %(counts)s.",
                                      host=account.imap_host, counts=", ".join(counts))}
    except Exception as error:  # noqa: BLE001 - a folder that does not exist, say
        return {"ok": False, "text": describe(error)}
    finally:
        close(client)


def _smtp(account: MailAccount) -> dict:
    """Log in to SMTP without sending anything; return the verdict."""
    from app.mailer import SendError, Server, SMTPTransport

    login = runtime.login_for(account)
    connection = SMTPTransport(Server(account.smtp_host, account.smtp_port, account.smtp_tls,
                                      login))
    try:
        connection.open()
    except SendError as error:
        return {"ok": False, "text": str(error)}
    finally:
        connection.close()
    return {"ok": True, "text": _("Logged in to %(host)s for sending.", host=account.smtp_host)}
