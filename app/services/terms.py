"""Terms and vacancies: warn before a term runs out, chase the appointer while a seat is empty.

Run once a day (jobs_rules.check_terms). Every notice is queued under a dedupe key,
so running the day again, or every day, sends each notice once.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.mail.compose_rules import SeatNotice, compose_seat_vacant, compose_term_ending
from app.models import Forum, Mandate, MandateRole, OutboundMessage, Seat
from app.models.rules import SeatVacancy
from app.services import outbound, roster
from app.services.mailinfo import forum_info

#: Days before a term's last day that the secretary and the appointer are told.
NOTICE_DAYS = (60, 14)
#: The ledger kinds these notices are queued as.
KINDS = ("term_ending", "seat_vacant")


def _secretary(forum: Forum) -> tuple[str, str] | None:
    """Return (name, address) of the secretary, if the forum has an address for her."""
    if not forum.secretary_address:
        return None
    person = roster.find_person(forum, forum.secretary_address)
    return (person.name if person else forum.sender_name or forum.name), forum.secretary_address


def _body(seat: Seat) -> tuple[str, str] | None:
    """Return (name, address) of the body that appoints SEAT, if it has an address."""
    body = seat.appointing_body
    if body is None or not body.email:
        return None
    return body.contact_name or body.name, body.email


def _queue(forum: Forum, key: str, message, kind: str) -> OutboundMessage | None:
    """Queue MESSAGE under KEY; return the row, or None when it was queued before."""
    row, created = outbound.queue(forum, key, message, kind)
    return row if created else None


# --- terms ---------------------------------------------------------------------------


def due_notice(days_left: int) -> int | None:
    """Return which notice (60 or 14) a term with DAYS_LEFT is due, or None."""
    due = [d for d in NOTICE_DAYS if 0 <= days_left <= d]
    # A day missed (the job did not run) sends the most urgent notice, not a stale one.
    return min(due) if due else None


def _has_successor(mandate: Mandate) -> bool:
    """Tell whether someone (or the same person again) is already appointed after MANDATE."""
    stmt = select(Mandate.id).where(Mandate.seat_id == mandate.seat_id,
                                    Mandate.role == mandate.role,
                                    Mandate.starts_on > mandate.starts_on)
    return db.session.scalars(stmt).first() is not None


def _term_recipients(forum: Forum, seat: Seat) -> dict[str, tuple[str, str] | None]:
    """Return the secretary and the appointer of SEAT, once each even if one mailbox."""
    secretary, body = _secretary(forum), _body(seat)
    if body and secretary and body[1].lower() == secretary[1].lower():
        body = None
    return {"secretary": secretary, "body": body}


def queue_term_notices(forum: Forum, today: date) -> list[OutboundMessage]:
    """Queue the 60- and 14-day notices of terms ending, to the secretary and the appointer."""
    rows = []
    for mandate in roster.terms_ending(forum, today, max(NOTICE_DAYS)):
        days_left = (mandate.term_ends_on - today).days
        threshold = due_notice(days_left)
        if threshold is None or _has_successor(mandate):
            continue
        seat = mandate.seat
        notice = SeatNotice(seat.label, seat.appointing_body.name if seat.appointing_body else "",
                            mandate.person.name, mandate.term_ends_on, mandate.role.value,
                            days_left)
        recipients = _term_recipients(forum, seat)
        for audience, to in recipients.items():
            key = f"term:{mandate.id}:{threshold}:{audience}"
            if to is None or outbound.find(key):
                continue
            message = compose_term_ending(forum_info(forum), notice, *to, audience,
                                          body_told=_body(seat) is not None)
            rows.append(_queue(forum, key, message, "term_ending"))
    return [row for row in rows if row is not None]


# --- vacancies -----------------------------------------------------------------------


def months_between(start: date, day: date) -> int:
    """Return the whole months from START to DAY (0 in the first month)."""
    months = (day.year - start.year) * 12 + day.month - start.month
    return max(months - (day.day < start.day), 0)


def _last_member(seat: Seat, before: date) -> Mandate | None:
    """Return the member mandate of SEAT that ended last before BEFORE."""
    ended = [m for m in seat.mandates if m.role is MandateRole.member
             and m.last_day is not None and m.last_day < before]
    return max(ended, key=lambda m: m.last_day, default=None)


def open_vacancy(seat: Seat, today: date) -> SeatVacancy:
    """Return the seat's open vacancy, opening one from the day after its last member left."""
    stmt = select(SeatVacancy).filter_by(seat_id=seat.id, filled_on=None)
    vacancy = db.session.scalars(stmt).first()
    if vacancy is None:
        last = _last_member(seat, today)
        # Never held: from its creation, or from the day we first see it empty.
        starts_on = last.last_day + timedelta(days=1) if last else seat.created_on or today
        # The same start again (a successor's mandate was undone): the old vacancy goes on.
        vacancy = db.session.scalars(select(SeatVacancy).filter_by(
            seat_id=seat.id, starts_on=starts_on)).first() or SeatVacancy(
            seat_id=seat.id, starts_on=starts_on)
        vacancy.filled_on = None
        db.session.add(vacancy)
        db.session.flush()
    return vacancy


def close_vacancies(forum: Forum, today: date, vacant: set[int]) -> None:
    """Mark the open vacancies of seats that have a member again (or are gone) as filled."""
    stmt = (select(SeatVacancy).join(Seat)
            .where(Seat.forum_id == forum.id, SeatVacancy.filled_on.is_(None)))
    for vacancy in db.session.scalars(stmt):
        if vacancy.seat_id not in vacant:
            vacancy.filled_on = today
    db.session.flush()


def queue_vacancy_notices(forum: Forum, today: date) -> list[OutboundMessage]:
    """Tell the appointer of each vacant seat at once, then remind them once a month."""
    seats = roster.vacancies(forum, today)
    close_vacancies(forum, today, {s.id for s in seats})
    rows = []
    for seat in seats:
        vacancy = open_vacancy(seat, today)
        month = months_between(vacancy.starts_on, today)
        key = f"vacancy:{seat.id}:{vacancy.starts_on.isoformat()}:{month}"
        to = _body(seat) or _secretary(forum)
        if to is None or outbound.find(key):
            continue
        last = _last_member(seat, vacancy.starts_on)
        notice = SeatNotice(seat.label, seat.appointing_body.name if seat.appointing_body else "",
                            last.person.name if last else None, vacancy.starts_on, count=month)
        message = compose_seat_vacant(forum_info(forum), notice, *to,
                                      reminder=vacancy.noticed_on is not None)
        vacancy.noticed_on = vacancy.noticed_on or today
        rows.append(_queue(forum, key, message, "seat_vacant"))
    return [row for row in rows if row is not None]
