"""A token held by another person of the forum is not the invitee answering."""

from __future__ import annotations

from dataclasses import replace

from app.mail.pipeline import decide

from .builders import SENDER, make_context

ANNE, PETER = "anne.jensen@example.dk", "peter.holm@example.dk"


def _context():
    """Return Anne's one-invitation context; Peter is another person of the forum."""
    ctx, address = make_context()
    return replace(ctx, people={ANNE: 1, PETER: 2}), address


def _reply(sender: str, to: str, body: str) -> bytes:
    """Return a reply to Anne's (redirected) invitation, from SENDER."""
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: SV: Indkaldelse\r\n"
            "Message-ID: <t-1@example.dk>\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n").encode()


def test_another_member_with_the_token_goes_to_a_person():
    ctx, address = _context()
    decision = decide(_reply(f"Peter Holm <{PETER}>", address, "Jeg kommer i stedet"), ctx)
    assert (decision.rsvp, decision.invitation_id, decision.matched_by) == (
        "accepted", 42, "token")
    assert decision.needs_review
    assert (f"sender {PETER} is another member of the forum; the token is {ANNE}'s "
            "invitation") in decision.reasons


def test_an_unknown_address_with_the_token_is_the_invitee_as_before():
    ctx, address = _context()
    decision = decide(_reply("Anne <anne.privat@gmail.com>", address, "Ja tak, jeg kommer"), ctx)
    assert (decision.rsvp, decision.needs_review) == ("accepted", False)


def test_the_invitee_under_another_spelling_is_the_invitee():
    ctx, address = _context()
    decision = decide(_reply("Anne <Anne.Jensen@Example.DK>", address, "Ja tak"), ctx)
    assert (decision.rsvp, decision.needs_review) == ("accepted", False)


def test_a_second_address_of_the_same_person_is_the_invitee():
    ctx, address = _context()
    ctx = replace(ctx, people={ANNE: 1, "anne@kommune.example.dk": 1, PETER: 2})
    decision = decide(_reply("anne@kommune.example.dk", address, "Ja tak"), ctx)
    assert (decision.rsvp, decision.needs_review) == ("accepted", False)


def test_a_calendar_button_from_another_member_says_who_wrote():
    ctx, address = _context()
    cal = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
           f"UID:sf-2026-03-12-0001@samarbejdsforum.test\r\nDTSTAMP:20260301T100000Z\r\n"
           f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ANNE}\r\nORGANIZER:mailto:{SENDER}\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n")
    raw = (f"From: {PETER}\r\nTo: {address}\r\nSubject: Accepteret: Indkaldelse\r\n"
           "Message-ID: <t-2@example.dk>\r\nContent-Type: text/calendar; method=REPLY; "
           f"charset=utf-8\r\n\r\n{cal}").encode()
    decision = decide(raw, ctx)
    assert decision.needs_review and decision.matched_by == "token"
    assert any("is another member of the forum" in r for r in decision.reasons)
