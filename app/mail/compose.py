"""Compose meeting mails to one recipient: invitations, updates, cancellations, reminders.

Each compose_<event>() is pure: records in, an EmailMessage out, its text in
templates/emails/<event>.txt and .html. The caller sends it and records its
Message-ID. This module also re-exports the notice and minutes composers, so
callers import every compose_<event>() from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any, Literal

from app.mail.compose_base import (
    Stamp,
    add_calendar,
    answer_url,
    mail_language,
    mark_automatic,
    meeting_context,
    new_message,
    one_line,
    recipient_address,
    render_pair,
    seal,
    set_bodies,
    stand_in_phrase,
    subject,
    template_env,
)
from app.mail.compose_minutes import attach, compose_minutes
from app.mail.compose_notices import (
    compose_agenda_receipt,
    compose_agenda_rejected,
    compose_alternate_called,
    compose_rsvp_confirmation,
    compose_seat_unrepresented,
)
from app.mail.itip_out import build_calendar
from app.mail.messages import Attachment, ForumInfo, MeetingInfo, RecipientInfo
from app.mail.tokens import reply_address

CancelKind = Literal["meeting_cancelled", "alternate_released", "withdrawn_mandate",
                     "withdrawn_guest"]


def _context(
    forum: ForumInfo, meeting: MeetingInfo, recipient: RecipientInfo, lang: str, **extra: Any
) -> dict[str, Any]:
    """Return the template variables of a meeting mail to RECIPIENT."""
    return {
        **meeting_context(forum, meeting, lang),
        "recipient": recipient,
        "stand_in": stand_in_phrase(recipient),
        "answer_url": None,
        "agenda_final": False,
        "automatic": False,
        **extra,
    }


def _start(
    forum: ForumInfo, recipient: RecipientInfo, key: str, context: dict[str, Any], stamp: Stamp
) -> EmailMessage:
    """Return a new message to RECIPIENT with the subject KEY for the meeting in CONTEXT."""
    lang, meeting = context["lang"], context["meeting"]
    line = subject(key, lang, title=meeting.title, date=context["short_date"])
    return new_message(forum, recipient_address(recipient), line, stamp)


def _set_reply_to(msg: EmailMessage, forum: ForumInfo, token: str) -> None:
    """Route replies to the token's sub-address, so any reply finds its invitation."""
    address = reply_address(forum.sender_address, token)
    msg["Reply-To"] = Address(one_line(forum.name), addr_spec=address)


@dataclass(frozen=True, slots=True)
class InvitationLetter:
    """What an invitation says to one recipient, in words: its subject and texts."""

    lang: str
    subject: str
    text: str
    html: str
    description: str  # the calendar event's DESCRIPTION


@dataclass(frozen=True, slots=True)
class InvitationContent:
    """What an invitation says to one recipient, before it becomes MIME."""

    lang: str
    subject: str
    text: str
    html: str
    calendar: str


def invitation_letter(
    forum: ForumInfo,
    meeting: MeetingInfo,
    recipient: RecipientInfo,
    token: str,
    *,
    updated: bool = False,
) -> InvitationLetter:
    """Return the subject and texts of an invitation to RECIPIENT."""
    if updated and meeting.sequence < 1:
        # Calendars ignore an update whose SEQUENCE is not above the original's.
        raise ValueError("an updated invitation needs the meeting's sequence incremented")
    lang = mail_language(forum, recipient)
    context = _context(
        forum, meeting, recipient, lang, updated=updated, answer_url=answer_url(forum, token)
    )
    key = "invitation_updated" if updated else "invitation"
    line = subject(key, lang, title=meeting.title, date=context["short_date"])
    text, html = render_pair("invitation", context)
    description = template_env().get_template("_description.txt").render(context).strip()
    return InvitationLetter(lang, line, text, html, description)


def invitation_content(
    forum: ForumInfo,
    meeting: MeetingInfo,
    recipient: RecipientInfo,
    token: str,
    method: str = "REQUEST",
    *,
    updated: bool = False,
    now: datetime,
    letter: InvitationLetter | None = None,
) -> InvitationContent:
    """Return the subject, bodies and calendar of an invitation to RECIPIENT.

    LETTER, when given, is what invitation_letter() returns for these arguments.
    """
    if method not in ("REQUEST", "PUBLISH"):
        raise ValueError(f"an invitation is a REQUEST or PUBLISH, not {method!r}")
    letter = letter or invitation_letter(forum, meeting, recipient, token, updated=updated)
    ics = build_calendar(forum, meeting, recipient, method, letter.description, now,
                         token=token)
    return InvitationContent(letter.lang, letter.subject, letter.text, letter.html, ics)


