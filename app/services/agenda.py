"""Agenda items: from mail or the secretary, to the secretary's decision."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.mail.decision import AgendaDraft
from app.mail.summary import FORWARD_MARKER
from app.models import AgendaAttachment, AgendaItem, AgendaStatus, Forum, Meeting, Person, utcnow
from app.services import audit, pending, roster
from app.services.errors import ServiceError

TITLE_MAX = 300


def from_mail(forum: Forum, draft: AgendaDraft, sender: str, sender_name: str,
              inbound_id: int | None = None) -> AgendaItem:
    """Create a pending item from a mail to the agenda address."""
    with pending.reading(Person):
        person = roster.find_person(forum, sender) if sender else None
    item = add_from_mail(forum, draft, sender, sender_name, person, inbound_id)
    db.session.flush()  # the audit event names the item: it needs its id
    received(item, sender)
    return item


def add_from_mail(forum: Forum, draft: AgendaDraft, sender: str, sender_name: str,
                  person: Person | None, inbound_id: int | None = None) -> AgendaItem:
    """Add a pending item from a mail sent by PERSON (None: not one of the forum's), not
    yet written: once flushed, `received` records its arrival."""
    item = AgendaItem(
        forum=forum,
        title=_title(draft.original_subject),
        body=_body(draft, sender),
        submitter=person,
        submitter_address=None if person else sender,
        submitter_name=None if person else (sender_name or None),
        status=AgendaStatus.pending,
        inbound_message_id=inbound_id,
    )
    item.attachments = [
        AgendaAttachment(filename=a.filename or "vedhaeftning", content_type=a.content_type,
                         size=len(a.data), data=a.data)
        for a in draft.attachments
    ]
    db.session.add(item)
    return item


def received(item: AgendaItem, sender: str) -> None:
    """Record that ITEM (written, with its id) arrived by mail from SENDER."""
    audit.record(item.forum_id, sender or "mail", "agenda_item_received", item)


def _title(subject: str) -> str:
    """Return a title from the subject, without forward prefixes."""
    title = " ".join((subject or "").split()) or "(uden emne)"
    return title[:TITLE_MAX]


def _body(draft: AgendaDraft, forwarder: str) -> str:
    """Return the item's text: the submitter's note, then the original mail."""
    parts = [draft.note.strip()] if draft.note.strip() else []
    original = draft.original_sender and draft.original_sender.lower() != forwarder.lower()
    if original:
        who = f"{draft.original_sender_name} <{draft.original_sender}>".strip()
        header = [f"Fra: {who}", f"Dato: {draft.original_date or ''}",
                  f"Emne: {draft.original_subject}"]
        parts.append(FORWARD_MARKER + "\n" + "\n".join(header))
    parts.append(draft.body.strip())
    return "\n\n".join(p for p in parts if p)


def approve(item: AgendaItem, meeting: Meeting, actor: str,
            position: int | None = None) -> AgendaItem:
    """Put ITEM on MEETING's agenda, last unless POSITION is given."""
    if meeting.forum_id != item.forum_id:
        raise ServiceError(_l("The meeting belongs to another forum."))
    if position is None:
        last = db.session.scalar(select(func.max(AgendaItem.position)).filter_by(
            meeting_id=meeting.id, status=AgendaStatus.approved))
        position = (last or 0) + 1
    item.meeting, item.position, item.status = meeting, position, AgendaStatus.approved
    item.decided_dt = utcnow()
    db.session.flush()
    audit.record(item.forum_id, actor, "approve", item, meeting=meeting.id)
    return item


def reject(item: AgendaItem, actor: str, reason: str | None = None) -> AgendaItem:
    """Turn ITEM down, with an optional reason for the submitter."""
    item.status, item.decision_note, item.decided_dt = AgendaStatus.rejected, reason, utcnow()
    item.meeting = None
    db.session.flush()
    audit.record(item.forum_id, actor, "reject", item, reason=reason)
    return item


def defer(item: AgendaItem, actor: str) -> AgendaItem:
    """Keep ITEM for a later meeting."""
    item.status, item.decided_dt, item.meeting = AgendaStatus.deferred, utcnow(), None
    db.session.flush()
    audit.record(item.forum_id, actor, "defer", item)
    return item
