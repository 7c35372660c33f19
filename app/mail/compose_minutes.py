"""Compose the minutes (referat) of a meeting to one recipient, with attachments."""

from __future__ import annotations

import re
from datetime import datetime
from email.message import EmailMessage

from app.mail.compose_base import (
    Stamp,
    mail_language,
    meeting_context,
    new_message,
    one_line,
    recipient_address,
    render_pair,
    seal,
    set_bodies,
    subject,
)
from app.mail.messages import Attachment, ForumInfo, MeetingInfo, MinutesInfo, RecipientInfo

# Characters Windows refuses in file names: Outlook users could not save the file.
_UNSAFE_IN_FILENAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def safe_filename(name: str) -> str:
    """Return NAME on one line, with characters Windows refuses replaced by "_"."""
    cleaned = _UNSAFE_IN_FILENAME.sub("_", one_line(name)).strip(" .")
    return cleaned or "bilag"


def attach(msg: EmailMessage, attachment: Attachment) -> None:
    """Attach one file to MSG, base64-encoded whatever its type."""
    filename, content_type, data = attachment
    maintype, _, subtype = (content_type or "application/octet-stream").partition("/")
    # Bytes always go base64 (the default for bytes), so a text/csv with long
    # lines or a PDF survives 7-bit relays alike.
    msg.add_attachment(
        data, maintype=maintype, subtype=subtype or "octet-stream", filename=safe_filename(filename)
    )


def compose_minutes(
    forum: ForumInfo,
    meeting: MeetingInfo,
    minutes: MinutesInfo,
    recipient: RecipientInfo,
    *,
    now: datetime | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    """Compose the minutes of MEETING: text and HTML, attachments as multipart/mixed."""
    lang, stamp = mail_language(forum, recipient), Stamp.make(forum, now, message_id)
    context = {
        **meeting_context(forum, meeting, lang),
        "recipient": recipient,
        "minutes": minutes,
        "attachment_names": [attachment[0] for attachment in minutes.attachments],
        "automatic": False,
    }
    line = subject("minutes", lang, title=meeting.title, date=context["short_date"])
    msg = new_message(forum, recipient_address(recipient), line, stamp)
    set_bodies(msg, *render_pair("minutes", context))
    for attachment in minutes.attachments:
        # The first add_attachment turns multipart/alternative into mixed around it.
        attach(msg, attachment)
    return seal(msg, stamp, lang)
