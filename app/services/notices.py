"""Turn the notices a service asked for into queued mail, inside a job.

A notice is a plain tuple (kind, ids...), so it can wait in Redis; by the time
it runs, the answer it follows may have changed again, so each kind checks that
it still applies.
"""

from __future__ import annotations

from app.extensions import db
from app.models import (
    AgendaItem,
    Invitation,
    InvitationStatus,
    MeetingStatus,
    OutboundMessage,
    Person,
)
from app.services import invitations, notify, notify_agenda


def _live(invitation_id: int, round_: int) -> Invitation | None:
    """Return the invitation if it has not been withdrawn since ROUND_."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.releases != round_:
        return None
    return None if invitation.status is InvitationStatus.replaced else invitation


def confirmation(invitation_id: int, stamp: str):
    """Confirm an answer."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        return None
    return notify.confirmation(invitation, invitations.alternate_name(invitation), stamp)


def unrepresented(member_id: int, alternate_id: int | None):
    """Tell the secretary that a seat will be empty."""
    member = db.session.get(Invitation, member_id)
    alternate = db.session.get(Invitation, alternate_id) if alternate_id else None
    return notify.unrepresented(member, alternate) if member else None


def alternate_called(member_id: int, alternate_id: int, round_: int):
    """Tell the member that their alternate is called in."""
    alternate = _live(alternate_id, round_)
    member = db.session.get(Invitation, member_id)
    return notify.alternate_called(member, alternate, round_) if alternate and member else None


def invitation(alternate_id: int, round_: int):
    """Invite the alternate, unless they were withdrawn again meanwhile."""
    alternate = _live(alternate_id, round_)
    if alternate is None or alternate.meeting.status is not MeetingStatus.invited:
        return None
    return notify.invitation(alternate, updated=False)


def release(alternate_id: int, round_: int):
    """Send the CANCEL of the ROUND_-th withdrawal, if an invitation had gone out."""
    alternate = db.session.get(Invitation, alternate_id)
    if alternate is None or not notify.invitation_mail_in_round(alternate, round_ - 1):
        return None
    return notify.cancellation(alternate, "alternate_released", round_)


def withdrawn(invitation_id: int, round_: int, why: str):
    """Send the CANCEL of a withdrawal (the mandate ended, the guest is off the list),
    if an invitation had gone out and the invitation was not revived since."""
    invitation = db.session.get(Invitation, invitation_id)
    if (invitation is None or invitation.releases != round_
            or invitation.status is not InvitationStatus.replaced
            or not notify.invitation_mail_in_round(invitation, round_ - 1)):
        return None
    return notify.cancellation(invitation, f"withdrawn_{why}", round_)


def agenda_receipt(item_id: int, in_reply_to: str | None = None):
    """Thank the submitter of an agenda item received by mail."""
    item = db.session.get(AgendaItem, item_id)
    return notify_agenda.receipt(item, in_reply_to=in_reply_to) if item else None


def bouncing(person_id: int):
    """Tell the secretary that mail to a person bounces."""
    person = db.session.get(Person, person_id)
    if person is None or person.bouncing_since is None:
        return None
    return notify_agenda.bouncing(person.forum, person)


def mailbox_failing(account_id: int):
    """Tell the secretary that the forum's own mailbox has failed for a while."""
    from app.services.mailaccounts.notice import mailbox_failing as notice

    return notice(account_id)


HANDLERS = {
    "mailbox_failing": mailbox_failing,
    "agenda_receipt": agenda_receipt,
    "bouncing": bouncing,
    "confirmation": confirmation,
    "unrepresented": unrepresented,
    "alternate_called": alternate_called,
    "invitation": invitation,
    "release": release,
    "withdrawn": withdrawn,
}


def queue(notices: list) -> list[OutboundMessage]:
    """Queue the mail for each notice that still applies."""
    rows = [HANDLERS[kind](*args) for kind, *args in notices]
    return [row for row in rows if row is not None]
