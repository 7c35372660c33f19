"""The shared real-world corpus, read in place (never copied), through decide()."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from app.mail.context import MailContext
from app.mail.decision import KINDS
from app.mail.parse import parse
from app.mail.pipeline import decide

from .builders import CORPUS, OWN, SECRET, SENDER

pytestmark = pytest.mark.skipif(not (CORPUS / "INDEX.tsv").is_file(),
                                reason="shared corpus not present")


def _index() -> list[tuple[str, str]]:
    """Return (path, category) for every full message in the corpus."""
    if not (CORPUS / "INDEX.tsv").is_file():
        return []
    with (CORPUS / "INDEX.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [(r["path"], r["category"]) for r in rows if "body-only" not in r["category"]]


INDEX = _index()
CTX = MailContext(sender_address=SENDER, agenda_address="dagsorden@samarbejdsforum.test",
                  own_addresses=OWN | {"redmine@example.net"}, token_secret=SECRET)


def _decide(path: str, ctx: MailContext = CTX):
    return decide((CORPUS / path).read_bytes(), ctx)


def _of(category: str) -> list[str]:
    return [path for path, cat in INDEX if cat == category]


# Files of the bounce category that are rightly not decided as bounces.
BOUNCE_EXCEPTIONS = {
    "bounce/mikel+mail__raw_email_with_mimepart_without_content_type.eml":
        ("auto_reply", "sendmail 'could not send for past 1 day' warning: Action delayed"),
    "bounce/mikel+mail__report_422.eml": ("auto_reply", "4.2.2 warning-timeout: Action delayed"),
    "bounce/sisimai+set-of-emails__lhost-opensmtpd-06.eml": ("auto_reply", "delayed DSN"),
    "bounce/sisimai+set-of-emails__lhost-outlook-06.eml": ("auto_reply", "delayed DSN"),
    "bounce/sisimai+set-of-emails__rfc3464-07.eml": ("auto_reply", "DSN Action: delayed"),
    "bounce/wRAR+flufl.bounce__dsn_05.eml": ("auto_reply", "'Message delayed' DSN"),
    "bounce/wRAR+flufl.bounce__simple_03.eml": ("auto_reply", "Exim 'delayed 24 hours' warning"),
    "bounce/wRAR+flufl.bounce__sina_01.eml":
        ("auto_reply", "no DSN part, undecodable subject, but list headers: noise all the same"),
    "bounce/wRAR+flufl.bounce__simple_20.eml":
        ("unknown", "a human-looking 'RE:' from a gateway with no DSN marks: a person decides"),
}
# Bounces whose failed recipient no rule can find (no DSN fields, no address in the text).
NO_RECIPIENT = {
    "bounce/sisimai+set-of-emails__lhost-x1-01.eml",
    "bounce/sisimai+set-of-emails__rfc3464-04.eml",
    "bounce/wRAR+flufl.bounce__sendmail_01.eml",
}


@pytest.mark.parametrize("path", [p for p, _ in INDEX])
def test_every_message_gets_a_known_kind(path):
    decision = _decide(path)
    assert decision.kind in KINDS
    assert not any(r.startswith("internal error") for r in decision.reasons), decision.reasons
    assert decision.reasons
    if decision.kind == "unknown":
        assert decision.needs_review


@pytest.mark.parametrize("path", _of("bounce"))
def test_bounces(path):
    decision = _decide(path)
    expected, why = BOUNCE_EXCEPTIONS.get(path, ("bounce", ""))
    assert decision.kind == expected, (why, decision.reasons)
    if expected == "bounce" and path not in NO_RECIPIENT:
        assert decision.bounced_recipients, decision.reasons
    if "delayed" in why or "warning" in why:
        assert any("delayed" in r or "delay" in r.lower() for r in decision.reasons)


def test_bounce_category_is_mostly_bounces():
    kinds = Counter(_decide(p).kind for p in _of("bounce"))
    assert kinds["bounce"] >= 0.85 * sum(kinds.values())


def test_bounce_carrying_an_itip_request_is_no_rsvp():
    decision = _decide("bounce/apple+ccs-calendarserver__dsn_failure_with_ics.eml")
    assert (decision.kind, decision.rsvp) == ("bounce", None)
    assert decision.bounced_recipients == ["nonexistant@example.com"]


@pytest.mark.parametrize("path", _of("autoreply"))
def test_autoreplies(path):
    assert _decide(path).kind == "auto_reply"


@pytest.mark.parametrize("path", [p for p in _of("itip_reply") if p.endswith(".eml")])
def test_itip_reply_messages(path):
    decision = _decide(path)
    assert (decision.kind, decision.via, decision.rsvp) == ("rsvp", "calendar", "accepted")
    assert "itip REPLY PARTSTAT=ACCEPTED" in decision.reasons


@pytest.mark.parametrize(("name", "answer"), [
    ("nylas+sync-engine__invite_w_rsvps2.ics", "tentative"),
    ("nylas+sync-engine__invite_w_rsvps3.ics", "accepted"),
    ("nylas+sync-engine__invite_w_rsvps_4.ics", "declined"),
])
def test_itip_payloads_in_an_envelope(name, answer):
    payload = (CORPUS / "itip_reply" / name).read_bytes()
    raw = (b"From: Someone <karim@example.com>\r\nTo: " + SENDER.encode() +
           b"\r\nSubject: Reply\r\nAuto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/calendar; charset=UTF-8\r\n\r\n" + payload)
    decision = decide(raw, CTX)
    assert (decision.kind, decision.via, decision.rsvp) == ("rsvp", "calendar", answer)
    assert decision.needs_review  # no invitation in this context


@pytest.mark.parametrize("path", _of("itip_request"))
def test_itip_requests_are_not_answers(path):
    decision = _decide(path)
    assert (decision.kind, decision.needs_review) == ("unknown", True)
    assert any("itip REQUEST" in r for r in decision.reasons)


def _addressed_context(path: str, role: str) -> MailContext:
    """Return a context whose sender or agenda address is the mail's first recipient."""
    recipients = parse((CORPUS / path).read_bytes()).recipients() or ["nobody@example.invalid"]
    if role == "agenda":
        return MailContext(SENDER, recipients[0], frozenset(), SECRET)
    return MailContext(recipients[0], "dagsorden@samarbejdsforum.test", frozenset(), SECRET)


