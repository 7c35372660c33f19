"""Keyboard use, labelled form controls and phone width, in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import demo
from app.extensions import db
from app.models import AgendaItem, AgendaStatus, Meeting, MeetingStatus, utcnow
from app.services import inbound, invitations
from tests.browser.axe import axe_violations
from tests.browser.conftest import PHONE, login, unlabelled_controls

BASE = "/forum/vesterbro"


@pytest.fixture
def busy_forum(demo_forum):
    """Return the demo forum with something on every page: an item waiting, a meeting with
    invitations, a meeting held (minutes page), and a mail waiting for review."""
    coming, held = db.session.scalars(select(Meeting).order_by(Meeting.start_dt)).all()[:2]
    item = AgendaItem(forum=demo_forum, title="Belysning i Skelbækgade", body="Lamper slukket",
                      submitter_address="beboer@example.dk", status=AgendaStatus.pending)
    db.session.add(item)
    invitations.invite(coming)
    invitations.invite(held)
    held.start_dt, held.end_dt = utcnow() - timedelta(days=2, hours=2), utcnow() - timedelta(days=2)
    db.session.flush()
    invitation = coming.invitations[0]
    raw = (f"From: {invitation.person.email}\r\nTo: {demo_forum.sender_address}\r\n"
           "Subject: Mødet\r\nMessage-ID: <spm-1@x.test>\r\n\r\nHvor ligger lokalet?\r\n").encode()
    message, _ = inbound.receive(raw)
    inbound.process(message)
    db.session.commit()
    return {"coming": coming, "held": held, "item": item, "message": message,
            "token": invitation.reply_token}


def test_logging_in_with_the_keyboard_only(page, demo_forum):
    page.goto("/login")
    focused = None
    for _ in range(10):  # past the brand and language links
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.name")
        if focused == "email":
            break
    assert focused == "email", "Tab never reached the e-mail field"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused field shows no focus ring"
    page.keyboard.type(demo.SECRETARY_EMAIL)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(demo.SECRETARY_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{BASE}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(demo_forum.name)


def test_a_wrong_password_is_said_in_danish_and_the_form_stays_usable(page, demo_forum):
    page.goto("/login")
    page.get_by_label("E-mailadresse").fill(demo.SECRETARY_EMAIL)
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_label("Adgangskode").press("Enter")
    expect(page.get_by_role("status")).to_have_text("Forkert e-mailadresse eller adgangskode.")
    expect(page.get_by_label("E-mailadresse")).to_have_value(demo.SECRETARY_EMAIL)


def test_every_form_control_has_a_label(page, busy_forum):
    coming, held = busy_forum["coming"], busy_forum["held"]
    page.goto("/login")
    found = {"/login": unlabelled_controls(page)}
    login(page)
    pages = [
        f"{BASE}/", f"{BASE}/agenda/", f"{BASE}/agenda/{busy_forum['item'].id}/edit",
        f"{BASE}/meetings/", f"{BASE}/meetings/{coming.id}/",
        f"{BASE}/meetings/{held.id}/minutes/", f"{BASE}/roster/", f"{BASE}/mail/",
        f"{BASE}/mail/?show=review", f"{BASE}/mail/{busy_forum['message'].id}",
        f"/r/{busy_forum['token']}",
    ]
    counted = 0
    for path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        counted += page.locator(
            "input:not([type=hidden]), select, textarea").count()
        found[path] = unlabelled_controls(page)
    assert counted > 60  # the answers table alone has a select per invitation
    assert {path: bad for path, bad in found.items() if bad} == {}


def test_the_overview_meeting_and_administration_pages_fit_a_phone(page, busy_forum):
    login(page)
    page.set_viewport_size(PHONE)
    widths = {}
    for path in (f"{BASE}/", f"{BASE}/meetings/{busy_forum['coming'].id}/",
                 f"{BASE}/settings/", f"{BASE}/people/", f"{BASE}/structure/",
                 f"{BASE}/secretaries/", "/account/password"):
        page.goto(path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    assert widths == dict.fromkeys(widths, PHONE["width"])


def _every_page(busy: dict) -> list[str]:
    """Return a path of every HTML page a secretary or a member can open."""
    coming, held, item = busy["coming"], busy["held"], busy["item"]
    return [
        f"{BASE}/", f"{BASE}/agenda/", f"{BASE}/agenda/{item.id}/edit",
        f"{BASE}/meetings/", f"{BASE}/meetings/{coming.id}/",
        f"{BASE}/meetings/{coming.id}/agenda/print",
        f"{BASE}/meetings/{held.id}/minutes/", f"{BASE}/meetings/{held.id}/minutes/print",
        f"{BASE}/roster/", f"{BASE}/mail/", f"{BASE}/mail/?show=review",
        f"{BASE}/mail/{busy['message'].id}", f"{BASE}/archive/", f"{BASE}/archive/?q=budget",
        f"{BASE}/archive/{held.id}/", f"{BASE}/plan/", f"{BASE}/plan/seat-requests",
        f"{BASE}/settings/mail", f"{BASE}/settings/", f"{BASE}/people/",
        f"{BASE}/people/{coming.invitations[0].person_id}", f"/r/{busy['token']}",
        f"{BASE}/structure/", f"{BASE}/secretaries/", "/account/password", "/account/forgot",
    ]


def test_every_page_has_no_axe_violations(page, busy_forum):
    page.goto("/login")
    found = {"/login": axe_violations(page)}
    login(page)
    for path in _every_page(busy_forum):
        response = page.goto(path)
        assert response.status == 200, path
        found[path] = axe_violations(page)
    # The same pages on a phone: the stacked tables and lists must hold up too.
    page.set_viewport_size(PHONE)
    for path in (f"{BASE}/", f"{BASE}/roster/", f"{BASE}/meetings/{busy_forum['coming'].id}/"):
        page.goto(path)
        found[f"{path} (phone)"] = axe_violations(page)
    assert len(found) == 30
    assert {path: bad for path, bad in found.items() if bad} == {}


def test_axe_finds_what_it_is_asked_to(page, demo_forum):
    # The check itself works: a page with a known fault shows it.
    page.goto("/login")
    page.evaluate("document.querySelector('label').remove()")
    assert "label" in {v["rule"] for v in axe_violations(page)}


OFF_SCREEN_JS = """
() => Array.from(document.querySelectorAll('main *'))
  .filter(el => el.getClientRects().length && el.getBoundingClientRect().right > innerWidth + 1)
  .map(el => el.outerHTML.slice(0, 100))
