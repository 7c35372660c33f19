"""The roster: people, seats, and who holds each seat on a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.models import Forum, Mandate, MandateRole, Person, Seat, SeatKind
from app.services import audit
from app.services.errors import ServiceError


@dataclass(frozen=True)
class Holding:
    """Who holds one seat on one day."""

    seat: Seat
    member: Mandate | None
    alternate: Mandate | None

    @property
    def is_vacant(self) -> bool:
        """Tell whether nobody holds the seat as member."""
        return self.member is None


def normalise_email(email: str) -> str:
    """Return EMAIL trimmed and lowercased, or raise when it is no address."""
    email = (email or "").strip().lower()
    local, at, domain = email.partition("@")
    if not (local and at and "." in domain) or " " in email:
        raise ServiceError(_l("%(email)s is not a valid email address.", email=email or "''"))
    return email


def find_person(forum: Forum, email: str) -> Person | None:
    """Return the forum's person with EMAIL, whatever its case."""
    stmt = select(Person).filter_by(forum_id=forum.id, email=email.strip().lower())
    return db.session.scalars(stmt).first()


def add_person(forum: Forum, name: str, email: str, **fields) -> Person:
    """Add a person to FORUM; the address must be new to the forum."""
    email = normalise_email(email)
    if find_person(forum, email):
        raise ServiceError(_l("%(email)s is already in the forum.", email=email))
    person = Person(forum=forum, name=name.strip(), email=email, **fields)
    db.session.add(person)
    db.session.flush()
    return person


def add_seat(forum: Forum, kind: SeatKind, label: str, **fields) -> Seat:
    """Add a seat to FORUM, after the existing ones."""
    position = fields.pop("position", None)
    if position is None:
        position = len(forum.seats)
    seat = Seat(forum=forum, kind=kind, label=label, position=position, **fields)
    db.session.add(seat)
    db.session.flush()
    return seat


def term_end(seat: Seat, starts_on: date) -> date | None:
    """Return the last day of a term on SEAT starting on STARTS_ON."""
    if not seat.term_months:
        return None
    month = starts_on.month - 1 + seat.term_months
    year, month = starts_on.year + month // 12, month % 12 + 1
    day = min(starts_on.day, _days_in_month(year, month))
    return date(year, month, day) - timedelta(days=1)


def _days_in_month(year: int, month: int) -> int:
    """Return the number of days in MONTH of YEAR."""
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def appoint(
    seat: Seat,
    person: Person,
    starts_on: date,
    role: MandateRole = MandateRole.member,
    term_ends_on: date | None = None,
    actor: str = "system",
) -> Mandate:
    """Give PERSON the seat (or its alternate place) from STARTS_ON.

    Whoever held that place is ended the day before, so history stays whole.
    """
    if person.forum_id != seat.forum_id:
        raise ServiceError(_l("The person and the seat belong to different forums."))
    current = current_mandate(seat, role, starts_on)
    if current is not None:
        if current.person_id == person.id and current.starts_on == starts_on:
            raise ServiceError(_l("%(name)s already holds this place.", name=person.name))
        end_mandate(current, starts_on - timedelta(days=1), "replaced", actor=actor)
    mandate = Mandate(
        seat=seat,
        person=person,
        role=role,
        starts_on=starts_on,
        term_ends_on=term_ends_on or term_end(seat, starts_on),
    )
    db.session.add(mandate)
    db.session.flush()
    audit.record(seat.forum_id, actor, "appoint", mandate, role=role.value, person=person.email)
    return mandate


def end_mandate(mandate: Mandate, last_day: date, reason: str, actor: str = "system") -> Mandate:
    """End MANDATE after LAST_DAY, keeping it in the history."""
    if last_day < mandate.starts_on - timedelta(days=1):
        raise ServiceError(_l("A mandate cannot end before it starts."))
    if mandate.last_day is not None and last_day > mandate.last_day:
        raise ServiceError(_l("The mandate has already ended."))
    mandate.ended_on = last_day
    mandate.end_reason = reason
    db.session.flush()
    audit.record(mandate.seat.forum_id, actor, "end_mandate", mandate, reason=reason)
    return mandate


def _active_on(day):
    """Return the SQL condition for mandates in force on DAY."""
    return and_(
        Mandate.starts_on <= day,
        or_(Mandate.term_ends_on.is_(None), Mandate.term_ends_on >= day),
        or_(Mandate.ended_on.is_(None), Mandate.ended_on >= day),
    )


def current_mandate(seat: Seat, role: MandateRole, day: date) -> Mandate | None:
    """Return the mandate holding SEAT in ROLE on DAY, if any."""
    stmt = select(Mandate).where(Mandate.seat_id == seat.id, Mandate.role == role, _active_on(day))
    return db.session.scalars(stmt.order_by(Mandate.starts_on.desc())).first()


def holdings(forum: Forum, day: date) -> list[Holding]:
    """Return, for every seat of FORUM, its member and alternate on DAY."""
    params = {"forum_id": forum.id, "day": day}
    seats = db.session.scalars(_SEATS_ON, params).all()
    mandates = db.session.scalars(_MANDATES_ON, params).all()
    by_place = {(m.seat_id, m.role): m for m in mandates}  # the latest start wins
    return [
        Holding(s, by_place.get((s.id, MandateRole.member)),
                by_place.get((s.id, MandateRole.alternate)))
        for s in seats
    ]


def _seat_exists_on(day):
    """Return the SQL condition for seats that exist on DAY."""
    return and_(
        or_(Seat.created_on.is_(None), Seat.created_on <= day),
        or_(Seat.abolished_on.is_(None), Seat.abolished_on > day),
    )


def vacancies(forum: Forum, day: date) -> list[Seat]:
    """Return the seats of FORUM without a member on DAY."""
    return [h.seat for h in holdings(forum, day) if h.is_vacant]


def terms_ending(forum: Forum, day: date, within_days: int) -> list[Mandate]:
    """Return mandates whose term ends between DAY and DAY + WITHIN_DAYS."""
    horizon = day + timedelta(days=within_days)
    return list(db.session.scalars(_TERMS_ENDING, {"forum_id": forum.id, "day": day,
                                                   "horizon": horizon}))


# Built once (after the conditions above): inviting a meeting, drawing the overview
# and checking the rules all ask who holds the seats on a day, and building these
# statements costs more than running them.
# Many-to-one relations joined: one round trip a query (every page and job reads these).
_TERMS_ENDING = (
    select(Mandate)
    .join(Seat)
    .where(
        Seat.forum_id == bindparam("forum_id"),
        _active_on(bindparam("day")),
        Mandate.term_ends_on.is_not(None),
        Mandate.term_ends_on <= bindparam("horizon"),
        Mandate.ended_on.is_(None),
    )
    .options(joinedload(Mandate.person), joinedload(Mandate.seat))
    .order_by(Mandate.term_ends_on)
)
_SEATS_ON = (
    select(Seat)
    .where(Seat.forum_id == bindparam("forum_id"), _seat_exists_on(bindparam("day")))
    .options(joinedload(Seat.appointing_body))
    .order_by(Seat.position, Seat.id)
)
_MANDATES_ON = (
    select(Mandate)
    .join(Seat)
    .where(Seat.forum_id == bindparam("forum_id"), _active_on(bindparam("day")))
    .options(joinedload(Mandate.person))
    .order_by(Mandate.starts_on)
)
