"""Negations the phrase table cannot resolve go to a person, never to the opposite answer."""

from __future__ import annotations

import pytest

from app.mail.negation import is_negation
from app.mail.pipeline import decide
from app.mail.wording import classify

from .builders import make_context

# Two negations, or one that governs the answer from another clause.
DOUBTS = [
    "Jeg kan ikke se, hvorfor jeg ikke skulle komme.",
    "Det er ikke fordi jeg ikke vil, men jeg kan ikke nå det.",
    "Jeg har ikke noget imod at komme.",
    "Der er ingen grund til ikke at komme.",
    "Jeg ser ingen grund til, at jeg ikke skulle deltage.",
    "Jeg tror ikke, at jeg kommer.",
    "Jeg mener ikke, jeg kan deltage.",
    "Hvis ikke der kommer noget i vejen, så kommer jeg.",
    "Medmindre jeg ikke får fri, deltager jeg.",
    "Jeg er ikke sikker på, at jeg ikke kan komme.",
    "I can't say I won't be there.",
    "I don't see why I shouldn't be able to join.",
    "I wouldn't mind attending.",
    "I don't think I'll come.",
    "There is no reason I can't attend.",
    "Unless I don't get the day off, I'll be there.",
    "Jeg kan ikke forestille mig, at jeg ikke skulle kunne komme.",
    "It's not that I don't want to come, but I'm travelling that week.",
]
# One negation on its own verb still reads, whatever the other clauses say.
SINGLES = [
    ("Jeg kan ikke komme", "declined"),
    ("Jeg kan desværre ikke komme, da jeg ikke kan få fri.", "declined"),
    ("Jeg kommer ikke. Jeg har ikke tid den dag.", "declined"),
    ("Jeg har ikke tid, og jeg kan ikke komme.", "declined"),
    ("Jeg tror ikke jeg kan komme.", "declined"),
    ("Jeg kan desværre ikke deltage, da jeg ikke er i landet.", "declined"),
    ("Ikke noget problem, jeg kommer gerne.", "accepted"),
    ("Jeg har ikke set dagsordenen endnu, men jeg kommer.", "accepted"),
    ("Sorry, I can't make it, I'm not in town that week.", "declined"),
    ("I'm not able to make it this time.", "declined"),
    ("I don't think I can come.", "declined"),
    ("I wouldn't miss it.", "accepted"),
    ("Kan ikke vente!", "accepted"),
    ("Jeg ved ikke om jeg kan komme.", "tentative"),
    ("I'm not sure I can make it.", "tentative"),
]


@pytest.mark.parametrize("text", DOUBTS)
def test_unresolvable_negations_go_to_review(text):
    verdict = classify(text)
    assert (verdict.answer, verdict.review) == (None, True), verdict.reasons
    assert verdict.reasons[0].startswith("double negation"), verdict.reasons


@pytest.mark.parametrize(("text", "answer"), SINGLES)
def test_single_negations_keep_their_answer(text, answer):
    verdict = classify(text)
    assert (verdict.answer, verdict.review) == (answer, False), verdict.reasons


@pytest.mark.parametrize(("word", "negates"), [
    ("ikke", True), ("ingen", True), ("not", True), ("won't", True), ("shouldn't", True),
    ("cannot", True), ("nej", False), ("no", False), ("nok", False)])
def test_negation_words(word, negates):
    assert is_negation(word) is negates


def test_a_double_negation_by_mail_waits_with_its_reason():
    ctx, address = make_context()
    raw = (f"From: anne.jensen@example.dk\r\nTo: {address}\r\nSubject: Re: Indkaldelse\r\n"
           "Message-ID: <n-1@example.dk>\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\n"
           "Jeg ser ingen grund til ikke at komme.\r\n").encode()
    decision = decide(raw, ctx)
    assert (decision.kind, decision.rsvp, decision.invitation_id, decision.needs_review) == (
        "rsvp", None, 42, True)
    assert "double negation: 'ingen' and 'ikke' in one sentence" in decision.reasons
