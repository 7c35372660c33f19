"""Headers and MIME structure of every composed message, as a receiving MTA sees them."""

from __future__ import annotations

import email
import re
from dataclasses import replace
from email import policy
from email.utils import parsedate_to_datetime

import pytest

from app.mail.compose import (
    compose_agenda_receipt,
    compose_invitation,
    compose_minutes,
    compose_rsvp_confirmation,
)
from app.mail.messages import RecipientInfo
from app.mail.tokens import read_token, split_subaddress
from tests.compose.cases import (
    AUTOMATIC,
    CASES,
    FORUM,
    INVITATION_ID,
    MEETING,
    MEMBER,
    MINUTES,
    NOW,
    SECRET,
    TOKEN,
)
from tests.compose.helpers import body_of, reparse, structure

ALL = sorted(CASES)
ENCODINGS = {"7bit", "quoted-printable", "base64"}


@pytest.mark.parametrize("name", ALL)
def test_wire_format_is_crlf_with_short_lines(name: str) -> None:
    raw = CASES[name]().as_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n"), "bare LF on the wire"
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert raw.isascii(), "8-bit data without a transfer encoding"


@pytest.mark.parametrize("name", ALL)
def test_every_leaf_part_has_a_7bit_safe_encoding(name: str) -> None:
    parsed = reparse(CASES[name]())
    for part in parsed.walk():
        if not part.is_multipart():
            assert part["Content-Transfer-Encoding"] in ENCODINGS, part.get_content_type()
    # MIME-Version belongs on the top-level header only.
    assert [p for p in parsed.walk() if p["MIME-Version"]] == [parsed]


@pytest.mark.parametrize("name", ALL)
def test_common_headers(name: str) -> None:
    parsed = reparse(CASES[name]())
    assert parsed["Message-ID"] == "<fixed.0001@samarbejdsforum.test>"
    assert parsedate_to_datetime(parsed["Date"]) == NOW
    assert parsed["From"] == "Samarbejdsforum <sekretariat@samarbejdsforum.test>"
    assert len(parsed["To"].addresses) == 1
    assert parsed["Content-Language"] == ("en" if name.endswith("_en") else "da")
    assert parsed["Subject"]


@pytest.mark.parametrize("name", ALL)
def test_auto_submitted_only_on_automatic_mail(name: str) -> None:
    parsed = reparse(CASES[name]())
    if name in AUTOMATIC:
        assert parsed["Auto-Submitted"] == "auto-generated"
        assert parsed["X-Auto-Response-Suppress"] == "All"
    else:
        assert parsed["Auto-Submitted"] is None
        assert parsed["X-Auto-Response-Suppress"] is None


@pytest.mark.parametrize(
    "name",
    sorted(n for n in CASES if n.startswith(
        ("invitation", "cancellation", "reminder", "alternate_called", "rsvp_"))),
)
def test_reply_to_token_names_the_invitation(name: str) -> None:
    reply_to = reparse(CASES[name]())["Reply-To"].addresses[0].addr_spec
    base, token = split_subaddress(reply_to)
    assert base == FORUM.sender_address
    assert read_token(token, SECRET) == INVITATION_ID


def test_invitation_structure_and_one_click_link() -> None:
    parsed = reparse(CASES["invitation_member_da"]())
    assert structure(parsed) == (
        "multipart/mixed(multipart/alternative(text/plain, text/html, text/calendar), "
        "application/ics)"
    )
    link = f"https://forumpost.test/r/{TOKEN}"
    assert link in body_of(parsed, "text/plain")
    assert f'href="{link}"' in body_of(parsed, "text/html")


def test_subjects() -> None:
    assert reparse(CASES["invitation_member_da"]())["Subject"] == (
        "Indkaldelse: Møde i Samarbejdsforum 8. dec. 2026"
    )
    assert reparse(CASES["invitation_updated_en"]())["Subject"] == (
        "Updated: Møde i Samarbejdsforum 10 Dec 2026"
    )


def test_fresh_message_id_in_forum_domain() -> None:
    first = compose_invitation(FORUM, MEETING, MEMBER, TOKEN)
    second = compose_invitation(FORUM, MEETING, MEMBER, TOKEN)
    assert first["Message-ID"] != second["Message-ID"]
    assert re.fullmatch(r"<[^<>@]+@samarbejdsforum\.test>", first["Message-ID"])


