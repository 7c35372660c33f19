"""The archive: search over agendas and minutes, and a meeting's pack as one HTML file."""

from datetime import UTC, date, datetime

import pytest

from app import demo
from app.extensions import db
from app.models import AgendaItem, AgendaStatus, MeetingKind, MeetingStatus
from app.services import archive, attendance, meetings, minutes, plan, terms
from app.services.mailinfo import forum_info  # noqa: F401 - app context check

NOW = datetime(2027, 1, 10, tzinfo=UTC)


@pytest.fixture
def held(forum, make_meeting):
    """Return a held meeting with an agenda and written minutes, and a cancelled one."""
    meeting = make_meeting(datetime(2026, 10, 6, 14, tzinfo=UTC))  # in the past
    for n, title in enumerate(["Sprøjtefund i gårdene", "Eventuelt"], 1):
        db.session.add(AgendaItem(forum=forum, meeting=meeting, title=title, position=n,
                                  body="Brugt udstyr i baggårdene." if n == 1 else "",
                                  status=AgendaStatus.approved))
    meeting.status = MeetingStatus.held
    db.session.flush()
    draft = minutes.draft(meeting)
    draft.attendance_note = "Nabo 1: Jens Hansen deltog"
    minutes.refresh_attendance(draft)
    section = next(s for s in draft.sections if s.heading == "Sprøjtefund i gårdene")
    section.body = "TMF sætter flere kanyledunke op i Skelbækgade (100% enige)."
    cancelled = make_meeting(datetime(2026, 9, 1, 14, tzinfo=UTC), title="Aflyst møde")
    cancelled.status = MeetingStatus.cancelled
    db.session.commit()
    return meeting


def test_search_finds_the_minutes_text(app, forum, held):
    assert archive.past_meetings(forum, NOW, "KANYLEDUNKE") == [held]
    assert archive.past_meetings(forum, NOW, "baggårdene") == [held]  # the agenda item
    assert archive.past_meetings(forum, NOW, "Jens Hansen") == [held]  # the attendance
    assert archive.past_meetings(forum, NOW, "Møde i") == [held]  # the title
    assert archive.past_meetings(forum, NOW, "julefrokost") == []
    assert archive.past_meetings(forum, NOW, "kanyle%op") == [held]  # two words, both in it
    assert archive.past_meetings(forum, NOW, "kanyle_unke") == []
    assert archive.past_meetings(forum, NOW, "100%") == [held]
    assert archive.past_meetings(forum, NOW) == [held]  # cancelled ones are not archived
    assert archive.past_meetings(forum, datetime(2026, 10, 1, tzinfo=UTC)) == []


def test_the_search_page_shows_where_it_was_found(app, held, logged_in):
    html = logged_in.get("/forum/samarbejdsforum/archive/?q=kanyledunke").get_data(as_text=True)
    assert f"/archive/{held.id}/" in html and "flere kanyledunke op" in html


def test_the_meeting_page_and_its_export(app, held, logged_in):
    page = logged_in.get(f"/forum/samarbejdsforum/archive/{held.id}/").get_data(as_text=True)
    assert "Sprøjtefund i gårdene" in page and "Nabo 1: Jens Hansen deltog" in page
    response = logged_in.get(f"/forum/samarbejdsforum/archive/{held.id}/export")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "2026-10-06.html" in disposition
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>") and "<style>" in html
    assert "Sprøjtefund i gårdene" in html and "Eventuelt" in html  # the agenda
    assert "flere kanyledunke op i Skelbækgade" in html  # the minutes
    assert "Nabo 1: Jens Hansen deltog" in html  # the attendance
    for outside in ("<link", "<script", "src=", "url("):
        assert outside not in html  # self-contained


def test_the_archive_needs_a_login(client, held):
    assert client.get(f"/forum/samarbejdsforum/archive/{held.id}/export").status_code == 302
    assert client.get("/forum/samarbejdsforum/archive/attendance/2026.csv").status_code == 302


def test_the_demo_has_a_past_year_and_next_years_plan_by_the_rule(app):
    today = date(2026, 11, 26)
    forum = demo.create_demo(today)  # seeds the rules' demo too
    db.session.commit()
    held = plan.meetings_in(forum, 2025)
    assert [meetings.local_day(forum, m.start_dt) for m in held] == [
        date(2025, 2, 11), date(2025, 5, 13), date(2025, 6, 10), date(2025, 8, 12),
        date(2025, 11, 11)]
    assert {m.status for m in held} == {MeetingStatus.minutes_sent}
    records = attendance.record(forum, 2025)
    assert len(records) == 27 and all(r.meetings == 5 for r in records)
    totals = [sum(getattr(r, o) for r in records) for o in attendance.OUTCOMES]
    assert all(totals) and sum(totals) == 27 * 5
    assert archive.past_meetings(forum, datetime(2026, 11, 26, tzinfo=UTC), "gadefest")
    # Next year was planned by create_demo; the rule proposes exactly those days.
    planned = [meetings.local_day(forum, m.start_dt) for m in plan.meetings_in(forum, 2027)]
    assert planned == [p.day for p in plan.propose(2027, plan.pattern_for(forum), True)]
    assert plan.proposal_for(forum, 2027) == []
    kinds = [m.kind for m in plan.meetings_in(forum, 2027)]
    assert kinds.count(MeetingKind.summer) == 1
    # The daily check finds Nabo 9's term ending and Nabo 10 vacant.
    notices = terms.queue_term_notices(forum, today) + terms.queue_vacancy_notices(forum, today)
    assert {row.subject.split(": ")[1].split(" – ")[0] for row in notices} == {"Nabo 9",
                                                                               "Nabo 10"}
