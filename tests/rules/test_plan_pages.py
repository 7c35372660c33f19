"""The plan page and `flask meetings plan`: propose, adjust, confirm."""

from datetime import UTC, datetime, time

from sqlalchemy import select

from app.extensions import db
from app.models import Meeting, MeetingKind
from app.services import plan

URL = "/forum/samarbejdsforum/plan/"


def _meetings():
    return db.session.scalars(select(Meeting).order_by(Meeting.start_dt)).all()


def test_the_page_needs_a_login(client, forum):
    assert client.get(URL).status_code == 302


def test_the_page_proposes_the_year_and_switches_june(app, logged_in):
    html = logged_in.get(URL + "?year=2027").get_data(as_text=True)
    assert 'value="2027-02-09"' in html and 'value="2027-06-08"' in html
    assert html.count('name="rows-') // 5 == 5  # five rows of five fields
    html = logged_in.get(URL + "?year=2027&summer=0").get_data(as_text=True)
    assert 'value="2027-06-08"' not in html and 'value="2027-11-09"' in html


def test_confirming_with_an_adjusted_date_and_one_row_left_out(app, logged_in, post):
    rows = {}
    for n, (day, kind) in enumerate([("2027-02-10", "regular"), ("2027-05-11", "regular"),
                                     ("2027-06-08", "summer"), ("2027-08-10", "regular")]):
        rows |= {f"rows-{n}-day": day, f"rows-{n}-start": "16:30", f"rows-{n}-end": "18:00",
                 f"rows-{n}-kind": kind}
        if n != 3:
            rows[f"rows-{n}-include"] = "y"
    response = post("/forum/samarbejdsforum/plan/2027", rows | {"location": "Reden"})
    assert response.status_code == 302 and "/meetings/" in response.headers["Location"]
    created = _meetings()
    assert [m.start_dt for m in created] == [datetime(2027, 2, 10, 15, 30, tzinfo=UTC),
                                             datetime(2027, 5, 11, 14, 30, tzinfo=UTC),
                                             datetime(2027, 6, 8, 14, 30, tzinfo=UTC)]
    assert created[2].kind is MeetingKind.summer and created[0].location == "Reden"


def test_confirming_a_taken_day_creates_nothing(app, logged_in, post, make_meeting):
    make_meeting(datetime(2027, 5, 11, 8, tzinfo=UTC))
    db.session.commit()
    rows = {"rows-0-include": "y", "rows-0-day": "2027-02-09", "rows-0-start": "16:00",
            "rows-0-end": "18:00", "rows-0-kind": "regular",
            "rows-1-include": "y", "rows-1-day": "2027-05-11", "rows-1-start": "16:00",
            "rows-1-end": "18:00", "rows-1-kind": "regular"}
    response = post("/forum/samarbejdsforum/plan/2027", rows, follow_redirects=True)
    assert "Der er allerede et møde den 11. maj 2027." in response.get_data(as_text=True)
    assert len(_meetings()) == 1


def test_saving_the_pattern(app, forum, logged_in, post):
    data = {"ordinal": "1", "weekday": "3", "month_in_quarter": "1", "start": "15:00",
            "place": "Halmtorvet", "summer": ""}
    assert post(URL + "pattern", data).status_code == 302
    db.session.expire_all()
    pattern = plan.pattern_for(forum)
    assert (pattern.ordinal, pattern.weekday, pattern.month_in_quarter) == (1, 3, 1)
    assert (pattern.start, pattern.location, pattern.summer) == (time(15), "Halmtorvet", False)


def test_the_command_proposes_then_creates(app, forum, runner):
    result = runner.invoke(args=["meetings", "plan", "2027", "--forum", "samarbejdsforum"])
    assert result.exit_code == 0, result.output
    assert "Tue 2027-02-09 16.00-18.00  Q1  regular" in result.output
    assert "2027-06-08" in result.output and "Nothing created" in result.output
    assert _meetings() == []
    result = runner.invoke(args=["meetings", "plan", "2027", "--no-summer", "--commit"])
    assert result.exit_code == 0, result.output
    assert len(_meetings()) == 4
    result = runner.invoke(args=["meetings", "plan", "2027", "--summer", "--commit"])
    assert [m.kind for m in _meetings()].count(MeetingKind.summer) == 1
    result = runner.invoke(args=["meetings", "plan", "2027", "--commit"])
    assert "planned already" in result.output and len(_meetings()) == 5
