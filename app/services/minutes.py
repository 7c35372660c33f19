"""Minutes: sections for the agenda's items and free ones, attendance, approved, then sent."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.mail.compose_minutes import compose_minutes
from app.mail.messages import MinutesInfo, MinutesItem
from app.models import (
    AgendaItem,
    AgendaStatus,
    InvitationRole,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesSection,
    MinutesStatus,
    Person,
    SectionKind,
    utcnow,
)
from app.services import audit, meetings, minutes_attendance, outbound, roster
from app.services.errors import ServiceError
from app.services.mailinfo import forum_info, meeting_info, recipient_info


def find(meeting: Meeting) -> Minutes | None:
    """Return the meeting's minutes, if started."""
    return db.session.scalars(select(Minutes).filter_by(meeting_id=meeting.id)).first()


def can_write(meeting: Meeting, now: datetime | None = None) -> bool:
    """Tell whether minutes can be written: the meeting has begun (or is marked held),
    invited through the app or not, and was not cancelled."""
    if meeting.status in (MeetingStatus.held, MeetingStatus.minutes_sent):
        return True
    return (meeting.status is not MeetingStatus.cancelled
            and meeting.start_dt <= (now or utcnow()))


def unsaved(meeting: Meeting) -> Minutes:
    """Return the meeting's minutes, or a draft to show that is not saved (for a GET)."""
    existing = find(meeting)
    if existing is not None:
        return existing
    if not can_write(meeting):
        raise ServiceError(_l("Minutes can be written once the meeting has begun."))
    return _new(meeting)


def draft(meeting: Meeting, actor: str = "system") -> Minutes:
    """Return the meeting's minutes, saving a new draft from its agenda and answers."""
    existing = find(meeting)
    if existing is not None:
        return existing
    if not can_write(meeting):
        raise ServiceError(_l("Minutes can be written once the meeting has begun."))
    if meeting.status in (MeetingStatus.planned, MeetingStatus.invited):
        meeting.status = MeetingStatus.held  # it has begun: minutes make it a held one
    minutes = _new(meeting)
    db.session.add(minutes)
    minutes.attendance = minutes_attendance.text(meeting, minutes)
    db.session.flush()
    audit.record(meeting.forum_id, actor, "minutes_draft", minutes)
    return minutes


def _new(meeting: Meeting) -> Minutes:
    """Return new minutes: "Meddelelser", a section per approved item, "Eventuelt"."""
    items = db.session.scalars(select(AgendaItem).filter_by(
        meeting_id=meeting.id, status=AgendaStatus.approved)
        .order_by(AgendaItem.position, AgendaItem.id)).all()
    with force_locale(meeting.forum.language):
        first, last = _("Announcements"), _("Any other business")
    titles = {item.title.strip().casefold() for item in items}
    sections = [MinutesSection(agenda_item_id=item.id, heading=item.title, body="",
                               kind=SectionKind.item) for item in items]
    # An agenda that has its own "Eventuelt" item does not get a second one.
    if first.casefold() not in titles:
        sections.insert(0, MinutesSection(heading=first, kind=SectionKind.free, body=""))
    if last.casefold() not in titles:
        sections.append(MinutesSection(heading=last, kind=SectionKind.free, body=""))
    for position, section in enumerate(sections, 1):
        section.position = position
    # Not added to the session here: a GET shows it without saving (see unsaved()).
    return Minutes(meeting=meeting, status=MinutesStatus.draft, attendance="",
                   attendance_note="", sections=sections, presences=[])


def numbered(minutes: Minutes) -> list[tuple[int | None, MinutesSection]]:
    """Return the sections with their numbers: the agenda's and the day's items count."""
    found, number = [], 0
    for section in minutes.sections:
        if section.kind is SectionKind.free:
            found.append((None, section))
        else:
            number += 1
            found.append((number, section))
    return found


def add_section(minutes: Minutes, heading: str, actor: str) -> MinutesSection:
    """Add an item taken up on the day, after the agenda's items and before the last free
    section ("Eventuelt")."""
    _editable(minutes)
    section = _insert(minutes, MinutesSection(heading=heading.strip()[:300],
                                              kind=SectionKind.added, body=""))
    minutes.status = MinutesStatus.draft
    db.session.flush()
    audit.record(minutes.meeting.forum_id, actor, "minutes_section_add", minutes,
                 heading=section.heading)
    return section


def item_section(minutes: Minutes, item: AgendaItem) -> MinutesSection:
    """Return ITEM's section, adding it after the numbered ones if the item came later."""
    found = next((s for s in minutes.sections if s.agenda_item_id == item.id), None)
    if found is not None:
        return found
    return _insert(minutes, MinutesSection(agenda_item_id=item.id, heading=item.title,
                                           kind=SectionKind.item, body=""))


def _insert(minutes: Minutes, section: MinutesSection) -> MinutesSection:
    """Put SECTION after the last numbered section (or "Meddelelser"), renumbering all."""
    sections = list(minutes.sections)
    at = max((n for n, s in enumerate(sections, 1) if s.kind is not SectionKind.free),
             default=1 if sections and sections[0].kind is SectionKind.free else 0)
    sections.insert(at, section)
    for position, each in enumerate(sections, 1):
        each.position = position
    minutes.sections = sections  # in order now, not only once reloaded
    return section


def remove_section(minutes: Minutes, section_id: int, actor: str) -> None:
    """Remove a free section or an added item; an agenda item's section stays."""
    _editable(minutes)
    section = next((s for s in minutes.sections if s.id == section_id), None)
    if section is None or section.kind is SectionKind.item:
        raise ServiceError(_l("An agenda item's section cannot be removed."))
    minutes.sections.remove(section)
    for position, each in enumerate(minutes.sections, 1):
        each.position = position
    minutes.status = MinutesStatus.draft
    db.session.flush()
    audit.record(minutes.meeting.forum_id, actor, "minutes_section_remove", minutes,
                 heading=section.heading)


def save(minutes: Minutes, bodies: dict[int, str], present_ids: set[int], note: str) -> None:
    """Save the sections' texts (by position) and who came; the text must be approved again."""
    _editable(minutes)
    for section in minutes.sections:
        if section.position in bodies:
            section.body = bodies[section.position][:50000]
    minutes.attendance_note = note[:20000]
    minutes_attendance.mark(minutes, minutes_attendance.roll(minutes.meeting, minutes),
                            present_ids)
    minutes.status = MinutesStatus.draft
    refresh_attendance(minutes)


def refresh_attendance(minutes: Minutes) -> None:
    """Write the attendance from the answers and the marks, as they are now."""
    _editable(minutes)
    db.session.flush()  # the marks just changed are read back by the roll
    minutes.attendance = minutes_attendance.text(minutes.meeting, minutes)


def _editable(minutes: Minutes) -> None:
    """Refuse changes to minutes that have been sent."""
    if minutes.status is MinutesStatus.sent:
        raise ServiceError(_l("The minutes have been sent already."))


def attendance_text(meeting: Meeting) -> str:
    """Return who came, who sent apologies and who stood in, from the answers alone."""
    return minutes_attendance.text(meeting)


def approve(minutes: Minutes, actor: str) -> Minutes:
    """Approve the minutes for sending."""
    refresh_attendance(minutes)  # approval freezes the attendance as it is now
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
    # An empty free section ("Eventuelt" with nothing said) is left out.
    items = [MinutesItem(number, s.heading, s.body) for number, s in numbered(minutes)
             if number is not None or s.body.strip()]
    attendance = [line for line in minutes_attendance.current(minutes).splitlines()
                  if line.strip()]
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
