"""The archive: past meetings with their agenda, attendance and minutes, searchable by text.

Search is a plain case-insensitive substring match (ILIKE on PostgreSQL, lower() LIKE
on SQLite) over meeting titles, agenda items, minutes sections and attendance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from app.extensions import db
from app.models import (
    AgendaItem,
    AgendaStatus,
    Forum,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesSection,
)
from app.models.rules import SeatRequestDecision
from app.services import invitations
from app.services import minutes as minutes_service

SNIPPET = 60


def _matching_meeting_ids(q: str):
    """Return a subquery of the meetings whose agenda, minutes or attendance contain Q."""
    items = select(AgendaItem.meeting_id).where(
        AgendaItem.status == AgendaStatus.approved,
        or_(AgendaItem.title.icontains(q, autoescape=True),
            AgendaItem.body.icontains(q, autoescape=True)))
    sections = select(Minutes.meeting_id).join(MinutesSection).where(
        or_(MinutesSection.heading.icontains(q, autoescape=True),
            MinutesSection.body.icontains(q, autoescape=True)))
    attendance = select(Minutes.meeting_id).where(Minutes.attendance.icontains(q,
                                                                                autoescape=True))
    return items.union(sections, attendance)


def past_meetings(forum: Forum, now: datetime, q: str | None = None,
                  limit: int = 200) -> list[Meeting]:
    """Return the forum's past meetings (not cancelled), latest first, matching Q if given."""
    stmt = select(Meeting).where(Meeting.forum_id == forum.id, Meeting.end_dt < now,
                                 Meeting.status != MeetingStatus.cancelled)
    q = (q or "").strip()
    if q:
        stmt = stmt.where(or_(Meeting.title.icontains(q, autoescape=True),
                              Meeting.id.in_(_matching_meeting_ids(q))))
    return list(db.session.scalars(stmt.order_by(Meeting.start_dt.desc()).limit(limit)))


@dataclass(frozen=True)
class Pack:
    """Everything the archive keeps of one meeting."""

    meeting: Meeting
    agenda: list[AgendaItem]
    minutes: Minutes | None
    attendance: list[str]
    decisions: dict[int, SeatRequestDecision]


def pack(meeting: Meeting) -> Pack:
    """Return the meeting's agenda, minutes and attendance (from the answers if no minutes)."""
    agenda = list(db.session.scalars(
        select(AgendaItem).filter_by(meeting_id=meeting.id, status=AgendaStatus.approved)
        .order_by(AgendaItem.position, AgendaItem.id)))
    minutes = minutes_service.find(meeting)
    if minutes is not None:
        lines = minutes.attendance.splitlines()
    elif invitations.invitations_of(meeting):
        lines = minutes_service.attendance_text(meeting).splitlines()
    else:
        lines = []
    decisions = {d.agenda_item_id: d for d in db.session.scalars(
        select(SeatRequestDecision).where(
            SeatRequestDecision.agenda_item_id.in_([i.id for i in agenda])))}
    return Pack(meeting, agenda, minutes, [line for line in lines if line.strip()], decisions)


def snippets(p: Pack, q: str) -> list[str]:
    """Return short excerpts of the pack's texts around each place Q occurs."""
    q = (q or "").strip().lower()
    if not q:
        return []
    texts = [p.meeting.title] + [f"{i.title}\n{i.body}" for i in p.agenda]
    if p.minutes is not None:
        texts += [p.minutes.attendance] + [f"{s.heading}\n{s.body}" for s in p.minutes.sections]
    found = []
    for text in texts:
        at = text.lower().find(q)
        if at >= 0:
            start, end = max(at - SNIPPET, 0), at + len(q) + SNIPPET
            excerpt = " ".join(text[start:end].split())
            found.append(("…" if start else "") + excerpt + ("…" if end < len(text) else ""))
    return found
