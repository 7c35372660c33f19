"""Notices a client or service sends in a person's name: recalls, receipts, Teams."""

from __future__ import annotations

import pytest

from app.mail.clientnotice import read_client_notice
from app.mail.parse import parse
from app.mail.pipeline import decide

from .builders import make_context


def _mail(subject: str, body: str, sender: str = "Peter Holm <peter.holm@outlook.com>",
          to: str = "sekretariat@samarbejdsforum.test", headers: str = "") -> bytes:
    """Return a plain-text message as Exchange relays it."""
    return (f"{headers}From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
            "Message-ID: <n-1@outlook.com>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
            f"\r\n{body}\r\n").encode()


@pytest.mark.parametrize(("raw", "kind"), [
    (_mail("Tilbagekald: SV: Indkaldelse", 'Peter Holm vil gerne tilbagekalde meddelelsen '
           '"SV: Indkaldelse".'), "recall"),
    (_mail("Recall: RE: Invitation", 'Peter Holm would like to recall the message, '
           '"RE: Invitation".'), "recall"),
    (_mail("SV: Indkaldelse", "Ja tak", headers="X-MS-Exchange-RecallReportGenerated: true\r\n"),
     "recall"),
    (_mail("Leveret: Indkaldelse", "Din meddelelse er leveret til følgende modtagere:"),
     "delivery"),
    (_mail("Tilbagekald: SV: Indkaldelse", 'Anne Jensen ønsker at tilbagekalde meddelelsen '
           '"SV: Indkaldelse".'), "recall"),
    (_mail("Meddelelse om videresendt møde: Indkaldelse", "Dit møde er videresendt"),
     "meeting-forward"),
    (_mail("Du har gået glip af aktivitet i Microsoft Teams", "Lars: Jeg deltager gerne",
           sender="Microsoft Teams <noreply@emeaemail.teams.microsoft.com>"), "teams"),
    (_mail("Delivered: Invitation", "Your message has been delivered to the following"),
     "delivery"),
    (_mail("Meeting Forward Notification: Invitation", "Your meeting was forwarded"),
     "meeting-forward"),
    (_mail("Videresendt mødeinvitation: Indkaldelse", "Dit møde er videresendt"),
     "meeting-forward"),
    (_mail("Peter Holm sent you a message", "Yes, I'm coming",
           sender="Microsoft Teams <no-reply@teams.mail.microsoft>"), "teams"),
    (_mail("Peter Holm har sendt dig en besked", "Ja",
           sender="Microsoft Teams <noreply@email.teams.microsoft.com>"), "teams"),
    (_mail('Peter Holm har delt "Bilag.docx" med dig', "Jeg deltager gerne",
           sender="Peter Holm (via SharePoint) <no-reply@sharepointonline.com>"), "sharepoint"),
    (_mail('Peter Holm har delt "Bilag.docx" med dig', "Her er bilaget",
           sender="Kommunen <noreply@kommune.example.dk>"), "service"),
])
def test_client_notices(raw, kind):
    notice = read_client_notice(parse(raw))
    assert notice is not None and notice.kind == kind


@pytest.mark.parametrize("raw", [
    _mail("SV: Indkaldelse", "Jeg har delt dagsordenen med min suppleant. Jeg kommer."),
    _mail("Leverandørmøde", "Kan vi flytte det?"),
    _mail("Re: Recall of the budget", "I recall we agreed on Thursday; I'll be there."),
    _mail("Microsoft Teams-link til mødet?", "Kommer der et link?"),
])
def test_what_people_write_is_no_client_notice(raw):
    assert read_client_notice(parse(raw)) is None


def test_a_recall_goes_to_a_person_beside_the_invitation_it_concerns():
    ctx, address = make_context(43, "peter.holm@outlook.com", status="accepted")
    decision = decide(_mail("Tilbagekald: SV: Indkaldelse", 'Peter Holm vil gerne '
                            'tilbagekalde meddelelsen "SV: Indkaldelse".', to=address), ctx)
    assert (decision.kind, decision.rsvp, decision.invitation_id, decision.needs_review) == (
        "unknown", None, 43, True)
    assert ("recalls an earlier message about invitation 43 (recorded answer: accepted): "
            "check that answer") in decision.reasons


def test_a_recall_naming_no_invitation_still_waits():
    ctx, _ = make_context()
    decision = decide(_mail("Recall: RE: Invitation", "John Smith would like to recall the "
                            'message, "RE: Invitation".'), ctx)
    assert (decision.kind, decision.invitation_id, decision.needs_review) == (
        "unknown", None, True)


def test_a_teams_notice_quoting_a_yes_is_noise():
    ctx, _ = make_context()
    decision = decide(_mail("Peter Holm sent you a message", '"Ja, jeg kommer"',
                            sender="Microsoft Teams <no-reply@teams.mail.microsoft>"), ctx)
    assert (decision.kind, decision.rsvp, decision.needs_review) == ("auto_reply", None, False)


def test_a_danish_not_read_notice_is_a_read_receipt():
    ctx, address = make_context()
    decision = decide(_mail("Ikke læst: Indkaldelse", "Din meddelelse blev slettet uden at "
                            "være læst.", to=address), ctx)
    assert (decision.kind, decision.invitation_id) == ("auto_reply", 42)
    assert decision.reasons[0].startswith("read receipt")
