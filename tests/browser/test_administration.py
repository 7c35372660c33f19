"""The secretary runs the forum alone in the browser: settings, a person, a new secretary who
sets her password from the mailed link, her own password; the administrator's new forum."""

from __future__ import annotations

import email
import re
import zipfile
from email import policy

import sqlalchemy as sa

from app import demo
from app.extensions import db
from app.models import Forum, Person, User
from tests.browser.conftest import login

BASE = "/forum/vesterbro"
STRONG = "lygte-hav-bro-17"


def _flash(page) -> str:
    """Return the flashed messages of the page the last action led to."""
    messages = page.locator("p.flash[role=status]")
    messages.first.wait_for()
    return " ".join(messages.all_inner_texts())


def _link_in_mail(smtp, to: str) -> str:
    """Return the one-time link in the last mail the SMTP server received for TO."""
    for received in reversed(smtp.messages):
        if to in received.rcpt_tos:
            msg = email.message_from_bytes(received.data, policy=policy.default)
            text = msg.get_body(("plain",)).get_content()
            return re.search(r"https?://\S+/account/set-password/\S+", text).group(0)
    raise AssertionError(f"no mail to {to}")


def test_settings_and_a_persons_page(page, demo_forum):
    login(page)
    page.get_by_role("link", name="Indstillinger").click()
    page.get_by_label("Modtaget mail gemmes (dage)").fill("30")
    page.get_by_label("Fast mødested").fill("Mændenes Hjem, Istedgade 100")
    page.get_by_role("button", name="Gem").click()
    assert "Gemt." in _flash(page)
    db.session.expire_all()
    assert db.session.get(Forum, demo_forum.id).inbound_retention_days == 30

    person = next(p for p in demo_forum.people if p.mandates)
    page.get_by_role("link", name="Personer").click()
    page.get_by_role("link", name=person.name, exact=True).click()
    page.get_by_label("Telefon").fill("33 66 33 66")
    page.get_by_role("button", name="Gem", exact=True).click()
    assert "Gemt." in _flash(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Udlevér data").click()
    archive = zipfile.ZipFile(download.value.path())
    assert "person.json" in archive.namelist()
    db.session.expire_all()
    assert db.session.get(Person, person.id).phone == "33 66 33 66"


def test_a_new_secretary_chooses_her_password_from_the_mail(page, demo_forum, smtp, work,
                                                            browser, live_server):
    login(page)
    page.get_by_role("link", name="Sekretærer").click()
    page.get_by_label("E-mailadresse").fill("nanna@kk.dk")
    page.get_by_label("Navn").fill("Nanna Ny")
    page.get_by_role("button", name="Invitér").click()
    assert "nanna@kk.dk kan nu logge ind" in _flash(page)
    work()
    link = _link_in_mail(smtp, "nanna@kk.dk")

    context = browser.new_context(base_url=live_server, locale="da-DK")
    try:
        nanna = context.new_page()
        nanna.goto(link)
        nanna.get_by_label("Ny adgangskode", exact=True).fill(STRONG)
        nanna.get_by_label("Den nye adgangskode igen").fill(STRONG)
        nanna.get_by_role("button", name="Gem adgangskoden").click()
        assert "Din adgangskode er sat" in _flash(nanna)
        login(nanna, "nanna@kk.dk", STRONG)
        nanna.goto(link)
        assert "Linket virker ikke" in nanna.content()
    finally:
        context.close()


def test_she_changes_her_own_password(page, demo_forum):
    login(page)
    page.get_by_title("Skift adgangskode").click()
    page.get_by_label("Nuværende adgangskode").fill(demo.SECRETARY_PASSWORD)
    page.get_by_label("Ny adgangskode", exact=True).fill(STRONG)
    page.get_by_label("Den nye adgangskode igen").fill(STRONG)
    page.get_by_role("button", name="Skift adgangskode").click()
    assert "Din adgangskode er skiftet" in _flash(page)
    page.get_by_role("button", name="Log ud").click()
    login(page, demo.SECRETARY_EMAIL, STRONG)


def test_the_administrator_creates_a_forum(page, demo_forum):
    user = db.session.scalar(sa.select(User).filter_by(email=demo.SECRETARY_EMAIL))
    user.is_admin = True
    db.session.commit()
    login(page)
    page.get_by_role("link", name="Administration").click()
    page.get_by_label("Navn", exact=True).last.fill("Samarbejdsforum Nørrebro")
    page.get_by_label("Kort navn (i sidens adresse)").fill("norrebro")
    page.get_by_label("Indkaldelser sendes fra, og svar kommer tilbage til").fill(
        "norrebro@kk.dk")
    page.get_by_label("Dagsordenspunkter sendes til").fill("norrebro-dagsorden@kk.dk")
    page.get_by_role("button", name="Opret forummet").click()
    assert "Forummet Samarbejdsforum Nørrebro er oprettet" in _flash(page)
    db.session.expire_all()
    assert db.session.scalar(sa.select(Forum).filter_by(slug="norrebro")) is not None


def test_seats_bodies_and_guests(page, demo_forum):
    login(page)
    page.get_by_role("link", name="Pladser og gæster").click()
    page.get_by_text("Tilføj en plads", exact=True).click()
    page.get_by_label("Navn", exact=True).and_(page.locator("#new-label")).fill("Nabo 11")
    page.locator("#new-kind").select_option("neighbour")
    page.get_by_role("button", name="Tilføj pladsen").click()
    assert "Pladsen er tilføjet" in _flash(page)
    body = page.locator("form.row").first
    body.get_by_label("Adresse til besked").fill("lu@vesterbro.kk.dk")
    body.get_by_role("button", name="Gem").click()
    assert "Gemt." in _flash(page)
    guests = page.locator(".guest-list").first
    guests.get_by_text("Tilføj en gæst til").click()
    guests.get_by_label("…eller en ny person: navn").fill("Bo Rådgiver")
    guests.get_by_label("E-mailadresse").fill("bo@kk.dk")
    guests.get_by_role("button", name="Tilføj", exact=True).click()
    assert "Gæsten er tilføjet" in _flash(page)
    assert "Bo Rådgiver" in page.locator(".guest-list").first.inner_text()


def test_a_former_member_is_anonymised(page, demo_forum):
    from datetime import date, timedelta

    from app.services import roster

    person = next(p for p in demo_forum.people
                  if p.mandates and all(m.ended_on is None for m in p.mandates))
    for mandate in person.mandates:
        roster.end_mandate(mandate, date.today() - timedelta(days=1), "Fraflyttet")
    db.session.commit()
    login(page)
    page.goto(f"{BASE}/people/{person.id}")
    box = page.get_by_label("Jeg forstår, at det ikke kan fortrydes.")
    assert box.get_attribute("required") is not None  # the browser asks for the tick first
    page.get_by_label("Jeg forstår, at det ikke kan fortrydes.").check()
    page.get_by_role("button", name="Anonymisér").click()
    assert f"Tidligere medlem nr. {person.id}" in _flash(page)


def test_a_forgotten_password_is_chosen_again_from_the_mail(page, demo_forum, smtp, work):
    page.goto("/login")
    page.get_by_role("link", name="Glemt adgangskode?").click()
    page.get_by_label("E-mailadresse").fill(demo.SECRETARY_EMAIL)
    page.get_by_role("button", name="Send linket").click()
    assert "er et link til at vælge en ny adgangskode på vej" in _flash(page)
    work()
    page.goto(_link_in_mail(smtp, demo.SECRETARY_EMAIL))
    page.get_by_label("Ny adgangskode", exact=True).fill(STRONG)
    page.get_by_label("Den nye adgangskode igen").fill(STRONG)
    page.get_by_role("button", name="Gem adgangskoden").click()
    login(page, demo.SECRETARY_EMAIL, STRONG)
