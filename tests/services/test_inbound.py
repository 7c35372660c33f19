"""Inbound mail end to end: stored, decided, applied, every message in a known state."""

import json
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select

from app.extensions import db
from app.jobs_followups import run_followups
from app.mail.tokens import bounce_address
from app.models import (
    AgendaItem,
    AgendaStatus,
    Followup,
    InboundMessage,
    InboundState,
    Invitation,
    InvitationRole,
    InvitationStatus,
    OutboundMessage,
)
from app.services import inbound, invitations


def _reply(invitation, body, subject=None, sender=None):
    """Return the bytes of a plain reply to INVITATION's mail, as a mail client writes it."""
    sent = db.session.scalars(select(OutboundMessage).filter_by(
        invitation_id=invitation.id, kind="invitation")).first()
    msg = EmailMessage()
    msg["From"] = sender or f"{invitation.person.name} <{invitation.person.email}>"
    msg["To"] = f"sekretariat+{invitation.reply_token}@forum1.test"
    msg["Subject"] = subject or f"Re: {sent.subject}"
    msg["Message-ID"] = make_msgid(domain="politi.test")
    msg["In-Reply-To"] = f"<{sent.message_id}>"
    msg.set_content(body)
    return bytes(msg)


def _take(raw):
    message, created = inbound.receive(raw, mailbox="test")
    followups = inbound.process(message)
    db.session.commit()
    return message, created, followups


def test_a_danish_decline_is_applied_and_calls_the_alternate(app, invited):
    message, created, followups = _take(_reply(invited, "Hej\n\nJeg må desværre melde afbud.\n"
                                                        "\nMvh Anne"))
    assert created and message.state is InboundState.applied
    assert (message.kind, message.rsvp, message.invitation_id) == ("rsvp", "declined", invited.id)
    assert invited.status is InvitationStatus.declined
    alternate = db.session.scalars(select(Invitation).filter_by(
        role=InvitationRole.alternate)).one()
    assert alternate.person.name == "Jens Hansen"
    assert len(followups) == 1  # one job composes and sends the consequences
    meeting_id = invited.meeting_id
    (followup,) = followups  # recorded with the answer, in its transaction
    assert followup.job == "send_notices" and db.session.get(Followup, followup.id)
    run_followups([followup.id])  # as the job would: no SMTP configured, so to the outbox
    assert db.session.query(Followup).count() == 0  # done: forgotten
    queued = db.session.scalars(select(OutboundMessage).where(
        OutboundMessage.meeting_id == meeting_id)).all()
    # The member's confirmation names the alternate: one mail, not two.
    assert sorted(q.kind for q in queued) == ["confirmation", "invitation", "invitation"]


def test_the_same_bytes_twice_are_stored_once(app, invited):
    raw = _reply(invited, "Ja tak, jeg kommer.")
    _take(raw)
    again, created = inbound.receive(raw)
    assert not created
    assert db.session.query(InboundMessage).count() == 1


def test_the_same_message_id_by_another_route_is_kept_but_not_applied(app, invited):
    raw = _reply(invited, "Ja tak, jeg kommer.")
    _take(raw)
    twin, created, followups = _take(raw.replace(b"Ja tak", b"Ja  tak"))
    assert created and twin.state is InboundState.ignored and followups == []
    assert "duplicate" in twin.reason


def test_an_unclear_reply_goes_to_review_unapplied(app, invited):
    message, _, followups = _take(_reply(invited, "Hvornår er mødet egentlig?"))
    assert message.state is InboundState.review and followups == []
    assert invited.status is InvitationStatus.pending
    assert message.reason


def test_an_out_of_office_is_recorded_and_never_answered(app, invited):
    raw = _reply(invited, "Jeg er på ferie til 2. januar.", subject="Automatisk svar: Indkaldelse")
    raw = b"Auto-Submitted: auto-replied\r\n" + raw
    message, _, followups = _take(raw)
    assert message.kind == "auto_reply" and message.state is InboundState.ignored
    assert followups == [] and invited.status is InvitationStatus.pending


