"""Replies to our confirmations, reminders and notices: an acknowledgement is no answer."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.mail.context import InvitationRef
from app.mail.followup import judge
from app.mail.pipeline import decide
from app.mail.wording import classify

from .builders import AUTHSERV, SENDER, make_context, message_id, proven

ANNE = "anne.jensen@example.dk"
NOTICE = "notice-42@samarbejdsforum.test"


def _context(kind: str, status: str):
    """Return the one-invitation context with our mail NOTICE of KIND, Anne's answer STATUS."""
    ctx, address = make_context()
    ref = InvitationRef(42, ANNE, "uid-1", status)
    ctx = replace(ctx, invitations={42: ref},
                  message_ids={**ctx.message_ids, NOTICE: 42},
                  message_kinds={message_id(42): "invitation", NOTICE: kind})
    return ctx, address


def _reply(body: str, to: str, in_reply_to: str = NOTICE, headers: str = "") -> bytes:
    """Return Anne's reply to our mail IN_REPLY_TO."""
    return (f"{headers}From: Anne Jensen <{ANNE}>\r\nTo: {to}\r\nSubject: SV: Tilmelding "
            f"noteret\r\nMessage-ID: <r-1@example.dk>\r\nIn-Reply-To: <{in_reply_to}>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
            f"\r\n{body}\r\n\r\nFra: Samarbejdsforum <{SENDER}>\r\nSendt: 1. marts 2026\r\n"
            "Emne: Tilmelding noteret\r\n\r\nTak, vi har noteret at du kommer.\r\n").encode()


@pytest.mark.parametrize(("kind", "status", "body"), [
    ("alternate_called", "declined", "OK, tak for besked"),
    ("confirmation", "accepted", "Super, tak!"),
    ("confirmation", "accepted", "Ja tak, jeg har set det"),
    ("confirmation", "declined", "Thanks, noted"),
    ("confirmation", "accepted", "Perfekt 👍"),
    ("reminder", "pending", "Ok, tak for påmindelsen"),
    ("cancellation", "accepted", "Ok, tak"),
    ("final_agenda", "accepted", "Fint, tak for dagsordenen"),
    ("agenda_receipt", "pending", "Super, tak"),
    ("confirmation", "accepted", "Tak for bekræftelsen 🙂"),
    ("alternate_called", "declined", "Det er fint, tak."),
    ("confirmation", "accepted", "Cheers, looking forward to it!"),
])
def test_acknowledgements_are_no_answer(kind, status, body):
    ctx, address = _context(kind, status)
    decision = decide(_reply(body, address), ctx)
    assert (decision.kind, decision.rsvp, decision.invitation_id, decision.needs_review) == (
        "auto_reply", None, 42, False), decision.reasons
    assert decision.reasons[0].startswith("acknowledges our")


@pytest.mark.parametrize(("kind", "status", "body", "answer"), [
    ("alternate_called", "declined", "Jeg kommer alligevel", "accepted"),
    ("confirmation", "accepted", "Jeg må alligevel melde afbud", "declined"),
    ("confirmation", "accepted", "Jeg er desværre blevet forhindret alligevel.", "declined"),
    ("confirmation", "accepted", "My plans have changed, I can't attend", "declined"),
    ("confirmation", "accepted", "Tak, jeg kommer som aftalt", "accepted"),
    ("confirmation", "tentative", "Nu ved jeg det: jeg kommer", "accepted"),
    ("reminder", "pending", "Ja", "accepted"),
    ("reminder", "pending", "Nej desværre", "declined"),
])
def test_an_unambiguous_answer_in_such_a_reply_counts(kind, status, body, answer):
    ctx, address = _context(kind, status)
    decision = decide(_reply(body, address), ctx)
    assert (decision.kind, decision.rsvp, decision.needs_review) == ("rsvp", answer, False), (
        decision.reasons)


@pytest.mark.parametrize(("kind", "status", "body", "reason"), [
    ("confirmation", "accepted", "Jeg kommer ikke", "would change the recorded answer accepted"),
    ("alternate_called", "declined", "Jeg kommer", "would change the recorded answer declined"),
    ("confirmation", "accepted", "Nej", "would change the recorded answer accepted"),
    ("confirmation", "declined", "Ja tak", "would change the recorded answer declined"),
    ("confirmation", "accepted", "Tak! Hvor ligger lokalet?", "contains a question"),
])
def test_a_change_not_said_or_a_question_goes_to_a_person(kind, status, body, reason):
    ctx, address = _context(kind, status)
    decision = decide(_reply(body, address), ctx)
    assert decision.kind == "rsvp" and decision.needs_review
    assert any(reason in r for r in decision.reasons), decision.reasons


def test_the_incident_without_a_token_proven_by_our_server():
    """'OK, tak for besked' to the alternate notice turned a decline into an accept."""
    ctx, _ = _context("alternate_called", "declined")
    ctx = replace(ctx, trusted_authserv_ids=frozenset({AUTHSERV}))
    decision = decide(_reply("OK, tak for besked", SENDER, headers=proven("example.dk")), ctx)
    assert (decision.kind, decision.invitation_id, decision.matched_by) == (
        "auto_reply", 42, "in-reply-to")


def test_a_weak_word_to_the_invitation_does_not_overturn_a_recorded_answer():
    ctx, address = _context("confirmation", "declined")
    decision = decide(_reply("Super", address, in_reply_to=message_id(42)), ctx)
    assert (decision.rsvp, decision.needs_review) == ("accepted", True)
    assert "only 'super' against the recorded answer declined" in decision.reasons


def test_a_reply_to_the_invitation_still_changes_an_answer():
    ctx, address = _context("confirmation", "accepted")
    decision = decide(_reply("Jeg må desværre melde afbud", address, in_reply_to=message_id(42)),
                      ctx)
    assert (decision.rsvp, decision.needs_review) == ("declined", False)


def test_judge_reads_particles_only_where_we_asked():
    yes = classify("Ja tak")
    assert judge(yes, "invitation", "pending", "Ja tak").action == "answer"
    assert judge(yes, "reminder", "pending", "Ja tak").action == "answer"
    assert judge(yes, "confirmation", "accepted", "Ja tak").action == "acknowledgement"
    assert judge(yes, "agenda_receipt", None, "Ja tak").action == "acknowledgement"
    assert judge(yes, "confirmation", "tentative", "Ja tak").action == "review"


def test_an_acknowledgement_with_a_forged_token_is_still_shown():
    ctx, _ = _context("confirmation", "accepted")
    to = "sekretariat+16xaaaaaaaaaaaaaaaa@samarbejdsforum.test"
    decision = decide(_reply("Super, tak", to), ctx)
    assert decision.needs_review and "token forged or unknown" in decision.reasons
