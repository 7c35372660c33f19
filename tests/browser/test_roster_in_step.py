"""Roster and invitations in step, and the guards, in Chromium: a successor appointed on
the roster page gets the invitation and the member whose mandate ends one CANCEL; sending
for a meeting that has begun is refused in Danish, and possible again once it is moved."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Meeting, MeetingStatus, utcnow
from app.services import invitations, meetings, roster
from tests.browser.conftest import login

BASE = "/forum/vesterbro"


def _methods(smtp) -> dict[str, list[str]]:
    """Return each recipient's calendar methods among the recorded mails."""
    found: dict[str, list[str]] = {}
    for received in smtp.messages:
        msg = email.message_from_bytes(received.data, policy=policy.default)
        for part in msg.walk():
            if part.get_content_type() == "text/calendar":
                method = part.get_param("method") or ""
                found.setdefault(received.rcpt_tos[0], []).append(method.upper())
                break
    return found


def _invited_meeting(forum, work):
    """Return the id of a coming meeting whose invitations have gone out."""
    meeting = meetings.create_meeting(forum, utcnow() + timedelta(days=20),
                                      location="Kulturhuset Halmtorvet")
    invitations.invite(meeting)
    db.session.commit()
    from app import jobs

    jobs.enqueue(jobs.send_invitations, meeting.id)
    work()
    return meeting.id


def test_a_successor_is_invited_and_the_ended_member_gets_one_cancel(page, demo_forum, smtp,
                                                                     work):
    meeting_id = _invited_meeting(demo_forum, work)
    today = meetings.local_day(demo_forum, utcnow())
    holding = next(h for h in roster.holdings(demo_forum, today) if h.member is not None)
    seat_id, leaving = holding.seat.id, holding.member.person.email
    smtp.reset()

    login(page)
    page.goto(f"{BASE}/roster/")
    row = page.locator("tr", has=page.locator(f"form[action$='/seats/{seat_id}/appoint']"))
    row.get_by_text("Udpeg", exact=True).first.click()
    row.get_by_label("Som").select_option("member")
    row.get_by_label("…eller en ny person: navn").fill("Ida Holm")
    row.get_by_label("E-mailadresse").fill("ida.holm@vesterbro.test")
    row.get_by_label("Fra").fill(today.isoformat())
    row.get_by_role("button", name="Udpeg").click()
    expect(page.get_by_role("status").first).to_contain_text("Ida Holm har nu pladsen")
    expect(page.get_by_role("status").nth(1)).to_have_text(
        "Indkaldelser til kommende møder: 1 trukket tilbage, 1 sendt.")
    work()

    methods = _methods(smtp)
    assert methods == {leaving: ["CANCEL"], "ida.holm@vesterbro.test": ["REQUEST"]}
    page.goto(f"{BASE}/meetings/{meeting_id}/")
    expect(page.locator("#answers")).to_contain_text("Ida Holm")


def test_ending_a_mandate_on_the_page_cancels_and_the_alternate_takes_over(page, demo_forum,
                                                                          smtp, work):
    meeting_id = _invited_meeting(demo_forum, work)
    meeting = db.session.get(Meeting, meeting_id)
    last_day = meetings.local_day(demo_forum, meeting.start_dt) - timedelta(days=1)
    today = meetings.local_day(demo_forum, utcnow())
    holding = next(h for h in roster.holdings(demo_forum, today)
                   if h.member is not None and h.alternate is not None)
    member, alternate = holding.member.person, holding.alternate.person
    mandate_id, member_email, alternate_email = holding.member.id, member.email, alternate.email
    smtp.reset()

    login(page)
    page.goto(f"{BASE}/roster/")
    page.get_by_text(f"Afslut mandatet for {member.name}").click()
    page.locator(f"#end-{mandate_id}").fill(last_day.isoformat())
    page.locator(f"#reason-{mandate_id}").fill("Fraflyttet")
    page.locator(f"form[action$='/mandates/{mandate_id}/end']").get_by_role(
        "button", name="Afslut").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Mandatet for {member.name}")
    work()

    assert _methods(smtp) == {member_email: ["CANCEL"], alternate_email: ["REQUEST"]}


def test_sending_for_a_meeting_that_has_begun_is_refused(page, demo_forum, work):
    meeting = meetings.create_meeting(demo_forum, utcnow() - timedelta(minutes=20),
                                      location="Kulturhuset Halmtorvet")
    db.session.commit()
    meeting_id = meeting.id

    login(page)
    page.goto(f"{BASE}/meetings/{meeting_id}/")
    page.get_by_role("button", name="Send indkaldelser").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Mødet er begyndt: der kan ikke længere sendes indkaldelser.")
    work()
    db.session.expire_all()
    assert db.session.get(Meeting, meeting_id).status is MeetingStatus.planned

    # Moved to a later day, it can be sent.
    later = meetings.local_day(demo_forum, utcnow()) + timedelta(days=14)
    page.get_by_label("Dato").fill(later.isoformat())
    # At an afternoon's hours: begun late in the evening, the meeting would end after
    # midnight, which a form of one day and two times cannot say.
    page.get_by_label("Starter", exact=True).fill("16:00")
    page.get_by_label("Slutter", exact=True).fill("18:00")
    page.get_by_role("button", name="Gem", exact=True).click()
    page.get_by_role("button", name="Send indkaldelser").click()
    expect(page.get_by_role("status")).to_have_text("Indkaldelserne sendes.")
    work()
    db.session.expire_all()
    moved = db.session.scalars(select(Meeting).filter_by(id=meeting_id)).one()
    assert moved.status is MeetingStatus.invited and moved.invitations