def test_a_forward_to_the_agenda_address_becomes_a_pending_item(app, forum, invited):
    msg = EmailMessage()
    msg["From"] = "Anne Jensen <anne@politi.test>"
    msg["To"] = forum.agenda_address
    msg["Subject"] = "VS: Belysning i Skelbækgade"
    msg["Message-ID"] = make_msgid()
    msg.set_content("Kan vi tage det her op?\n\n"
                    "-----Oprindelig meddelelse-----\n"
                    "Fra: Karen Beboer <karen@beboer.test>\n"
                    "Sendt: 20. november 2026 10:12\n"
                    "Til: Anne Jensen <anne@politi.test>\n"
                    "Emne: Belysning i Skelbækgade\n\n"
                    "Lamperne har været slukket i tre uger.\n")
    msg.add_attachment(b"%PDF-1.4 demo", maintype="application", subtype="pdf",
                       filename="kort.pdf")
    message, _, followups = _take(bytes(msg))
    assert message.kind == "agenda_item" and message.state is InboundState.applied
    item = db.session.scalars(select(AgendaItem)).one()
    assert item.status is AgendaStatus.pending and "Skelbækgade" in item.title
    assert item.submitter.email == "anne@politi.test"
    assert "tre uger" in item.body and "karen@beboer.test" in item.body
    assert [a.filename for a in item.attachments] == ["kort.pdf"]
    assert len(followups) == 1  # the receipt


def _untokened(forum, verdict: str = "") -> bytes:
    """Return Anne's new mail to the secretariat: no token, no reference, maybe a verdict."""
    return (f"{verdict}From: Anne Jensen <anne@politi.test>\r\nTo: {forum.sender_address}\r\n"
            "Subject: Afbud\r\nMessage-ID: <n1@politi.test>\r\n\r\n"
            "Jeg må desværre melde afbud.\r\n").encode()


def test_a_forged_from_waits_for_the_secretary(app, forum, invited):
    failing = ("Authentication-Results: mx.forum1.test; spf=fail;"
               " dmarc=fail header.from=politi.test\r\n")
    app.config["MAIL_TRUSTED_AUTHSERV_IDS"] = ("mx.forum1.test",)
    message, _, followups = _take(_untokened(forum, failing))
    assert (message.state, message.invitation_id, followups) == (InboundState.review,
                                                                 invited.id, [])
    assert "sender not proven" in message.reason
    assert invited.status is InvitationStatus.pending


def test_a_proven_sender_without_a_token_is_applied(app, forum, invited):
    passing = "Authentication-Results: mx.forum1.test; dmarc=pass header.from=politi.test\r\n"
    app.config["MAIL_TRUSTED_AUTHSERV_IDS"] = "mx.forum1.test"  # a string works too
    message, _, _ = _take(_untokened(forum, passing))
    assert message.state is InboundState.applied
    assert invited.status is InvitationStatus.declined


def _bounce(forum, returned_message_id: str, to: str | None = None) -> bytes:
    """Return Postfix's report that our message RETURNED_MESSAGE_ID to Anne failed."""
    return (
        "From: MAILER-DAEMON@mx.forum1.test (Mail Delivery System)\r\n"
        f"To: {to or forum.sender_address}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.forum1.test\r\n\r\n"
        "Final-Recipient: rfc822; anne@politi.test\r\nAction: failed\r\n"
        "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: {forum.sender_address}\r\nTo: anne@politi.test\r\n"
        f"Message-ID: <{returned_message_id}>\r\nSubject: Indkaldelse\r\n"
        "--b--\r\n"
    ).encode()


