"""Matching a reply to its invitation, built with the one-invitation context helper."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from app.mail.decision import AgendaDraft, Attachment, Decision
from app.mail.pipeline import decide
from app.mail.tokens import make_token, reply_address

from .builders import SECRET, SENDER, make_context, message_id, proven

ANNE = "anne.jensen@example.dk"


def mail(to: str, body: str = "Ja tak, jeg kommer.", sender: str = ANNE, subject: str = "Re: Møde",
         headers: str = "") -> bytes:
    """Return a small plain-text reply as a client would send it."""
    return (f"From: Anne Jensen <{sender}>\r\nTo: {to}\r\nSubject: {subject}\r\n{headers}"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n").encode()


def test_token_match():
    ctx, address = make_context(7)
    decision = decide(mail(address), ctx)
    assert (decision.kind, decision.rsvp, decision.invitation_id) == ("rsvp", "accepted", 7)
    assert (decision.matched_by, decision.needs_review) == ("token", False)


def test_token_matches_from_any_sender_address():
    ctx, address = make_context(7)
    decision = decide(mail(address, sender="anne.privat@gmail.com"), ctx)
    assert (decision.invitation_id, decision.needs_review) == (7, False)


def test_token_in_cc_or_delivered_to():
    ctx, address = make_context(7)
    cc = decide(mail("Someone <x@example.dk>", headers=f"Cc: {address}\r\n"), ctx)
    delivered = decide(mail("undisclosed-recipients:;", headers=f"Delivered-To: {address}\r\n"),
                       ctx)
    assert cc.invitation_id == delivered.invitation_id == 7


def test_uppercased_token_still_matches():
    ctx, address = make_context(7)
    assert decide(mail(address.upper()), ctx).invitation_id == 7


@pytest.mark.parametrize("token", [make_token(7, b"another secret"), "garbage", "7x" + "a" * 16])
def test_forged_token_goes_to_review_unmatched(token):
    ctx, _ = make_context(7)
    decision = decide(mail(reply_address(SENDER, token)), ctx)
    assert (decision.kind, decision.rsvp, decision.invitation_id) == ("rsvp", "accepted", None)
    assert decision.needs_review
    assert "token forged or unknown" in decision.reasons


def test_stale_token_goes_to_review():
    ctx, _ = make_context(7)
    stale = reply_address(SENDER, make_token(99, SECRET))
    decision = decide(mail(stale, headers=f"In-Reply-To: <{message_id(7)}>\r\n"), ctx)
    assert (decision.invitation_id, decision.needs_review) == (None, True)
    assert "token forged or unknown" in decision.reasons


def test_forged_token_without_answer_is_still_an_rsvp_for_review():
    ctx, _ = make_context(7)
    decision = decide(mail(reply_address(SENDER, "nonsense"), body="Hej"), ctx)
    assert (decision.kind, decision.rsvp, decision.needs_review) == ("rsvp", None, True)


def test_in_reply_to_and_references():
    ctx, _ = make_context(7)
    irt = decide(mail(SENDER, headers=f"In-Reply-To: <{message_id(7)}>\r\n"), ctx)
    refs = decide(mail(SENDER, headers=f"References: <a@b> <{message_id(7)}> <c@d>\r\n"), ctx)
    assert (irt.invitation_id, irt.matched_by) == (7, "in-reply-to")
    assert (refs.invitation_id, refs.matched_by) == (7, "in-reply-to")


def test_in_reply_to_alone_makes_a_reply_even_to_another_address():
    ctx, _ = make_context(7)
    decision = decide(mail("anden@example.dk", headers=f"In-Reply-To: <{message_id(7)}>\r\n"), ctx)
    assert (decision.kind, decision.invitation_id) == ("rsvp", 7)


def test_sender_with_one_open_invitation():
    ctx, _ = make_context(7)
    decision = decide(mail(SENDER, body="Jeg kommer ikke", headers=proven("example.dk")), ctx)
    assert (decision.rsvp, decision.invitation_id, decision.matched_by) == ("declined", 7, "sender")
    assert not decision.needs_review
    assert any(r.startswith("sender proven: DMARC passed") for r in decision.reasons)


def test_sender_with_one_open_invitation_but_no_proof_waits():
    ctx, _ = make_context(7)
    decision = decide(mail(SENDER, body="Jeg kommer ikke"), ctx)
    assert (decision.rsvp, decision.invitation_id, decision.needs_review) == ("declined", 7, True)
    assert "sender not proven: no Authentication-Results from a trusted server" in decision.reasons


def test_in_reply_to_from_the_invitee_needs_proof_too():
    ctx, _ = make_context(7)
    irt = f"In-Reply-To: <{message_id(7)}>\r\n"
    assert decide(mail(SENDER, headers=irt), ctx).needs_review
    assert not decide(mail(SENDER, headers=irt + proven("example.dk")), ctx).needs_review


def test_sender_with_several_open_invitations():
    ctx, _ = make_context(7, open_ids=(7, 8))
    decision = decide(mail(SENDER, body="Jeg kommer ikke"), ctx)
    assert (decision.rsvp, decision.invitation_id) == ("declined", None)
    assert decision.needs_review
    assert "several open invitations" in decision.reasons


def test_unmatched_answer_goes_to_review():
    ctx, _ = make_context(7)
    decision = decide(mail(SENDER, sender="stranger@example.com"), ctx)
    assert (decision.kind, decision.rsvp, decision.invitation_id) == ("rsvp", "accepted", None)
    assert decision.needs_review


def test_replaced_invitation_goes_to_review():
    ctx, address = make_context(7, status="replaced")
    decision = decide(mail(address), ctx)
    assert (decision.invitation_id, decision.needs_review) == (7, True)


def test_agenda_address_wins_over_rsvp_wording():
    ctx, _ = make_context(7)
    decision = decide(mail("dagsorden@samarbejdsforum.test", body="Ja"), ctx)
    assert decision.kind == "agenda_item"
    assert decision.agenda.original_sender == ANNE


def _itip(to: str, attendee: str, partstat: str, uid: str = "uid-1") -> bytes:
    cal = ("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
           f"UID:{uid}\r\nATTENDEE;PARTSTAT={partstat}:mailto:{attendee}\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n")
    return (f"From: {attendee}\r\nTo: {to}\r\nSubject: Reply\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/calendar; charset=utf-8\r\n\r\n{cal}").encode()


def test_itip_matched_by_uid_and_attendee():
    ctx, _ = make_context(7, uid="uid-1")
    decision = decide(proven("example.dk").encode() + _itip(SENDER, ANNE, "TENTATIVE"), ctx)
    assert (decision.rsvp, decision.invitation_id, decision.matched_by) == ("tentative", 7, "itip")
    assert (decision.via, decision.needs_review) == ("calendar", False)


def test_itip_by_uid_and_attendee_without_proof_waits():
    ctx, _ = make_context(7, uid="uid-1")
    decision = decide(_itip(SENDER, ANNE, "TENTATIVE"), ctx)
    assert (decision.rsvp, decision.invitation_id, decision.needs_review) == ("tentative", 7, True)


def test_itip_uid_differs_from_the_tokens_invitation():
    ctx, address = make_context(7, uid="uid-1")
    decision = decide(_itip(address, ANNE, "ACCEPTED", uid="other-uid"), ctx)
    assert (decision.invitation_id, decision.needs_review) == (7, True)


def test_itip_from_someone_else_on_annes_token_is_not_believed():
    ctx, address = make_context(7, uid="uid-1")
    decision = decide(_itip(address, "boss@example.dk", "DECLINED"), ctx)
    assert (decision.rsvp, decision.needs_review) == (None, True)


def test_itip_needs_action_is_no_answer():
    ctx, address = make_context(7, uid="uid-1")
    decision = decide(_itip(address, ANNE, "NEEDS-ACTION"), ctx)
    assert (decision.kind, decision.rsvp, decision.needs_review) == ("rsvp", None, True)


def test_to_dict_is_json_safe():
    decision = Decision(kind="agenda_item", reasons=["x"])
    decision.agenda = AgendaDraft(attachments=[Attachment("a.pdf", "application/pdf", b"\x00\xff")])
    data = json.loads(json.dumps(decision.to_dict()))
    assert data["agenda"]["attachments"] == [
        {"filename": "a.pdf", "content_type": "application/pdf", "size": 2}]


def test_decide_never_raises_on_odd_input():
    ctx, _ = make_context(7)
    for raw in (b"", b"\r\n\r\n", b"\xff" * 100, "ÆØÅ".encode("utf-16"), bytearray(b"From: x")):
        assert decide(raw, ctx).kind == "unknown"


FORBIDDEN = {"flask", "sqlalchemy", "imapclient", "redis", "socket", "smtplib", "flask_sqlalchemy"}
PIPELINE = ["agenda", "autoreply", "body", "bounce", "context", "decision", "forward",
            "htmltext", "itip", "matching", "parse", "phrases", "pipeline", "quotes",
            "readpolicy", "rules", "textcodec", "wording"]


@pytest.mark.parametrize("module", PIPELINE)
def test_pipeline_modules_are_pure_and_small(module):
    path = Path(__file__).resolve().parents[2] / "app" / "mail" / f"{module}.py"
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN
    assert len(source.splitlines()) < 300
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            assert node.end_lineno - node.lineno < 40, node.name
            assert ast.get_docstring(node), node.name
