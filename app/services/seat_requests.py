"""Requests for a seat: an agenda item the forum decides on, and the seat an approval creates.

The terms of reference: "Såfremt der opstår ledige pladser i forummet, kan nye
samarbejdspartnere anmode om at få pladsen. Godkendelse heraf vil være afhængig af
en demokratisk proces i forummet."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale, format_date
from sqlalchemy import select

from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.models import (
    AgendaItem,
    AgendaKind,
    AgendaStatus,
    AppointingBody,
    Forum,
    MandateRole,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    Seat,
    SeatKind,
)
from app.models.rules import SeatRequestDecision
from app.services import audit, meetings, roster
from app.services import minutes as minutes_service
from app.services.errors import ServiceError


@dataclass(frozen=True)
class Applicant:
    """Who is to hold the new seat, and for which organisation."""

    name: str
    email: str
    organisation: str
    #: Where the organisation's notices go; empty: the applicant's own address.
    body_email: str = ""


def mark(item: AgendaItem, actor: str) -> AgendaItem:
    """Treat ITEM (e.g. a mail to the agenda address) as a request for a seat."""
    item.kind = AgendaKind.seat_request
    db.session.flush()
    audit.record(item.forum_id, actor, "mark_seat_request", item)
    return item


def create(forum: Forum, title: str, body: str, submitter_name: str | None,
           submitter_address: str | None, actor: str) -> AgendaItem:
    """Enter a seat request the secretary received another way, as a pending agenda item."""
    item = AgendaItem(forum=forum, kind=AgendaKind.seat_request, title=title.strip()[:300],
                      body=body or "", submitter_name=submitter_name or None,
                      submitter_address=submitter_address or None, status=AgendaStatus.pending)
    db.session.add(item)
    db.session.flush()
    audit.record(forum.id, actor, "seat_request_entered", item)
    return item


def requests_of(forum: Forum) -> list[AgendaItem]:
    """Return the forum's seat requests, newest first."""
    stmt = (select(AgendaItem)
            .filter_by(forum_id=forum.id, kind=AgendaKind.seat_request)
            .order_by(AgendaItem.created_dt.desc(), AgendaItem.id.desc()))
    return list(db.session.scalars(stmt))


def decision_of(item: AgendaItem) -> SeatRequestDecision | None:
    """Return the forum's decision on ITEM, if taken."""
    stmt = select(SeatRequestDecision).filter_by(agenda_item_id=item.id)
    return db.session.scalars(stmt).first()


def _check_decidable(item: AgendaItem) -> Meeting:
    """Return the meeting that decides ITEM, or refuse."""
    if item.kind is not AgendaKind.seat_request:
        raise ServiceError(_l("This agenda item is not a request for a seat."))
    if decision_of(item) is not None:
        raise ServiceError(_l("The forum has already decided on this request."))
    meeting = item.meeting
    if meeting is None or item.status is not AgendaStatus.approved:
        raise ServiceError(_l("Put the request on a meeting's agenda first."))
    if meeting.status in (MeetingStatus.planned, MeetingStatus.cancelled):
        raise ServiceError(_l("The forum decides at a meeting that has been held."))
    return meeting


def decide(item: AgendaItem, approved: bool, seat_label: str | None = None,
           applicant: Applicant | None = None, starts_on: date | None = None,
           vacant_seat: Seat | None = None, note: str | None = None,
           actor: str = "system") -> SeatRequestDecision:
    """Record the forum's decision with the minutes; an approval creates the seat and mandate."""
    meeting = _check_decidable(item)
    decided_on = meetings.local_day(meeting.forum, meeting.start_dt)
    decision = SeatRequestDecision(agenda_item_id=item.id, approved=approved,
                                   decided_on=decided_on, actor=actor, note=note or None)
    if approved:
        if not (seat_label and applicant and applicant.name and applicant.email):
            raise ServiceError(_l("An approved request needs a seat name and who holds it."))
        decision.seat, decision.mandate = _create_seat(
            item.forum, seat_label, applicant, starts_on or decided_on, vacant_seat, actor)
    db.session.add(decision)
    item.decision_note = _record_in_minutes(meeting, item, decision, actor)
    db.session.flush()
    audit.record(item.forum_id, actor, "seat_request_decided", item, approved=approved,
                 seat=decision.seat_id)
    return decision


def _body_for(forum: Forum, applicant: Applicant) -> AppointingBody:
    """Return the organisation as the body appointing its own seat, adding it when new."""
    stmt = select(AppointingBody).filter_by(forum_id=forum.id, name=applicant.organisation)
    body = db.session.scalars(stmt).first()
    if body is None:
        body = AppointingBody(forum=forum, name=applicant.organisation,
                              email=applicant.body_email or applicant.email.strip().lower())
        db.session.add(body)
        db.session.flush()
    return body


def _create_seat(forum: Forum, label: str, applicant: Applicant, day: date,
                 vacant_seat: Seat | None, actor: str):
    """Create the organisation's seat from DAY with the applicant as member."""
    if not applicant.organisation:
        raise ServiceError(_l("Name the organisation that asked for the seat."))
    position = None
    if vacant_seat is not None:
        if vacant_seat.forum_id != forum.id or roster.current_mandate(
                vacant_seat, MandateRole.member, day) is not None:
            raise ServiceError(_l("The seat to replace is not vacant."))
        # The vacant seat gives way: its history stays, and its appointer is not chased.
        vacant_seat.abolished_on, position = day, vacant_seat.position
    person = roster.find_person(forum, applicant.email) or roster.add_person(
        forum, applicant.name, applicant.email, organisation=applicant.organisation)
    seat = roster.add_seat(forum, SeatKind.organisation, label.strip(),
                           appointing_body=_body_for(forum, applicant), created_on=day,
                           position=position)
    return seat, roster.appoint(seat, person, day, actor=actor)


def _decision_text(forum: Forum, decision: SeatRequestDecision) -> str:
    """Return the decision as a sentence for the minutes, in the forum's language."""
    with force_locale(forum.language):
        if decision.approved:
            mandate = decision.mandate
            text = _("Decision: the forum approved the request. The seat “%(seat)s” is created "
                     "with %(name)s as member from %(day)s.", seat=mandate.seat.label,
                     name=mandate.person.name, day=format_date(mandate.starts_on, "long"))
        else:
            text = _("Decision: the forum did not approve the request.")
    return f"{text}\n{decision.note}" if decision.note else text


def _record_in_minutes(meeting: Meeting, item: AgendaItem, decision: SeatRequestDecision,
                       actor: str) -> str:
    """Add the decision to the item's section of the minutes; return its text."""
    minutes = minutes_service.draft(meeting, actor)
    if minutes.status is MinutesStatus.sent:
        raise ServiceError(_l("The minutes have been sent already."))
    text = _decision_text(meeting.forum, decision)
    section = minutes_service.item_section(minutes, item)
    section.body = f"{section.body.rstrip()}\n\n{text}".strip()
    minutes.status = MinutesStatus.draft  # changed minutes are approved again
    return text
