"""Helpers to parse composed messages back the way a receiving client would."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

import icalendar


def reparse(msg: EmailMessage) -> EmailMessage:
    """Return MSG serialised for SMTP and parsed back."""
    return email.message_from_bytes(msg.as_bytes(), policy=policy.default)


def part_of(msg: EmailMessage, content_type: str) -> EmailMessage | None:
    """Return the first part of MSG with CONTENT_TYPE, or None."""
    return next((p for p in msg.walk() if p.get_content_type() == content_type), None)


def calendar_of(msg: EmailMessage) -> tuple[EmailMessage, icalendar.Calendar]:
    """Return the text/calendar part of MSG and its parsed calendar."""
    part = part_of(reparse(msg), "text/calendar")
    assert part is not None, "no text/calendar part"
    return part, icalendar.Calendar.from_ical(part.get_content())


def event_of(msg: EmailMessage) -> icalendar.Event:
    """Return the single VEVENT of MSG's calendar part."""
    (event,) = calendar_of(msg)[1].walk("VEVENT")
    return event


def structure(msg: EmailMessage) -> str:
    """Return the MIME tree of MSG: "multipart/alternative(text/plain, text/html)"."""
    if not msg.is_multipart():
        return msg.get_content_type()
    inner = ", ".join(structure(part) for part in msg.iter_parts())
    return f"{msg.get_content_type()}({inner})"


def body_of(msg: EmailMessage, content_type: str) -> str:
    """Return the decoded text of MSG's CONTENT_TYPE part with the wire CRLFs as LF."""
    part = part_of(msg, content_type)
    assert part is not None, f"no {content_type} part"
    return part.get_content().replace("\r\n", "\n")
