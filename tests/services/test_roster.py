"""The roster: appointments, history, vacancies and terms."""

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import Mandate, MandateRole, SeatKind
from app.services import roster
from app.services.errors import ServiceError
from tests.conftest import TODAY


def test_email_is_unique_per_forum_whatever_its_case(forum, make_forum, make_person):
    make_person(email="Anne.Jensen@Example.DK")
    with pytest.raises(ServiceError, match="allerede med"):
        make_person(email="anne.jensen@example.dk ")
    other = make_forum()
    person = roster.add_person(other, "Anne", "ANNE.JENSEN@example.dk")
    assert person.email == "anne.jensen@example.dk"
    assert roster.find_person(forum, "ANNE.jensen@example.dk").forum_id == forum.id


@pytest.mark.parametrize("bad", ["", "anne", "anne@", "@x.dk", "an ne@x.dk", "anne@localhost"])
def test_a_bad_address_is_refused(forum, bad):
    with pytest.raises(ServiceError, match="gyldig e-mailadresse"):
        roster.add_person(forum, "Anne", bad)


def test_neighbour_term_is_two_years_ending_the_day_before(forum, make_person):
    seat = roster.add_seat(forum, SeatKind.neighbour, "Nabo 1", term_months=24)
    mandate = roster.appoint(seat, make_person(), date(2025, 3, 1))
    assert mandate.term_ends_on == date(2027, 2, 28)
    assert roster.term_end(seat, date(2024, 2, 29)) == date(2026, 2, 27)
    assert roster.term_end(seat, date(2025, 12, 31)) == date(2027, 12, 30)


def test_organisation_seats_have_no_term(make_seat, make_person):
    seat = make_seat(member=make_person())
    assert seat.mandates[0].term_ends_on is None
    assert seat.mandates[0].last_day is None


def test_a_new_appointment_ends_the_previous_holder_and_keeps_history(forum, make_seat,
                                                                      make_person):
    anne, jens = make_person("Anne"), make_person("Jens")
    seat = make_seat(member=anne, starts_on=date(2026, 1, 1))
    roster.appoint(seat, jens, date(2026, 6, 1))
    db.session.expire_all()
    first, second = seat.mandates
    assert (first.person, first.ended_on, first.end_reason) == (anne, date(2026, 5, 31), "replaced")
    assert (second.person, second.ended_on) == (jens, None)
    assert roster.holdings(forum, date(2026, 5, 31))[0].member.person == anne
    assert roster.holdings(forum, date(2026, 6, 1))[0].member.person == jens


def test_holdings_show_member_alternate_and_vacancy(forum, make_seat, make_person):
    anne, jens = make_person("Anne"), make_person("Jens")
    make_seat("Politi", member=anne, alternate=jens)
    make_seat("Nabo 10", kind=SeatKind.neighbour)
    held, vacant = roster.holdings(forum, TODAY)
    assert (held.member.person, held.alternate.person, held.is_vacant) == (anne, jens, False)
    assert vacant.is_vacant and vacant.alternate is None
    assert [s.label for s in roster.vacancies(forum, TODAY)] == ["Nabo 10"]


def test_ending_a_mandate_makes_the_seat_vacant_from_the_next_day(forum, make_seat, make_person):
    seat = make_seat(member=make_person())
    roster.end_mandate(seat.mandates[0], TODAY, "moved away")
    assert roster.vacancies(forum, TODAY) == []
    assert roster.vacancies(forum, TODAY + timedelta(days=1)) == [seat]
    with pytest.raises(ServiceError, match="allerede udløbet"):
        roster.end_mandate(seat.mandates[0], TODAY + timedelta(days=5), "again")


def test_a_mandate_cannot_end_before_it_starts(make_seat, make_person):
    seat = make_seat(member=make_person(), starts_on=TODAY)
    with pytest.raises(ServiceError, match="før det begynder"):
        roster.end_mandate(seat.mandates[0], TODAY - timedelta(days=10), "oops")


def test_terms_ending_within_n_days(forum, make_person):
    soon = roster.add_seat(forum, SeatKind.neighbour, "Nabo 1", term_months=24)
    later = roster.add_seat(forum, SeatKind.neighbour, "Nabo 2", term_months=24)
    roster.appoint(soon, make_person("Soon"), TODAY - timedelta(days=700))
    roster.appoint(later, make_person("Later"), TODAY - timedelta(days=100))
    ending = roster.terms_ending(forum, TODAY, 60)
    assert [m.person.name for m in ending] == ["Soon"]
    assert roster.terms_ending(forum, TODAY, 700)[-1].person.name == "Later"


def test_alternate_is_replaced_like_a_member(forum, make_seat, make_person):
    seat = make_seat(member=make_person(), alternate=make_person("Old alternate"))
    roster.appoint(seat, make_person("New alternate"), TODAY, role=MandateRole.alternate)
    assert roster.holdings(forum, TODAY)[0].alternate.person.name == "New alternate"
    assert db.session.query(Mandate).filter_by(role=MandateRole.alternate).count() == 2


def test_nothing_leaks_between_forums(forum, make_forum, make_seat, make_person):
    make_seat("Mine", member=make_person())
    other = make_forum()
    make_seat("Theirs", forum=other, member=make_person(forum=other))
    assert [h.seat.label for h in roster.holdings(forum, TODAY)] == ["Mine"]
    assert [h.seat.label for h in roster.holdings(other, TODAY)] == ["Theirs"]
    with pytest.raises(ServiceError, match="forskellige fora"):
        roster.appoint(forum.seats[0], other.people[0], TODAY)


def test_appointment_is_audited(forum, make_seat, make_person):
    from app.models import AuditEvent

    make_seat(member=make_person(email="anne@x.test"))
    event = db.session.query(AuditEvent).filter_by(action="appoint").one()
    assert (event.forum_id, event.details["person"]) == (forum.id, "anne@x.test")
