"""Meetings: planning, moving, cancelling, and who is invited."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import GuestList, GuestListMember, InvitationRole, MeetingStatus, SeatKind
from app.services import meetings, roster
from app.services.errors import ServiceError

CPH = ZoneInfo("Europe/Copenhagen")


def test_a_meeting_lasts_the_forums_default_and_is_stored_in_utc(make_meeting):
    meeting = make_meeting(start=datetime(2026, 12, 8, 16, tzinfo=CPH))
    db.session.commit()
    db.session.expire_all()
    assert meeting.start_dt == datetime(2026, 12, 8, 15, tzinfo=UTC)
    assert meeting.start_dt.tzinfo is not None
    assert meeting.end_dt - meeting.start_dt == timedelta(hours=2)
    assert meeting.ical_uid.endswith("@forum1.test") or "@" in meeting.ical_uid
    assert (meeting.sequence, meeting.status) == (0, MeetingStatus.planned)


def test_naive_or_reversed_times_are_refused(make_meeting):
    with pytest.raises(ServiceError, match="tidszone"):
        make_meeting(start=datetime(2026, 12, 8, 16))
    start = datetime(2026, 12, 8, 16, tzinfo=CPH)
    with pytest.raises(ServiceError, match="slutte efter"):
        make_meeting(start=start, end=start - timedelta(hours=1))


def test_rescheduling_grows_the_sequence_only_on_a_change(make_meeting):
    meeting = make_meeting(location="Mændenes Hjem")
    uid = meeting.ical_uid
    assert not meetings.reschedule(meeting, meeting.start_dt, location="Mændenes Hjem")
    assert meeting.sequence == 0
    later = meeting.start_dt + timedelta(days=7)
    assert meetings.reschedule(meeting, later, location="Mændenes Hjem")
    assert (meeting.sequence, meeting.ical_uid) == (1, uid)
    assert meeting.end_dt - meeting.start_dt == timedelta(hours=2)


def test_cancel_grows_the_sequence_and_is_final(make_meeting):
    meeting = make_meeting()
    meetings.cancel(meeting, "Sygdom")
    assert (meeting.status, meeting.sequence, meeting.cancel_reason) == (
        MeetingStatus.cancelled, 1, "Sygdom")
    with pytest.raises(ServiceError):
        meetings.cancel(meeting)
    with pytest.raises(ServiceError):
        meetings.reschedule(meeting, meeting.start_dt + timedelta(days=1))


def _socialudvalget(forum, make_person):
    guests = GuestList(forum=forum, name="Socialudvalget", invite_quarters="1,3")
    guests.members.append(GuestListMember(person=make_person("Karina Holm")))
    db.session.add(guests)
    db.session.flush()
    return guests


@pytest.mark.parametrize(("month", "invited"), [(2, True), (5, False), (8, True), (11, False)])
def test_guest_lists_follow_their_quarters(forum, make_meeting, make_person, month, invited):
    _socialudvalget(forum, make_person)
    meeting = make_meeting(start=datetime(2027, month, 9, 16, tzinfo=CPH))
    assert bool(meeting.guest_lists) is invited


def test_quarter_is_read_in_the_forums_time_zone(forum, make_meeting, make_person):
    _socialudvalget(forum, make_person)
    # 30 Sep 23:30 UTC is 1 Oct in Copenhagen: fourth quarter, no guests.
    meeting = make_meeting(start=datetime(2027, 9, 30, 23, 30, tzinfo=UTC))
    assert meeting.guest_lists == []


def test_attendees_are_current_members_then_guests(forum, make_seat, make_person, make_meeting):
    _socialudvalget(forum, make_person)
    anne, jens = make_person("Anne"), make_person("Jens")
    make_seat("Politi", member=anne, alternate=jens)
    make_seat("Nabo 10", kind=SeatKind.neighbour)  # vacant: nobody to invite
    meeting = make_meeting(start=datetime(2027, 2, 9, 16, tzinfo=CPH))
    found = [(a.person.name, a.role) for a in meetings.attendees(meeting)]
    assert found == [("Anne", InvitationRole.member), ("Karina Holm", InvitationRole.guest)]


def test_attendees_are_those_holding_seats_on_the_meeting_day(forum, make_seat, make_person,
                                                              make_meeting):
    seat = make_seat("Nabo 1", kind=SeatKind.neighbour)
    roster.appoint(seat, make_person("Old"), datetime(2025, 1, 1).date())
    roster.appoint(seat, make_person("New"), datetime(2027, 1, 1).date())
    before = make_meeting(start=datetime(2026, 12, 8, 16, tzinfo=CPH))
    after = make_meeting(start=datetime(2027, 2, 9, 16, tzinfo=CPH))
    assert [a.person.name for a in meetings.attendees(before)] == ["Old"]
    assert [a.person.name for a in meetings.attendees(after)] == ["New"]


def test_coming_meetings_are_soonest_first(forum, make_meeting):
    late = make_meeting(start=datetime(2027, 5, 1, 14, tzinfo=UTC))
    soon = make_meeting(start=datetime(2027, 2, 1, 15, tzinfo=UTC))
    make_meeting(start=datetime(2026, 1, 1, 15, tzinfo=UTC))  # past
    now = datetime(2026, 11, 26, tzinfo=UTC)
    assert meetings.coming_meetings(forum, now) == [soon, late]
