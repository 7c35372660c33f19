"""Minutes: attendance that follows the answers until approved, marks by hand, meetings never
invited, free sections and items added on the day."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AgendaItem,
    AgendaStatus,
    InvitationStatus,
    MeetingStatus,
    Minutes,
    MinutesPresence,
    MinutesStatus,
    utcnow,
)
from app.services import invitations, minutes, minutes_attendance
from app.services.errors import ServiceError


@pytest.fixture
def people(make_person, make_seat):
    """Return (anne, jens, bo): Nabo 1's member and alternate, Nabo 2's member."""
    anne, jens = make_person("Anne Jensen"), make_person("Jens Hansen")
    bo = make_person("Bo Ærø")
    make_seat("Nabo 1", member=anne, alternate=jens)
    make_seat("Nabo 2", member=bo)
    return anne, jens, bo


def _begin(meeting):
    """Move MEETING to have begun three hours ago."""
    meeting.start_dt = utcnow() - timedelta(hours=3)
    meeting.end_dt = utcnow() - timedelta(hours=1)
    db.session.flush()


@pytest.fixture
def invited(people, make_meeting):
    """Return a meeting that was invited through the app and has begun."""
    meeting = make_meeting(utcnow() + timedelta(days=2), location="Reden")
    invitations.invite(meeting)
    db.session.flush()
    _begin(meeting)
    return meeting


def _answer(meeting, person, status):
    inv = next(i for i in meeting.invitations if i.person_id == person.id)
    inv.status = status
    db.session.flush()


def test_attendance_follows_the_answers_until_approved(app, invited, people):
    anne, _jens, _bo = people
    _answer(invited, anne, InvitationStatus.accepted)
    draft = minutes.draft(invited)
    db.session.commit()
    assert "Nabo 1: Anne Jensen deltog" in draft.attendance
    assert "Nabo 2: Bo Ærø (intet svar)" in draft.attendance
    # A decline recorded afterwards shows at once, and is written at the next save.
    _answer(invited, anne, InvitationStatus.declined)
    assert "Nabo 1: Anne Jensen havde meldt afbud" in minutes_attendance.current(draft)
    assert "Nabo 1: Anne Jensen deltog" in draft.attendance  # showing it wrote nothing
    minutes.refresh_attendance(draft)
    assert "Nabo 1: Anne Jensen havde meldt afbud" in draft.attendance
    minutes.approve(draft, "sekretaer")
    _answer(invited, anne, InvitationStatus.accepted)
    # Approved: the attendance is what was approved.
    assert "Nabo 1: Anne Jensen havde meldt afbud" in minutes_attendance.current(draft)
    assert minutes.info(draft).attendance[0] == "Nabo 1: Anne Jensen havde meldt afbud"


def test_attendance_by_hand_for_who_came_without_answering_or_answered_on_the_day(
        app, invited, people):
    anne, jens, bo = people
    _answer(invited, anne, InvitationStatus.declined)
    _answer(invited, bo, InvitationStatus.accepted)
    draft = minutes.draft(invited)
    # Jens stood in without being called in; Bo said yes but did not come.
    minutes.save(draft, {}, {jens.id}, "Desuden deltog: Kim fra TMF")
    db.session.commit()
    assert draft.attendance.splitlines() == [
        "Nabo 1: Anne Jensen havde meldt afbud; suppleant Jens Hansen deltog",
        "Nabo 2: Bo Ærø deltog ikke",
        "Desuden deltog: Kim fra TMF",
    ]
    marks = {p.person_id: p.present for p in draft.presences}
    assert marks == {jens.id: True, bo.id: False}  # only where it differs from the answer
    # Ticked as the answers say: no marks are left.
    minutes.save(draft, {}, {bo.id}, "")
    db.session.commit()
    assert db.session.scalar(select(func.count(MinutesPresence.id))) == 0
    assert draft.attendance.splitlines() == ["Nabo 1: Anne Jensen havde meldt afbud",
                                             "Nabo 2: Bo Ærø deltog"]


def test_minutes_of_a_meeting_never_invited(app, people, make_meeting):
    anne, jens, bo = people
    meeting = make_meeting(utcnow() + timedelta(days=2))  # no place, no invitations
    with pytest.raises(ServiceError):
        minutes.unsaved(meeting)  # not begun yet
    _begin(meeting)
    shown = minutes.unsaved(meeting)
    assert shown not in db.session and minutes.find(meeting) is None
    roll = minutes_attendance.roll(meeting, shown)
    assert [(e.person.name, e.answer) for e in roll] == [
        ("Anne Jensen", None), ("Jens Hansen", None), ("Bo Ærø", None)]
    draft = minutes.draft(meeting, "sekretaer")
    minutes.save(draft, {}, {anne.id}, "")
    db.session.commit()
    assert meeting.status is MeetingStatus.held
    assert draft.attendance.splitlines() == ["Nabo 1: Anne Jensen deltog",
                                             "Nabo 2: Bo Ærø deltog ikke"]
    minutes.save(draft, {}, {jens.id, bo.id}, "")
    assert draft.attendance.splitlines() == [
        "Nabo 1: Anne Jensen deltog ikke; suppleant Jens Hansen deltog", "Nabo 2: Bo Ærø deltog"]


def test_a_cancelled_meeting_has_no_minutes(app, make_meeting):
    meeting = make_meeting(utcnow() + timedelta(days=2))
    _begin(meeting)
    meeting.status = MeetingStatus.cancelled
    with pytest.raises(ServiceError):
        minutes.draft(meeting)


def _items(forum, meeting, *titles):
    for n, title in enumerate(titles, 1):
        db.session.add(AgendaItem(forum=forum, meeting=meeting, title=title, position=n,
                                  status=AgendaStatus.approved))
    db.session.flush()


def test_free_sections_and_items_added_on_the_day(app, forum, make_meeting):
    meeting = make_meeting(utcnow() + timedelta(days=2), location="Reden")
    _items(forum, meeting, "Tryghed på Halmtorvet", "Renhold i Kødbyen")
    _begin(meeting)
    draft = minutes.draft(meeting)
    assert [(n, s.heading) for n, s in minutes.numbered(draft)] == [
        (None, "Meddelelser"), (1, "Tryghed på Halmtorvet"), (2, "Renhold i Kødbyen"),
        (None, "Eventuelt")]
    added = minutes.add_section(draft, "Julefrokost", "sekretaer")
    assert [(n, s.heading) for n, s in minutes.numbered(draft)] == [
        (None, "Meddelelser"), (1, "Tryghed på Halmtorvet"), (2, "Renhold i Kødbyen"),
        (3, "Julefrokost"), (None, "Eventuelt")]
    bodies = {s.position: f"Tekst {s.position}" for s in draft.sections
              if s.heading != "Meddelelser"}
    minutes.save(draft, bodies, set(), "")
    # An empty free section is left out of the mail; a written one has no number.
    assert [(i.position, i.title) for i in minutes.info(draft).items] == [
        (1, "Tryghed på Halmtorvet"), (2, "Renhold i Kødbyen"), (3, "Julefrokost"),
        (None, "Eventuelt")]
    with pytest.raises(ServiceError):
        minutes.remove_section(draft, draft.sections[1].id, "sekretaer")  # an agenda item
    minutes.remove_section(draft, added.id, "sekretaer")
    db.session.commit()
    assert [s.heading for s in draft.sections] == [
        "Meddelelser", "Tryghed på Halmtorvet", "Renhold i Kødbyen", "Eventuelt"]
    assert [s.position for s in draft.sections] == [1, 2, 3, 4]


def test_an_agenda_with_its_own_eventuelt_gets_no_second(app, forum, make_meeting):
    meeting = make_meeting(utcnow() + timedelta(days=2))
    _items(forum, meeting, "Budget", "Eventuelt")
    _begin(meeting)
    draft = minutes.draft(meeting)
    assert [s.heading for s in draft.sections] == ["Meddelelser", "Budget", "Eventuelt"]


def test_sent_minutes_cannot_change(app, forum, make_meeting):
    meeting = make_meeting(utcnow() + timedelta(days=2))
    _begin(meeting)
    draft = minutes.draft(meeting)
    draft.status = MinutesStatus.sent
    for change in (lambda: minutes.add_section(draft, "Mere", "sekretaer"),
                   lambda: minutes.save(draft, {}, set(), ""),
                   lambda: minutes.refresh_attendance(draft)):
        with pytest.raises(ServiceError):
            change()
    assert db.session.scalar(select(func.count(Minutes.id))) == 1


def test_the_attendance_record_counts_who_came_by_hand(app, forum, people, make_meeting):
    from app.services import attendance

    anne, jens, _bo = people
    meeting = make_meeting(utcnow() + timedelta(days=2))  # never invited
    _begin(meeting)
    draft = minutes.draft(meeting)
    minutes.save(draft, {}, {jens.id}, "")  # Nabo 1's alternate came; nobody for Nabo 2
    db.session.commit()
    year = meeting.start_dt.year
    counts = {r.seat.label: (r.member, r.alternate, r.empty)
              for r in attendance.record(forum, year)}
    assert counts == {"Nabo 1": (0, 1, 0), "Nabo 2": (0, 0, 1)}


def test_an_item_approved_after_the_draft_goes_before_eventuelt(app, forum, make_meeting):
    meeting = make_meeting(utcnow() + timedelta(days=2))
    _items(forum, meeting, "Budget")
    _begin(meeting)
    draft = minutes.draft(meeting)
    late = AgendaItem(forum=forum, meeting=meeting, title="Ny plads til Dugnad", position=2,
                      status=AgendaStatus.approved)
    db.session.add(late)
    db.session.flush()
    section = minutes.item_section(draft, late)
    assert minutes.item_section(draft, late) is section  # once
    assert [(n, s.heading) for n, s in minutes.numbered(draft)] == [
        (None, "Meddelelser"), (1, "Budget"), (2, "Ny plads til Dugnad"), (None, "Eventuelt")]
