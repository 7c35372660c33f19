"""What the Post page shows of one inbound message, read without changing anything."""

from __future__ import annotations

import email
from datetime import datetime
from email import policy

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.mail.quotes import fold
from app.models import (
    Forum,
    InboundMessage,
    Invitation,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    Person,
    utcnow,
)
from app.services import htmlbody, textbody


def body_of(message: InboundMessage) -> tuple[str, str, list[dict]]:
    """Return the message's text (what to show, the quoted rest to fold) and its files."""
    text, files = message.text_body, message.attachments
    if text is None:  # stored before intake kept them: read once more, not kept (a GET)
        text, files = textbody.from_raw(message.raw)
    shown, quoted = fold(text)
    return shown, quoted, files or []


def safe_html(message: InboundMessage) -> tuple[Markup | None, str | None]:
    """Return the message's HTML body as sanitised at intake, and why it is less than
    the message's, if it is; (None, None) when there is none."""
    html, note = message.html, message.html_note
    if html is None:  # stored before intake sanitised: once more, capped, not kept (a GET)
        html, note = htmlbody.from_raw(message.raw)
    return (Markup(html) if html else None), note


def open_invitations(forum: Forum, message: InboundMessage) -> tuple[list[Invitation], int | None]:
    """Return the invitations the message may answer, and the id of the one it matched.

    The matched one (token, references, UID) comes first, then the same person's other
    invitations to coming meetings; when no person is known, every open invitation.
    Only live invitations to meetings that have not begun: an answer to another
    meeting is the one mistake this form must not invite.
    """
    stmt = (select(Invitation).join(Meeting).join(Person, Invitation.person_id == Person.id)
            .where(Meeting.forum_id == forum.id, Meeting.start_dt > utcnow(),
                   Meeting.status != MeetingStatus.cancelled,
                   Invitation.status != InvitationStatus.replaced)
            .order_by(Meeting.start_dt, Person.name)
            # The page shows each invitation's person and meeting: load them with it.
            .options(contains_eager(Invitation.person), contains_eager(Invitation.meeting)))
    decision = message.decision or {}
    matched_id = message.invitation_id or decision.get("invitation_id")
    matched = db.session.get(Invitation, matched_id) if matched_id else None
    sender = (decision.get("sender") or message.sender or "").lower()
    if matched is not None:
        stmt = stmt.where(Invitation.person_id == matched.person_id)
    elif sender and db.session.scalar(select(Person.id).filter_by(forum_id=forum.id,
                                                                  email=sender)):
        stmt = stmt.where(Person.email == sender)
    found = db.session.scalars(stmt).all()
    chosen = matched.id if matched is not None and matched in found else None
    return sorted(found, key=lambda i: i.id != chosen), chosen


def proposal(forum: Forum, message: InboundMessage) -> tuple[Meeting, datetime, datetime] | None:
    """Return (meeting, start, end) a matched COUNTER proposes, or None."""
    decision = message.decision or {}
    proposal = decision.get("proposal") or {}
    invitation = db.session.get(Invitation, message.invitation_id
                                or decision.get("invitation_id") or 0)
    if not proposal.get("start") or invitation is None or invitation.meeting.forum_id != forum.id:
        return None
    meeting = invitation.meeting
    try:
        start = datetime.fromisoformat(proposal["start"])
        end = (datetime.fromisoformat(proposal["end"]) if proposal.get("end")
               else start + (meeting.end_dt - meeting.start_dt))
    except (TypeError, ValueError):
        return None
    return meeting, start, end


def plain_text(raw: bytes | None) -> str:
    """Return the message's text body, as well as it can be read."""
    try:
        parsed = email.message_from_bytes(raw or b"", policy=policy.default)
        part = parsed.get_body(("plain", "html"))
        return part.get_content() if part is not None else ""
    except Exception:  # noqa: BLE001 - unreadable: the secretary has the raw source
        return ""
