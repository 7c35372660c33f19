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
