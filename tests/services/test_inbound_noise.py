"""Replies to our own notices, end to end: an acknowledgement never becomes an answer."""

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.tokens import read_token, split_subaddress
from app.models import (
    AnswerChannel,
    InboundState,
    Invitation,
    InvitationRole,
    InvitationStatus,
    OutboundMessage,
)
from app.services import inbound, invitations, notify
from app.services.invitations import token_secret
from app.services.mailcontext import context_for


@pytest.fixture
def declined(invited):
    """Return Anne's invitation after her decline: alternate called, notices queued."""
    member = invited
    invitations.record_answer(member, "declined", AnswerChannel.mail)
    # The two notices the decline's follow-up job sends the member, composed and queued.
    notify.alternate_called(member, _alternate())
    notify.confirmation(member, invitations.alternate_name(member), "declined")
    db.session.commit()
    return member


def _sent(invitation, kind):
    """Return the ledger row of our mail of KIND about INVITATION."""
    return db.session.scalars(select(OutboundMessage).filter_by(
        invitation_id=invitation.id, kind=kind)).one()


def _reply(sent, sender, body):
    """Return a reply from SENDER to our mail SENT, to its Reply-To as a client does."""
    ours = message_from_bytes(sent.raw, policy=policy.default)
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = str(ours["Reply-To"] or ours["From"])
    msg["Subject"] = f"SV: {sent.subject}"
    msg["Message-ID"] = make_msgid(domain="politi.test")
    msg["In-Reply-To"] = msg["References"] = f"<{sent.message_id}>"
    msg.set_content(f"{body}\n\nFra: Samarbejdsforum\nSendt: 1. december 2026 10:00\n"
                    f"Emne: {sent.subject}\n\nKære Anne Jensen\n")
    return bytes(msg)


def _take(raw):
    message, _ = inbound.receive(raw, mailbox="test")
    followups = inbound.process(message)
    db.session.commit()
    return message, followups


def _alternate():
    return db.session.scalars(select(Invitation).filter_by(role=InvitationRole.alternate)).one()


def test_notices_to_the_member_carry_her_token(app, declined):
    for kind in ("alternate_called", "confirmation"):
        reply_to = message_from_bytes(_sent(declined, kind).raw, policy=policy.default)["Reply-To"]
        base, token = split_subaddress(reply_to.addresses[0].addr_spec)
        assert read_token(token, token_secret()) == declined.id, kind


def test_ok_tak_to_the_alternate_notice_changes_nothing(app, declined):
    notice = _sent(declined, "alternate_called")
    message, followups = _take(_reply(notice, "Anne Jensen <anne@politi.test>",
                                      "OK, tak for besked."))
    assert (message.kind, message.state, followups) == ("auto_reply", InboundState.ignored, [])
    assert "acknowledges" in message.reason
    assert declined.status is InvitationStatus.declined
    assert _alternate().status is InvitationStatus.pending  # still called in


def test_coming_after_all_in_reply_to_the_alternate_notice_is_applied(app, declined):
    notice = _sent(declined, "alternate_called")
    message, _ = _take(_reply(notice, "Anne Jensen <anne@politi.test>",
                              "Jeg kan alligevel godt komme."))
    assert message.state is InboundState.applied and "alligevel" in message.reason
    assert declined.status is InvitationStatus.accepted


def test_a_changed_answer_that_does_not_say_so_waits(app, declined):
    notice = _sent(declined, "confirmation")
    message, _ = _take(_reply(notice, "Anne Jensen <anne@politi.test>", "Jeg kommer."))
    assert message.state is InboundState.review and "would change" in message.reason
    assert declined.status is InvitationStatus.declined


def test_another_person_answering_with_the_members_token_waits(app, declined):
    invitation_mail = _sent(declined, "invitation")
    message, _ = _take(_reply(invitation_mail, "Jens Hansen <jens@politi.test>",
                              "Jeg kommer i stedet for Anne."))
    assert message.state is InboundState.review
    assert ("sender jens@politi.test is another member of the forum; "
            "the token is anne@politi.test's invitation") in message.reason
    assert declined.status is InvitationStatus.declined


def test_the_context_knows_our_mail_kinds_and_the_forums_people(app, forum, declined):
    ctx = context_for(forum)
    notice = _sent(declined, "alternate_called")
    assert ctx.message_kinds.get(notice.message_id) == "alternate_called"
    assert ctx.message_kinds.get(f"<{_sent(declined, 'invitation').message_id}>") == "invitation"
    assert ctx.message_kinds.get("unknown@elsewhere.test") is None
    assert ctx.people.get("JENS@politi.test") == _alternate().person_id
    assert ctx.people.get("mallory@attacker.example") is None
    with pytest.raises(TypeError):
        list(ctx.people)
