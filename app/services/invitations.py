"""Invitations: who is invited, their answers, and the alternate called in on a decline."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.mail.merge import InvitationMerge
from app.mail.tokens import make_token
from app.models import (
    AnswerChannel,
    Followup,
    Invitation,
    InvitationRole,
    InvitationStatus,
    MandateRole,
    Meeting,
    MeetingStatus,
    utcnow,
)
from app.services import audit, followups, meetings, notify, roster
from app.services.errors import ServiceError
from app.services.mailinfo import forum_info, meeting_info
from app.services.outbound import LedgerView

ANSWERS = {s.value: s for s in (InvitationStatus.accepted, InvitationStatus.declined,
                                InvitationStatus.tentative)}


def token_secret() -> bytes:
    """Return the key reply tokens are signed with."""
    return current_app.config["SECRET_KEY"].encode()


# Built once: every job that mails a meeting asks for it, and building the
# statement with its loader options costs more than running it.
_INVITATIONS_OF = (
    select(Invitation)
    .where(Invitation.meeting_id == bindparam("meeting_id"))
    # Joined, not "select in": one round trip instead of four on every meeting's page
    # and every sending job.
    .options(joinedload(Invitation.person), joinedload(Invitation.seat),
             joinedload(Invitation.stands_in_for).joinedload(Invitation.person))
    .order_by(Invitation.id)
)


_INVITED = select(Invitation.person_id).where(Invitation.meeting_id == bindparam("meeting_id"))


def invitations_of(meeting: Meeting) -> list[Invitation]:
    """Return the meeting's invitations with people and seats loaded, in a stable order."""
    return list(db.session.scalars(_INVITATIONS_OF, {"meeting_id": meeting.id}))


def _new_invitation(meeting: Meeting, person, role: InvitationRole, seat=None,
                    stands_in_for: Invitation | None = None) -> Invitation:
    """Add an invitation and give it its signed reply token."""
    invitation = Invitation(meeting=meeting, person=person, role=role, seat=seat,
                            stands_in_for=stands_in_for)
    db.session.add(invitation)
    db.session.flush()
    _sign([invitation])
    return invitation


def _sign(created: list[Invitation]) -> None:
    """Give each new invitation its signed reply token (the id must be known)."""
    secret = token_secret()
    for invitation in created:
        invitation.reply_token = make_token(invitation.id, secret)


def invite(meeting: Meeting, actor: str = "system") -> int:
    """Invite who is due and not invited yet, withdraw who is not due; return how many
    were invited now (see `app.services.invitation_sync.send_round`)."""
    from app.services import invitation_sync  # it builds on this module

    return len(invitation_sync.send_round(meeting, actor).changes.invited)


def _insert_signed(rows: list[dict]) -> list[Invitation]:
    """Insert the invitations ROWS in one statement and give each its signed token;
    return them, in id order."""
    # On SQLite the ORM inserts objects one statement each (it cannot match
    # RETURNING rows to objects there); a bulk insert is one statement, and it hands
    # the rows back as objects in the session, so nothing is read again. Tokens sign
    # the ids, so they follow in one UPDATE by primary key, and the objects are told.
    inserted = sorted(db.session.scalars(insert(Invitation).returning(Invitation), rows),
                      key=lambda invitation: invitation.id)
    secret = token_secret()
    tokens = [make_token(invitation.id, secret) for invitation in inserted]
    db.session.execute(update(Invitation), [
        {"id": invitation.id, "reply_token": token}
        for invitation, token in zip(inserted, tokens, strict=True)])
    for invitation, token in zip(inserted, tokens, strict=True):
        set_committed_value(invitation, "reply_token", token)
    return inserted


def queue_invitations(meeting: Meeting) -> list[int]:
    """Queue this SEQUENCE's invitation for everyone still invited, never twice; return
    the ids of the invitation mail waiting to leave: queued now, or left by an earlier
    try."""
    ledger, info = LedgerView(meeting.id), meeting_info(meeting)
    merge = InvitationMerge(forum_info(meeting.forum))
    for invitation in invitations_of(meeting):
        if invitation.status is InvitationStatus.replaced:
            continue
        first = not notify.has_invitation_mail(invitation, ledger)
        if first and invitation.status is InvitationStatus.declined:
            continue  # declined before anything was sent: the alternate goes instead
        notify.invitation(invitation, updated=not first, info=info, ledger=ledger, merge=merge)
    return ledger.waiting("invitation") + ledger.insert()


def queue_cancellations(meeting: Meeting) -> list[int]:
    """Queue a CANCEL for everyone who received an invitation; return the ids of the
    cancellations waiting to leave: queued now, or left by an earlier try."""
    ledger = LedgerView(meeting.id)
    for inv in invitations_of(meeting):
        if (inv.status is not InvitationStatus.replaced
                and notify.has_invitation_mail(inv, ledger)):
            notify.cancellation(inv, "meeting_cancelled", ledger=ledger)
    return ledger.waiting("cancellation") + ledger.insert()


