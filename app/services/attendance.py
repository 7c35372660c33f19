"""Attendance record: per seat and year, how often the member came, the alternate, or nobody.

Read from the invitations of meetings that were held: an accepted invitation counts
as having come (the answers are what the minutes' attendance is drafted from too), unless
the minutes say by hand who came.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.i18n import gettext as _
from app.models import (
    Forum,
    Invitation,
    InvitationRole,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    Minutes,
    Seat,
)
from app.services import meetings, minutes_attendance

HELD = (MeetingStatus.held, MeetingStatus.minutes_sent)
OUTCOMES = ("member", "alternate", "empty")


@dataclass
class SeatRecord:
    """One seat's year: meetings the member came to, the alternate came to, nobody came to."""

    seat: Seat
    member: int = 0
    alternate: int = 0
    empty: int = 0

    @property
    def meetings(self) -> int:
        """Return how many held meetings the seat existed at."""
        return self.member + self.alternate + self.empty


def held_meetings(forum: Forum, year: int) -> list[Meeting]:
    """Return the forum's meetings held in YEAR (local time), in order."""
    zone = ZoneInfo(forum.timezone)
    first = datetime(year, 1, 1, tzinfo=zone)
    stmt = (select(Meeting)
            .where(Meeting.forum_id == forum.id, Meeting.status.in_(HELD),
                   Meeting.start_dt >= first, Meeting.start_dt < datetime(year + 1, 1, 1,
                                                                          tzinfo=zone))
            .order_by(Meeting.start_dt))
    return list(db.session.scalars(stmt))


def years(forum: Forum) -> list[int]:
    """Return the years with held meetings, latest first."""
    stmt = select(Meeting.start_dt).where(Meeting.forum_id == forum.id, Meeting.status.in_(HELD))
    return sorted({meetings.local_day(forum, start).year for start in db.session.scalars(stmt)},
                  reverse=True)


def _existed(seat: Seat, day: date) -> bool:
    """Tell whether SEAT existed on DAY."""
    return ((seat.created_on is None or seat.created_on <= day)
            and (seat.abolished_on is None or seat.abolished_on > day))


def _outcomes(meeting_ids: list[int]) -> dict[tuple[int, int], str]:
    """Return who came for each (meeting, seat): "member" beats "alternate"."""
    stmt = select(Invitation).where(Invitation.meeting_id.in_(meeting_ids),
                                    Invitation.seat_id.is_not(None),
                                    Invitation.role != InvitationRole.guest,
                                    Invitation.status == InvitationStatus.accepted)
    came: dict[tuple[int, int], str] = {}
    for inv in db.session.scalars(stmt):
        key = (inv.meeting_id, inv.seat_id)
        if inv.role is InvitationRole.member or key not in came:
            came[key] = inv.role.value
    return came


def _marked(meeting_ids: list[int]) -> dict[int, dict[tuple[int, int], str]]:
    """Return who came for each (meeting, seat) of the meetings whose minutes say by hand who
    came (a meeting never invited, someone who came without answering), by meeting."""
    stmt = select(Minutes).where(Minutes.meeting_id.in_(meeting_ids), Minutes.presences.any())
    found: dict[int, dict[tuple[int, int], str]] = {}
    for minutes in db.session.scalars(stmt):
        came = found.setdefault(minutes.meeting_id, {})
        for entry in minutes_attendance.roll(minutes.meeting, minutes):
            key = (minutes.meeting_id, entry.seat.id if entry.seat else None)
            if entry.seat is not None and entry.came and (
                    entry.role is InvitationRole.member or key not in came):
                came[key] = entry.role.value
    return found


def record(forum: Forum, year: int) -> list[SeatRecord]:
    """Return each seat's attendance in YEAR, in roster order (seats that existed then)."""
    held = held_meetings(forum, year)
    came = _outcomes([m.id for m in held])
    for meeting_id, by_hand in _marked([m.id for m in held]).items():
        # The minutes' marks decide for their meeting: drop what the answers alone said.
        came = {key: value for key, value in came.items() if key[0] != meeting_id} | by_hand
    seats = db.session.scalars(select(Seat).filter_by(forum_id=forum.id)
                               .order_by(Seat.position, Seat.id)).all()
    records = {seat.id: SeatRecord(seat) for seat in seats}
    for meeting in held:
        day = meetings.local_day(forum, meeting.start_dt)
        for seat in seats:
            if _existed(seat, day):
                outcome = came.get((meeting.id, seat.id), "empty")
                setattr(records[seat.id], outcome, getattr(records[seat.id], outcome) + 1)
    return [r for r in records.values() if r.meetings]


def csv_text(records: list[SeatRecord], year: int) -> str:
    """Return the records as CSV for Excel in the reader's language: one row per seat."""
    # Danish Excel splits on the list separator, ";" (the comma is the decimal mark), and
    # reads UTF-8 only after a byte order mark, which the caller puts first.
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Year"), _("Seat"), _("Kind"), _("Member came"), _("Alternate came"),
                     _("Seat empty"), _("Meetings held")])
    kinds = {"organisation": _("Organisation"), "neighbour": _("Neighbour"),
             "secretary": _("Secretary")}
    for r in records:
        writer.writerow([year, r.seat.label, kinds.get(r.seat.kind.value, r.seat.kind.value),
                         r.member, r.alternate, r.empty, r.meetings])
    return out.getvalue()


# --- the chart -----------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """One coloured part of a bar."""

    outcome: str
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    """One seat's row in the chart."""

    record: SeatRecord
    y: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Chart:
    """Geometry of the horizontal stacked bar chart, for templates/roster/_attendance.html."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int
    row: int


def chart(records: list[SeatRecord], label_width: int = 250, bar_width: int = 300,
          row: int = 20) -> Chart:
    """Return the chart's bars: the member, the alternate, then nobody, scaled to the most."""
    most = max((r.meetings for r in records), default=0) or 1
    bars = []
    for n, r in enumerate(records):
        x, segments = float(label_width), []
        for outcome in OUTCOMES:
            count = getattr(r, outcome)
            if count:
                width = round(bar_width * count / most, 1)
                segments.append(Segment(outcome, count, x, width))
                x += width
        bars.append(Bar(r, n * row, tuple(segments)))
    return Chart(tuple(bars), label_width + bar_width + 40, max(len(bars), 1) * row,
                 label_width, row)
