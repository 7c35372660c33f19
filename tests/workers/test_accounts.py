"""Each forum's own mailbox read by XOAUTH2: tokens from the identity provider, Exchange's BYE."""

from __future__ import annotations

import threading

import pytest

from app.extensions import db
from app.models import InboundState, MailAccount
from app.services.mailaccounts import runtime
from app.services.mailaccounts.settings import AccountForm, save
from tests.workers.conftest import stored, wait_for
from tests.workers.messages import sample
from workers.supervisor import Supervisor, account_settings

pytestmark = pytest.mark.usefixtures("fresh_mail_accounts")

@pytest.fixture
def oauth_account(app, saved_forum, idp, dovecot_idp, oauth_config):
    """Return a function giving the forum a Microsoft 365 account on Dovecot; (row id, client)."""
    app.config.update(oauth_config | {"IMAP_POLL_SECONDS": 0.2, "IMAP_BACKOFF_FIRST": 0.1,
                                      "IMAP_BACKOFF_MAX": 0.5, "IMAP_TIMEOUT": 10})

    def make(ttl: int = 3600, folders=("INBOX",)):
        address, _password = dovecot_idp.add_user()
        client = idp.add_client(address, ttl=ttl)
        form = AccountForm(address=address, provider="microsoft365", tenant=idp.tenant,
                           client_id=client.client_id, imap_host=dovecot_idp.host,
                           imap_port=dovecot_idp.port, imap_tls="plain",
                           smtp_host="127.0.0.1", folders=list(folders),
                           secrets={"client_secret": client.secret})
        account = save(saved_forum, form)
        db.session.commit()
        return account.id, client, address

    return make


def _settings(app, account_id: int, **changes):
    from dataclasses import replace

    account = runtime.account_for(db.session.get(MailAccount, account_id).forum_id)
    return replace(account_settings(account, app.config), **changes)


def test_the_supervisor_reads_the_accounts_mailbox_once(app, saved_forum, oauth_account,
                                                       dovecot_idp):
    account_id, client, address = oauth_account()
    forum_id = saved_forum.id
    dovecot_idp.append(address, sample(1))
    Supervisor(app, threading.Event()).run(once=True)
    (row,) = stored()
    assert row.forum_id == forum_id and row.state is not InboundState.received
    account = db.session.get(MailAccount, account_id)
    assert account.last_login_dt is not None and account.last_seen_dt is not None
    assert account.last_error is None and client.token_requests == 1


def test_every_folder_is_read(app, oauth_account, dovecot_idp):
    account_id, _client, address = oauth_account(folders=("INBOX", "Samarbejdsforum"))
    dovecot_idp.append(address, sample(1))
    dovecot_idp.append(address, sample(2), folder="Samarbejdsforum")
    Supervisor(app, threading.Event()).run(once=True)
    assert len(stored()) == 2


def test_a_session_ends_before_its_token_and_logs_in_anew(app, oauth_account, dovecot_idp,
                                                        worker_thread):
    account_id, client, address = oauth_account(ttl=4)
    worker_thread(_settings(app, account_id, token_margin=2.0))
    wait_for(lambda: client.token_requests >= 2, timeout=10, what="a second token")
    dovecot_idp.append(address, sample(1))
    wait_for(lambda: len(stored()) == 1, timeout=10, what="the mail after the new login")


def test_exchanges_bye_at_token_expiry_reconnects_at_once_losing_nothing(
        app, oauth_account, dovecot_idp, worker_thread):
    account_id, client, address = oauth_account()
    worker_thread(_settings(app, account_id, backoff_first=30, backoff_max=30))
    wait_for(lambda: db.session.get(MailAccount, account_id).last_login_dt, what="a login")
    assert wait_for(lambda: dovecot_idp.end_sessions(address), what="a session to end") >= 1
    dovecot_idp.append(address, sample(1))
    # No 30 s backoff: the BYE only says the token ran out.
    wait_for(lambda: len(stored()) == 1, timeout=8, what="the mail after the BYE")
    assert client.token_requests == 2  # the ended token was forgotten
    assert db.session.get(MailAccount, account_id).last_error is None


def test_a_refused_token_is_explained_on_the_account(app, oauth_account):
    account_id, client, _address = oauth_account()
    client.failure = "AADSTS65001"
    Supervisor(app, threading.Event()).run(once=True)
    error = db.session.get(MailAccount, account_id).last_error
    assert "AADSTS65001" in error and "samtykke" in error.lower()


def test_the_supervisor_follows_accounts_saved_on_the_page(app, saved_forum, oauth_account,
                                                         dovecot_idp):
    stop = threading.Event()
    supervisor = Supervisor(app, stop, reload_seconds=0.1)

    def supervise():
        with app.app_context():
            supervisor.run()

    thread = threading.Thread(target=supervise, daemon=True)
    thread.start()
    try:
        account_id, _client, address = oauth_account()  # saved while the intake runs
        dovecot_idp.append(address, sample(1))
        wait_for(lambda: len(stored()) == 1, timeout=10, what="the new account's mail")
        (first,) = wait_for(lambda: list(supervisor.running), what="a worker")
        account = db.session.get(MailAccount, account_id)
        account.version += 1  # what saving the settings again does
        db.session.commit()
        wait_for(lambda: list(supervisor.running) == [(account_id, first[1] + 1)],
                 what="the worker of the new version")
        db.session.get(MailAccount, account_id).is_enabled = False
        db.session.commit()
        wait_for(lambda: not supervisor.running, what="the worker to stop")
    finally:
        stop.set()
        thread.join(timeout=15)
    assert not thread.is_alive()
