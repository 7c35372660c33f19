"""Who came to a meeting: the answers, corrected by the secretary's marks, as the minutes' lines.

The roll is everyone who could have come: the invited, and (for a meeting never invited
through the app, or someone who came without an invitation) the seats' members and
alternates on the day and the meeting's guests. Each came if the secretary marked them
present, or else if they said yes.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale

from app.i18n import gettext as _
from app.models import (
    InvitationRole,
    InvitationStatus,
    Meeting,
    Minutes,
    MinutesPresence,
    MinutesStatus,
    Person,
    Seat,
)
from app.services import invitations, meetings, roster


@dataclass
class Entry:
    """One person on the roll, with their answer (None: never invited) and the mark."""

    person: Person
    role: InvitationRole
    seat: Seat | None
    answer: InvitationStatus | None
    mark: bool | None = None

    @property
    def by_answer(self) -> bool:
        """Tell whether the answer says they came."""
        return self.answer is InvitationStatus.accepted

    @property
    def came(self) -> bool:
        """Tell whether they came: the secretary's mark, or else their answer."""
        return self.by_answer if self.mark is None else self.mark


def roll(meeting: Meeting, minutes: Minutes | None = None) -> list[Entry]:
    """Return everyone who could have come, invited first, with the marks of MINUTES."""
    marks = {p.person_id: p.present for p in minutes.presences} if minutes else {}
    entries: dict[int, Entry] = {}
    for inv in invitations.invitations_of(meeting):
        entries.setdefault(inv.person_id, Entry(inv.person, inv.role, inv.seat, inv.status))
    day = meetings.local_day(meeting.forum, meeting.start_dt)
    for holding in roster.holdings(meeting.forum, day):
        for mandate, role in ((holding.member, InvitationRole.member),
                              (holding.alternate, InvitationRole.alternate)):
            if mandate is not None and mandate.person.id not in entries:
                entries[mandate.person.id] = Entry(mandate.person, role, holding.seat, None)
    for attendee in meetings.attendees(meeting):
        if attendee.role is InvitationRole.guest and attendee.person.id not in entries:
            entries[attendee.person.id] = Entry(attendee.person, attendee.role, None, None)
    for entry in entries.values():
        entry.mark = marks.get(entry.person.id)
    return sorted(entries.values(), key=_order)


def _order(entry: Entry) -> tuple:
    """Sort seats in their order (member before alternate), then guests by name."""
    if entry.seat is None:
        return (1, 0, 0, entry.person.name)
    return (0, entry.seat.position, entry.role is not InvitationRole.member, entry.person.name)


def mark(minutes: Minutes, entries: list[Entry], present_ids: set[int]) -> None:
    """Keep a mark for each person whose presence in PRESENT_IDS differs from their answer."""
    existing = {p.person_id: p for p in minutes.presences}
    for entry in entries:
        came = entry.person.id in present_ids
        row = existing.get(entry.person.id)
        if came == entry.by_answer:
            if row is not None:
                minutes.presences.remove(row)
        elif row is None:
            minutes.presences.append(MinutesPresence(person_id=entry.person.id, present=came))
        else:
            row.present = came


def text(meeting: Meeting, minutes: Minutes | None = None) -> str:
    """Return the attendance lines in the forum's language, the secretary's note last."""
    with force_locale(meeting.forum.language):
        found = lines(roll(meeting, minutes))
    note = [line.strip() for line in (minutes.attendance_note if minutes else "").splitlines()]
    return "\n".join(found + [line for line in note if line])


def current(minutes: Minutes) -> str:
    """Return the attendance of MINUTES: following the answers until they are approved."""
    if minutes.status is MinutesStatus.draft:
        return text(minutes.meeting, minutes)
    return minutes.attendance


def lines(entries: list[Entry]) -> list[str]:
    """Return one line per seat, then one per guest who came."""
    seats: dict[int, list[Entry]] = {}
    for entry in entries:
        if entry.seat is not None:
            seats.setdefault(entry.seat.id, []).append(entry)
    found = []
    for group in seats.values():
        member = next((e for e in group if e.role is InvitationRole.member), None)
        alternate = next((e for e in group if e.role is InvitationRole.alternate and e.came),
                         None)
        if member is not None:
            found.append(_member_line(member, alternate))
        elif alternate is not None:
            found.append(_("%(seat)s: alternate %(alt)s attended", seat=alternate.seat.label,
                           alt=alternate.person.name))
    found += [_("Guest: %(name)s (%(org)s)", name=e.person.name, org=e.person.organisation or "")
              if e.person.organisation else _("Guest: %(name)s", name=e.person.name)
              for e in entries if e.seat is None and e.came]
    return found


def _member_line(member: Entry, alternate: Entry | None) -> str:
    """Return the attendance line of one seat."""
    seat, name = member.seat.label, member.person.name
    alt = alternate.person.name if alternate is not None else ""
    if member.came:
        return _("%(seat)s: %(name)s attended", seat=seat, name=name)
    if member.answer is InvitationStatus.declined:
        if alternate is not None:
            return _("%(seat)s: %(name)s had sent apologies; alternate %(alt)s attended",
                     seat=seat, name=name, alt=alt)
        return _("%(seat)s: %(name)s had sent apologies", seat=seat, name=name)
    if alternate is not None:
        return _("%(seat)s: %(name)s did not attend; alternate %(alt)s attended",
                 seat=seat, name=name, alt=alt)
    if member.mark is False or member.answer is None:
        return _("%(seat)s: %(name)s did not attend", seat=seat, name=name)
    return _("%(seat)s: %(name)s (no answer)", seat=seat, name=name)
