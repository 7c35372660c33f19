"""The Danish and English RSVP wording rules, phrase by phrase."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.mail.wording import (
    asks_question,
    blank,
    classify,
    classify_subject,
    normalize,
    read_answer,
)

ACCEPTED = [
    "Ja", "ja tak", "Ja tak!", "JA", "Jeg kommer", "jeg kommer gerne", "Kommer gerne :)",
    "Jeg deltager", "Deltager", "Jeg deltager gerne i mødet", "Jeg kan godt komme",
    "Det kan jeg godt", "Jeg er med", "Tæl mig med", "Regn med mig",
    "Tak for invitationen. Jeg kommer gerne.", "Selvfølgelig kommer jeg",
    "Hej Anne, ja det gør jeg", "Jeg bekræfter hermed min deltagelse", "Vi ses torsdag!",
    "Jeg glæder mig til at se jer", "Jeg kommer, måske lidt forsinket",
    "Jeg kan godt komme, men først kl. 10", "Jeg vil meget gerne deltage",
    "Yes", "yes please", "Yes, I'll be there", "I'll be there", "I will attend",
    "I will be there", "Count me in", "count me in!", "I can make it", "I'm coming",
    "Happy to attend", "I would love to join", "I accept", "See you there",
    "Looking forward to it", "Sure, see you on Thursday", "Yes, but I may be a bit late",
    "I wouldn't miss it", "Kan ikke vente!", "👍", "Ok", "Jeg regner med at komme",
    "Jeg skal nok komme", "I'd be delighted to attend", "I plan to attend", "Deltagelse bekræftet",
    "Jeg kan desværre kun deltage den første time", "I can only attend the first hour",
    "Sure thing, see you there!", "Happy to join!", "Jeg deltager online", "Yep",
]
DECLINED = [
    "Nej", "nej tak", "Nej desværre", "Afbud", "Jeg melder afbud", "Jeg må desværre melde afbud",
    "Afbud fra mig", "Jeg kan ikke", "Kan desværre ikke", "Jeg kan desværre ikke deltage",
    "Jeg kommer ikke", "Jeg kommer desværre ikke", "Jeg deltager ikke", "Deltager desværre ikke",
    "Jeg sender min suppleant", "Min suppleant Jens kommer i stedet", "Jeg er forhindret",
    "Jeg er desværre forhindret den dag", "Jeg har ikke mulighed for at deltage",
    "Det kan jeg desvaerre ikke", "Jeg når det ikke", "Jeg må takke nej",
    "Jeg har desværre et andet møde", "Desværre", "Jeg er på ferie",
    "Jeg kan desværre ikke komme, men måske næste gang",
    "Kan ikke deltage", "Det passer mig desværre ikke",
    "No", "No, sorry", "Sorry, I can't make it", "Can't make it", "I cannot attend",
    "I won't be able to attend", "Unfortunately I won't be able to come",
    "I'm unable to attend", "Regrets", "Please accept my regrets", "I have to decline",
    "I'm not able to make it this time", "I would love to come but I have another commitment",
    "Not attending", "I will not attend", "Unfortunately no", "Sorry, I can't.",
    "My deputy will attend instead of me", "I'm afraid I have a prior engagement",
    "Jeg har fået forfald", "I have a clash that day", "I'll send my deputy", "Nope",
    "Apologies – can't make this one.", "Jeg kan desværre ikke komme, da jeg er syg.",
]
TENTATIVE = [
    "Måske", "maaske", "Maske", "Muligvis", "Jeg ved ikke endnu", "Ved ikke endnu",
    "Jeg ved det ikke endnu", "Ikke sikker endnu", "Jeg er ikke sikker", "Jeg kommer måske",
    "Jeg kommer nok", "Det afhænger af toget", "Jeg vender tilbage", "Ja, måske",
    "Jeg ved ikke om jeg kan komme", "Jeg er ikke sikker på, at jeg kan komme",
    "Foreløbigt ja", "Det kan jeg ikke sige endnu", "Kan måske ikke komme",
    "Maybe", "maybe!", "Not sure yet", "I'm not sure I can make it", "Tentative",
    "I'll try to make it", "I might be able to come", "Don't know yet", "Perhaps",
    "I'll let you know", "Possibly", "It depends on my flight", "I'll probably come",
    "Jeg kan nok godt komme", "Jeg kommer gerne, hvis mødet flyttes til kl. 10",
    "I'll attend if the meeting is moved to the afternoon",
]
CONFLICTS = [
    "Nej, jeg kommer gerne", "Ja, jeg kan desværre ikke", "Yes. No.", "Jeg kommer. Afbud.",
    "Ja tak. Jeg må desværre melde afbud.", "I'll be there. Actually, I can't make it.",
]
SILENT = [
    "", "Hej", "Tak for invitationen", "Hvor ligger lokalet?", "Mvh Anne",
    "Thanks for the invitation", "Hi Anne, thanks", "No problem at all with the agenda",
    "Se vedhæftede", "Please find attached",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted(text):
    assert classify(text).answer == "accepted", classify(text).reasons


@pytest.mark.parametrize("text", DECLINED)
def test_declined(text):
    assert classify(text).answer == "declined", classify(text).reasons


@pytest.mark.parametrize("text", TENTATIVE)
def test_tentative(text):
    assert classify(text).answer == "tentative", classify(text).reasons


@pytest.mark.parametrize("text", CONFLICTS)
def test_conflicts_go_to_review(text):
    verdict = classify(text)
    assert (verdict.answer, verdict.review) == (None, True)
    assert verdict.reasons[0].startswith("conflicting answers")


@pytest.mark.parametrize("text", SILENT)
def test_no_signal_is_no_guess(text):
    verdict = classify(text)
    assert (verdict.answer, verdict.review) == (None, True)


@pytest.mark.parametrize(("subject", "answer"), [
    ("Afbud", "declined"), ("Afbud til mødet", "declined"), ("afbud 12/3", "declined"),
    ("Accepted: Cooperation Forum", "accepted"), ("Accepteret: Møde", "accepted"),
    ("Declined: Cooperation Forum", "declined"), ("Afvist: Møde", "declined"),
    ("Tentative: Cooperation Forum", "tentative"), ("Foreløbig: Møde", "tentative"),
    ("Foreløbigt accepteret: Møde", "tentative"), ("SV: Accepteret: Møde", "accepted"),
    ("Kommer gerne", "accepted"), ("Melder afbud", "declined"),
    ("Re: Invitation: Møde i Samarbejdsforum", None), ("SV: Afbud", None),
    ("Invitation: Kan vi mødes?", None),
])
def test_subject(subject, answer):
    assert classify_subject(subject).answer == answer


def test_subject_counts_only_when_the_body_says_nothing():
    assert read_answer("", "Afbud").answer == "declined"
    assert read_answer("Hej\n\nMvh Lars", "Afbud").answer == "declined"
    assert read_answer("Jeg kommer gerne", "Accepteret: Møde").answer == "accepted"
    conflict = read_answer("Jeg kommer gerne", "Afbud")
    assert (conflict.answer, conflict.review) == (None, True)
    assert read_answer("Desværre", "Afbud").answer == "declined"


def test_reasons_name_the_words():
    assert classify("Jeg må desværre melde afbud").reasons[0] == "body says 'afbud'"
    assert classify("Kan ikke deltage").reasons == ["body says 'kan ikke'"]


def test_question():
    assert asks_question("Ja. Skal jeg tage noget med?")
    assert not asks_question("Ja, se https://example.dk/?id=3")


def test_normalize_marks_sentences_and_keeps_danish_letters():
    assert normalize("Hej Anne,\nJeg kan IKKE.  Mvh") == "hej anne , | jeg kan ikke | mvh"
    assert normalize("Det er lige før\njeg er der") == "det er lige før | jeg er der"


def test_wrapped_lines_are_joined():
    text = ("Tak for invitationen, den er modtaget, og jeg har set på datoen og jeg kommer\n"
            "ikke, da jeg er bortrejst.")
    assert classify(text).answer == "declined"


@given(text=st.text(alphabet="ab #|\n", max_size=40),
       pattern=st.sampled_from(["a+", "ab", "b?", r"\ba", "a|b b", "x", "#"]),
       fill=st.sampled_from(["#", " "]))
def test_blanking_known_matches_is_what_re_sub_gives(text, pattern, fill):
    """The phrase table blanks matches it already found: the same text as a second re.sub."""
    compiled = re.compile(pattern)
    expected = compiled.sub(lambda m: fill * len(m.group(0)), text)
    assert blank(text, list(compiled.finditer(text)), fill) == expected