FORWARD_EXCEPTIONS = {
    "forward/nylas+sync-engine__raw_message_with_many_recipients.eml": "auto_reply",  # a list
}


@pytest.mark.parametrize("path", _of("forward"))
def test_forwards_to_the_agenda_address(path):
    decision = _decide(path, _addressed_context(path, "agenda"))
    assert decision.kind == FORWARD_EXCEPTIONS.get(path, "agenda_item")
    if decision.agenda is not None:
        assert decision.agenda.original_subject


def test_forward_of_a_bounce_is_a_forward():
    path = "forward/sisimai+set-of-emails__make-test-36.eml"
    decision = _decide(path, _addressed_context(path, "agenda"))
    assert decision.kind == "agenda_item"
    assert decision.agenda.original_subject.startswith("Returned mail")


@pytest.mark.parametrize("path", _of("plain_reply") + _of("html_only") + _of("charset"))
def test_mail_to_the_secretariat_is_never_guessed(path):
    decision = _decide(path, _addressed_context(path, "sender"))
    assert decision.kind in ("rsvp", "unknown", "auto_reply")
    if decision.kind != "auto_reply":
        assert decision.needs_review  # no invitation and (mostly) no answer: a person looks


@pytest.mark.parametrize(("name", "reason"), [
    ("jstedfast+MimeKit__disposition-notification.eml", "read receipt"),
    ("sisimai+set-of-emails__arf-01.eml", "feedback report"),
    ("discourse+discourse__mailinglist.eml", "mailing list"),
    ("redmine+redmine__ticket_from_emission_address.eml", "loop: from our own address"),
])
def test_other_machine_mail(name, reason):
    decision = _decide(f"other/{name}")
    assert decision.kind == "auto_reply"
    assert any(reason in r for r in decision.reasons)


def test_corpus_counts_by_category():
    counts = Counter((cat, _decide(path).kind) for path, cat in INDEX)
    assert sum(counts.values()) == len(INDEX) >= 200
    assert counts[("autoreply", "auto_reply")] == len(_of("autoreply"))
