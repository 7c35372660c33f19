"""Sending through the forum's own mail account: XOAUTH2 with tokens from the identity provider."""

import pytest
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.mailer import SendError, close_kept
from app.models import MailAccount, OutboundMessage, OutboundState
from app.services import invitations
from app.services.mailaccounts import runtime
from app.services.mailaccounts.settings import AccountForm, save
from tests.servers.smtp import SMTP_AUTH_DISABLED

MAILBOX = "samarbejdsforum@kk.test"


pytestmark = pytest.mark.usefixtures("fresh_mail_accounts")

@pytest.fixture
def account(app, committee, idp, smtp_idp, oauth_config):
    """Give the committee's forum a Microsoft 365 app-only account on the test servers."""
    app.config.update(oauth_config)
    client = idp.add_client(MAILBOX)
    meeting, _ = committee
    form = AccountForm(address=MAILBOX, provider="microsoft365", tenant=idp.tenant,
                       client_id=client.client_id, smtp_host=smtp_idp.host,
                       smtp_port=smtp_idp.port, smtp_tls="plain", imap_host="127.0.0.1",
                       secrets={"client_secret": client.secret})
    row = save(meeting.forum, form)
    db.session.commit()
    return row.id, client


def _queue(meeting) -> list[int]:
    invitations.invite(meeting)
    ids = invitations.queue_invitations(meeting)
    db.session.commit()
    return ids


def test_invitations_leave_through_the_account_with_xoauth2(app, committee, account, smtp_idp,
                                                            smtp):
    meeting, _ = committee
    row, client = account
    assert jobs.send_outbound(_queue(meeting)) == 3
    assert {m.auth_data for m in smtp_idp.messages} == {MAILBOX}
    assert {m.mail_from for m in smtp_idp.messages} == {MAILBOX}
    assert smtp.messages == []  # not the installation's server
    assert client.token_requests == 1
    row = db.session.get(MailAccount, row)
    assert row.last_login_dt is not None and row.last_error is None


def test_the_token_is_reused_by_the_next_batch(app, committee, account, smtp_idp):
    meeting, _ = committee
    _row, client = account
    ids = _queue(meeting)
    jobs.send_outbound(ids[:1])
    close_kept()  # a new connection logs in again, with the cached token
    jobs.send_outbound(ids[1:])
    assert len(smtp_idp.messages) == 3 and client.token_requests == 1


def test_smtp_auth_disabled_is_explained_and_nothing_is_lost(app, committee, account, smtp_idp):
    meeting, _ = committee
    row, _ = account
    smtp_idp.refuse_auth(SMTP_AUTH_DISABLED)
    ids = _queue(meeting)
    with pytest.raises(SendError):
        jobs.send_outbound(ids)
    states = set(db.session.scalars(select(OutboundMessage.state)))
    assert states == {OutboundState.queued}  # the retry or the sweep sends them later
    row = db.session.get(MailAccount, row)
    assert "SMTP-godkendelse er slået fra" in row.last_error
    assert "5.7.139" in row.last_error


def test_an_expired_client_secret_is_explained(app, committee, account, smtp_idp):
    meeting, _ = committee
    row, client = account
    client.failure = "AADSTS7000222"
    with pytest.raises(SendError):
        jobs.send_outbound(_queue(meeting))
    row = db.session.get(MailAccount, row)
    assert "AADSTS7000222" in row.last_error and "hemmelighed" in row.last_error
    assert smtp_idp.messages == []


def test_a_forum_without_an_account_sends_as_before(app, committee, smtp):
    meeting, _ = committee
    assert db.session.scalars(select(MailAccount)).first() is None
    assert jobs.send_outbound(_queue(meeting)) == 3
    assert len(smtp.messages) == 3


def test_a_rotated_refresh_token_is_saved_at_once_and_survives_a_restart(
        app, committee, idp, smtp_idp, oauth_config):
    from app.services.mailaccounts.vault import vault

    app.config.update(oauth_config)
    client = idp.add_client(MAILBOX)
    first_token = idp.grant_refresh_token(client)
    meeting, _ = committee
    form = AccountForm(address=MAILBOX, provider="microsoft365_delegated",
                       client_id=client.client_id, smtp_host=smtp_idp.host,
                       smtp_port=smtp_idp.port, smtp_tls="plain", imap_host="127.0.0.1",
                       secrets={"client_secret": client.secret, "refresh_token": first_token})
    account_id = save(meeting.forum, form).id
    db.session.commit()
    ids = _queue(meeting)
    jobs.send_outbound(ids[:1])
    saved = vault().open_text(db.session.get(MailAccount, account_id).refresh_token)
    assert saved and saved != first_token  # the IdP rotated it, and it is in the database
    close_kept()
    runtime.forget_sources()  # a restart: nothing in memory, only what was saved
    jobs.send_outbound(ids[1:])
    assert len(smtp_idp.messages) == 3 and {m.auth_data for m in smtp_idp.messages} == {MAILBOX}
