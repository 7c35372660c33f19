"""The demo has this year's meetings: today's date decides last year, this year and next."""

from datetime import date

import pytest

from app import demo
from app.extensions import db
from app.models import MeetingKind, MeetingStatus
from app.services import attendance, meetings, plan

HELD = {MeetingStatus.held, MeetingStatus.minutes_sent}


def _days(forum, year):
    return [(meetings.local_day(forum, m.start_dt), m.status in HELD)
            for m in plan.meetings_in(forum, year)]


def test_in_july_this_years_first_meetings_are_held_and_the_rest_planned(app):
    forum = demo.create_demo(date(2026, 7, 1))
    db.session.commit()
    assert _days(forum, 2026) == [(date(2026, 2, 10), True), (date(2026, 5, 12), True),
                                  (date(2026, 6, 9), True), (date(2026, 8, 11), False),
                                  (date(2026, 11, 10), False)]
    assert [held for _day, held in _days(forum, 2025)] == [True] * 5
    assert [held for _day, held in _days(forum, 2027)] == [False] * 5
    assert [m.kind for m in plan.meetings_in(forum, 2026)].count(MeetingKind.summer) == 1
    assert all(r.meetings == 3 for r in attendance.record(forum, 2026))


@pytest.mark.parametrize("today", [date(2027, 1, 5), date(2026, 12, 6)])
def test_the_years_follow_today(app, today):
    forum = demo.create_demo(today)
    db.session.commit()
    years = {meetings.local_day(forum, m.start_dt).year
             for y in range(2020, 2031) for m in plan.meetings_in(forum, y)}
    assert years == {today.year - 1, today.year, today.year + 1}


def test_without_history_only_this_years_coming_meetings_are_added(app):
    forum = demo.create_demo(date(2026, 9, 1), history=False)
    db.session.commit()
    assert _days(forum, 2026) == [(date(2026, 11, 10), False)]
    assert _days(forum, 2025) == []
