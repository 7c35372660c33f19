"""Seat coverage of a meeting: for each seat, who (if anyone) will be there."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Invitation, InvitationRole, InvitationStatus, Meeting, Seat, utcnow
from app.services import meetings, roster


class Cover(enum.Enum):
    """How a seat stands for a meeting."""

    member_coming = "member_coming"
    alternate_coming = "alternate_coming"
    alternate_called = "alternate_called"
    maybe = "maybe"
    no_answer = "no_answer"
    unrepresented = "unrepresented"
    not_invited = "not_invited"
    vacant = "vacant"


@dataclass(frozen=True)
class SeatCover:
    """One seat's standing, with the invitations behind it."""

    seat: Seat
    cover: Cover
    member: Invitation | None
    alternate: Invitation | None
    #: Nobody holds the seat as member on the meeting day.
    is_vacant: bool = False
    #: The first day without a member, when the seat is held today but not then.
    vacant_from: date | None = None


def _cover(member: Invitation | None, alternate: Invitation | None) -> Cover:
    """Return the standing given the member's and the alternate's invitations."""
    if member is None:
        return Cover.not_invited
    status = member.status
    if status is InvitationStatus.accepted:
        return Cover.member_coming
    if status is InvitationStatus.tentative:
        return Cover.maybe
    if status is InvitationStatus.pending:
        return Cover.no_answer
    if alternate is None or alternate.status is InvitationStatus.declined:
        return Cover.unrepresented
    if alternate.status is InvitationStatus.accepted:
        return Cover.alternate_coming
    return Cover.alternate_called


# Who is invited, with their people: the seats come with the roster's holdings (the
# same objects), so only the person is joined, a quarter of what invitations_of()
# builds a row.
_INVITED = (select(Invitation)
            .where(Invitation.meeting_id == bindparam("meeting_id"),
                   Invitation.status != InvitationStatus.replaced)
            .options(joinedload(Invitation.person))
            .order_by(Invitation.id))


def seat_coverage(meeting: Meeting, today: date | None = None) -> list[SeatCover]:
    """Return every seat's standing for MEETING, in seat order.

    A seat without a member on the meeting day is vacant, whoever was invited while
    they held it; if it is held TODAY, it says from when it falls vacant.
    """
    forum = meeting.forum
    day = meetings.local_day(forum, meeting.start_dt)
    today = today or meetings.local_day(forum, utcnow())
    invs = list(db.session.scalars(_INVITED, {"meeting_id": meeting.id}))
    members = {i.seat_id: i for i in invs if i.role is InvitationRole.member}
    alternates = {i.seat_id: i for i in invs if i.role is InvitationRole.alternate}
    on_day = roster.holdings(forum, day)
    held_today = None  # read only if a seat is vacant on the day: seldom
    found = []
    for holding in on_day:
        seat = holding.seat
        member, alternate = members.get(seat.id), alternates.get(seat.id)
        if holding.is_vacant:
            if held_today is None:
                held_today = {h.seat.id: h.member for h in (
                    on_day if today == day else roster.holdings(forum, today))}
            now_held = held_today.get(seat.id)
            since = now_held.last_day + timedelta(days=1) if now_held and now_held.last_day \
                else None
            cover = _alternate_cover(alternate) if alternate else Cover.vacant
            found.append(SeatCover(seat, cover, member, alternate, True, since))
        else:
            found.append(SeatCover(seat, _cover(member, alternate), member, alternate))
    return found


def _alternate_cover(alternate: Invitation) -> Cover:
    """Return the standing of a seat without a member whose alternate is invited."""
    if alternate.status is InvitationStatus.accepted:
        return Cover.alternate_coming
    if alternate.status is InvitationStatus.declined:
        return Cover.unrepresented
    return Cover.alternate_called


def vacant(covers: list[SeatCover]) -> int:
    """Return how many seats have no member on the meeting day."""
    return sum(1 for sc in covers if sc.is_vacant)


def counts(covers: list[SeatCover]) -> dict[Cover, int]:
    """Return how many seats stand each way."""
    out = dict.fromkeys(Cover, 0)
    for sc in covers:
        out[sc.cover] += 1
    return out
