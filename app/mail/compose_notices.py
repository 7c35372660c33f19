"""Compose automatic notices: answer confirmations, alternate notices, agenda receipts.

All of these are sent by the system in reaction to something (an answer, a
proposal), so all are marked Auto-Submitted: auto-generated (RFC 3834) and
ask Exchange to suppress out-of-office replies. Those a member may answer (the
confirmation, the alternate notice) carry the invitation's token in Reply-To,
like the invitation itself.
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

from app.mail.compose_base import (
    Stamp,
    mail_language,
    mark_automatic,
    meeting_context,
    new_message,
    one_line,
    recipient_address,
    render_pair,
    reply_to_token,
    seal,
    set_bodies,
    subject,
    thread_to,
)
from app.mail.dates import format_clock, format_meeting_date_short
from app.mail.messages import Answer, ForumInfo, MeetingInfo, RecipientInfo

_ANSWERS = ("accepted", "declined", "tentative")


def _notice(
    forum: ForumInfo,
    to: Address,
    subject_line: str,
    event: str,
    context: dict[str, Any],
    stamp: Stamp,
) -> EmailMessage:
    """Return the automatic notice EVENT to TO, rendered with CONTEXT."""
    msg = new_message(forum, to, subject_line, stamp)
    mark_automatic(msg)
    set_bodies(msg, *render_pair(event, {**context, "automatic": True}))
    return msg


def compose_alternate_called(
    forum: ForumInfo,
    meeting: MeetingInfo,
    member: RecipientInfo,
    alternate: RecipientInfo,
    *,
    token: str | None = None,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Tell MEMBER that their alternate has been invited in their place.

    TOKEN is the member's invitation token: the notice asks them to reply if they
    can come after all, and the reply must find their invitation.
    """
    lang, stamp = mail_language(forum, member), Stamp.make(forum, now, message_id)
    context = {**meeting_context(forum, meeting, lang), "member": member, "alternate": alternate}
    line = subject("alternate_called", lang, title=meeting.title, date=context["short_date"])
    msg = _notice(forum, recipient_address(member), line, "alternate_called", context, stamp)
    reply_to_token(msg, forum, token)
    return seal(msg, stamp, lang)


def compose_seat_unrepresented(
    forum: ForumInfo,
    meeting: MeetingInfo,
    seat_label: str,
    member: RecipientInfo,
    alternate: RecipientInfo | None,
    *,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Tell the secretary that no one will fill SEAT_LABEL at MEETING."""
    # The secretary reads the forum's own language, whatever the member's is.
    lang, stamp = mail_language(forum), Stamp.make(forum, now, message_id)
    context = {
        **meeting_context(forum, meeting, lang),
        "seat_label": seat_label,
        "member": member,
        "alternate": alternate,
    }
    fields = {"seat": seat_label, "title": meeting.title, "date": context["short_date"]}
    line = subject("seat_unrepresented", lang, **fields)
    secretary = Address(one_line(forum.sender_name), addr_spec=forum.sender_address)
    msg = _notice(forum, secretary, line, "seat_unrepresented", context, stamp)
    return seal(msg, stamp, lang)


def compose_rsvp_confirmation(
    forum: ForumInfo,
    meeting: MeetingInfo,
    recipient: RecipientInfo,
    answer: Answer,
    alternate_name: str | None = None,
    *,
    token: str | None = None,
    in_reply_to: str | None = None,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Confirm that RECIPIENT's ANSWER is recorded, naming the alternate called in.

    TOKEN, the invitation's, routes a reply ("jeg kommer alligevel") to it.
    """
    if answer not in _ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    lang, stamp = mail_language(forum, recipient), Stamp.make(forum, now, message_id)
    context = {
        **meeting_context(forum, meeting, lang),
        "recipient": recipient,
        "answer": answer,
        "alternate_name": alternate_name,
    }
    line = subject(f"rsvp_{answer}", lang, title=meeting.title, date=context["short_date"])
    msg = _notice(forum, recipient_address(recipient), line, "rsvp_confirmation", context, stamp)
    reply_to_token(msg, forum, token)
    thread_to(msg, in_reply_to)
    return seal(msg, stamp, lang)


def compose_agenda_receipt(
    forum: ForumInfo,
    item_title: str,
    recipient: RecipientInfo,
    *,
    in_reply_to: str | None = None,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Acknowledge a proposed agenda item."""
    lang, stamp = mail_language(forum, recipient), Stamp.make(forum, now, message_id)
    context = {"lang": lang, "forum": forum, "recipient": recipient, "item_title": item_title}
    line = subject("agenda_receipt", lang, item=item_title)
    msg = _notice(forum, recipient_address(recipient), line, "agenda_receipt", context, stamp)
    thread_to(msg, in_reply_to)
    return seal(msg, stamp, lang)


def compose_agenda_approved(
    forum: ForumInfo,
    item_title: str,
    meeting: MeetingInfo,
    recipient: RecipientInfo,
    *,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Tell the proposer that an agenda item is on MEETING's agenda, as the receipt promised."""
    lang, stamp = mail_language(forum, recipient), Stamp.make(forum, now, message_id)
    context = {**meeting_context(forum, meeting, lang), "recipient": recipient,
               "item_title": item_title}
    line = subject("agenda_approved", lang, item=item_title)
    msg = _notice(forum, recipient_address(recipient), line, "agenda_approved", context, stamp)
    return seal(msg, stamp, lang)


def compose_agenda_rejected(
    forum: ForumInfo,
    item_title: str,
    reason: str,
    recipient: RecipientInfo,
    *,
    in_reply_to: str | None = None,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Tell the proposer that an agenda item was not taken up, and why."""
    lang, stamp = mail_language(forum, recipient), Stamp.make(forum, now, message_id)
    context = {
        "lang": lang,
        "forum": forum,
        "recipient": recipient,
        "item_title": item_title,
        "reason": reason,
    }
    line = subject("agenda_rejected", lang, item=item_title)
    msg = _notice(forum, recipient_address(recipient), line, "agenda_rejected", context, stamp)
    thread_to(msg, in_reply_to)
    return seal(msg, stamp, lang)


def compose_address_bouncing(
    forum: ForumInfo,
    person: RecipientInfo,
    reason: str,
    secretary: str,
    *,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Tell the secretary that mail to PERSON bounces, and why."""
    lang, stamp = mail_language(forum), Stamp.make(forum, now, message_id)
    context = {"lang": lang, "forum": forum, "person": person, "reason": reason}
    line = subject("address_bouncing", lang, name=one_line(person.name))
    return seal(_notice(forum, Address(addr_spec=secretary), line, "address_bouncing", context,
                        stamp), stamp, lang)


def compose_mailbox_failing(
    forum: ForumInfo,
    address: str,
    error: str,
    since: datetime,
    secretary: str,
    *,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Tell the secretary that the forum's own mailbox has failed for a while, and why."""
    lang, stamp = mail_language(forum), Stamp.make(forum, now, message_id)
    when = (f"{format_meeting_date_short(since, forum.timezone, lang)} "
            f"{format_clock(since, forum.timezone, lang)}")
    context = {"lang": lang, "forum": forum, "address": address, "error": error,
               "since": when}
    line = subject("mailbox_failing", lang, address=one_line(address))
    return seal(_notice(forum, Address(addr_spec=secretary), line, "mailbox_failing", context,
                        stamp), stamp, lang)
