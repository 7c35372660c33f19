"""Seat coverage of a meeting: for each seat, who (if anyone) will be there."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.models import Invitation, InvitationRole, InvitationStatus, Meeting, Seat
from app.services import invitations, meetings, roster


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


def seat_coverage(meeting: Meeting) -> list[SeatCover]:
    """Return every seat's standing for MEETING, in seat order, in two queries."""
    day = meetings.local_day(meeting.forum, meeting.start_dt)
    invs = invitations.invitations_of(meeting)
    members = {i.seat_id: i for i in invs if i.role is InvitationRole.member}
    alternates = {i.stands_in_for_id: i for i in invs
                  if i.role is InvitationRole.alternate and i.status is not
                  InvitationStatus.replaced}
    found = []
    for holding in roster.holdings(meeting.forum, day):
        member = members.get(holding.seat.id)
        alternate = alternates.get(member.id) if member else None
        cover = Cover.vacant if holding.is_vacant and member is None else _cover(member,
                                                                                  alternate)
        found.append(SeatCover(holding.seat, cover, member, alternate))
    return found


def counts(covers: list[SeatCover]) -> dict[Cover, int]:
    """Return how many seats stand each way."""
    out = dict.fromkeys(Cover, 0)
    for sc in covers:
        out[sc.cover] += 1
    return out
