"""The pages' Danish: a mandate ends on a day written out by Babel, in one style."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Mandate

BASE = "/forum/vesterbro"


def test_ending_a_mandate_says_when_in_danish(logged_in, post):
    mandate = db.session.scalars(select(Mandate).where(Mandate.ended_on.is_(None))
                                 .order_by(Mandate.id)).first()
    name = mandate.person.name
    response = post(f"{BASE}/roster/mandates/{mandate.id}/end",
                    {"last_day": date(2026, 12, 1).isoformat(), "reason": "flyttet"},
                    follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"Mandatet for {name} ophører 1. december 2026." in html


def test_the_roster_says_mandate_period(logged_in):
    html = logged_in.get(f"{BASE}/roster/").get_data(as_text=True)
    assert "Mandatperiode udløber" in html and "Periode udløber" not in html


def test_the_demo_forums_invitation_reads_right(app, demo_forum):
    from app.mail.compose import compose_invitation
    from app.models import Meeting
    from app.services.mailinfo import forum_info, meeting_info, recipient_info

    meeting = db.session.scalars(select(Meeting).order_by(Meeting.start_dt)).first()
    person = demo_forum.people[0]
    msg = compose_invitation(forum_info(demo_forum), meeting_info(meeting), recipient_info(person),
                             "token")
    text = msg.get_body(("plain",)).get_content()
    assert "Du er indkaldt til mødet i Samarbejdsforum for indre Vesterbro." in text
    # Signed once: the secretariat, then the forum, each on a line of its own.
    assert text.count("Samarbejdsforum for indre Vesterbro") == 2  # the sentence and the name
    assert text.rstrip().endswith("Med venlig hilsen\nSekretariatet\n"
                                  "Samarbejdsforum for indre Vesterbro")