def record_answer(
    invitation: Invitation,
    answer: str,
    via: AnswerChannel,
    comment: str | None = None,
    actor: str = "mail",
    when: datetime | None = None,
) -> Followup | None:
    """Record ANSWER and its consequences; return the follow-up recorded with them, if any.

    Composing mail is the slow part, so it is left to a job: the answer is saved at
    once, and so is the follow-up that sends its notices (the alternate's invitation,
    the member's notice, the confirmation), in the same transaction. After the commit
    the caller hands it to the queue (`app.jobs.notify_later`); if the queue is away,
    the sweep does.
    """
    status = ANSWERS.get(answer)
    if status is None:
        raise ServiceError(_l("Unknown answer: %(answer)s", answer=answer))
    check_answerable(invitation)
    previous, renewed = invitation.status, invitation.answered_old_time
    if previous is status and (comment or None) == invitation.comment and not renewed:
        return None  # the same answer twice changes nothing and confirms nothing
    invitation.status, invitation.answered_via = status, via
    invitation.answered_dt, invitation.comment = when or utcnow(), comment or None
    invitation.answered_start_dt = invitation.meeting.start_dt
    db.session.flush()
    audit.record(invitation.meeting.forum_id, actor, "answer", invitation,
                 answer=answer, via=via.value, previous=previous.value)
    notices = _consequences(invitation, previous)
    if previous is not status or renewed:  # renewed: now an answer to the new time
        # The confirmation names the alternate called in: one mail says both things.
        notices = [n for n in notices if n[0] != "alternate_called"]
        notices.append(("confirmation", invitation.id, invitation.answered_dt.isoformat()))
    return followups.notices(notices)


def check_answerable(invitation: Invitation, now: datetime | None = None) -> None:
    """Refuse an answer to a withdrawn invitation, or to a meeting cancelled, begun or held."""
    meeting = invitation.meeting
    if invitation.status is InvitationStatus.replaced:
        if invitation.role is InvitationRole.alternate and invitation.stands_in_for_id:
            raise ServiceError(_l("This invitation was withdrawn: the member is coming."))
        raise ServiceError(_l("This invitation was withdrawn."))
    if meeting.status is MeetingStatus.cancelled:
        # A "ja" in reply to a cancellation is not an answer to anything.
        raise ServiceError(_l("The meeting is cancelled."))
    if (meeting.status in (MeetingStatus.held, MeetingStatus.minutes_sent)
            or meeting.start_dt <= (now or utcnow())):
        # Who came is the minutes' business now, not an answer's.
        raise ServiceError(_l("The meeting has begun: answers can no longer be recorded."))


def _consequences(invitation: Invitation, previous: InvitationStatus) -> list:
    """Call in, release or give up on the alternate as the answer demands."""
    declined = invitation.status is InvitationStatus.declined
    if invitation.role is InvitationRole.member:
        if declined:
            return call_alternate(invitation)
        if previous is InvitationStatus.declined:
            return release_alternate(invitation)
    if invitation.role is InvitationRole.alternate and declined:
        return [("unrepresented", invitation.stands_in_for_id, invitation.id)]
    return []


def standing_in(member_invitation: Invitation) -> Invitation | None:
    """Return the alternate's live invitation for MEMBER_INVITATION, if any."""
    stmt = select(Invitation).where(
        Invitation.stands_in_for_id == member_invitation.id,
        Invitation.status != InvitationStatus.replaced,
    )
    return db.session.scalars(stmt).first()


def call_alternate(member_invitation: Invitation) -> list:
    """Invite the seat's alternate instead of the member; tell whoever must know."""
    meeting, seat = member_invitation.meeting, member_invitation.seat
    day = meetings.local_day(meeting.forum, meeting.start_dt)
    mandate = roster.current_mandate(seat, MandateRole.alternate, day) if seat else None
    if mandate is None or mandate.person_id == member_invitation.person_id:
        return [("unrepresented", member_invitation.id, None)]
    if standing_in(member_invitation) is not None:
        return []
    alternate = _alternate_invitation(meeting, mandate.person, member_invitation)
    if alternate.status is InvitationStatus.declined:
        return [("unrepresented", member_invitation.id, alternate.id)]
    notices = [("alternate_called", member_invitation.id, alternate.id, alternate.releases)]
    if meeting.status is MeetingStatus.invited:
        notices.append(("invitation", alternate.id, alternate.releases))
    return notices


def _alternate_invitation(meeting: Meeting, person, member_invitation: Invitation) -> Invitation:
    """Return the alternate's invitation, reviving one that was withdrawn before."""
    existing = db.session.scalars(
        select(Invitation).filter_by(meeting_id=meeting.id, person_id=person.id)).first()
    if existing is None:
        return _new_invitation(meeting, person, InvitationRole.alternate,
                               member_invitation.seat, member_invitation)
    if existing.status is InvitationStatus.replaced:
        existing.status, existing.answered_via, existing.answered_dt = (
            InvitationStatus.pending, None, None)
        existing.stands_in_for = member_invitation
    return existing


def release_alternate(member_invitation: Invitation) -> list:
    """Withdraw the alternate's invitation now that the member comes after all."""
    alternate = standing_in(member_invitation)
    if alternate is None:
        return []
    had_declined = alternate.status is InvitationStatus.declined
    alternate.status = InvitationStatus.replaced
    alternate.releases += 1
    db.session.flush()
    if had_declined:
        return []  # they said no already: nothing in their calendar to take back
    return [("release", alternate.id, alternate.releases)]


def alternate_name(invitation: Invitation) -> str | None:
    """Return the name of the alternate called in for INVITATION, for the confirmation."""
    if invitation.role is not InvitationRole.member:
        return None
    alternate = standing_in(invitation)
    if alternate is None or alternate.status is InvitationStatus.declined:
        return None
    return alternate.person.name
