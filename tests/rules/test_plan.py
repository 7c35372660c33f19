"""The yearly plan: four regular meetings by the pattern, June's on or off, holidays skipped."""

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from app.extensions import db
from app.models import GuestList, Meeting, MeetingKind
from app.services import plan
from app.services.errors import ServiceError
from app.services.holidays_dk import holiday_name, is_holiday

DEFAULT = plan.Pattern()


def days(proposals):
    return [p.day for p in proposals]


def test_nth_weekday():
    assert plan.nth_weekday(2027, 2, 1, 2) == date(2027, 2, 9)
    assert plan.nth_weekday(2027, 6, 1, 1) == date(2027, 6, 1)
    assert plan.nth_weekday(2027, 12, 3, -1) == date(2027, 12, 30)
    assert plan.nth_weekday(2027, 1, 0, 4) == date(2027, 1, 25)


def test_four_regular_meetings_and_the_june_meeting_switched_on():
    proposals = plan.propose(2027, DEFAULT, summer=True)
    assert days(proposals) == [date(2027, 2, 9), date(2027, 5, 11), date(2027, 6, 8),
                               date(2027, 8, 10), date(2027, 11, 9)]
    assert [p.kind for p in proposals].count(MeetingKind.summer) == 1
    assert proposals[2].kind is MeetingKind.summer and proposals[2].quarter == 2
    assert all((p.start, p.end) == (time(16), time(18)) for p in proposals)
    assert [p.quarter for p in proposals if p.kind is MeetingKind.regular] == [1, 2, 3, 4]


def test_the_june_meeting_switched_off():
    proposals = plan.propose(2027, DEFAULT, summer=False)
    assert days(proposals) == [date(2027, 2, 9), date(2027, 5, 11), date(2027, 8, 10),
                               date(2027, 11, 9)]
    assert all(p.kind is MeetingKind.regular for p in proposals)


def test_a_holiday_moves_the_meeting_a_week_on():
    # A second Tuesday is never a Danish holiday (they fall on other days in days 8-14),
    # but a second Thursday can be: Ascension Day 2026 is the second Thursday of May.
    assert holiday_name(date(2026, 5, 14)) == "Kristi himmelfartsdag"
    thursdays = plan.Pattern(weekday=3)
    proposals = plan.propose(2026, thursdays, summer=False)
    q2 = next(p for p in proposals if p.quarter == 2)
    assert q2.day == date(2026, 5, 21) and not is_holiday(q2.day)
    assert q2.skipped == (plan.Skip(date(2026, 5, 14), "Kristi himmelfartsdag"),)
    assert days(proposals) == [date(2026, 2, 12), date(2026, 5, 21), date(2026, 8, 13),
                               date(2026, 11, 12)]


def test_a_meeting_never_leaves_its_quarter():
    # Every later week is taken: the meeting moves a week earlier instead.
    taken = {date(2027, 12, 14), date(2027, 12, 21), date(2027, 12, 28)}
    day, skipped = plan.free_day(date(2027, 12, 14), taken, holiday=lambda d: None)
    assert day == date(2027, 12, 7) and len(skipped) == 3


def test_the_plan_avoids_an_existing_meeting(app, forum, make_meeting):
    # An extraordinary meeting on the rule's February day; a regular one already in Q3.
    make_meeting(datetime(2027, 2, 9, 15, tzinfo=UTC), kind=MeetingKind.extraordinary)
    make_meeting(datetime(2027, 9, 7, 14, tzinfo=UTC))
    proposals = plan.proposal_for(forum, 2027, summer=True)
    assert days(proposals) == [date(2027, 2, 16), date(2027, 5, 11), date(2027, 6, 8),
                               date(2027, 11, 9)]
    assert proposals[0].skipped == (plan.Skip(date(2027, 2, 9), None),)


def test_confirming_creates_the_meetings_with_guests_in_q1_and_q3(app, forum):
    db.session.add(GuestList(forum=forum, name="Socialudvalget", invite_quarters="1,3"))
    created = plan.confirm(forum, plan.proposal_for(forum, 2027, summer=True), "Mændenes Hjem")
    db.session.commit()
    assert len(created) == 5
    by_month = {m.start_dt.month: m for m in db.session.scalars(select(Meeting))}
    assert by_month[2].start_dt == datetime(2027, 2, 9, 15, tzinfo=UTC)  # 16.00 in winter
    assert by_month[8].start_dt == datetime(2027, 8, 10, 14, tzinfo=UTC)  # 16.00 in summer
    assert by_month[6].kind is MeetingKind.summer
    assert {m: bool(by_month[m].guest_lists) for m in by_month} == {
        2: True, 5: False, 6: False, 8: True, 11: False}
    assert all(m.location == "Mændenes Hjem" for m in by_month.values())
    assert plan.proposal_for(forum, 2027, summer=True) == []


def test_confirming_refuses_a_day_with_a_meeting(app, forum, make_meeting):
    make_meeting(datetime(2027, 5, 11, 8, tzinfo=UTC))
    row = plan.Proposal(date(2027, 5, 11), time(16), time(18), MeetingKind.regular, 2)
    try:
        plan.confirm(forum, [row], None)
    except ServiceError:
        pass
    else:
        raise AssertionError("a second meeting on the same day was created")


def test_the_stored_pattern_is_followed(app, forum):
    forum.meeting_minutes = 90
    plan.save_pattern(forum, plan.Pattern(weekday=0, ordinal=-1, month_in_quarter=3,
                                          start=time(17), location="Rådhuset", summer=False))
    pattern = plan.pattern_for(forum)
    assert (pattern.start, pattern.minutes, pattern.location) == (time(17), 90, "Rådhuset")
    proposals = plan.proposal_for(forum, 2027)
    # The last Monday of March 2027 is Easter Monday; a week on is April (the next
    # quarter), so the meeting moves a week back instead.
    assert days(proposals) == [date(2027, 3, 22), date(2027, 6, 28), date(2027, 9, 27),
                               date(2027, 12, 27)]
    assert proposals[0].skipped == (plan.Skip(date(2027, 3, 29), "Anden påskedag"),)
    assert proposals[0].end == time(18, 30)