def test_danish_date_phrase_in_invitation() -> None:
    text = body_of(reparse(CASES["invitation_member_da"]()), "text/plain")
    assert "tirsdag den 8. december 2026 kl. 16.00–18.00" in text
    assert "Svar ja eller nej på denne mail, eller brug knapperne i din kalender" in text


def test_alternate_role_is_stated() -> None:
    text = body_of(reparse(CASES["invitation_alternate_da"]()), "text/plain")
    assert "Du er indkaldt som suppleant for Mette Jensen (FOA)" in text


def test_declined_confirmation_names_the_alternate() -> None:
    text = body_of(reparse(CASES["rsvp_declined_alternate_da"]()), "text/plain")
    assert "Tak, vi har noteret dit afbud. Din suppleant Jens Hansen er indkaldt." in text


def test_confirmation_threads_under_the_answer() -> None:
    msg = compose_rsvp_confirmation(FORUM, MEETING, MEMBER, "accepted", in_reply_to="<a@b.dk>")
    assert msg["In-Reply-To"] == msg["References"] == "<a@b.dk>"


def test_unknown_answer_is_refused() -> None:
    with pytest.raises(ValueError):
        compose_rsvp_confirmation(FORUM, MEETING, MEMBER, "maybe")


def test_html_is_escaped_and_text_is_not() -> None:
    rogue = RecipientInfo('Eve <script>alert("x")</script> & Co', "eve@example.dk")
    parsed = reparse(compose_invitation(FORUM, MEETING, rogue, TOKEN))
    html = body_of(parsed, "text/html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Kære Eve <script>" in body_of(parsed, "text/plain")


def test_line_breaks_in_titles_and_names_do_not_break_headers() -> None:
    rogue = RecipientInfo("Eve\r\nBcc: all@example.dk", "eve@example.dk")
    meeting = replace(MEETING, title="Møde\nBcc: all@example.dk")
    parsed = reparse(compose_invitation(FORUM, meeting, rogue, TOKEN))
    assert parsed["Bcc"] is None
    assert parsed["To"].addresses[0].display_name == "Eve Bcc: all@example.dk"
    assert parsed["Subject"].startswith("Indkaldelse: Møde Bcc: all@example.dk ")


def test_minutes_attachments_survive_the_round_trip() -> None:
    parsed = reparse(compose_minutes(FORUM, MEETING, MINUTES, MEMBER))
    assert structure(parsed) == (
        "multipart/mixed(multipart/alternative(text/plain, text/html), application/pdf)"
    )
    (attachment,) = parsed.iter_attachments()
    assert attachment.get_filename() == "Budget 2027.pdf"
    assert attachment.get_content() == MINUTES.attachments[0].data
    assert attachment["Content-Transfer-Encoding"] == "base64"


def test_minutes_without_attachments_is_plain_alternative() -> None:
    bare = replace(MINUTES, attachments=())
    parsed = reparse(compose_minutes(FORUM, MEETING, bare, MEMBER))
    assert structure(parsed) == "multipart/alternative(text/plain, text/html)"


def test_seat_notice_goes_to_the_secretary() -> None:
    parsed = reparse(CASES["seat_unrepresented_da"]())
    assert parsed["To"].addresses[0].addr_spec == FORUM.sender_address


def test_parses_with_compat32_too() -> None:
    # Old-style consumers (Flask-Mail, mailparser) read messages with compat32.
    raw = CASES["invitation_member_da"]().as_bytes()
    legacy = email.message_from_bytes(raw, policy=policy.compat32)
    assert [p.get_content_type() for p in legacy.walk()][-2:] == [
        "text/calendar", "application/ics"]
    assert legacy.get_payload()[1].get_filename() == "invite.ics"


@pytest.mark.parametrize("given", ["a@b.dk", "<a@b.dk>", " a@b.dk "])
def test_agenda_receipt_threads_with_angle_brackets(given: str) -> None:
    # The parser hands on bare ids; In-Reply-To without brackets threads in no mail client.
    msg = reparse(compose_agenda_receipt(FORUM, "Budget", MEMBER, in_reply_to=given))
    assert msg["In-Reply-To"] == msg["References"] == "<a@b.dk>"