def compose_invitation(
    forum: ForumInfo,
    meeting: MeetingInfo,
    recipient: RecipientInfo,
    token: str,
    method: str = "REQUEST",
    *,
    updated: bool = False,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Compose an invitation (or, with UPDATED, its change) with its iMIP calendar."""
    stamp = Stamp.make(forum, now, message_id)
    content = invitation_content(forum, meeting, recipient, token, method, updated=updated,
                                 now=stamp.now)
    msg = new_message(forum, recipient_address(recipient), content.subject, stamp)
    _set_reply_to(msg, forum, token)
    set_bodies(msg, content.text, content.html)
    add_calendar(msg, content.calendar, method)
    return seal(msg, stamp, content.lang)


def compose_cancellation(
    forum: ForumInfo,
    meeting: MeetingInfo,
    recipient: RecipientInfo,
    token: str,
    reason: str | None = None,
    kind: CancelKind = "meeting_cancelled",
    *,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Compose an iMIP CANCEL: the meeting is off, this alternate is no longer needed, or
    the recipient is no longer to be invited (their mandate ended, or off the guest list)."""
    if kind not in ("meeting_cancelled", "alternate_released", "withdrawn_mandate",
                    "withdrawn_guest"):
        raise ValueError(f"unknown cancellation kind {kind!r}")
    if meeting.sequence < 1:
        # A CANCEL must outrank the REQUEST it cancels (RFC 5546 2.1.4).
        raise ValueError("a cancellation needs the meeting's sequence incremented")
    lang, stamp = mail_language(forum, recipient), Stamp.make(forum, now, message_id)
    # Releasing an alternate follows from the member's own answer, not from the secretary.
    automatic = kind == "alternate_released"
    context = _context(
        forum, meeting, recipient, lang, kind=kind, reason=reason, automatic=automatic
    )
    # One subject for every personal withdrawal: "Du er ikke længere indkaldt".
    key = "meeting_cancelled" if kind == "meeting_cancelled" else "alternate_released"
    msg = _start(forum, recipient, key, context, stamp)
    _set_reply_to(msg, forum, token)
    if automatic:
        mark_automatic(msg)
    set_bodies(msg, *render_pair("cancellation", context))
    ics = build_calendar(forum, meeting, recipient, "CANCEL", reason or "", stamp.now,
                         whole_meeting=kind == "meeting_cancelled", token=token)
    add_calendar(msg, ics, "CANCEL")
    return seal(msg, stamp, lang)


def compose_reminder(
    forum: ForumInfo,
    meeting: MeetingInfo,
    recipient: RecipientInfo,
    token: str,
    *,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Compose a reminder to a recipient who has not answered the invitation yet."""
    lang, stamp = mail_language(forum, recipient), Stamp.make(forum, now, message_id)
    url = answer_url(forum, token)
    context = _context(forum, meeting, recipient, lang, answer_url=url, automatic=True)
    msg = _start(forum, recipient, "reminder", context, stamp)
    _set_reply_to(msg, forum, token)
    mark_automatic(msg)
    set_bodies(msg, *render_pair("reminder", context))
    return seal(msg, stamp, lang)


def compose_final_agenda(
    forum: ForumInfo,
    meeting: MeetingInfo,
    recipient: RecipientInfo,
    *,
    paper: Attachment | None = None,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Compose the final agenda of MEETING to one recipient, with PAPER (the agenda as a
    PDF) attached when given."""
    lang, stamp = mail_language(forum, recipient), Stamp.make(forum, now, message_id)
    context = _context(forum, meeting, recipient, lang, agenda_final=True,
                       paper_name=paper[0] if paper else None)
    msg = _start(forum, recipient, "final_agenda", context, stamp)
    set_bodies(msg, *render_pair("final_agenda", context))
    if paper is not None:
        attach(msg, paper)  # the alternative part becomes the first of a multipart/mixed
    return seal(msg, stamp, lang)


# compose is the one import point for every outbound mail.
__all__ = [
    "compose_agenda_receipt",
    "compose_agenda_rejected",
    "compose_alternate_called",
    "compose_cancellation",
    "compose_final_agenda",
    "compose_invitation",
    "compose_minutes",
    "compose_reminder",
    "compose_rsvp_confirmation",
    "compose_seat_unrepresented",
]
