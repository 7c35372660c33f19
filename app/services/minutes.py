"""Minutes: a draft per agenda item with attendance from the answers, approved, then sent."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.mail.compose_minutes import compose_minutes
from app.mail.messages import MinutesInfo, MinutesItem
from app.models import (
    AgendaItem,
    AgendaStatus,
    InvitationRole,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesSection,
    MinutesStatus,
    Person,
    utcnow,
)
from app.services import audit, invitations, meetings, outbound, roster
from app.services.errors import ServiceError
from app.services.mailinfo import forum_info, meeting_info, recipient_info


def find(meeting: Meeting) -> Minutes | None:
    """Return the meeting's minutes, if started."""
    return db.session.scalars(select(Minutes).filter_by(meeting_id=meeting.id)).first()


def draft(meeting: Meeting, actor: str = "system") -> Minutes:
    """Return the meeting's minutes, starting a draft from its agenda and answers."""
    existing = find(meeting)
    if existing is not None:
        return existing
    if meeting.status in (MeetingStatus.planned, MeetingStatus.cancelled):
        raise ServiceError(_l("Minutes are written for a meeting that was held."))
    minutes = Minutes(meeting=meeting, status=MinutesStatus.draft,
                      attendance=attendance_text(meeting))
    items = db.session.scalars(select(AgendaItem).filter_by(
        meeting_id=meeting.id, status=AgendaStatus.approved).order_by(AgendaItem.position))
    minutes.sections = [MinutesSection(agenda_item_id=item.id, position=n, heading=item.title,
                                       body="") for n, item in enumerate(items, 1)]
    db.session.add(minutes)
    db.session.flush()
    audit.record(meeting.forum_id, actor, "minutes_draft", minutes)
    return minutes


def attendance_text(meeting: Meeting) -> str:
    """Return who came, who sent apologies and who stood in, in the forum's language."""
    with force_locale(meeting.forum.language):
        return "\n".join(_attendance_lines(meeting))


def _attendance_lines(meeting: Meeting) -> list[str]:
    """Return one line per seat, then one per guest who came."""
    lines = []
    invs = invitations.invitations_of(meeting)
    stand_ins = {i.stands_in_for_id: i for i in invs if i.role is InvitationRole.alternate
                 and i.status is not InvitationStatus.replaced}
    for inv in invs:
        if inv.role is InvitationRole.member:
            lines.append(_member_line(inv, stand_ins.get(inv.id)))
    guests = [i for i in invs if i.role is InvitationRole.guest
              and i.status is InvitationStatus.accepted]
    lines += [_("Guest: %(name)s (%(org)s)", name=g.person.name, org=g.person.organisation or "")
              for g in guests]
    return lines


def _member_line(member, alternate) -> str:
    """Return the attendance line of one seat."""
    seat = member.seat.label if member.seat else ""
    name = member.person.name
    if member.status is InvitationStatus.accepted:
        return _("%(seat)s: %(name)s attended", seat=seat, name=name)
    if member.status is InvitationStatus.declined:
        if alternate is not None and alternate.status is InvitationStatus.accepted:
            return _("%(seat)s: %(name)s had sent apologies; alternate %(alt)s attended",
                     seat=seat, name=name, alt=alternate.person.name)
        return _("%(seat)s: %(name)s had sent apologies", seat=seat, name=name)
    return _("%(seat)s: %(name)s (no answer)", seat=seat, name=name)


def approve(minutes: Minutes, actor: str) -> Minutes:
    """Approve the minutes for sending."""
    if minutes.status is MinutesStatus.sent:
        raise ServiceError(_l("The minutes have been sent already."))
    minutes.status, minutes.approved_dt = MinutesStatus.approved, utcnow()
    db.session.flush()
    audit.record(minutes.meeting.forum_id, actor, "minutes_approve", minutes)
    return minutes


def recipients(meeting: Meeting) -> list[Person]:
    """Return every current member and alternate, and the meeting's guests."""
    day = meetings.local_day(meeting.forum, utcnow())
    people: dict[int, Person] = {}
    for holding in roster.holdings(meeting.forum, day):
        for mandate in (holding.member, holding.alternate):
            if mandate is not None:
                people[mandate.person.id] = mandate.person
    for attendee in meetings.attendees(meeting):
        if attendee.role is InvitationRole.guest:
            people[attendee.person.id] = attendee.person
    return sorted(people.values(), key=lambda p: p.name)


def info(minutes: Minutes) -> MinutesInfo:
    """Return MINUTES as the composer takes them."""
    items = [MinutesItem(s.position, s.heading, s.body) for s in minutes.sections]
    attendance = [line for line in minutes.attendance.splitlines() if line.strip()]
    return MinutesInfo(items=items, attendance=attendance)


def queue_sending(minutes: Minutes, actor: str) -> list:
    """Queue the approved minutes to everyone who should have them; mark the meeting."""
    if minutes.status is MinutesStatus.draft:
        raise ServiceError(_l("Approve the minutes before sending them."))
    meeting = minutes.meeting
    forum, meeting_data, body = forum_info(meeting.forum), meeting_info(meeting), info(minutes)
    rows = []
    for person in recipients(meeting):
        message = compose_minutes(forum, meeting_data, body, recipient_info(person))
        row, created = outbound.queue(meeting.forum, f"minutes:{minutes.id}:{person.id}",
                                      message, "minutes", meeting_id=meeting.id)
        if created:
            rows.append(row)
    minutes.status, minutes.sent_dt = MinutesStatus.sent, utcnow()
    meeting.status = MeetingStatus.minutes_sent
    db.session.flush()
    audit.record(meeting.forum_id, actor, "minutes_send", minutes, count=len(rows))
    return rows
