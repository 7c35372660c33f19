"""An agenda item's summary is its first paragraph of substance, never a greeting."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.mail.agenda import agenda_draft
from app.mail.parse import parse
from app.mail.summary import FORWARD_MARKER, agenda_summary

AGENDA = Path(__file__).resolve().parents[1] / "data" / "agenda"
GREETINGS = ("hej", "kære", "dear", "hi ", "hello")

# What the intake makes of each real forwarded mail, as the invitation's summary.
EXPECTED = {
    "apple_da_videresendt.eml": "Der mangler 200 cykelpladser ved Nørreport.",
    "gmail_da_fwd.eml": "Lyset i gården har været i stykker i tre uger.",
    "new_outlook_header_block.eml": "Forvaltningen sender hermed forslaget",
    "outlook_attached_message_and_pdf.eml": "Vi har modtaget 14 klager over støj",
    "outlook_da_vs_forward.eml": "Vi er en gruppe forældre fra Nørrebro Skole",
    "thunderbird_en_forwarded_message.eml": "Could the forum discuss housing",
    "delivered_to_only.eml": "Jeg foreslår, at vi drøfter budget 2027",
}


def _item_body(name: str) -> str:
    """Return the item text the intake stores for the mail NAME (as services.agenda does)."""
    from app.services.agenda import _body

    mail = parse((AGENDA / name).read_bytes())
    draft, _reasons = agenda_draft(mail)
    return _body(draft, mail.sender)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_forwards_summarise_the_original_not_the_greeting(name: str) -> None:
    summary = agenda_summary(_item_body(name))
    assert summary.startswith(EXPECTED[name])
    assert not summary.lower().startswith(GREETINGS)
    assert FORWARD_MARKER not in summary and "Fra:" not in summary


@pytest.mark.parametrize("greeting", [
    "Hej sekretariat", "Hej sekretariat,", "Kære alle", "Hej,", "Hej!", "Kære Mette og Jens",
    "Dear John,", "Hi all", "Goddag", "Hej alle sammen!",
])
def test_a_greeting_line_is_skipped(greeting: str) -> None:
    body = f"{greeting}\n\nKan vi drøfte budgettet for 2027?\n\nMvh Peter"
    assert agenda_summary(body) == "Kan vi drøfte budgettet for 2027?"


def test_a_greeting_on_the_first_line_of_the_paragraph_is_skipped() -> None:
    assert agenda_summary("Hej sekretariat\nKan vi drøfte budgettet?") == "Kan vi drøfte budgettet?"


def test_a_greeting_opening_the_sentence_is_cut() -> None:
    body = "Hej sekretariat, kan vi tage trafikken på Jagtvej op?"
    assert agenda_summary(body) == "Kan vi tage trafikken på Jagtvej op?"


def test_substance_that_starts_like_a_closing_is_kept() -> None:
    body = "Tak for sidst. Vi vil gerne have cykelparkeringen på dagsordenen."
    assert agenda_summary(body) == body


def test_a_note_without_a_forwarded_text_is_the_summary() -> None:
    body = f"Hej\n\nTil orientering om høringen.\n\n{FORWARD_MARKER}\nFra: x\nEmne: y\n\nHej\n\nMvh"
    assert agenda_summary(body) == "Til orientering om høringen."


def test_long_paragraphs_are_shortened_and_empty_bodies_are_empty() -> None:
    summary = agenda_summary("Hej\n\n" + "ord " * 200)
    assert len(summary) == 300 and summary.endswith("…")
    assert agenda_summary("") == agenda_summary("Hej sekretariat\n\nMvh Peter") == ""
