"""Property tests: whatever names and titles the database holds, the mail stays valid."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.mail.compose import compose_invitation, compose_minutes
from app.mail.compose_minutes import safe_filename
from app.mail.messages import AgendaLine, MinutesItem, RecipientInfo
from tests.compose.cases import FORUM, MEETING, MINUTES, NOW, TOKEN
from tests.compose.helpers import body_of, event_of, reparse

# Printable text in any script, with the odd line break a form field lets through.
# A literal backslash-N is left out: icalendar 7 reads and writes it as a line
# break (its RFC 5545 escaping handles "\N" before "\\"), an upstream quirk.
TEXT = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Co", "Cn")) | st.just("\n"),
        min_size=1,
        max_size=300,
    )
    .filter(lambda s: s.strip())
    .filter(lambda s: "\\N" not in s)
)


def assert_wire_safe(raw: bytes) -> None:
    """Assert RAW is CRLF-only, ASCII, with no line over the RFC 5322 limit."""
    assert raw.isascii()
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXT, title=TEXT, location=TEXT, summary=TEXT)
def test_invitation_survives_any_text(name: str, title: str, location: str, summary: str) -> None:
    meeting = replace(
        MEETING, title=title, location=location, agenda=[AgendaLine(1, title, summary)]
    )
    recipient = RecipientInfo(name, "someone@example.dk")
    msg = compose_invitation(FORUM, meeting, recipient, TOKEN, now=NOW)
    assert_wire_safe(msg.as_bytes())
    parsed = reparse(msg)
    assert parsed["To"].addresses[0].addr_spec == "someone@example.dk"
    # Compared without spaces: CPython's folder can drop the space between two
    # adjacent encoded-words (seen with astral-plane characters), a cosmetic loss.
    squeezed = "".join(parsed["Subject"].split())
    assert squeezed.startswith("Indkaldelse:" + "".join(title.split()))
    event = event_of(msg)
    assert event["SUMMARY"] == title
    assert event["LOCATION"] == location
    text = " ".join(body_of(parsed, "text/plain").split())
    assert f"Kære {' '.join(name.split())} " in text


@settings(max_examples=30, deadline=None)
@given(body=TEXT, filename=TEXT)
def test_minutes_survive_any_text(body: str, filename: str) -> None:
    minutes = replace(
        MINUTES,
        items=[MinutesItem(1, "Punkt", body)],
        attachments=[(filename, "text/csv", body.encode())],
    )
    msg = compose_minutes(FORUM, MEETING, minutes, RecipientInfo("A", "a@example.dk"))
    assert_wire_safe(msg.as_bytes())
    (attachment,) = reparse(msg).iter_attachments()
    assert attachment.get_payload(decode=True) == body.encode()
    assert attachment.get_filename() == safe_filename(filename)
