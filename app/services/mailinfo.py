"""Turn models into the plain records the pure composer takes."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import bindparam, select

from app.extensions import db
from app.mail.messages import AgendaLine, ForumInfo, MeetingInfo, RecipientInfo
from app.mail.summary import agenda_summary
from app.models import AgendaItem, AgendaStatus, Forum, Invitation, Meeting, Person


def forum_info(forum: Forum) -> ForumInfo:
    """Return FORUM as a mail sender."""
    return ForumInfo(
        name=forum.name,
        sender_address=forum.sender_address,
        sender_name=forum.sender_name or forum.name,
        agenda_address=forum.agenda_address,
        base_url=current_app.config.get("BASE_URL", ""),
        timezone=forum.timezone,
        language=forum.language,
    )


_APPROVED = (
    select(AgendaItem)
    .where(AgendaItem.meeting_id == bindparam("meeting_id"),
           AgendaItem.status == AgendaStatus.approved)
    .order_by(AgendaItem.position, AgendaItem.id)
)


def agenda_lines(meeting: Meeting) -> list[AgendaLine]:
    """Return the meeting's approved agenda, in order."""
    items = db.session.scalars(_APPROVED, {"meeting_id": meeting.id})
    return [AgendaLine(n, item.title, agenda_summary(item.body)) for n, item in enumerate(items, 1)]


def meeting_info(meeting: Meeting, agenda: list[AgendaLine] | None = None) -> MeetingInfo:
    """Return MEETING as the calendar sees it."""
    return MeetingInfo(
        uid=meeting.ical_uid,
        sequence=meeting.sequence,
        start=meeting.start_dt,
        end=meeting.end_dt,
        location=meeting.location or "",
        title=meeting.title,
        kind=meeting.kind.value,
        agenda=tuple(agenda if agenda is not None else agenda_lines(meeting)),
        status="cancelled" if meeting.status.value == "cancelled" else "confirmed",
    )


def recipient_info(person: Person, invitation: Invitation | None = None) -> RecipientInfo:
    """Return PERSON as a recipient, in the capacity INVITATION gives them."""
    if invitation is None:
        return RecipientInfo(name=person.name, email=person.email, language=person.language)
    stands_in_for = invitation.stands_in_for.person.name if invitation.stands_in_for else None
    return RecipientInfo(
        name=person.name,
        email=person.email,
        language=person.language,
        role=invitation.role.value,
        seat_label=invitation.seat.label if invitation.seat else "",
        stands_in_for=stands_in_for,
    )
