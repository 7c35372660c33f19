"""The people pages: details edited and audited, data handed out, former members erased."""

import io
import json
import zipfile
from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Invitation, Mandate, Person
from app.services import invitations, roster

BASE = "/forum/vesterbro/people"


def _member(forum) -> Person:
    """Return a person holding a seat as member."""
    return next(p for p in forum.people
                if any(m.role.name == "member" and m.ended_on is None for m in p.mandates))


def test_the_list_links_every_person_and_the_page_shows_their_mandates(demo_forum, logged_in):
    page = logged_in.get(f"{BASE}/").get_data(as_text=True)
    assert "Personer" in page
    person = _member(demo_forum)
    assert f'href="{BASE}/{person.id}"' in page
    page = logged_in.get(f"{BASE}/{person.id}").get_data(as_text=True)
    assert person.mandates[0].seat.label in page
    assert "Udlevér data" in page and "Anonymisér" in page


def test_a_new_address_is_saved_audited_and_the_sent_answer_link_still_works(
        demo_forum, logged_in, post, client):
    person = _member(demo_forum)
    meeting = next(m for m in demo_forum_meetings(demo_forum))
    invitations.invite(meeting)
    db.session.commit()
    invitation = db.session.scalars(sa.select(Invitation).filter_by(
        person_id=person.id, meeting_id=meeting.id)).one()
    old = person.email
    response = post(f"{BASE}/{person.id}", {"name": person.name, "email": "Ny.Adresse@KK.dk",
                                            "phone": "33 66 33 66", "organisation": "",
                                            "language": ""}, follow_redirects=True)
    assert "Gemt." in response.get_data(as_text=True)
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.email == "ny.adresse@kk.dk" and person.phone == "33 66 33 66"
    event = db.session.scalars(sa.select(AuditEvent).filter_by(
        action="person.edited", target_id=person.id)).one()
    assert event.details["old_email"] == old and event.details["new_email"] == person.email
    assert client.get(f"/r/{invitation.reply_token}").status_code == 200


def demo_forum_meetings(forum):
    from app.models import Meeting, MeetingStatus, utcnow

    return db.session.scalars(sa.select(Meeting).where(
        Meeting.forum_id == forum.id, Meeting.start_dt > utcnow(),
        Meeting.status == MeetingStatus.planned, Meeting.location.is_not(None))
        .order_by(Meeting.start_dt)).all()


def test_an_address_of_another_person_in_any_case_is_refused(demo_forum, post):
    first, second = [p for p in demo_forum.people if p.mandates][:2]
    response = post(f"{BASE}/{first.id}", {"name": first.name, "email": second.email.upper()},
                    follow_redirects=True)
    assert f"er allerede adressen for {second.name}" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, first.id).email != second.email


def test_hand_out_data_downloads_a_zip_and_is_audited(demo_forum, post):
    person = _member(demo_forum)
    response = post(f"{BASE}/{person.id}/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert json.loads(archive.read("person.json"))["navn"] == person.name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "person.exported", AuditEvent.target_id == person.id)) == 1


def test_a_current_member_is_not_erased_and_a_former_one_is(demo_forum, post):
    person = _member(demo_forum)
    response = post(f"{BASE}/{person.id}/anonymise", {"confirm": "y"}, follow_redirects=True)
    assert "har et mandat" in response.get_data(as_text=True)
    for mandate in db.session.scalars(sa.select(Mandate).filter_by(person_id=person.id)):
        if mandate.ended_on is None:
            roster.end_mandate(mandate, date.today() - timedelta(days=1), "Fraflyttet")
    db.session.commit()
    response = post(f"{BASE}/{person.id}/anonymise", {}, follow_redirects=True)
    assert "Sæt flueben" in response.get_data(as_text=True)  # not without the confirmation
    response = post(f"{BASE}/{person.id}/anonymise", {"confirm": "y"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"Tidligere medlem nr. {person.id}" in page
    db.session.expire_all()
    assert db.session.get(Person, person.id).email.endswith("@anonym.invalid")


def test_another_forums_person_is_not_found(demo_forum, logged_in, make_forum):
    other = make_forum()
    stranger = roster.add_person(other, "Fremmed", "fremmed@x.test")
    db.session.commit()
    assert logged_in.get(f"{BASE}/{stranger.id}").status_code == 404
