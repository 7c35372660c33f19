"""Only the invitee, or the holder of their token, can answer: forged mail goes to review.

Each message is written out as an attacker would send it, against the context of a
member with one open invitation (7) to the meeting "uid-1".
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.mail.context import InvitationRef
from app.mail.pipeline import decide
from app.mail.tokens import bounce_address

from .builders import AUTHSERV, SECRET, SENDER, make_context, message_id, proven

ANNE = "anne.jensen@example.dk"
START = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)


def _context(**changes):
    """Return the one-invitation context, the invitation at SEQUENCE 2 and START."""
    ctx, address = make_context(7, uid="uid-1")
    ref = InvitationRef(7, ANNE, "uid-1", "accepted", sequence=2, start=START)
    fields = {"invitations": {7: ref}, "outbound_recipients": {91: ANNE}, **changes}
    return ctx.__class__(**{**ctx.__dict__, **fields}), address


def _calendar_reply(sender: str, to: str, partstat: str = "DECLINED", extra: str = "",
                    headers: str = "") -> bytes:
    """Return an iTIP REPLY for uid-1 as a calendar client sends it."""
    cal = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Evil//EN\r\nMETHOD:REPLY\r\n"
           "BEGIN:VEVENT\r\nUID:uid-1\r\nDTSTAMP:20260301T100000Z\r\n"
           f"{extra}ATTENDEE;PARTSTAT={partstat}:mailto:{ANNE}\r\n"
           f"ORGANIZER:mailto:{SENDER}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    return (f"{headers}From: {sender}\r\nTo: {to}\r\nSubject: Afvist: Møde\r\n"
            "Message-ID: <forged-1@attacker.example>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n"
            f"{cal}").encode()


def _plain(sender: str, to: str, body: str, headers: str = "") -> bytes:
    """Return a plain-text mail."""
    return (f"{headers}From: {sender}\r\nTo: {to}\r\nSubject: Re: Indkaldelse\r\n"
            "Message-ID: <forged-2@attacker.example>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
            f"\r\n{body}\r\n").encode()


def test_calendar_reply_from_an_outsider_goes_to_review():
    ctx, _ = _context()
    decision = decide(_calendar_reply("mallory@attacker.example", SENDER), ctx)
    assert (decision.kind, decision.invitation_id, decision.rsvp) == ("rsvp", 7, "declined")
    assert decision.needs_review
    assert ("sender not proven: mallory@attacker.example is not the invited "
            f"{ANNE}") in decision.reasons


def test_calendar_reply_from_an_outsider_with_a_passing_own_domain_is_no_answer():
    ctx, _ = _context()
    raw = _calendar_reply("mallory@attacker.example", SENDER,
                          headers=proven("attacker.example"))
    assert decide(raw, ctx).needs_review


def test_calendar_reply_in_the_members_name_failing_dmarc_goes_to_review():
    ctx, _ = _context()
    failing = (f"Authentication-Results: {AUTHSERV}; spf=fail smtp.mailfrom=example.dk;\r\n"
               "\tdkim=none; dmarc=fail (p=none) header.from=example.dk\r\n")
    decision = decide(_calendar_reply(ANNE, SENDER, headers=failing), ctx)
    assert decision.needs_review
    assert any(r.startswith("sender not proven: receiving server did not prove the sender")
               for r in decision.reasons)


def test_calendar_reply_from_the_member_proven_is_applied():
    ctx, _ = _context()
    decision = decide(_calendar_reply(ANNE, SENDER, headers=proven("example.dk")), ctx)
    assert (decision.rsvp, decision.invitation_id, decision.needs_review) == ("declined", 7, False)


def test_forged_from_without_a_token_goes_to_review_though_one_invitation_is_open():
    ctx, _ = _context()
    failing = (f"Authentication-Results: {AUTHSERV}; spf=fail smtp.mailfrom=example.dk;\r\n"
               "\tdmarc=fail header.from=example.dk\r\n")
    decision = decide(_plain(ANNE, SENDER, "Jeg må desværre melde afbud.", failing), ctx)
    assert (decision.rsvp, decision.invitation_id, decision.matched_by) == ("declined", 7, "sender")
    assert decision.needs_review


def test_a_pass_written_below_our_servers_fail_is_not_believed():
    ctx, _ = _context()
    ours = f"Authentication-Results: {AUTHSERV}; spf=fail smtp.mailfrom=example.dk; dmarc=fail\r\n"
    theirs = proven("example.dk")  # written by the sender, so below what our server added
    decision = decide(_plain(ANNE, SENDER, "Afbud", ours + theirs), ctx)
    assert decision.needs_review


def test_a_pass_from_a_server_we_do_not_trust_proves_nothing():
    ctx, _ = _context()
    raw = _plain(ANNE, SENDER, "Afbud", proven("example.dk", authserv="mx.attacker.example"))
    decision = decide(raw, ctx)
    assert decision.needs_review
    assert "sender not proven: no Authentication-Results from a trusted server" in decision.reasons


def test_spf_and_dkim_of_another_domain_prove_nothing():
    ctx, _ = _context()
    header = (f"Authentication-Results: {AUTHSERV}; spf=pass smtp.mailfrom=attacker.example;\r\n"
              "\tdkim=pass header.d=attacker.example; dmarc=none\r\n")
    assert decide(_plain(ANNE, SENDER, "Afbud", header), ctx).needs_review


def test_a_token_still_answers_from_any_address():
    ctx, address = _context()
    decision = decide(_plain("anne.privat@gmail.com", address, "Afbud"), ctx)
    assert (decision.rsvp, decision.matched_by, decision.needs_review) == ("declined", "token",
                                                                          False)


def test_calendar_reply_to_an_older_sequence_goes_to_review():
    ctx, address = _context()
    decision = decide(_calendar_reply(ANNE, address, extra="SEQUENCE:1\r\n"), ctx)
    assert decision.needs_review
    assert "itip reply answers SEQUENCE 1, the invitation is at 2" in decision.reasons


def test_calendar_reply_to_another_time_goes_to_review():
    ctx, address = _context()
    old_time = "DTSTART;TZID=Europe/Copenhagen:20260312T150000\r\nSEQUENCE:2\r\n"
    decision = decide(_calendar_reply(ANNE, address, extra=old_time), ctx)
    assert decision.needs_review
    assert ("itip reply is for 2026-03-12 14:00 UTC, the meeting is at 2026-03-12 15:00 UTC"
            in decision.reasons)


def test_calendar_reply_to_the_current_version_is_applied():
    ctx, address = _context()
    now = "DTSTART;TZID=Europe/Copenhagen:20260312T160000\r\nSEQUENCE:2\r\n"
    decision = decide(_calendar_reply(ANNE, address, extra=now), ctx)
    assert (decision.rsvp, decision.needs_review) == ("declined", False), decision.reasons


def _dsn(to: str, failed: str, returned_id: str, sender: str = "MAILER-DAEMON@mx.evil") -> bytes:
    """Return a delivery status notification as Postfix writes one."""
    return f"""\
