"""The forum's structure: its seats, the bodies that appoint them, and its guest lists.

Seats are never deleted: an abolished seat keeps its history (who held it, when) and leaves
the roster from the day after it is abolished.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import (
    AppointingBody,
    Forum,
    GuestList,
    GuestListMember,
    Mandate,
    Person,
    Seat,
    SeatKind,
)
from app.services import audit, roster
from app.services.errors import ServiceError


def _label(text: str | None, what) -> str:
    """Return TEXT trimmed, or refuse an empty one for WHAT."""
    text = (text or "").strip()
    if not text:
        raise ServiceError(_l("%(what)s must have a name.", what=what))
    return text[:200]


def _term(months: str | int | None) -> int | None:
    """Return a term in months (1-120), or None for a seat without a fixed term."""
    if months in (None, ""):
        return None
    try:
        value = int(months)
    except (TypeError, ValueError) as error:
        raise ServiceError(_l("The term must be a number of months.")) from error
    if not 1 <= value <= 120:
        raise ServiceError(_l("The term must be between 1 and 120 months."))
    return value


def _body(forum: Forum, body_id: str | int | None) -> AppointingBody | None:
    """Return FORUM's appointing body BODY_ID, or None for none."""
    if body_id in (None, "", 0, "0"):
        return None
    body = db.session.get(AppointingBody, int(body_id))
    if body is None or body.forum_id != forum.id:
        raise ServiceError(_l("That appointing body is not the forum's."))
    return body


def add_seat(forum: Forum, actor: str, label: str, kind: str, body_id, term_months,
             today: date) -> Seat:
    """Add a seat after the others, existing from TODAY. Flushes."""
    try:
        seat_kind = SeatKind(kind)
    except ValueError as error:
        raise ServiceError(_l("Choose the kind of seat.")) from error
    body = _body(forum, body_id)
    seat = roster.add_seat(forum, seat_kind, _label(label, _l("A seat")),
                           appointing_body=body, term_months=_term(term_months),
                           created_on=today, position=_next_position(forum))
    audit.record(forum.id, actor, "seat.added", seat, label=seat.label)
    return seat


def _next_position(forum: Forum) -> int:
    return max((seat.position for seat in forum.seats), default=0) + 1


def update_seat(seat: Seat, actor: str, label: str, body_id, term_months) -> None:
    """Rename SEAT and set its appointing body and term (for terms begun from now). Flushes."""
    old = seat.label
    seat.label = _label(label, _l("A seat"))
    seat.appointing_body = _body(seat.forum, body_id)
    seat.term_months = _term(term_months)
    audit.record(seat.forum_id, actor, "seat.changed", seat, old_label=old, label=seat.label)
    db.session.flush()


def move_seat(seat: Seat, actor: str, step: int) -> None:
    """Move SEAT one place up (STEP -1) or down (+1) among the forum's current seats."""
    seats = sorted((s for s in seat.forum.seats if s.abolished_on is None),
                   key=lambda s: (s.position, s.id))
    index = seats.index(seat)
    other = index + step
    if not 0 <= other < len(seats):
        return
    seats[index], seats[other] = seats[other], seats[index]
    for position, each in enumerate(seats, start=1):
        each.position = position
    audit.record(seat.forum_id, actor, "seat.moved", seat, position=seat.position)
    db.session.flush()


def abolish_seat(seat: Seat, actor: str, last_day: date) -> None:
    """Abolish SEAT after LAST_DAY; refused while anyone holds it after that day."""
    holding = db.session.scalars(select(Mandate).where(
        Mandate.seat_id == seat.id,
        (Mandate.ended_on.is_(None)) | (Mandate.ended_on > last_day))).all()
    if holding:
        names = ", ".join(sorted({m.person.name for m in holding}))
        raise ServiceError(_l("%(seat)s is held by %(names)s: end their mandates first.",
                              seat=seat.label, names=names))
    seat.abolished_on = last_day + timedelta(days=1)  # the first day without it
    audit.record(seat.forum_id, actor, "seat.abolished", seat, last_day=last_day)
    db.session.flush()


def save_body(forum: Forum, actor: str, body: AppointingBody | None, name: str,
              email: str | None, contact: str | None) -> AppointingBody:
    """Add an appointing body to FORUM, or change BODY. Flushes."""
    if body is None:
        body = AppointingBody(forum=forum)
        db.session.add(body)
    body.name = _label(name, _l("An appointing body"))
    body.email = roster.normalise_email(email) if (email or "").strip() else None
    body.contact_name = (contact or "").strip() or None
    db.session.flush()
    audit.record(forum.id, actor, "appointing_body.saved", body, name=body.name)
    return body


def save_guest_list(forum: Forum, actor: str, guest_list: GuestList | None, name: str,
                    quarters: list[str]) -> GuestList:
    """Add a guest list to FORUM, or change one: its name and the quarters it is invited in."""
    chosen = sorted({int(q) for q in quarters if str(q) in {"1", "2", "3", "4"}})
    name = _label(name, _l("A guest list"))
    clash = db.session.scalar(select(GuestList).where(
        GuestList.forum_id == forum.id, GuestList.name == name,
        GuestList.id != (guest_list.id if guest_list else -1)))
    if clash is not None:
        raise ServiceError(_l("There is a guest list named %(name)s already.", name=name))
    if guest_list is None:
        guest_list = GuestList(forum=forum)
        db.session.add(guest_list)
    guest_list.name = name
    guest_list.invite_quarters = ",".join(str(q) for q in chosen) or None
    db.session.flush()
    audit.record(forum.id, actor, "guest_list.saved", guest_list, name=name,
                 quarters=guest_list.invite_quarters or "")
    return guest_list


def add_guest(guest_list: GuestList, actor: str, person_id, name: str | None,
              email: str | None) -> Person:
    """Put a person of the forum, or a new one (NAME, EMAIL), on GUEST_LIST. Flushes."""
    forum = guest_list.forum
    if person_id not in (None, "", "0", 0):
        person = db.session.get(Person, int(person_id))
        if person is None or person.forum_id != forum.id:
            raise ServiceError(_l("That person is not the forum's."))
    elif (email or "").strip():
        person = roster.find_person(forum, email) or roster.add_person(
            forum, _label(name, _l("A person")), email)
    else:
        raise ServiceError(_l("Choose a person, or write a new one's name and address."))
    if any(member.person_id == person.id for member in guest_list.members):
        raise ServiceError(_l("%(name)s is on the list already.", name=person.name))
    guest_list.members.append(GuestListMember(person=person))
    audit.record(forum.id, actor, "guest_list.member_added", guest_list, person=person.id)
    db.session.flush()
    return person


def remove_guest(guest_list: GuestList, actor: str, person_id: int) -> None:
    """Take a person off GUEST_LIST (coming invitations follow at the next sending)."""
    for member in list(guest_list.members):
        if member.person_id == person_id:
            guest_list.members.remove(member)
            audit.record(guest_list.forum_id, actor, "guest_list.member_removed", guest_list,
                         person=person_id)
    db.session.flush()
