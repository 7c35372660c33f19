"""Meetings: create, reschedule, cancel, and who is to be invited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import (
    Forum,
    GuestList,
    GuestListMember,
    InvitationRole,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Person,
    Seat,
)
from app.services import audit, roster
from app.services.errors import ServiceError

TITLES = {
    MeetingKind.regular: "Møde i {forum}",
    MeetingKind.summer: "Sommermøde i {forum}",
    MeetingKind.extraordinary: "Ekstraordinært møde i {forum}",
}


@dataclass(frozen=True)
class Attendee:
    """Someone to invite to a meeting, and in which capacity."""

    person: Person
    role: InvitationRole
    seat: Seat | None = None


def local_day(forum: Forum, moment: datetime) -> date:
    """Return the calendar day of MOMENT in the forum's time zone."""
    return moment.astimezone(ZoneInfo(forum.timezone)).date()


def quarter_of(day: date) -> int:
    """Return the quarter (1-4) DAY falls in."""
    return (day.month - 1) // 3 + 1


def _check_times(start: datetime, end: datetime) -> None:
    """Refuse naive or reversed meeting times."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ServiceError(_l("Meeting times must carry a time zone."))
    if end <= start:
        raise ServiceError(_l("A meeting must end after it starts."))


def create_meeting(
    forum: Forum,
    start: datetime,
    end: datetime | None = None,
    location: str | None = None,
    kind: MeetingKind = MeetingKind.regular,
    title: str | None = None,
    actor: str = "system",
) -> Meeting:
    """Plan a meeting of FORUM; guest lists for its quarter are attached."""
    end = end or start + timedelta(minutes=forum.meeting_minutes)
    _check_times(start, end)
    domain = forum.sender_address.partition("@")[2] or "forumpost.invalid"
    meeting = Meeting(
        forum=forum,
        title=title or TITLES[kind].format(forum=forum.name),
        kind=kind,
        status=MeetingStatus.planned,
        start_dt=start,
        end_dt=end,
        location=location,
        ical_uid=f"{uuid.uuid4()}@{domain}",
        sequence=0,
    )
    meeting.guest_lists = guest_lists_for(forum, quarter_of(local_day(forum, start)))
    db.session.add(meeting)
    db.session.flush()
    audit.record(forum.id, actor, "create_meeting", meeting, start=start.isoformat())
    return meeting


def guest_lists_for(forum: Forum, quarter: int) -> list[GuestList]:
    """Return the guest lists FORUM invites to meetings in QUARTER."""
    lists = db.session.scalars(select(GuestList).filter_by(forum_id=forum.id)).all()
    return [gl for gl in lists if quarter in gl.quarters]


def reschedule(
    meeting: Meeting,
    start: datetime,
    end: datetime | None = None,
    location: str | None = None,
    actor: str = "system",
) -> bool:
    """Move MEETING; return whether anything changed (and SEQUENCE grew)."""
    if meeting.status in (MeetingStatus.cancelled, MeetingStatus.held, MeetingStatus.minutes_sent):
        raise ServiceError(_l("Only a coming meeting can be moved."))
    end = end or start + (meeting.end_dt - meeting.start_dt)
    _check_times(start, end)
    changed = (start, end, location) != (meeting.start_dt, meeting.end_dt, meeting.location)
    if changed:
        meeting.start_dt, meeting.end_dt, meeting.location = start, end, location
        meeting.sequence += 1
        db.session.flush()
        audit.record(meeting.forum_id, actor, "reschedule", meeting, start=start.isoformat(),
                     location=location, sequence=meeting.sequence)
    return changed


def cancel(meeting: Meeting, reason: str | None = None, actor: str = "system") -> Meeting:
    """Cancel MEETING; calendars learn it from a CANCEL with a higher SEQUENCE."""
    if meeting.status is MeetingStatus.cancelled:
        raise ServiceError(_l("The meeting is already cancelled."))
    if meeting.status in (MeetingStatus.held, MeetingStatus.minutes_sent):
        raise ServiceError(_l("A meeting that has been held cannot be cancelled."))
    meeting.status = MeetingStatus.cancelled
    meeting.cancel_reason = reason
    meeting.sequence += 1
    db.session.flush()
    audit.record(meeting.forum_id, actor, "cancel", meeting, reason=reason)
    return meeting


def attendees(meeting: Meeting) -> list[Attendee]:
    """Return who is invited: current members on the day, then listed guests."""
    day = local_day(meeting.forum, meeting.start_dt)
    found = [
        Attendee(h.member.person, InvitationRole.member, h.seat)
        for h in roster.holdings(meeting.forum, day)
        if h.member is not None
    ]
    seen = {a.person.id for a in found}
    for guest in _guests(meeting):
        if guest.id not in seen:
            seen.add(guest.id)
            found.append(Attendee(guest, InvitationRole.guest))
    return found


def _guests(meeting: Meeting) -> list[Person]:
    """Return the people on the meeting's guest lists, by name."""
    list_ids = [gl.id for gl in meeting.guest_lists]
    if not list_ids:
        return []
    stmt = (
        select(GuestListMember)
        .where(GuestListMember.guest_list_id.in_(list_ids))
        .options(selectinload(GuestListMember.person))
    )
    people = {m.person.id: m.person for m in db.session.scalars(stmt)}
    return sorted(people.values(), key=lambda p: p.name)


def coming_meetings(forum: Forum, now: datetime, limit: int = 10) -> list[Meeting]:
    """Return FORUM's meetings that have not ended, soonest first."""
    stmt = (
        select(Meeting)
        .where(Meeting.forum_id == forum.id, Meeting.end_dt >= now)
        .order_by(Meeting.start_dt)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
