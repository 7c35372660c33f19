"""In Chromium: the minutes of a meeting never invited through the app, attendance ticked by
hand, an item taken up on the day; the agenda's PDF link opens a PDF with the items."""

from __future__ import annotations

import io
from datetime import timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from app.extensions import db
from app.models import AgendaItem, AgendaStatus, utcnow
from app.services import meetings, roster
from app.services import minutes as minutes_service
from tests.browser.conftest import login, unlabelled_controls

BASE = "/forum/vesterbro"
TITLE = "Gårdmiljø og tryghed på Vesterbro"


def _held_meeting(forum):
    """Return a meeting that has begun, never invited, with one approved item."""
    meeting = meetings.create_meeting(forum, utcnow() + timedelta(days=2), location="Reden",
                                      title="Ekstra møde om Halmtorvet")
    db.session.add(AgendaItem(forum=forum, meeting=meeting, title=TITLE, position=1,
                              submitter_name="Bjørn Løkke", status=AgendaStatus.approved))
    meeting.start_dt = utcnow() - timedelta(hours=3)
    meeting.end_dt = utcnow() - timedelta(hours=1)
    db.session.commit()
    return meeting


def test_minutes_of_a_meeting_never_invited(page, demo_forum):
    meeting = _held_meeting(demo_forum)
    holding = next(h for h in roster.holdings(demo_forum, utcnow().date()) if h.member)
    member = holding.member.person
    login(page)
    page.goto(f"{BASE}/meetings/{meeting.id}/")
    page.locator("#agenda").get_by_role("link", name="Referat").click()
    page.wait_for_url(f"**{BASE}/meetings/{meeting.id}/minutes/")
    assert unlabelled_controls(page) == []
    # Nobody was invited: the secretary ticks who came.
    present = page.get_by_label(member.name, exact=True)
    expect(present).not_to_be_checked()
    present.check()
    page.get_by_label(f"1. {TITLE}").fill("Belysningen i gården forbedres.")
    page.get_by_label("Eventuelt").fill("Julefrokost den 18. december.")
    page.get_by_role("button", name="Opdater fremmøde").click()
    expect(page.get_by_role("status")).to_have_text("Fremmødet er opdateret.")
    expect(page.locator("ul.attendance-text")).to_contain_text(
        f"{holding.seat.label}: {member.name} deltog")
    # An item taken up on the day gets the next number.
    page.get_by_label("Punkt taget op på mødet").fill("Nyt fra politiet")
    page.get_by_role("button", name="Tilføj punktet").click()
    expect(page.get_by_label("2. Nyt fra politiet")).to_be_visible()
    # The preview scrolls and takes the keyboard's focus.
    preview = page.get_by_role("region", name="Referatet, som det sendes")
    preview.focus()
    expect(preview).to_be_focused()
    expect(preview).to_contain_text("Julefrokost den 18. december.")
    page.get_by_role("button", name="Godkend").click()
    expect(page.get_by_role("status")).to_have_text("Referatet er godkendt.")
    db.session.expire_all()
    minutes = minutes_service.find(meeting)
    assert f"{holding.seat.label}: {member.name} deltog" in minutes.attendance.splitlines()
    assert [s.heading for s in minutes.sections] == [
        "Meddelelser", TITLE, "Nyt fra politiet", "Eventuelt"]


def test_the_agenda_pdf_opens(page, demo_forum):
    meeting = _held_meeting(demo_forum)
    login(page)
    page.goto(f"{BASE}/meetings/{meeting.id}/")
    link = page.get_by_role("link", name="Dagsorden som PDF")
    href = link.get_attribute("href")
    # Headless Chromium has no PDF viewer: fetch the link with the browser's own session.
    response = page.context.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "Dagsorden" in text and "Ekstra møde om Halmtorvet" in text
    assert f"1. {TITLE}" in text and "Indsendt af Bjørn Løkke" in text and "Reden" in text
    # The archive links it too.
    page.goto(f"{BASE}/archive/{meeting.id}/")
    expect(page.get_by_role("link", name="Dagsorden som PDF")).to_have_attribute("href", href)
