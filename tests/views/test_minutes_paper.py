"""The minutes page (nothing saved by a GET, attendance by hand, sections added on the day)
and the agenda and minutes on paper: PDF and print pages, linked where the secretary looks."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AgendaAttachment,
    AgendaItem,
    AgendaStatus,
    MeetingStatus,
    Minutes,
    utcnow,
)
from app.services import meetings
from app.services import minutes as minutes_service

BASE = "/forum/samarbejdsforum/meetings"


@pytest.fixture
def browser(auth, secretary):
    """Return the logged-in client."""
    assert auth.login().status_code == 302
    return auth.client


@pytest.fixture
def send(browser, auth):
    """Return a function posting a form with a valid CSRF token."""

    def post(url, data=None):
        return browser.post(url, data={"csrf_token": auth.csrf_token("/"), **(data or {})})

    return post


@pytest.fixture
def held(forum, make_person, make_seat, make_meeting):
    """Return a meeting never invited through the app, begun three hours ago, with no place
    and two items (one with a file)."""
    make_seat("Nabo 1", member=make_person("Søren Ærø"), alternate=make_person("Åse Øst"))
    meeting = make_meeting(utcnow() + timedelta(days=2))
    submitter = make_person("Bjørn Løkke", organisation="Beboerforeningen")
    first = AgendaItem(forum=forum, meeting=meeting, title="Gårdmiljø og tryghed",
                       body="Naboerne ønsker bedre belysning.", submitter=submitter,
                       status=AgendaStatus.approved, position=1)
    first.attachments.append(AgendaAttachment(filename="Kort over gården – 2027.pdf",
                                              content_type="application/pdf", size=2048,
                                              data=b"%PDF-1.4"))
    second = AgendaItem(forum=forum, meeting=meeting, title="Åbningstider i væresteder",
                        submitter_name="Kirsten Ø.", status=AgendaStatus.approved, position=2)
    db.session.add_all([first, second])
    meeting.start_dt = utcnow() - timedelta(hours=3)
    meeting.end_dt = utcnow() - timedelta(hours=1)
    db.session.commit()
    return meeting


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_opening_the_minutes_saves_nothing(app, browser, held):
    html = browser.get(f"{BASE}/{held.id}/minutes/").get_data(as_text=True)
    assert "Meddelelser" in html and "1. Gårdmiljø og tryghed" in html and "Eventuelt" in html
    assert "ikke gemt endnu" in html and "Søren Ærø" in html
    # The preview scrolls: it must be reachable by keyboard, and named.
    assert re.search(r'<pre class="preview" tabindex="0" role="region" aria-label="[^"]+"', html)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Minutes.id))) == 0
    assert held.status is MeetingStatus.planned


def test_attendance_by_hand_for_a_meeting_never_invited(app, browser, send, held):
    page = browser.get(f"{BASE}/{held.id}/minutes/").get_data(as_text=True)
    soren = re.search(r'value="(\d+)" id="present-\d+"', page).group(1)
    response = send(f"{BASE}/{held.id}/minutes/", {"present": [soren], "section-2": "Enige.",
                                                   "attendance_note": "Desuden: Kim, TMF"})
    assert response.status_code == 302
    db.session.expire_all()
    minutes = minutes_service.find(held)
    assert minutes.attendance.splitlines() == ["Nabo 1: Søren Ærø deltog", "Desuden: Kim, TMF"]
    assert minutes.sections[1].body == "Enige." and held.status is MeetingStatus.held
    response = send(f"{BASE}/{held.id}/minutes/", {"refresh": "1"})
    assert response.headers["Location"].endswith("#attendance-h")
    html = browser.get(f"{BASE}/{held.id}/minutes/").get_data(as_text=True)
    assert "Fremmødet er opdateret." in html and "Søren Ærø deltog ikke" in html


def test_an_item_taken_up_on_the_day(app, browser, send, held):
    send(f"{BASE}/{held.id}/minutes/sections", {"heading": "Julefrokost på Halmtorvet"})
    html = browser.get(f"{BASE}/{held.id}/minutes/").get_data(as_text=True)
    assert "3. Julefrokost på Halmtorvet" in html and "Punktet »Julefrokost" in html
    section = minutes_service.find(held).sections[3]
    send(f"{BASE}/{held.id}/minutes/sections/{section.id}/remove")
    db.session.expire_all()
    assert "Julefrokost på Halmtorvet" not in [s.heading for s in
                                               minutes_service.find(held).sections]


def test_no_empty_separators_without_a_place(app, browser, send, held):
    send(f"{BASE}/{held.id}/minutes/approve")
    for path in (f"{BASE}/{held.id}/minutes/", f"/forum/samarbejdsforum/archive/{held.id}/"):
        html = browser.get(path).get_data(as_text=True)
        head = re.search(r'<p class="meeting-head">(.*?)</p>', html, re.S).group(1)
        assert not re.search(r"·\s*·", head) and not re.search(r"·\s*$", head.strip()), head
    preview = browser.get(f"{BASE}/{held.id}/minutes/").get_data(as_text=True)
    assert "Sted:" not in preview


def test_the_agenda_as_pdf(app, browser, held):
    meeting_page = browser.get(f"{BASE}/{held.id}/").get_data(as_text=True)
    assert f'href="{BASE}/{held.id}/agenda.pdf"' in meeting_page
    archive = browser.get(f"/forum/samarbejdsforum/archive/{held.id}/").get_data(as_text=True)
    assert f'href="{BASE}/{held.id}/agenda.pdf"' in archive
    response = browser.get(f"{BASE}/{held.id}/agenda.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    day = meetings.local_day(held.forum, held.start_dt).isoformat()
    assert response.headers["Content-Disposition"] == f"inline; filename=dagsorden-{day}.pdf"
    text = _text(response.data)
    assert "Samarbejdsforum".upper() in text.upper() and "Dagsorden" in text
    assert text.index("1. Gårdmiljø og tryghed") < text.index("2. Åbningstider i væresteder")
    assert "Indsendt af Bjørn Løkke (Beboerforeningen)" in text
    assert "Indsendt af Kirsten Ø." in text
    assert "Bilag" in text and "Kort over gården – 2027.pdf (2,0 kB)" in text
    assert "Tid" in text and "kl." in text and "Sted" not in text  # no place: no line
    assert all(letter in text for letter in "æøåØÅ")  # the Danish letters, as letters


def test_the_minutes_as_pdf_and_to_print(app, browser, send, held):
    page = browser.get(f"{BASE}/{held.id}/minutes/").get_data(as_text=True)
    assert f'href="{BASE}/{held.id}/minutes.pdf"' in page
    soren = re.search(r'value="(\d+)" id="present-\d+"', page).group(1)
    send(f"{BASE}/{held.id}/minutes/", {"present": [soren], "section-2": "Lamperne skiftes.",
                                        "section-4": "Intet."})
    text = _text(browser.get(f"{BASE}/{held.id}/minutes.pdf").data)
    assert "Referat" in text and "Udkast".upper() in text.upper()
    assert "Fremmøde" in text and "Nabo 1: Søren Ærø deltog" in text
    assert "1. Gårdmiljø og tryghed" in text and "Lamperne skiftes." in text
    assert "Eventuelt" in text and "Meddelelser" not in text  # empty free section left out
    send(f"{BASE}/{held.id}/minutes/approve")
    text = _text(browser.get(f"{BASE}/{held.id}/minutes.pdf").data)
    assert "Udkast".upper() not in text.upper() and "Godkendt" in text
    printed = browser.get(f"{BASE}/{held.id}/minutes/print").get_data(as_text=True)
    assert "@page" in printed and "Lamperne skiftes." in printed
    assert "Gårdmiljø" in browser.get(f"{BASE}/{held.id}/agenda/print").get_data(as_text=True)


def test_no_minutes_before_the_meeting(app, browser, make_meeting):
    coming = make_meeting(utcnow() + timedelta(days=5))
    db.session.commit()
    assert browser.get(f"{BASE}/{coming.id}/minutes.pdf").status_code == 404
    assert browser.get(f"{BASE}/{coming.id}/minutes/").status_code == 302
    assert browser.get(f"{BASE}/{coming.id}/agenda.pdf").status_code == 200