"""


def test_the_roster_fits_a_phone(page, busy_forum):
    busy_forum["held"].status = MeetingStatus.held  # the attendance chart is drawn too
    db.session.commit()
    login(page)
    page.set_viewport_size(PHONE)
    page.goto(f"{BASE}/roster/")
    page.locator("table.seats summary").first.click()  # an open form must fit too
    sizes = page.evaluate("[document.documentElement.scrollWidth, "
                          "document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1] == PHONE["width"]
    assert page.evaluate(OFF_SCREEN_JS) == []
    chart = page.locator("#attendance svg").bounding_box()
    assert 0 < chart["width"] <= PHONE["width"]
    # Each seat is a block of its own, its values named as the desktop's columns are.
    first = page.locator("table.seats tbody tr").first
    expect(first.locator("td").first).to_have_attribute("data-label", "Medlem")
    assert first.bounding_box()["width"] <= PHONE["width"]


def test_the_favicon(page, demo_forum):
    response = page.goto("/favicon.ico")
    assert response.status == 200
    assert response.headers["content-type"] == "image/vnd.microsoft.icon"
    assert response.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page.goto("/login")
    href = page.locator("link[rel=icon][type='image/svg+xml']").get_attribute("href")
    assert page.request.get(href).headers["content-type"].startswith("image/svg+xml")
