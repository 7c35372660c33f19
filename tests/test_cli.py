"""Flask commands: the demo forum and secretaries' logins."""

from collections import Counter
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Forum, Meeting, MeetingKind, SeatKind, User
from app.services import roster


def _demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return db.session.scalars(select(Forum)).one(), result


def test_demo_has_the_seats_of_the_terms_of_reference(app, runner):
    forum, result = _demo(runner)
    assert "sekretaer@samarbejdsforum.test" in result.output
    kinds = Counter(seat.kind for seat in forum.seats)
    assert kinds == {SeatKind.organisation: 16, SeatKind.neighbour: 10, SeatKind.secretary: 1}
    labels = [s.label for s in forum.seats]
    assert sum("Politi" in label for label in labels) == 2
    neighbours = [s for s in forum.seats if s.kind is SeatKind.neighbour]
    assert {s.appointing_body.name for s in neighbours} == {"Vesterbro Lokaludvalg"}
    assert {s.term_months for s in neighbours} == {24}
    assert (forum.sender_address, forum.agenda_address) == (
        "sekretariat@samarbejdsforum.test", "dagsorden@samarbejdsforum.test")


def test_demo_has_one_vacancy_one_term_ending_and_alternates(app, runner):
    forum, _ = _demo(runner)
    today = date.today()
    holdings = roster.holdings(forum, today)
    assert [s.label for s in roster.vacancies(forum, today)] == ["Nabo 10"]
    assert len({m.seat_id for m in roster.terms_ending(forum, today, 60)}) == 1
    with_alternate = sum(h.alternate is not None for h in holdings)
    assert 10 <= with_alternate <= 17  # about half the seats
    assert all(p.email.endswith("samarbejdsforum.test") for p in forum.people)


def test_demo_plans_next_years_meetings_with_guests_in_q1_and_q3(app, runner):
    forum, _ = _demo(runner)
    found = [m for m in db.session.scalars(select(Meeting).order_by(Meeting.start_dt))
             if m.start_dt.year == date.today().year + 1]
    assert len(found) == 5
    assert [m.kind for m in found].count(MeetingKind.summer) == 1
    assert all((m.end_dt - m.start_dt).total_seconds() == 7200 for m in found)
    with_guests = [m.start_dt.month for m in found if m.guest_lists]
    assert with_guests == [2, 8]


def test_demo_if_empty_adds_nothing_twice(app, runner):
    app.config["DEMO"] = True  # the test app has a real Redis: no demo unless asked
    _demo(runner)
    result = runner.invoke(args=["demo", "--if-empty"])
    assert "no demo added" in result.output
    assert db.session.query(Forum).count() == 1


def test_create_secretary(app, runner, forum):
    db.session.commit()
    result = runner.invoke(args=["users", "create-secretary", "Ny@Forum.test",
                                 "--forum", forum.slug, "--password", "lygte-hav-bro-17"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert user.email == "ny@forum.test" and user.forums == [forum]
    assert user.check_password("lygte-hav-bro-17")


def test_create_secretary_for_an_unknown_forum_fails_clearly(app, runner):
    result = runner.invoke(args=["users", "create-secretary", "a@b.test", "--forum", "nope",
                                 "--password", "pw"])
    assert result.exit_code != 0 and "No forum with slug: nope" in result.output
