"""The secretary's answer from the Post page: threaded, not automatic, her words as written."""

from email import message_from_bytes, policy

from app.mail.compose_reply import compose_reply, references, reply_subject
from tests.compose.cases import FORUM, FORUM_EN, MEMBER, NOW, TOKEN


def _read(msg):
    return message_from_bytes(msg.as_bytes(), policy=policy.default)


def test_the_answer_threads_under_the_mail_and_its_references():
    msg = _read(compose_reply(FORUM, MEMBER, "Sv: Indkaldelse", "Lokalet er 2.14.\n\nHilsen",
                              in_reply_to="svar@x.test", earlier_references=["<inv@forum>"],
                              token=TOKEN, now=NOW))
    assert msg["In-Reply-To"] == "<svar@x.test>"
    assert msg["References"] == "<inv@forum> <svar@x.test>"
    assert msg["Subject"] == "Sv: Indkaldelse"
    assert TOKEN in msg["Reply-To"]  # an answer to it finds the invitation
    assert msg["Auto-Submitted"] is None  # a person wrote it
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Lokalet er 2.14.\n\nHilsen") and "Med venlig hilsen" in text
    assert "sendt automatisk" not in text


def test_subject_prefixes_are_not_doubled():
    assert reply_subject("RE: Sv: Fw: Mødet", "da") == "Sv: Mødet"
    assert reply_subject("Mødet", "en") == "Re: Mødet"
    assert reply_subject("", "da") == "Sv:"


def test_references_keep_the_first_and_the_newest():
    ids = [f"<{n}@x>" for n in range(30)]
    found = references("new@x", ids).split()
    assert len(found) == 20 and found[0] == "<0@x>" and found[-1] == "<new@x>"


def test_an_english_forum_answers_in_english():
    msg = _read(compose_reply(FORUM_EN, MEMBER.__class__("Anne", "anne@x.test"), "Question",
                              "Room 2.14.", now=NOW))
    assert msg["Subject"] == "Re: Question" and msg["In-Reply-To"] is None
    assert "Kind regards" in msg.get_body(("plain",)).get_content()
