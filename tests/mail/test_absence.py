"""Absence notices without auto headers: told by what they say, in Danish and English."""

from __future__ import annotations

import pytest

from app.mail.absence import read_absence
from app.mail.pipeline import decide

from .builders import make_context

# As Outlook rules, phones and canned answers write them: away, and back or mail waits.
NOTICES = [
    "Jeg er ikke på kontoret. Jeg er tilbage mandag.",
    "Jeg har ferie til og med fredag den 6. marts.",
    "Jeg holder ferie til og med uge 9 og læser ikke mails.",
    "Jeg er på kursus i dag og er tilbage på kontoret i morgen.",
    "Jeg er på barselsorlov frem til 1. august. Din mail bliver ikke videresendt.",
    "Jeg er på forældreorlov indtil den 1. september. Kontakt venligst sekretariatet.",
    "Jeg læser ikke mails før tirsdag den 3. marts.",
    "Tak for din mail. Jeg er fraværende indtil mandag den 9. marts.",
    "Jeg er sygemeldt og har ingen adgang til min mail.",
    "Jeg er på tjenesterejse t.o.m. torsdag. I akutte sager ring til 33 66 33 66.",
    "I am out of the office until Monday 9 March.",
    "I'm on annual leave, returning on 16 March.",
    "I am currently away with limited access to email.",
    "I'm on parental leave until September. Please contact Emma Clark instead.",
    "I'm on sick leave and will be back in the office on 20 March.",
    "Thank you for your message. I am on vacation and will reply when I return.",
    "I'm on a business trip until Friday. For urgent matters please call reception.",
    "Jeg holder vinterferie og er tilbage på kontoret den 2. marts.",
    "Jeg er ude at rejse frem til den 10. marts og tjekker kun mail sporadisk.",
    "Jeg er på efteruddannelse hele ugen og har ikke adgang til mails.",
    "I'm away from my desk until Tuesday 3rd March and will respond on my return.",
]
# What members write in an answer: one of the signs alone is no notice.
ANSWERS = [
    "Jeg er på ferie den uge, så jeg kan desværre ikke komme.",
    "Jeg er på ferie.", "Jeg har ferie.", "Tak for din mail, jeg kommer gerne.",
    "Jeg kommer, men først kl. 10 - jeg er på kursus indtil kl. 9.30.",
    "I'm on holiday that week, sorry.", "Thank you for your email, I will attend.",
    "Kontakt venligst min suppleant Jens.", "Jeg er tilbage fra ferie og kommer gerne.",
    "I'll be back from Berlin in time, count me in.",
    "Jeg er på ferie i uge 11, så jeg kan ikke deltage.",
]


@pytest.mark.parametrize("text", NOTICES)
def test_absence_notices(text):
    assert read_absence(text) is not None, text


@pytest.mark.parametrize("text", ANSWERS)
def test_answers_are_no_absence_notice(text):
    assert read_absence(text) is None, read_absence(text)


def test_the_notice_words_are_blanked_for_the_answer_search():
    found = read_absence("Jeg er på barsel frem til 1. august. Din mail bliver ikke læst.")
    assert "ikke" not in found.rest and "barsel" not in found.rest
    assert found.phrases[:2] == ("på barsel", "frem til 1")


def _reply(body: str, to: str) -> bytes:
    """Return a reply as Outlook sends an absence rule's answer: SV:, no auto headers."""
    return ("From: Anne Jensen <anne.jensen@example.dk>\r\n"
            f"To: Samarbejdsforum <{to}>\r\nSubject: SV: Indkaldelse: Møde 12. marts\r\n"
            "Message-ID: <oof-1@example.dk>\r\nIn-Reply-To: <inv-42-20260224T091200@"
            "samarbejdsforum.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
            "charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            f"{body}\r\n\r\nVenlig hilsen\r\nAnne Jensen\r\n").encode()


def test_an_absence_notice_is_an_auto_reply_linked_to_its_invitation():
    ctx, address = make_context()
    decision = decide(_reply("Jeg er på kursus og har ikke mulighed for at læse mails. "
                             "Jeg er tilbage mandag.", address), ctx)
    assert (decision.kind, decision.invitation_id, decision.needs_review) == (
        "auto_reply", 42, False)
    assert decision.reasons[0].startswith("absence notice: 'på kursus'")


def test_an_absence_notice_with_an_answer_of_its_own_goes_to_a_person():
    ctx, address = make_context()
    decision = decide(_reply("Jeg kan desværre ikke komme. Jeg er på ferie til og med "
                             "den 15. marts.", address), ctx)
    assert (decision.kind, decision.rsvp, decision.needs_review) == ("rsvp", "declined", True)
    assert any(r.startswith("absence notice ('på ferie'") for r in decision.reasons)
