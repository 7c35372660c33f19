"""One notify function per mail: compose it from the models and queue it in the ledger.

Each returns the queued row, or None when the mail was queued before (its dedupe
key exists) or must not be sent. Nothing leaves here: the edge commits, then a
job sends what is queued.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.mail import compose, compose_notices
from app.mail.merge import InvitationMerge
from app.models import Invitation, OutboundMessage, utcnow
from app.services import outbound
from app.services.mailinfo import forum_info, meeting_info, recipient_info
from app.services.outbound import LedgerView

#: A confirmation is never sent more often than this for one invitation.
CONFIRMATION_INTERVAL = timedelta(seconds=60)


def _count(invitation_id: int, kind: str) -> int:
    """Return how many mails of KIND were queued for the invitation."""
    stmt = select(func.count(OutboundMessage.id)).filter_by(invitation_id=invitation_id,
                                                           kind=kind)
    return db.session.scalar(stmt) or 0


def has_invitation_mail(invitation: Invitation, ledger: LedgerView | None = None) -> bool:
    """Tell whether an invitation mail was ever queued for INVITATION."""
    if ledger is not None:
        return ledger.count(invitation.id, "invitation") > 0
    return _count(invitation.id, "invitation") > 0


def _queue(invitation: Invitation | None, key: str, message, kind: str, meeting=None,
           ledger: LedgerView | None = None):
    """Queue MESSAGE under KEY; return the row, or None when it was queued before.

    With the LEDGER of a batch (which checked KEY already) the row is staged there
    and inserted with the others by ledger.insert(); its values are returned.
    """
    meeting = meeting or invitation.meeting
    invitation_id = invitation.id if invitation else None
    if ledger is not None:
        return ledger.stage(outbound.values(meeting.forum_id, key, message, kind,
                                            invitation_id, meeting.id))
    row, created = outbound.queue(meeting.forum, key, message, kind,
                                  invitation_id=invitation_id, meeting_id=meeting.id)
    return row if created else None


def _queued(key: str, ledger: LedgerView | None) -> bool:
    """Tell whether KEY was queued, from LEDGER when the caller read it already."""
    return ledger.has(key) if ledger is not None else outbound.find(key) is not None


def invitation(inv: Invitation, updated: bool, info=None, ledger: LedgerView | None = None,
               merge: InvitationMerge | None = None):
    """Queue the invitation (or its update) for the meeting's current SEQUENCE.

    A batch passes one MERGE for the meeting, which composes each kind of
    invitation once and personalises the copies.
    """
    meeting = inv.meeting
    # A withdrawn-then-revived alternate needs the REQUEST again at the same SEQUENCE.
    key = f"invitation:{inv.id}:{meeting.sequence}:{inv.releases}"
    if _queued(key, ledger):
        return None
    info = _personal_sequence(info or meeting_info(meeting), inv.releases)
    merge = merge or InvitationMerge(forum_info(meeting.forum))
    message = merge.invitation(info, recipient_info(inv.person, inv), inv.reply_token,
                               updated=updated and info.sequence > 0)
    return _queue(inv, key, message, "invitation", ledger=ledger)


def _personal_sequence(info, releases: int, cancelling: bool = False):
    """Return INFO with this attendee's SEQUENCE.

    A CANCEL must outrank the REQUEST it cancels (RFC 5546 2.1.4), and a later
    REQUEST must outrank that CANCEL; so each release of an alternate adds two to
    their own sequence: one for the CANCEL, one for any invitation after it.
    """
    return replace(info, sequence=info.sequence + 2 * releases + (1 if cancelling else 0))


def cancellation(inv: Invitation, kind: str, release: int | None = None,
                 ledger: LedgerView | None = None):
    """Queue a CANCEL: the meeting is off, or (RELEASE-th time) this invitee is withdrawn:
    the alternate is not needed, the mandate ended, the guest is off the list."""
    meeting = inv.meeting
    if kind != "meeting_cancelled":
        key = f"{kind}:{inv.id}:{release}"
        info = _personal_sequence(meeting_info(meeting), release - 1, cancelling=True)
    else:
        key = f"{kind}:{inv.id}:{meeting.sequence}"
        info = _personal_sequence(meeting_info(meeting), inv.releases)
    if _queued(key, ledger):
        return None
    message = compose.compose_cancellation(
        forum_info(meeting.forum), info, recipient_info(inv.person, inv),
        inv.reply_token, reason=meeting.cancel_reason, kind=kind)
    ledger_kind = "alternate_released" if kind == "alternate_released" else "cancellation"
    return _queue(inv, key, message, ledger_kind, ledger=ledger)


def alternate_called(member: Invitation, alternate: Invitation, round_: int = 0):
    """Tell the member that their alternate has been called in (the ROUND_-th time)."""
    key = f"alternate_called:{member.id}:{alternate.id}:{round_}"
    if outbound.find(key):
        return None
    message = compose_notices.compose_alternate_called(
        forum_info(member.meeting.forum), meeting_info(member.meeting),
        recipient_info(member.person, member), recipient_info(alternate.person, alternate),
        token=member.reply_token)
    return _queue(member, key, message, "alternate_called")


def unrepresented(member: Invitation, alternate: Invitation | None):
    """Tell the secretary, once per seat and meeting, that nobody will represent the seat."""
    meeting, forum = member.meeting, member.meeting.forum
    if not forum.secretary_address:
        return None
    key = f"unrepresented:{meeting.id}:{member.seat_id or member.person_id}"
    if outbound.find(key):
        return None
    message = compose_notices.compose_seat_unrepresented(
        forum_info(forum), meeting_info(meeting),
        member.seat.label if member.seat else member.person.name,
        recipient_info(member.person, member),
        recipient_info(alternate.person, alternate) if alternate else None,
    )
    # The composer writes to the forum's mailbox; the secretary's own address is better.
    message.replace_header("To", forum.secretary_address)
    return _queue(member, key, message, "unrepresented")


def confirmation(inv: Invitation, alternate_name: str | None, stamp: str = ""):
    """Confirm the answer recorded at STAMP, unless the address bounces or we confirmed
    just now."""
    key = f"confirmation:{inv.id}:{stamp}"
    if inv.person.is_bouncing or outbound.find(key):
        return None
    last = db.session.scalar(
        select(func.max(OutboundMessage.created_dt)).filter_by(invitation_id=inv.id,
                                                              kind="confirmation"))
    # An alternate called in is news the member must have, however recent the last one.
    if last is not None and utcnow() - last < CONFIRMATION_INTERVAL and not alternate_name:
        return None
    message = compose_notices.compose_rsvp_confirmation(
        forum_info(inv.meeting.forum), meeting_info(inv.meeting),
        recipient_info(inv.person, inv), inv.status.value, alternate_name,
        token=inv.reply_token)
    return _queue(inv, key, message, "confirmation")


def reminder(inv: Invitation, info=None, ledger: LedgerView | None = None,
             on_demand: str | None = None):
    """Remind someone who has not answered, once per version of the meeting, and once
    more for each ON_DEMAND reminder the secretary asks for (named by its day)."""
    meeting = inv.meeting
    key = f"reminder:{inv.id}:{meeting.sequence}" + (f":{on_demand}" if on_demand else "")
    if inv.person.is_bouncing or _queued(key, ledger):
        return None
    message = compose.compose_reminder(forum_info(meeting.forum), info or meeting_info(meeting),
                                       recipient_info(inv.person, inv), inv.reply_token)
    return _queue(inv, key, message, "reminder", ledger=ledger)


def final_agenda(inv: Invitation, info=None, ledger: LedgerView | None = None, paper=None):
    """Send the final agenda to someone who is coming or may come, with PAPER (the agenda
    as a PDF attachment) when given."""
    meeting = inv.meeting
    key = f"final_agenda:{inv.id}:{meeting.sequence}"
    if inv.person.is_bouncing or _queued(key, ledger):
        return None
    message = compose.compose_final_agenda(forum_info(meeting.forum),
                                           info or meeting_info(meeting),
                                           recipient_info(inv.person, inv), paper=paper)
    return _queue(inv, key, message, "final_agenda", ledger=ledger)


def invitation_mail_in_round(inv: Invitation, round_: int) -> bool:
    """Tell whether INV got an invitation mail in its ROUND_ (between withdrawals)."""
    pattern = f"invitation:{inv.id}:%:{round_}"
    stmt = select(func.count(OutboundMessage.id)).where(OutboundMessage.dedupe_key.like(pattern))
    return (db.session.scalar(stmt) or 0) > 0
