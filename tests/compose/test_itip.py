"""The iMIP calendar part of invitations, updates and cancellations (RFC 5545/5546/6047)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.mail.compose import compose_cancellation, compose_invitation
from app.mail.itip_tz import vtimezone
from app.mail.tokens import make_token, read_token, split_subaddress
from tests.compose.cases import (
    ALTERNATE,
    CASES,
    FORUM,
    GUEST,
    INVITATION_ID,
    MEETING,
    MEMBER,
    MOVED,
    NOW,
    RELEASED,
    SECRET,
    TOKEN,
)
from tests.compose.helpers import calendar_of, event_of, reparse

CALENDAR_CASES = sorted(n for n in CASES if n.startswith(("invitation", "cancellation")))


@pytest.mark.parametrize("name", CALENDAR_CASES)
def test_method_in_header_and_body_agree(name: str) -> None:
    part, calendar = calendar_of(CASES[name]())
    assert part.get_param("method") == calendar["METHOD"]
    assert part.get_content_charset() == "utf-8"
    expected = "CANCEL" if name.startswith("cancellation") else "REQUEST"
    assert calendar["METHOD"] == expected


@pytest.mark.parametrize("name", CALENDAR_CASES)
def test_exactly_one_attendee_the_recipient(name: str) -> None:
    msg = CASES[name]()
    attendees = event_of(msg).get("ATTENDEE")
    assert not isinstance(attendees, list), "more than one ATTENDEE"
    assert str(attendees).lower() == f"mailto:{msg['To'].addresses[0].addr_spec}".lower()


@pytest.mark.parametrize("name", CALENDAR_CASES)
def test_vtimezone_for_copenhagen_is_present(name: str) -> None:
    _, calendar = calendar_of(CASES[name]())
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    assert calendar.get_missing_tzids() == set()


def test_request_attendee_is_asked_to_answer() -> None:
    attendee = event_of(compose_invitation(FORUM, MEETING, MEMBER, TOKEN, now=NOW)).get("ATTENDEE")
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["CN"] == "Mette Jensen"


@pytest.mark.parametrize(
    ("recipient", "role"), [(ALTERNATE, "REQ-PARTICIPANT"), (GUEST, "OPT-PARTICIPANT")]
)
def test_role_by_recipient_kind(recipient, role: str) -> None:
    event = event_of(compose_invitation(FORUM, MEETING, recipient, TOKEN, now=NOW))
    assert event.get("ATTENDEE").params["ROLE"] == role


def test_winter_meeting_at_15_utc_is_16_local() -> None:
    event = event_of(compose_invitation(FORUM, MEETING, MEMBER, TOKEN, now=NOW))
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert event["DTSTART"].to_ical() == b"20261208T160000"
    assert event["DTEND"].to_ical() == b"20261208T180000"
    assert event.start == MEETING.start and event.end == MEETING.end


def test_summer_meeting_uses_summer_offset() -> None:
    summer = replace(
        MEETING,
        start=datetime(2026, 6, 9, 14, tzinfo=UTC),
        end=datetime(2026, 6, 9, 16, tzinfo=UTC),
    )
    event = event_of(compose_invitation(FORUM, summer, MEMBER, TOKEN, now=NOW))
    assert event["DTSTART"].to_ical() == b"20260609T160000"
    assert event.start.utcoffset() == timedelta(hours=2)


def test_event_properties() -> None:
    event = event_of(compose_invitation(FORUM, MEETING, MEMBER, TOKEN, now=NOW))
    assert event["UID"] == MEETING.uid
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == MEETING.title
    assert event["LOCATION"] == MEETING.location
    assert event["DTSTAMP"].dt == NOW
    assert str(event["ORGANIZER"]) == f"mailto:sekretariat+{TOKEN}@samarbejdsforum.test"
    assert event["ORGANIZER"].params["CN"] == FORUM.name
    assert "2. Budget 2027" in event["DESCRIPTION"]
    assert f"https://forumpost.test/r/{TOKEN}" in event["DESCRIPTION"]


def test_calendar_has_prodid_and_version() -> None:
    _, calendar = calendar_of(compose_invitation(FORUM, MEETING, MEMBER, TOKEN, now=NOW))
    assert calendar["PRODID"] == "-//Forumpost//Samarbejdsforum//DA"
    assert calendar["VERSION"] == "2.0"


def test_update_keeps_uid_and_raises_sequence() -> None:
    first = event_of(compose_invitation(FORUM, MEETING, MEMBER, TOKEN, now=NOW))
    later = NOW + timedelta(days=1)
    update = event_of(compose_invitation(FORUM, MOVED, MEMBER, TOKEN, updated=True, now=later))
    assert update["UID"] == first["UID"]
    assert update["SEQUENCE"] > first["SEQUENCE"]
    assert update["DTSTAMP"].dt > first["DTSTAMP"].dt
    assert update["LOCATION"] == MOVED.location


def test_update_without_new_sequence_is_refused() -> None:
    with pytest.raises(ValueError, match="sequence"):
        compose_invitation(FORUM, MEETING, MEMBER, TOKEN, updated=True)


def test_cancelled_meeting_is_status_cancelled() -> None:
    msg = compose_cancellation(FORUM, MOVED, MEMBER, TOKEN, "For få tilmeldte.", now=NOW)
    event = event_of(msg)
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == MEETING.uid
    assert event["SEQUENCE"] == MOVED.sequence
    assert "RSVP" not in event.get("ATTENDEE").params


def test_released_alternate_is_uninvited_without_cancelling_the_meeting() -> None:
    # RFC 5546 3.2.5: a CANCEL to some attendees only must not carry STATUS:CANCELLED.
    msg = compose_cancellation(FORUM, RELEASED, ALTERNATE, TOKEN, kind="alternate_released")
    event = event_of(msg)
    assert "STATUS" not in event
    assert event["SEQUENCE"] == RELEASED.sequence
    assert str(event.get("ATTENDEE")) == f"mailto:{ALTERNATE.email}"


def test_cancellation_without_new_sequence_is_refused() -> None:
    with pytest.raises(ValueError, match="sequence"):
        compose_cancellation(FORUM, MEETING, MEMBER, TOKEN)


def test_empty_cancellation_reason_leaves_no_empty_description() -> None:
    event = event_of(compose_cancellation(FORUM, MOVED, MEMBER, TOKEN))
    assert "DESCRIPTION" not in event


def test_publish_has_no_attendee() -> None:
    part, calendar = calendar_of(compose_invitation(FORUM, MEETING, GUEST, TOKEN, "PUBLISH"))
    assert part.get_param("method") == calendar["METHOD"] == "PUBLISH"
    assert "ATTENDEE" not in calendar.walk("VEVENT")[0]


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError):
        compose_invitation(FORUM, MEETING, MEMBER, TOKEN, "COUNTER")


def test_vtimezone_is_cached() -> None:
    vtimezone.cache_clear()
    for hour in range(3):
        # A DTSTAMP of its own makes each calendar a fresh render, not a cached one.
        compose_invitation(FORUM, MEETING, MEMBER, TOKEN, now=NOW + timedelta(days=100, hours=hour))
    assert vtimezone.cache_info().hits == 2


def test_vtimezone_covers_a_meeting_in_a_later_year() -> None:
    start = datetime(2031, 3, 30, 14, tzinfo=UTC)  # the day summer time starts that year
    far = replace(MEETING, start=start, end=start + timedelta(hours=2))
    _, calendar = calendar_of(compose_invitation(FORUM, far, MEMBER, TOKEN))
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].to_ical() == b"20310330T160000"
    # Read the offset from the VTIMEZONE we sent, not from the local zoneinfo.
    sent_zone = calendar.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    local = datetime(2031, 3, 30, 16, tzinfo=sent_zone)
    assert local.utcoffset() == timedelta(hours=2)
    assert local.astimezone(UTC) == start


@pytest.mark.parametrize("name", CALENDAR_CASES)
def test_organizer_carries_the_invitations_token(name: str) -> None:
    # Calendar clients answer the ORGANIZER (RFC 6047 2.3), so its sub-address
    # matches the answer like the Reply-To does; CANCEL and updates alike.
    msg = CASES[name]()
    organizer = event_of(msg)["ORGANIZER"]
    base, token = split_subaddress(str(organizer).removeprefix("mailto:"))
    assert base == FORUM.sender_address
    assert read_token(token, SECRET) == INVITATION_ID
    assert organizer.params["CN"] == FORUM.name
    reply_to = reparse(msg)["Reply-To"].addresses[0].addr_spec
    assert str(organizer) == f"mailto:{reply_to}"


def test_organizer_without_a_token_is_the_plain_address() -> None:
    from app.mail.itip_out import organizer

    assert str(organizer(FORUM)) == f"mailto:{FORUM.sender_address}"
    assert str(organizer(FORUM, "")) == f"mailto:{FORUM.sender_address}"


_NAMES = st.text(alphabet=st.sampled_from("abcæøå ABC-,;:\"'\\"), min_size=1, max_size=80)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forum_name=_NAMES.filter(str.strip), name=_NAMES.filter(str.strip),
       number=st.integers(min_value=0, max_value=36**12),
       role=st.sampled_from(["member", "alternate", "guest"]),
       method=st.sampled_from(["REQUEST", "CANCEL"]), description=st.sampled_from(["", "Svar"]))
def test_each_recipients_calendar_is_the_one_built_whole(forum_name, name, number, role, method,
                                                         description) -> None:
    # build_calendar() swaps ORGANIZER, ATTENDEE and DESCRIPTION into a shared
    # render; wherever the lines fold, the result is what icalendar writes whole.
    from app.mail.itip_out import _render, build_calendar

    forum = replace(FORUM, name=forum_name)
    person = replace(MEMBER, name=name, role=role)
    token = make_token(number, SECRET)
    swapped = build_calendar(forum, MOVED, person, method, description, NOW, token=token)
    assert swapped == _render(forum, MOVED, person, method, description, NOW, True, token)


_TEXTS = st.text(alphabet=st.sampled_from("abzæ \n\\,;:^é"), max_size=120)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=_TEXTS, after=_TEXTS, forum_name=_NAMES.filter(str.strip),
       number=st.integers(min_value=0, max_value=36**12))
def test_a_line_cut_around_a_stand_in_token_is_the_one_folded_whole(before, after, forum_name,
                                                                    number) -> None:
    # The answer link's token goes into a DESCRIPTION and ORGANIZER folded once per
    # meeting around a stand-in; wherever the folds fall (in the token, after an
    # escape, next to a three-octet letter), the line is what icalendar writes.
    from app.mail.itip_out import _content_line, _description_line, _organizer_line, organizer

    token = make_token(number, SECRET)
    description = f"{before}Svar: https://forum.test/r/{token}{after}"
    assert _description_line(description, token) == _content_line("description", description)
    forum = replace(FORUM, name=forum_name)
    assert _organizer_line(forum, token) == _content_line("organizer", organizer(forum, token))


def test_a_description_holding_the_token_twice_or_not_at_all_is_folded_whole() -> None:
    from app.mail.itip_out import _content_line, _description_line

    token = make_token(7, SECRET)
    for description in (f"{token} {token}", "Ingen link", f"{'z' * len(token)} {token}"):
        assert _description_line(description, token) == _content_line("description",
                                                                      description)