From: Mail Delivery System <{sender}>
To: {to}
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.evil>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.evil

Final-Recipient: rfc822; {failed}
Action: failed
Status: 5.1.1

--B1
Content-Type: message/rfc822

From: {SENDER}
To: {failed}
Subject: Indkaldelse
Message-ID: <{returned_id}>

Du inviteres hermed.

--B1--
""".replace("\n", "\r\n").encode()


def test_a_forged_bounce_naming_a_member_marks_nobody():
    ctx, _ = _context()
    decision = decide(_dsn(SENDER, ANNE, "random-1@attacker.example"), ctx)
    assert decision.kind == "bounce"
    assert decision.needs_review  # applying a bounce in review marks nobody
    assert "bounce does not refer to a message we sent" in decision.reasons


def test_a_bounce_of_our_message_names_its_recipient():
    ctx, _ = _context()
    decision = decide(_dsn(SENDER, ANNE, message_id(7)), ctx)
    assert (decision.kind, decision.needs_review, decision.bounced_recipients) == (
        "bounce", False, [ANNE])


def test_a_bounce_of_our_message_naming_someone_else_goes_to_review():
    ctx, _ = _context()
    decision = decide(_dsn(SENDER, "peter@example.dk", message_id(7)), ctx)
    assert decision.needs_review
    assert (f"bounce names peter@example.dk, not the recipient of our message ({ANNE})"
            in decision.reasons)


def test_a_bounce_to_our_signed_return_path_names_that_messages_recipient():
    ctx, _ = _context()
    verp = bounce_address(SENDER, 91, SECRET)
    decision = decide(_dsn(verp, "anne@forwarded.example", "unknown@x"), ctx)
    assert (decision.needs_review, decision.bounced_recipients) == (False, [ANNE])


def test_a_bounce_to_a_forged_return_path_goes_to_review():
    ctx, _ = _context()
    forged = SENDER.replace("@", "+b-2jxabcdefghijklmnop@")
    decision = decide(_dsn(forged, ANNE, "unknown@x"), ctx)
    assert decision.needs_review
    assert decision.matched_by is None  # a return path is no reply token either
