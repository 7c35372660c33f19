"""Terms and vacancies: notices 60 and 14 days ahead, a vacancy chased monthly until filled."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import jobs, jobs_rules
from app.extensions import db
from app.models import AppointingBody, Forum, Mandate, Seat, SeatKind
from app.models.rules import SeatVacancy
from app.services import roster, terms
from tests.jobs.conftest import parse

BODY = "lokaludvalg@kk.test"


@pytest.fixture
def neighbour(forum, make_person):
    """Return a neighbour seat appointed by Vesterbro Lokaludvalg, held from 15 January 2025."""
    body = AppointingBody(forum=forum, name="Vesterbro Lokaludvalg", email=BODY)
    db.session.add(body)
    seat = roster.add_seat(forum, SeatKind.neighbour, "Nabo 3", appointing_body=body,
                           term_months=24)
    roster.appoint(seat, make_person("Jens Hansen", "jens@x.test"), date(2025, 1, 15))
    db.session.commit()
    return seat


def run_days(smtp, forum_id: int, first: date, last: date) -> dict[date, list[tuple]]:
    """Run the daily check for every day from FIRST to LAST; return the mails sent per day."""
    sent, day = {}, first
    while day <= last:
        before = len(smtp.messages)
        jobs_rules.check_terms(forum_id, day.isoformat())
        new = [(r.rcpt_tos[0], str(parse(r)["Subject"])) for r in smtp.messages[before:]]
        if new:
            sent[day] = sorted(new)
        day += timedelta(days=1)
    return sent


def test_which_notice_is_due():
    assert [terms.due_notice(n) for n in (61, 60, 15, 14, 0, -1)] == [None, 60, 60, 14, 14, None]
    assert terms.months_between(date(2027, 1, 1), date(2027, 1, 31)) == 0
    assert terms.months_between(date(2027, 1, 1), date(2027, 2, 1)) == 1
    assert terms.months_between(date(2027, 1, 31), date(2027, 2, 28)) == 0


def test_a_term_ending_across_the_new_year_is_noticed_60_and_14_days_ahead_once(
        app, forum, neighbour, smtp):
    mandate = neighbour.mandates[0]
    assert mandate.term_ends_on == date(2027, 1, 14)
    secretary, forum_id = forum.secretary_address, forum.id
    sent = run_days(smtp, forum_id, date(2026, 11, 1), date(2027, 1, 20))
    subject = "Mandatperiode udløber 14. januar 2027: Nabo 3 – Jens Hansen"
    assert sent == {
        date(2026, 11, 15): [(BODY, subject), (secretary, subject)],
        date(2026, 12, 31): [(BODY, subject), (secretary, subject)],
        # Nobody was appointed for the next term: from its first day the seat is vacant.
        date(2027, 1, 15): [(BODY, "Ledig plads i Samarbejdsforum: Nabo 3")],
    }
    to_body = parse(next(r for r in smtp.messages if r.rcpt_tos[0] == BODY))
    text = to_body.get_body(("plain",)).get_content()
    assert "udløber den 14. januar 2027 (om 60 dage)" in text
    assert "Vesterbro Lokaludvalg udpeger til pladsen" in text
    assert to_body["Auto-Submitted"] == "auto-generated"
    # The same day again sends nothing.
    assert run_days(smtp, forum_id, date(2026, 12, 31), date(2026, 12, 31)) == {}


def test_a_reappointment_continues_the_history_and_stops_the_notices(
        app, forum, neighbour, smtp):
    seat_id, forum_id = neighbour.id, forum.id
    run_days(smtp, forum_id, date(2026, 11, 1), date(2026, 12, 20))
    assert len(smtp.messages) == 2  # the 60-day notices
    seat = db.session.get(Seat, seat_id)
    person = seat.mandates[0].person
    again = roster.appoint(seat, person, date(2027, 1, 15), actor="sekretaer@forum.test")
    db.session.commit()
    person_id, again_id = person.id, again.id
    assert run_days(smtp, forum_id, date(2026, 12, 21), date(2027, 2, 20)) == {}
    history = db.session.scalars(select(Mandate).filter_by(seat_id=seat_id)
                                 .order_by(Mandate.starts_on)).all()
    assert [(m.person_id, m.starts_on, m.last_day) for m in history] == [
        (person_id, date(2025, 1, 15), date(2027, 1, 14)),
        (person_id, date(2027, 1, 15), date(2029, 1, 14)),
    ]
    assert history[0].ended_on is None and again_id == history[1].id
    forum = db.session.get(Forum, forum_id)
    (holding,) = roster.holdings(forum, date(2027, 1, 16))
    assert holding.member.id == again_id and holding.member.person_id == person_id


def test_a_vacancy_is_noticed_at_once_reminded_monthly_until_filled(
        app, forum, neighbour, make_person, smtp):
    seat_id, forum_id = neighbour.id, forum.id
    roster.end_mandate(neighbour.mandates[0], date(2026, 12, 31), "moved away")
    db.session.commit()
    sent = run_days(smtp, forum_id, date(2026, 12, 28), date(2027, 3, 10))
    notice, reminder = ("Ledig plads i Samarbejdsforum: Nabo 3",
                        "Påmindelse – ledig plads i Samarbejdsforum: Nabo 3")
    assert sent == {date(2027, 1, 1): [(BODY, notice)], date(2027, 2, 1): [(BODY, reminder)],
                    date(2027, 3, 1): [(BODY, reminder)]}
    first = parse(smtp.messages[0]).get_body(("plain",)).get_content()
    assert "uden medlem siden den 1. januar 2027" in first and "Jens Hansen" in first
    last = parse(smtp.messages[-1]).get_body(("plain",)).get_content()
    assert "stadig er ledig" in last and "nu 2 måneder" in last
    # Lokaludvalget names a replacement from 15 March: no more reminders.
    seat = db.session.get(Seat, seat_id)
    roster.appoint(seat, make_person("Sofie Nielsen", "sofie@x.test", forum=seat.forum),
                   date(2027, 3, 15))
    db.session.commit()
    assert run_days(smtp, forum_id, date(2027, 3, 11), date(2027, 5, 2)) == {}
    (vacancy,) = db.session.scalars(select(SeatVacancy)).all()
    assert (vacancy.starts_on, vacancy.noticed_on, vacancy.filled_on) == (
        date(2027, 1, 1), date(2027, 1, 1), date(2027, 3, 15))


def test_the_daily_job_runs_on_the_worker_and_the_command_for_every_forum(
        app, forum, neighbour, smtp, work, runner):
    forum_id, secretary = forum.id, forum.secretary_address
    jobs.enqueue(jobs_rules.check_terms, forum_id, "2026-11-20")
    jobs.enqueue(jobs_rules.check_terms, forum_id, "2026-11-20")
    work()
    assert sorted(r.rcpt_tos[0] for r in smtp.messages) == [BODY, secretary]
    result = runner.invoke(args=["rules", "daily", "--date", "2026-12-31"])
    assert result.exit_code == 0, result.output
    assert "samarbejdsforum: 2 notices sent for 2026-12-31" in result.output
    assert len(smtp.messages) == 4


def test_an_undone_appointment_reopens_the_same_vacancy(app, forum, neighbour, make_person, smtp):
    seat_id, forum_id = neighbour.id, forum.id
    roster.end_mandate(neighbour.mandates[0], date(2026, 12, 31), "moved away")
    db.session.commit()
    run_days(smtp, forum_id, date(2027, 1, 1), date(2027, 1, 1))
    seat = db.session.get(Seat, seat_id)
    wrong = roster.appoint(seat, make_person("Forkert", "forkert@x.test", forum=seat.forum),
                           date(2027, 1, 5))
    db.session.commit()
    wrong_id = wrong.id
    run_days(smtp, forum_id, date(2027, 1, 5), date(2027, 1, 5))
    db.session.delete(db.session.get(Mandate, wrong_id))  # entered by mistake
    db.session.commit()
    sent = run_days(smtp, forum_id, date(2027, 1, 6), date(2027, 2, 1))
    assert sent == {date(2027, 2, 1): [
        (BODY, "Påmindelse – ledig plads i Samarbejdsforum: Nabo 3")]}
    (vacancy,) = db.session.scalars(select(SeatVacancy)).all()
    assert (vacancy.starts_on, vacancy.filled_on) == (date(2027, 1, 1), None)
