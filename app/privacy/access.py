"""A person's access request (GDPR art. 15): everything about them, as a ZIP of JSON and mail."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from enum import Enum

from sqlalchemy import func, or_, select
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import (
    AgendaItem,
    AuditEvent,
    InboundMessage,
    Invitation,
    Mandate,
    OutboundMessage,
    Person,
)

README = """Udlevering af oplysninger fra Forumpost

Denne fil rummer alt, hvad {forum} har registreret om {name}, dannet {when}:
- person.json: navn, e-mailadresse, telefon, organisation, sprog
- mandater.json: pladser i forummet som medlem eller suppleant, med perioder
- indkaldelser.json: indkaldelser til møder og svarene på dem
- dagsordenspunkter.json: emner, personen har sendt til dagsordenen
- mails.json: mails fra og til personen (afsender, modtager, tid, emne og hvad systemet
  forstod), og i mappen mails/ de oprindelige mails (.eml), så længe de gemmes
- hændelser.json: hvad sekretariatet har gjort med personens oplysninger
"""


def export(person: Person, now: datetime) -> bytes:
    """Return a ZIP with everything the forum holds about PERSON."""
    inbound, outbound = _inbound(person), _outbound(person)
    files = {
        "LÆS MIG.txt": README.format(forum=person.forum.name, name=person.name,
                                     when=now.isoformat(timespec="minutes")),
        "person.json": _profile(person),
        "mandater.json": [_mandate(m) for m in person.mandates],
        "indkaldelser.json": [_invitation(i) for i in _invitations(person)],
        "dagsordenspunkter.json": [_agenda_item(i) for i in _agenda_items(person)],
        "mails.json": [_mail_in(m) for m in inbound] + [_mail_out(m) for m in outbound],
        "hændelser.json": [_event(e) for e in _events(person)],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            data = content if isinstance(content, str) else _json(content)
            archive.writestr(name, data)
        for message in inbound:
            if message.raw:
                archive.writestr(f"mails/modtaget-{message.id}.eml", message.raw)
        for message in outbound:
            if message.raw:
                archive.writestr(f"mails/sendt-{message.id}.eml", message.raw)
    return buffer.getvalue()


def _json(content) -> str:
    """Return CONTENT as readable JSON (dates as ISO text, enums by name)."""
    return json.dumps(content, ensure_ascii=False, indent=2, default=_plain)


def _plain(value):
    """Return VALUE as JSON can hold it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.name
    return str(value)


def _profile(person: Person) -> dict:
    return {"id": person.id, "navn": person.name, "e-mail": person.email,
            "telefon": person.phone, "organisation": person.organisation,
            "sprog": person.language, "forum": person.forum.name,
            "adressen afviser mail siden": person.bouncing_since,
            "afvisningens årsag": person.bounce_reason}


def _mandate(mandate: Mandate) -> dict:
    return {"plads": mandate.seat.label, "rolle": mandate.role, "fra": mandate.starts_on,
            "periode udløber": mandate.term_ends_on, "ophørt": mandate.ended_on,
            "årsag til ophør": mandate.end_reason}


def _invitations(person: Person) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).filter_by(person_id=person.id)
                                   .order_by(Invitation.created_dt)))


def _invitation(invitation: Invitation) -> dict:
    meeting = invitation.meeting
    return {"møde": meeting.title, "start": meeting.start_dt, "rolle": invitation.role,
            "svar": invitation.status, "svaret via": invitation.answered_via,
            "svaret": invitation.answered_dt, "bemærkning": invitation.comment,
            "indkaldt": invitation.created_dt}


def _agenda_items(person: Person) -> list[AgendaItem]:
    return list(db.session.scalars(select(AgendaItem).filter_by(submitter_id=person.id)
                                   .order_by(AgendaItem.created_dt)))


def _agenda_item(item: AgendaItem) -> dict:
    return {"titel": item.title, "tekst": item.body, "status": item.status,
            "modtaget": item.created_dt, "afgjort": item.decided_dt,
            "begrundelse": item.decision_note,
            "bilag": [a.filename for a in item.attachments]}


def _invitation_ids(person: Person):
    return select(Invitation.id).where(Invitation.person_id == person.id)


def _inbound(person: Person) -> list[InboundMessage]:
    """Return the mails from PERSON, or answering one of their invitations."""
    stmt = (select(InboundMessage).options(undefer(InboundMessage.raw))
            .where(InboundMessage.forum_id == person.forum_id,
                   or_(func.lower(InboundMessage.sender) == person.email.lower(),
                       InboundMessage.invitation_id.in_(_invitation_ids(person))))
            .order_by(InboundMessage.received_dt))
    return list(db.session.scalars(stmt))


def _outbound(person: Person) -> list[OutboundMessage]:
    """Return the mails to PERSON."""
    stmt = (select(OutboundMessage).options(undefer(OutboundMessage.raw))
            .where(OutboundMessage.forum_id == person.forum_id,
                   or_(func.lower(OutboundMessage.recipient) == person.email.lower(),
                       OutboundMessage.invitation_id.in_(_invitation_ids(person))))
            .order_by(OutboundMessage.created_dt))
    return list(db.session.scalars(stmt))


def _mail_in(message: InboundMessage) -> dict:
    decision = message.decision or {}
    return {"retning": "modtaget", "id": message.id, "fra": message.sender,
            "emne": message.subject, "modtaget": message.received_dt,
            "forstået som": message.kind, "svar": message.rsvp, "tilstand": message.state,
            "begrundelser": decision.get("reasons"),
            "fil": f"mails/modtaget-{message.id}.eml" if message.raw else None}


def _mail_out(message: OutboundMessage) -> dict:
    return {"retning": "sendt", "id": message.id, "til": message.recipient,
            "emne": message.subject, "slags": message.kind, "oprettet": message.created_dt,
            "sendt": message.sent_dt, "tilstand": message.state,
            "fil": f"mails/sendt-{message.id}.eml" if message.raw else None}


def _events(person: Person) -> list[AuditEvent]:
    """Return the audit events about PERSON, their mandates and their invitations."""
    mandates = select(Mandate.id).where(Mandate.person_id == person.id)
    stmt = (select(AuditEvent)
            .where(or_((AuditEvent.target_type == "Person") & (AuditEvent.target_id == person.id),
                       (AuditEvent.target_type == "Mandate")
                       & AuditEvent.target_id.in_(mandates),
                       (AuditEvent.target_type == "Invitation")
                       & AuditEvent.target_id.in_(_invitation_ids(person))))
            .order_by(AuditEvent.created_dt))
    return list(db.session.scalars(stmt))


def _event(event: AuditEvent) -> dict:
    return {"tid": event.created_dt, "hvem": event.actor, "handling": event.action,
            "om": f"{event.target_type} {event.target_id}", "detaljer": event.details}