def test_a_bounce_marks_the_person_bouncing(app, forum, invited):
    sent = db.session.scalars(select(OutboundMessage).filter_by(
        invitation_id=invited.id)).one()
    message, _, followups = _take(_bounce(forum, sent.message_id))
    assert message.kind == "bounce" and message.state is InboundState.applied
    assert invited.person.is_bouncing
    secretary = forum.secretary_address
    (followup,) = followups
    run_followups([followup.id])
    notice = db.session.scalars(select(OutboundMessage).filter_by(kind="address_bouncing")).one()
    assert notice.recipient == secretary
    assert "anne@politi.test" in notice.raw.decode()


def test_a_forged_bounce_marks_nobody_and_waits(app, forum, invited):
    message, _, followups = _take(_bounce(forum, "made-up-1@attacker.example"))
    assert (message.kind, message.state, followups) == ("bounce", InboundState.review, [])
    assert "bounce does not refer to a message we sent" in message.reason
    assert not invited.person.is_bouncing


def test_a_bounce_to_the_signed_return_path_marks_that_recipient(app, forum, invited):
    sent = db.session.scalars(select(OutboundMessage).filter_by(
        invitation_id=invited.id)).one()
    verp = bounce_address(forum.sender_address, sent.id, invitations.token_secret())
    message, _, _ = _take(_bounce(forum, "not-in-the-report@x", to=verp))
    assert message.state is InboundState.applied and invited.person.is_bouncing


def test_garbage_is_stored_and_put_in_review(app, forum):
    message, created, _ = _take(b"\x00\xff not a mail at all \r\n\r\n\x80")
    assert created and message.state in (InboundState.review, InboundState.quarantined)
    assert message.raw.startswith(b"\x00\xff")


def test_an_oversized_message_is_quarantined_unread(app):
    row = inbound.receive_oversized(30_000_000, mailbox="INBOX", uid=7, uidvalidity=1,
                                    headers=b"From: a@b.test\r\nSubject: Stor fil\r\n\r\n",
                                    limit=25_000_000)
    assert row.state is InboundState.quarantined and "too large" in row.reason
    assert row.subject == "Stor fil"
    assert inbound.receive_oversized(30_000_000, mailbox="INBOX", uid=7, uidvalidity=1,
                                     headers=b"From: a@b.test\r\nSubject: Stor fil\r\n\r\n"
                                     ).id == row.id


def test_mail_explain_prints_json_and_changes_nothing(app, runner, invited, tmp_path):
    path = tmp_path / "svar.eml"
    path.write_bytes(_reply(invited, "Jeg kommer gerne."))
    result = runner.invoke(args=["mail", "explain", "--json", str(path)])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output.strip().splitlines()[-1])
    assert (found["path"], found["kind"], found["rsvp"], found["matched"]) == (
        str(path), "rsvp", "accepted", invited.id)
    assert isinstance(found["reasons"], list) and found["reasons"]
    db.session.expire_all()
    assert db.session.query(InboundMessage).count() == 0
    assert invited.status is InvitationStatus.pending


def test_mail_ingest_applies(app, runner, invited, tmp_path):
    path = tmp_path / "svar.eml"
    path.write_bytes(_reply(invited, "Jeg kommer gerne."))
    result = runner.invoke(args=["mail", "ingest", str(path)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert invited.status is InvitationStatus.accepted


def test_mail_explain_works_before_the_database_is_made(app, runner, tmp_path):
    from app.models import Base

    Base.metadata.drop_all(db.engine)
    path = tmp_path / "afbud.eml"
    path.write_bytes(b"From: jens@example.dk\r\nTo: sekretariat@samarbejdsforum.test\r\n"
                     b"Subject: Afbud\r\nMessage-ID: <x1@example.dk>\r\n\r\n\r\n")
    result = runner.invoke(args=["mail", "explain", "--json", str(path)])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output.strip().splitlines()[-1])
    assert (found["kind"], found["rsvp"]) == ("rsvp", "declined")
    Base.metadata.create_all(db.engine)
