"""Build an agenda draft from mail sent or forwarded to the agenda address."""

from __future__ import annotations

from datetime import datetime
from email.message import Message
from email.utils import parsedate_to_datetime

from .body import attached_messages, attachments, body_text, mail_text
from .decision import AgendaDraft
from .forward import FORWARD_PREFIX_RE, split_forward, strip_forward_prefix
from .parse import Mail
from .quotes import own_words
from .reasons import Reason, reason


def agenda_draft(mail: Mail) -> tuple[AgendaDraft, list[Reason]]:
    """Return the draft and the reasons; one whose code is in REVIEW asks for review."""
    files = attachments(mail.msg)
    attached = attached_messages(mail.msg)
    if attached:
        return _from_attached(mail, attached[0], files), [reason("agenda_attached")]
    text = mail_text(mail)
    forwarded = split_forward(text)
    if forwarded is not None and (forwarded.sender or forwarded.subject):
        draft = AgendaDraft(
            original_sender=forwarded.sender,
            original_sender_name=forwarded.sender_name,
            original_subject=forwarded.subject or strip_forward_prefix(mail.subject),
            original_date=forwarded.date or None,
            body=forwarded.body,
            note=own_words(forwarded.before),
            attachments=files,
        )
        return draft, [reason("agenda_inline")]
    draft = AgendaDraft(mail.sender, mail.sender_name, mail.subject,
                        header_date(mail.header("Date")), text.strip(), "", files)
    reasons = [reason("agenda_direct")]
    if FORWARD_PREFIX_RE.match(mail.subject):
        reasons.append(reason("agenda_no_headers"))
    return draft, reasons


def _from_attached(mail: Mail, inner: Message, files: list) -> AgendaDraft:
    """Read the original from an attached message/rfc822 part."""
    original = Mail(msg=inner, raw=b"")
    return AgendaDraft(
        original_sender=original.sender,
        original_sender_name=original.sender_name,
        original_subject=original.subject,
        original_date=header_date(original.header("Date")),
        body=body_text(inner).strip(),
        note=own_words(mail_text(mail)),
        attachments=files + attachments(inner),
    )


def header_date(value: str) -> datetime | str | None:
    """Return an RFC 5322 Date as datetime, else the text as given, else None."""
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return value
