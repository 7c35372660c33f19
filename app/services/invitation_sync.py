"""Keep a meeting's invitations in step with the roster: who should be invited, now.

One rule decides, whether the secretary sends the invitations, sends them again, or
changes the roster while they are out: each seat's member on the meeting day; its
alternate when the member has declined or the seat has no member (the alternate
takes over); the guests of the meeting's lists. Whoever else is still invited is
withdrawn (a CANCEL with their own SEQUENCE, if an invitation had gone out), and a
withdrawn invitation is revived rather than doubled when its person is due again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import (
    Followup,
    Forum,
    Invitation,
    InvitationRole,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    Person,
    Seat,
    utcnow,
)
from app.services import audit, followups, invitations, meetings, roster
from app.services.errors import ServiceError


@dataclass(frozen=True)
class Due:
    """Someone who should be invited, in which capacity."""

    person: Person
    role: InvitationRole
    seat: Seat | None = None
    stands_in_for: Invitation | None = None


@dataclass
class Changes:
    """What one sync did to a meeting's invitations."""

    created: list[Invitation] = field(default_factory=list)
    revived: list[Invitation] = field(default_factory=list)
    withdrawn: list[tuple[Invitation, str]] = field(default_factory=list)

    @property
    def invited(self) -> list[Invitation]:
        """Return the invitations that are new or live again."""
        return self.created + self.revived

    def notices(self) -> list:
        """Return the notices that tell the people concerned."""
        found = [("withdrawn", inv.id, inv.releases, why) for inv, why in self.withdrawn]
        return found + [("invitation", inv.id, inv.releases) for inv in self.invited]


def due(meeting: Meeting, live: dict[int, Invitation]) -> list[Due]:
    """Return who should be invited to MEETING, given the LIVE invitations by person."""
    day = meetings.local_day(meeting.forum, meeting.start_dt)
    found: list[Due] = []
    for holding in roster.holdings(meeting.forum, day):
        member = holding.member.person if holding.member else None
        if member is not None:
            found.append(Due(member, InvitationRole.member, holding.seat))
        alternate = holding.alternate.person if holding.alternate else None
        if alternate is None or (member is not None and alternate.id == member.id):
            continue
        own = live.get(member.id) if member is not None else None
        if member is None or (own is not None and own.status is InvitationStatus.declined):
            found.append(Due(alternate, InvitationRole.alternate, holding.seat, own))
    seen = {d.person.id for d in found}
    for guest in meetings._guests(meeting):
        if guest.id not in seen:
            seen.add(guest.id)
            found.append(Due(guest, InvitationRole.guest))
    return found


def sync(meeting: Meeting, actor: str = "system") -> Changes:
    """Invite whoever is due and withdraw whoever is not; return what changed."""
    every = invitations.invitations_of(meeting)
    live = {i.person_id: i for i in every if i.status is not InvitationStatus.replaced}
    wanted = {d.person.id: d for d in due(meeting, live)}
    changes = Changes()
    for invitation in live.values():
        if invitation.person_id not in wanted:
            _withdraw(invitation)
            changes.withdrawn.append((invitation, _why(invitation)))
    by_person, new = {i.person_id: i for i in every}, []
    for person_id, wish in wanted.items():
        existing = by_person.get(person_id)
        if existing is None:
            new.append(wish)
        elif existing.status is InvitationStatus.replaced:
            _revive(existing, wish)
            changes.revived.append(existing)
        else:
            _take_capacity(existing, wish)
    db.session.flush()
    changes.created = _create(meeting, new)
    if changes.withdrawn or changes.invited:
        db.session.expire(meeting, ["invitations"])  # loaded before, it lacks the new ones
    return changes


def _why(invitation: Invitation) -> str:
    """Return why INVITATION is withdrawn, for the wording of the CANCEL."""
    return "guest" if invitation.role is InvitationRole.guest else "mandate"


def _withdraw(invitation: Invitation) -> None:
    """Withdraw INVITATION: its next mail is a CANCEL that outranks what was sent."""
    invitation.status = InvitationStatus.replaced
    invitation.releases += 1


