"""Quote stripping and forward extraction on bodies: the corpus's and our own."""

from __future__ import annotations

import pytest

from app.mail.forward import split_forward, strip_forward_prefix
from app.mail.htmltext import html_to_text
from app.mail.quotes import is_closing_line, own_words

from .builders import CORPUS

BODIES = CORPUS / "bodies_only"
needs_corpus = pytest.mark.skipif(not BODIES.is_dir(), reason="shared corpus not present")


def _body(name: str) -> str:
    return (BODIES / name).read_text(encoding="utf-8-sig")


@needs_corpus
@pytest.mark.parametrize(("name", "expected"), [
    ("plain_reply/alfonsrv+mail-parser-reply__email_danish_1.txt",
     "Hej Peter,\n\nTak for din mail. Det lyder godt."),
    ("plain_reply/alfonsrv+mail-parser-reply__email_danish_2.txt",
     "Hej Hanne,\n\nJeg har modtaget filerne."),
    ("plain_reply/alfonsrv+mail-parser-reply__email_danish_3.txt", "Hej,\n\nSvar."),
    ("plain_reply/alfonsrv+mail-parser-reply__email_danish_4.txt", "Hej,\n\nSvar."),
    ("plain_reply/alfonsrv+mail-parser-reply__email_danish_5.txt", "Hej,\n\nSvar."),
    ("plain_reply/zapier+email-reply-parser__email_BlackBerry.txt", "Here is another email"),
    ("plain_reply/zapier+email-reply-parser__email_iPhone.txt", "Here is another email"),
    ("plain_reply/zapier+email-reply-parser__email_multi_word_sent_from_my_mobile_device.txt",
     "Here is another email"),
    ("plain_reply/zapier+email-reply-parser__email_headers_no_delimiter.txt",
     "And another reply!"),
    ("plain_reply/zapier+email-reply-parser__email_gmail.txt",
     "This is a test for inbox replying to a github message."),
])
def test_own_words_of_corpus_replies(name, expected):
    assert own_words(_body(name)) == expected


@needs_corpus
@pytest.mark.parametrize("name", [
    "plain_reply/crisp-oss+email-reply-parser__email_danish_dash_separator.txt",
    "plain_reply/crisp-oss+email-reply-parser__email_norwegian_gmail.txt",
])
def test_quoted_header_blocks_are_cut(name):
    words = own_words(_body(name))
    assert words.startswith("Fusce bibendum")
    assert words.endswith("nec nibh.")


@needs_corpus
@pytest.mark.parametrize(("name", "date"), [
    ("apple_mail_da_body.txt", "26. oktober 2021 kl. 14.25.08 EEST"),
    ("gmail_da_body.txt", "ons. 27. okt. 2021 kl. 09.31"),
    ("new_outlook_2019_da_body.txt", "torsdag, 28. oktober 2021 kl. 12.06"),
    ("thunderbird_da_body.txt", "Wed, 3 Nov 2021 15:51:30 +0100"),
    ("yahoo_da_body.txt", "tirsdag den 2. november 2021 09.26.50 CET"),
    ("outlook_2019_da_body.txt", "28/10/2021 12.46"),
])
def test_corpus_danish_forwards(name, date):
    found = split_forward(_body(f"forward/crisp-oss+email-forward-parser__{name}"))
    assert found is not None
    assert (found.sender, found.sender_name, found.date) == ("john.doe@acme.com", "John Doe", date)
    if name != "outlook_2019_da_body.txt":  # that one names no subject
        assert found.subject == "Integer consequat non purus"
    assert found.body.startswith("Aenean quis diam urna.")
    assert "Praesent ac ligula orci" in found.body


@needs_corpus
@pytest.mark.parametrize("name", ["new_outlook_2019_da_subject.txt", "outlook_live_da_subject.txt"])
def test_corpus_forward_subjects(name):
    subject = _body(f"forward/crisp-oss+email-forward-parser__{name}").strip()
    assert strip_forward_prefix(subject) == "Integer consequat non purus"


@pytest.mark.parametrize(("text", "expected"), [
    ("Ja tak\n\nDen tir. 8. dec. 2026 kl. 10.12 skrev Anne Jensen <\nanne@example.dk>:\n\n> Nej",
     "Ja tak"),
    ("Yes\n\nOn Tue, Dec 8, 2026 at 10:12 AM Anne Jensen <\nanne@example.dk> wrote:\n> No", "Yes"),
    ("Nej\n\nSendt fra min iPhone\n\n> Den 8. dec. 2026 kl. 10.12 skrev Anne <a@b.dk>:\n> Ja",
     "Nej"),
    ("Jeg kommer\n\n-----Oprindelig meddelelse-----\nFra: X\nSendt: 1\nTil: y\nEmne: z\n\nafbud",
     "Jeg kommer"),
    ("I'll be there\n\n-----Original Message-----\nFrom: X\nSent: 1\nTo: y\n\nno", "I'll be there"),
    ("Kan ikke\n\nFra: Samarbejdsforum <s@x.dk>\nSendt: 24. februar 2026 10:12\nTil: A\n"
     "Emne: Invitation\n\nSvar ja eller nej", "Kan ikke"),
    ("Maybe\n________________________________\nFrom: X\nSent: 1\nTo: y\nSubject: s\n\nYes",
     "Maybe"),
    ("Hej Anne\n\nTak for invitationen. Jeg kommer gerne.\n\nMvh\nPeter",
     "Hej Anne\n\nTak for invitationen. Jeg kommer gerne."),
    ("Ja\n> Svar venligst ja eller nej\n> Meld afbud", "Ja"),
    ("Fra: X\nSendt: 1\nTil: y\nEmne: z\n\nkan ikke", ""),
    ("Afbud\n\nMed venlig hilsen\nLars Bæk\nAfdelingsleder", "Afbud"),
    ("Jeg deltager\n\nSent from my iPhone", "Jeg deltager"),
])
def test_own_words(text, expected):
    assert own_words(text) == expected


@pytest.mark.parametrize(("line", "closing"), [
    ("Mvh Anne", True), ("Med venlig hilsen", True), ("--", True), ("Sendt fra min iPhone", True),
    ("Best regards, John Smith", True), ("Tak for invitationen, jeg kommer gerne", False),
    ("Tak, jeg kommer", False), ("- jeg kan desværre ikke komme til mødet", False),
])
def test_closing_lines(line, closing):
    assert is_closing_line(line) is closing


def test_html_to_text_drops_script_style_and_marks_quotes():
    html = ("<html><head><style>p{color:red}</style><script>alert('ja')</script></head><body>"
            "<p>Jeg kommer&nbsp;gerne</p><blockquote type='cite'><p>Svar ja eller nej</p>"
            "</blockquote><p>Hilsen</p></body></html>")
    text = html_to_text(html)
    assert "alert" not in text and "color" not in text
    assert "Jeg kommer gerne" in text
    assert "> Svar ja eller nej" in text
    assert own_words(text) == "Jeg kommer gerne"


def test_no_forward_in_plain_text():
    assert split_forward("Hej\n\nJeg foreslår et punkt om budgettet.\n\nMvh Peter") is None
