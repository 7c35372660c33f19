"""The forum's settings page: saved, checked in Danish, an address change warned about."""

from datetime import timedelta

import sqlalchemy as sa

from app import jobs
from app.extensions import db
from app.models import AuditEvent, Forum, utcnow
from app.services import meetings, plan

URL = "/forum/vesterbro/settings/"


def _form(forum: Forum, **changes) -> dict:
    values = {key: getattr(forum, key) for key in (
        "name", "sender_name", "language", "timezone", "sender_address", "agenda_address",
        "secretary_address", "meeting_minutes", "send_per_minute", "reminder_days",
        "final_agenda_days", "inbound_retention_days", "outbound_retention_days",
        "audit_retention_years")}
    values["location"] = plan.pattern_for(forum).location
    return {key: "" if value is None else str(value) for key, value in values.items()} | changes


def test_the_page_shows_the_settings_in_danish(demo_forum, logged_in):
    page = logged_in.get(URL).get_data(as_text=True)
    assert "Indstillinger" in page and "Opbevaring (GDPR)" in page
    assert f'value="{demo_forum.agenda_address}"' in page
    assert 'name="inbound_retention_days" id="inbound_retention_days" value="90"' in page


def test_saving_changes_the_forum_and_is_audited(demo_forum, post):
    response = post(URL, _form(demo_forum, name="Samarbejdsforum Indre Vesterbro",
                               inbound_retention_days="30", reminder_days="2",
                               location="Mændenes Hjem"), follow_redirects=True)
    assert "Gemt." in response.get_data(as_text=True)
    db.session.expire_all()
    forum = db.session.get(Forum, demo_forum.id)
    assert forum.name == "Samarbejdsforum Indre Vesterbro"
    assert (forum.inbound_retention_days, forum.reminder_days) == (30, 2)
    assert plan.pattern_for(forum).location == "Mændenes Hjem"
    event = db.session.scalars(sa.select(AuditEvent).filter_by(action="forum.settings")).one()
    assert "inbound_retention_days" in event.details["fields"]


def test_a_new_answer_address_warns_that_the_old_one_is_not_read(demo_forum, post):
    old = demo_forum.sender_address
    response = post(URL, _form(demo_forum, sender_address="Forum@KK.dk"),
                    follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"Mail til {old} læses ikke længere" in page
    db.session.expire_all()
    assert db.session.get(Forum, demo_forum.id).sender_address == "forum@kk.dk"


def test_wrong_values_are_refused_in_danish_and_nothing_is_saved(demo_forum, post):
    for changes, message in (
        ({"inbound_retention_days": "2"}, "Modtaget mail gemmes (dage) skal være mellem 7"),
        ({"send_per_minute": "mange"}, "»mange« er ikke et helt tal"),
        ({"timezone": "Europe/Vesterbro"}, "er ikke en tidszone"),
        ({"agenda_address": demo_forum.sender_address}, "to forskellige adresser"),
        ({"sender_address": "ikke en adresse"}, "er ikke en gyldig e-mailadresse"),
    ):
        response = post(URL, _form(demo_forum, **changes), follow_redirects=True)
        assert message in response.get_data(as_text=True), changes
    db.session.expire_all()
    assert db.session.get(Forum, demo_forum.id).inbound_retention_days == 90


def test_the_forums_own_days_schedule_its_reminder(demo_forum, app):
    demo_forum.reminder_days, demo_forum.final_agenda_days = 1, 2
    start = utcnow() + timedelta(days=20)
    meeting = meetings.create_meeting(demo_forum, start, location="Kulturhuset")
    db.session.commit()
    scheduled = jobs.schedule_reminders(meeting.id, meeting.sequence, start)
    assert len(scheduled) == 2
    from app.extensions import rq

    registry = rq.queue.scheduled_job_registry
    when = {job_id.split("-")[0]: registry.get_scheduled_time(job_id) for job_id in scheduled}
    assert abs((start - when["send_reminders"]).total_seconds() - 86400) < 5
    assert abs((start - when["send_final_agenda"]).total_seconds() - 2 * 86400) < 5
