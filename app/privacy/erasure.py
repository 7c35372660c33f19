"""Erasure (GDPR art. 17): a former member becomes »Tidligere medlem nr. N«.

The forum's records stay whole (minutes, attendance counts, agenda items, who held which
seat when) under the anonymous name; the address, phone, reply tokens and the mails' own
bytes go. Refused while the person holds a mandate: the forum still needs to reach them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, or_, select, update

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import (
    AgendaItem,
    AuditEvent,
    InboundMessage,
    Invitation,
    Meeting,
    Minutes,
    MinutesSection,
    OutboundMessage,
    Person,
)
from app.services import audit
from app.services.errors import ServiceError

ANONYMOUS = "Tidligere medlem nr. {number}"


def anonymise(person: Person, actor: str, today: date, now: datetime) -> str:
    """Erase PERSON's identity and mail; return the anonymous name. Flushes."""
    current = [m for m in person.mandates if m.ended_on is None or m.ended_on > today]
    if current:
        seats = ", ".join(sorted({m.seat.label for m in current}))
        raise ServiceError(_l("%(name)s holds a mandate (%(seats)s): end it before the "
                              "person's data can be erased.", name=person.name, seats=seats))
    old_name, old_email = person.name, person.email.lower()
    new_name = ANONYMOUS.format(number=person.id)
    _forget_mail(person, old_email, now)
    _rename_in_records(person, old_name, new_name)
    _scrub_events(person)
    person.name, person.email = new_name, f"tidligere-{person.id}@anonym.invalid"
    person.phone = person.organisation = person.bounce_reason = None
    person.bouncing_since = None
    db.session.execute(update(Invitation).where(Invitation.person_id == person.id)
                       .values(reply_token=None, comment=None))
    audit.record(person.forum_id, actor, "person.anonymised", person, number=person.id)
    db.session.flush()
    return new_name


def _forget_mail(person: Person, email: str, now: datetime) -> None:
    """Purge the bytes and bodies of mail from and to PERSON, and the address on it."""
    invitations = select(Invitation.id).where(Invitation.person_id == person.id)
    db.session.execute(
        update(InboundMessage)
        .where(InboundMessage.forum_id == person.forum_id,
               or_(func.lower(InboundMessage.sender) == email,
                   InboundMessage.invitation_id.in_(invitations)))
        .values(raw=None, html=None, text_body=None, sender=None, purged_dt=now)
        .execution_options(synchronize_session=False))
    db.session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.forum_id == person.forum_id,
               or_(func.lower(OutboundMessage.recipient) == email,
                   OutboundMessage.invitation_id.in_(invitations)))
        .values(raw=None, recipient=f"tidligere-{person.id}@anonym.invalid", purged_dt=now)
        .execution_options(synchronize_session=False))


def _rename_in_records(person: Person, old: str, new: str) -> None:
    """Write the anonymous name where the records spell out the old one."""
    for item in db.session.scalars(select(AgendaItem).filter_by(submitter_id=person.id)):
        item.submitter_name, item.submitter_address = new, None
    forums_minutes = select(Minutes.id).join(Minutes.meeting).where(
        Meeting.forum_id == person.forum_id)
    for record in db.session.scalars(select(Minutes).where(
            Minutes.id.in_(forums_minutes), Minutes.attendance.contains(old))):
        record.attendance = record.attendance.replace(old, new)
    for section in db.session.scalars(select(MinutesSection).where(
            MinutesSection.minutes_id.in_(forums_minutes), MinutesSection.body.contains(old))):
        section.body = section.body.replace(old, new)


def _scrub_events(person: Person) -> None:
    """Drop names and addresses from the details of audit events about PERSON."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.target_type == "Person", AuditEvent.target_id == person.id))
    for event in events:
        if event.details:
            event.details = {key: value for key, value in event.details.items()
                             if key not in {"name", "email", "old_email", "new_email",
                                            "address", "phone"}}
