"""Attendance record: counts per seat and year, the SVG chart and the CSV export."""

import codecs
import csv
import io
from datetime import UTC, date, datetime

import pytest
from flask import render_template_string

from app.extensions import db
from app.models import Invitation, InvitationRole, InvitationStatus, MeetingStatus
from app.services import attendance, roster

ACCEPTED, DECLINED, PENDING = (InvitationStatus.accepted, InvitationStatus.declined,
                               InvitationStatus.pending)


def _invite(meeting, person, role, seat, status, stands_in_for=None):
    inv = Invitation(meeting=meeting, person=person, role=role, seat=seat, status=status,
                     stands_in_for=stands_in_for)
    db.session.add(inv)
    return inv


@pytest.fixture
def year_2026(forum, make_seat, make_person, make_meeting):
    """Return the seats (A, B, C) after three held meetings of 2026, one planned, one cancelled."""
    a_member, a_alt, b_member = (make_person("Anne A"), make_person("Alf A"),
                                 make_person("Bo B"))
    a = make_seat("Plads A", member=a_member, alternate=a_alt, starts_on=date(2026, 1, 1))
    b = make_seat("Plads B", member=b_member, starts_on=date(2026, 1, 1))
    c = make_seat("Plads C", created_on=date(2026, 7, 1))  # new and never filled
    m1, m2, m3, m4, m5 = (make_meeting(datetime(2026, month, 10, 15, tzinfo=UTC))
                          for month in (2, 5, 8, 11, 12))
    for meeting, status in ((m1, MeetingStatus.minutes_sent), (m2, MeetingStatus.held),
                            (m3, MeetingStatus.held), (m4, MeetingStatus.invited),
                            (m5, MeetingStatus.cancelled)):
        meeting.status = status
    _invite(m1, a_member, InvitationRole.member, a, ACCEPTED)
    _invite(m1, b_member, InvitationRole.member, b, ACCEPTED)
    declined = _invite(m2, a_member, InvitationRole.member, a, DECLINED)
    _invite(m2, a_alt, InvitationRole.alternate, a, ACCEPTED, stands_in_for=declined)
    _invite(m2, b_member, InvitationRole.member, b, DECLINED)
    _invite(m3, a_member, InvitationRole.member, a, ACCEPTED)
    _invite(m3, b_member, InvitationRole.member, b, PENDING)
    for meeting in (m4, m5):  # not held: they never count
        _invite(meeting, a_member, InvitationRole.member, a, ACCEPTED)
    db.session.commit()
    return a, b, c


def test_counts_per_seat(app, forum, year_2026):
    records = attendance.record(forum, 2026)
    assert [(r.seat.label, r.member, r.alternate, r.empty, r.meetings) for r in records] == [
        ("Plads A", 2, 1, 0, 3), ("Plads B", 1, 0, 2, 3), ("Plads C", 0, 0, 1, 1)]
    assert attendance.record(forum, 2025) == []
    assert attendance.years(forum) == [2026]


def test_an_abolished_seat_counts_until_it_goes(app, forum, year_2026):
    _a, b, _c = year_2026
    b.abolished_on = date(2026, 6, 1)
    records = {r.seat.label: r for r in attendance.record(forum, 2026)}
    assert (records["Plads B"].member, records["Plads B"].empty) == (1, 1)


def test_the_chart_has_a_bar_per_outcome(app, forum, year_2026):
    chart = attendance.chart(attendance.record(forum, 2026), bar_width=300)
    a, b, c = chart.bars
    assert [(s.outcome, s.count, s.width) for s in a.segments] == [
        ("member", 2, 200.0), ("alternate", 1, 100.0)]
    assert [s.outcome for s in b.segments] == ["member", "empty"] and b.y == chart.row
    assert c.segments[0].width == 100.0


def test_the_roster_include_draws_the_svg(app, forum, year_2026):
    with app.test_request_context("/forum/samarbejdsforum/roster/?attendance_year=2026"):
        html = render_template_string('{% include "roster/_attendance.html" %}', forum=forum)
    assert "<svg" in html and "<script" not in html
    assert html.count('class="bar bar-member"') == 2
    assert html.count('class="bar bar-alternate"') == 1
    assert html.count('class="bar bar-empty"') == 2
    assert "Plads A – " in html and ">3/3<" in html and ">1/3<" in html
    assert "/archive/attendance/2026.csv" in html


def test_the_archive_page_shows_the_latest_year(app, forum, year_2026, logged_in):
    html = logged_in.get("/forum/samarbejdsforum/archive/").get_data(as_text=True)
    assert "<svg" in html and "2026" in html


def test_the_csv(app, forum, year_2026, logged_in):
    response = logged_in.get("/forum/samarbejdsforum/archive/attendance/2026.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    # What Danish Excel needs: a byte order mark for UTF-8, ";" between the fields.
    data = response.get_data()
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["År", "Plads", "Type", "Medlem mødte", "Suppleant mødte", "Pladsen tom",
                     "Afholdte møder"],
                    ["2026", "Plads A", "Organisation", "2", "1", "0", "3"],
                    ["2026", "Plads B", "Organisation", "1", "0", "2", "3"],
                    ["2026", "Plads C", "Organisation", "0", "0", "1", "1"]]


def test_the_seat_left_vacant_counts_as_empty(app, forum, year_2026):
    a, _b, _c = year_2026
    roster.end_mandate(a.mandates[0], date(2026, 4, 30), "left")
    roster.end_mandate(a.mandates[1], date(2026, 4, 30), "left")
    db.session.flush()
    # Invitations are what counts: the history of February is kept as it was.
    assert attendance.record(forum, 2026)[0].member == 2
