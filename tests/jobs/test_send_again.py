"""Sending again, by the job: whoever is no longer due gets one CANCEL, whoever is due now
the invitation, and nobody else hears anything."""

from datetime import timedelta

from app import jobs
from app.extensions import db
from app.models import MandateRole, Meeting, utcnow
from app.services import meetings, roster
from tests.jobs.conftest import calendar_of, parse


def _methods(smtp):
    found = {}
    for received in smtp.messages:
        cal, method = calendar_of(parse(received))
        found.setdefault(received.rcpt_tos[0], []).append(method)
    return found


def test_sending_again_withdraws_the_ended_and_invites_the_successor(app, committee, smtp,
                                                                     work, make_person):
    meeting, seats = committee
    meeting.start_dt = utcnow() + timedelta(days=12)
    meeting.end_dt = meeting.start_dt + timedelta(hours=2)
    db.session.commit()
    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    smtp.reset()
    # The roster changed behind the page: a term cut short, a successor from the day.
    meeting = db.session.get(Meeting, meeting.id)
    day = meetings.local_day(meeting.forum, meeting.start_dt)
    seat = db.session.merge(seats[2])
    leaving = roster.current_mandate(seat, MandateRole.member, utcnow().date())
    leaving.term_ends_on = day - timedelta(days=2)
    roster.appoint(seat, make_person("Ny 3", "ny3@x.test"), day - timedelta(days=1))
    db.session.commit()

    jobs.enqueue(jobs.send_invitations, meeting.id)  # "Send til dem, der ikke er indkaldt"
    work()
    assert _methods(smtp) == {"medlem3@x.test": ["CANCEL"], "ny3@x.test": ["REQUEST"]}
    smtp.reset()
    jobs.enqueue(jobs.send_invitations, meeting.id)  # again: nothing more to say
    work()
    assert smtp.messages == []
