"""Test a mail account from the page, as a job: log in to IMAP and SMTP, then send one mail to
the mailbox's own +test sub-address and wait for it to arrive, which proves the sub-addressing
every reply token depends on. Each step's verdict is kept for the page, in Danish.
"""

from __future__ import annotations

import logging
import secrets
import time
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from flask_babel import force_locale

from app.extensions import db, rq
from app.i18n import gettext as _
from app.mail.tokens import reply_address
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
        if verdict["imap"]["ok"] and verdict["smtp"]["ok"]:
            verdict["selftest"] = _selftest(account)
    verdict["ok"] = all(v["ok"] for v in verdict.values())
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
        return {"ok": False, "text": describe(error)}
    finally:
        connection.close()
    return {"ok": True, "text": _("Logged in to %(host)s for sending.", host=account.smtp_host)}


def _selftest(account: MailAccount) -> dict:
    """Send a mail to the mailbox's +test sub-address and wait until IMAP shows it."""
    from app.mailer import SendError, Server, SMTPTransport
    from workers.imap import close, connect
    from workers.supervisor import account_settings

    nonce = secrets.token_hex(5)
    to = reply_address(account.address, f"test{nonce}")
    message = _selftest_message(account.address, to, nonce)
    connection = SMTPTransport(Server(account.smtp_host, account.smtp_port, account.smtp_tls,
                                      runtime.login_for(account)))
    try:
        connection.open()
        connection.send(message.as_bytes(), account.address, to)
    except SendError as error:
        return {"ok": False, "text": str(error)}
    finally:
        connection.close()
    settings = account_settings(account, current_app.config)
    deadline = time.monotonic() + current_app.config.get("MAIL_SELFTEST_SECONDS", 60)
    try:
        client = connect(settings)
    except Exception as error:  # noqa: BLE001 - whatever failed is the verdict
        return {"ok": False, "text": describe(error)}
    try:
        while time.monotonic() < deadline:
            if _arrived(client, (*settings.folders, settings.processed_folder),
                        message["Message-ID"]):
                return {"ok": True, "text": _("A test mail to %(address)s arrived: answers "
                                              "find their invitation.", address=to)}
            time.sleep(1)
    finally:
        close(client)
    return {"ok": False, "text": _("A test mail to %(address)s did not arrive. Check that plus "
                                   "addressing is on for the mailbox.", address=to)}


def _selftest_message(sender: str, to: str, nonce: str) -> EmailMessage:
    """Return the test mail: marked automatic, so the intake sets it aside unanswered."""
    message = EmailMessage()
    message["From"], message["To"] = sender, to
    message["Subject"] = f"Forumpost: test af postkassen ({nonce})"
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("Denne mail er sendt af Forumpost for at teste postkassen. "
                        "Den kan slettes.\n")
    return message


def _arrived(client, folders, message_id: str) -> bool:
    """Tell whether a message with MESSAGE_ID is in one of FOLDERS."""
    for folder in dict.fromkeys(folders):
        try:
            client.select_folder(folder, readonly=True)
        except Exception:  # noqa: BLE001 - the processed folder may not exist yet
            continue
        if client.search(["HEADER", "Message-ID", message_id]):
            return True
    return False