def _create(meeting: Meeting, wishes: list[Due]) -> list[Invitation]:
    """Add the invitations WISHES ask for in one statement, with their signed tokens."""
    if not wishes:
        return []
    return invitations._insert_signed([
        {"meeting_id": meeting.id, "person_id": w.person.id, "role": w.role,
         "seat_id": w.seat.id if w.seat else None,
         "stands_in_for_id": w.stands_in_for.id if w.stands_in_for else None}
        for w in wishes])


def _revive(invitation: Invitation, wish: Due) -> None:
    """Make a withdrawn invitation live again, unanswered, in WISH's capacity."""
    invitation.status, invitation.answered_via, invitation.answered_dt = (
        InvitationStatus.pending, None, None)
    invitation.answered_start_dt, invitation.comment = None, None
    _take_capacity(invitation, wish)


def _take_capacity(invitation: Invitation, wish: Due) -> None:
    """Give INVITATION the role and seat WISH says (a member may become the alternate)."""
    invitation.role, invitation.seat = wish.role, wish.seat
    if wish.role is InvitationRole.alternate:
        invitation.stands_in_for = invitation.stands_in_for or wish.stands_in_for
    else:
        invitation.stands_in_for = None


def check_sendable(meeting: Meeting, now: datetime | None = None) -> None:
    """Refuse to send invitations for a meeting not coming, begun, or without a place."""
    if meeting.status not in (MeetingStatus.planned, MeetingStatus.invited):
        raise ServiceError(_l("Invitations can only be sent for a coming meeting."))
    if meeting.start_dt <= (now or utcnow()):
        raise ServiceError(_l("The meeting has begun: invitations can no longer be sent. "
                              "Move it to a later time to send them."))
    if not (meeting.location or "").strip():
        raise ServiceError(_l("The meeting has no place: give it one before sending the "
                              "invitations."))


@dataclass(frozen=True)
class Round:
    """A sending of a meeting's invitations: what changed, and the follow-up that mails
    the withdrawals."""

    changes: Changes
    followup: Followup | None


def send_round(meeting: Meeting, actor: str = "system") -> Round:
    """Bring MEETING's invitations in step with the roster and mark it invited.

    The invitations themselves are queued by the sending job; the CANCELs of the
    withdrawn go in a follow-up, mailed after the commit.
    """
    if meeting.status in (MeetingStatus.cancelled, MeetingStatus.held,
                          MeetingStatus.minutes_sent):
        raise ServiceError(_l("Invitations can only be sent for a coming meeting."))
    changes = sync(meeting, actor)
    meeting.status = MeetingStatus.invited
    db.session.flush()
    audit.record(meeting.forum_id, actor, "invite", meeting, count=len(changes.invited))
    withdrawn = [n for n in changes.notices() if n[0] == "withdrawn"]
    return Round(changes, followups.notices(withdrawn))


_OUT = (select(Meeting)
        .where(Meeting.forum_id == db.bindparam("forum_id"),
               Meeting.status == MeetingStatus.invited,
               Meeting.start_dt > db.bindparam("now"))
        .order_by(Meeting.start_dt))


@dataclass(frozen=True)
class InStep:
    """What bringing the coming meetings in step did: the follow-up that mails it, and
    how many invitations were withdrawn and sent."""

    followup: Followup | None
    withdrawn: int = 0
    invited: int = 0


def sync_coming(forum: Forum, actor: str = "system", now: datetime | None = None) -> InStep:
    """Bring every coming meeting whose invitations are out in step with the roster;
    the follow-up mails the CANCELs and invitations after the commit."""
    notices: list = []
    withdrawn = invited = 0
    for meeting in db.session.scalars(_OUT, {"forum_id": forum.id, "now": now or utcnow()}):
        changes = sync(meeting, actor)
        if changes.withdrawn or changes.invited:
            audit.record(meeting.forum_id, actor, "sync_invitations", meeting,
                         invited=[i.person_id for i in changes.invited],
                         withdrawn=[i.person_id for i, _ in changes.withdrawn])
        notices += changes.notices()
        withdrawn, invited = withdrawn + len(changes.withdrawn), invited + len(changes.invited)
    return InStep(followups.notices(notices), withdrawn, invited)
