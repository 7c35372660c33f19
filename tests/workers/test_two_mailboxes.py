"""Two forums on their own mailboxes, end to end: invitations out by SMTP XOAUTH2 from each
account, a member's reply into each mailbox, read by IMAP XOAUTH2 and applied in its own forum.
One forum is on Microsoft 365 (app access), the other on Google Workspace (service account)."""

from __future__ import annotations

import email
import json
import threading
from email import policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.models import InboundMessage, InboundState, Invitation, InvitationStatus, SeatKind
from app.services import roster
from app.services.mailaccounts.settings import AccountForm, save
from tests.conftest import TODAY
from workers.supervisor import Supervisor

pytestmark = pytest.mark.usefixtures("fresh_mail_accounts")

def _forum(make_forum, make_meeting, address: str, member: str, n: int):
    """Return (forum, meeting) for a forum sending from ADDRESS with one member."""
    forum = make_forum(slug=f"forum-{n}", sender_address=address,
                       agenda_address=f"dagsorden@forum{n}.test")
    seat = roster.add_seat(forum, SeatKind.organisation, "Plads 1")
    roster.appoint(seat, roster.add_person(forum, f"Medlem {n}", member), TODAY)
    return forum, make_meeting(forum=forum)


def _reply_to(received, body: str) -> bytes:
    """Return the member's reply to the invitation RECEIVED, as a mail client writes it."""
    sent = email.message_from_bytes(received.data, policy=policy.default)
    reply = EmailMessage()
    reply["From"], reply["To"] = received.rcpt_tos[0], str(sent["Reply-To"])
    reply["Subject"], reply["In-Reply-To"] = f"SV: {sent['Subject']}", str(sent["Message-ID"])
    reply["Message-ID"] = f"<reply-{received.rcpt_tos[0]}>"
    reply.set_content(body)
    return bytes(reply)


def test_two_forums_run_side_by_side_on_their_own_mailboxes(
        app, make_forum, make_meeting, idp, dovecot_idp, smtp_idp, oauth_config):
    app.config.update(oauth_config)
    ms_box, _ = dovecot_idp.add_user()
    google_box, _ = dovecot_idp.add_user()
    ms_client, google_sa = idp.add_client(ms_box), idp.add_service_account()
    ms_forum, ms_meeting = _forum(make_forum, make_meeting, ms_box, "anne@politi.test", 1)
    g_forum, g_meeting = _forum(make_forum, make_meeting, google_box, "bo@beboer.test", 2)
    servers = {"imap_host": dovecot_idp.host, "imap_port": dovecot_idp.port,
               "imap_tls": "plain", "smtp_host": smtp_idp.host, "smtp_port": smtp_idp.port,
               "smtp_tls": "plain"}
    save(ms_forum, AccountForm(address=ms_box, provider="microsoft365", tenant=idp.tenant,
                               client_id=ms_client.client_id, **servers,
                               secrets={"client_secret": ms_client.secret}))
    save(g_forum, AccountForm(address=google_box, provider="google_service_account", **servers,
                              secrets={"service_account_json":
                                       json.dumps(google_sa.service_account_info)}))
    ms_id, g_id = ms_forum.id, g_forum.id
    ids = {ms_id: ms_meeting.id, g_id: g_meeting.id}
    db.session.commit()

    for meeting_id in ids.values():
        jobs.send_invitations(meeting_id)
    by_sender = {m.auth_data: m for m in smtp_idp.messages}
    assert set(by_sender) == {ms_box, google_box}  # each forum logged in as its own mailbox
    assert {m.mail_from for m in smtp_idp.messages} == {ms_box, google_box}

    dovecot_idp.append(ms_box, _reply_to(by_sender[ms_box], "Jeg må desværre melde afbud."))
    dovecot_idp.append(google_box, _reply_to(by_sender[google_box], "Ja tak, jeg kommer."))
    Supervisor(app, threading.Event()).run(once=True)
    db.session.rollback()

    rows = db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()
    assert {r.forum_id for r in rows} == set(ids) and len(rows) == 2
    assert {r.state for r in rows} == {InboundState.applied}, [r.reason for r in rows]
    answers = {inv.meeting_id: inv.status for inv in db.session.scalars(
        select(Invitation).execution_options(populate_existing=True))}
    assert answers == {ids[ms_id]: InvitationStatus.declined,
                       ids[g_id]: InvitationStatus.accepted}
    assert google_sa.token_requests >= 1 and ms_client.token_requests >= 1
