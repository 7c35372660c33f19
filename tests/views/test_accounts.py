"""Secretaries' accounts on the page: invited by mail, passwords by one-time links, access
removed; an administrator's forums."""

from __future__ import annotations

import email
import re
from email import policy

import pytest
import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import undefer

from app import demo
from app.extensions import db
from app.models import AuditEvent, Forum, MailAccount, OutboundMessage, User
from tests.conftest import Auth

STRONG = "lygte-hav-bro-17"


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """Each request with its own `g`, as in production (see tests/security/conftest.py)."""

    @app.before_request
    def forget():
        g.pop("_login_user", None)
        g.pop("csrf_token", None)


def _link(kind: str, to: str) -> str:
    """Return the one-time link in the last mail of KIND queued to TO."""
    row = db.session.scalars(sa.select(OutboundMessage).options(undefer(OutboundMessage.raw))
                             .filter_by(kind=kind, recipient=to)
                             .order_by(OutboundMessage.id.desc())).first()
    assert row is not None, f"no {kind} mail to {to}"
    message = email.message_from_bytes(row.raw, policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+/account/set-password/\S+", text).group(0)


def _path(link: str) -> str:
    return link.split("forumpost.test", 1)[1]


def _form_post(client, path: str, data: dict, page: str | None = None):
    """Post DATA to PATH with the CSRF token of the form on PAGE (default: PATH itself)."""
    html = client.get(page or path).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    return client.post(path, data={"csrf_token": token, **data})


def test_an_invited_secretary_chooses_a_password_once_and_logs_in(demo_forum, post, app):
    response = post("/forum/vesterbro/secretaries/",
                    {"email": "Ny.Sekretaer@KK.dk", "name": "Nanna Ny"}, follow_redirects=True)
    assert "ny.sekretaer@kk.dk kan nu logge ind i" in response.get_data(as_text=True)
    link = _link("account_invite", "ny.sekretaer@kk.dk")
    stranger = app.test_client()
    weak = _form_post(stranger, _path(link), {"password": "vesterbro", "repeat": "vesterbro"})
    assert "mindst 10 tegn" in weak.get_data(as_text=True)
    done = _form_post(stranger, _path(link), {"password": STRONG, "repeat": STRONG})
    assert done.status_code == 302
    assert stranger.get(_path(link)).status_code == 410  # used: dead
    assert Auth(stranger).login("ny.sekretaer@kk.dk", STRONG).status_code == 302


def test_an_existing_login_gets_access_without_a_mail(demo_forum, post, make_forum):
    other = make_forum(name="Andet forum")
    user = User(email="kollega@kk.dk", name="Kollega")
    user.set_password(STRONG)
    user.forums.append(other)
    db.session.add(user)
    db.session.commit()
    post("/forum/vesterbro/secretaries/", {"email": "kollega@kk.dk"})
    db.session.expire_all()
    assert {f.slug for f in db.session.get(User, user.id).forums} == {other.slug, "vesterbro"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMessage)
                             .filter_by(kind="account_invite")) == 0


def test_the_last_secretary_keeps_access_and_another_can_be_removed(demo_forum, post):
    me = db.session.scalar(sa.select(User).filter_by(email=demo.SECRETARY_EMAIL))
    response = post(f"/forum/vesterbro/secretaries/{me.id}/remove", follow_redirects=True)
    assert "mindst én sekretær" in response.get_data(as_text=True)
    post("/forum/vesterbro/secretaries/", {"email": "vikar@kk.dk"})
    vikar = db.session.scalar(sa.select(User).filter_by(email="vikar@kk.dk"))
    response = post(f"/forum/vesterbro/secretaries/{vikar.id}/remove", follow_redirects=True)
    assert "vikar@kk.dk kan ikke længere logge ind" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .filter_by(action="secretary.removed")) == 1


def test_a_forgotten_password_answers_alike_for_any_address(demo_forum, client):
    for address in ("ukendt@kk.dk", demo.SECRETARY_EMAIL):
        response = _form_post(client, "/account/forgot", {"email": address})
        assert response.status_code == 302
    kinds = db.session.scalars(sa.select(OutboundMessage.recipient)
                               .filter_by(kind="password_reset")).all()
    assert kinds == [demo.SECRETARY_EMAIL]
    link = _link("password_reset", demo.SECRETARY_EMAIL)
    assert _form_post(client, _path(link), {"password": STRONG, "repeat": STRONG}
                      ).status_code == 302
    assert Auth(client).login(demo.SECRETARY_EMAIL, STRONG).status_code == 302


def test_password_links_are_throttled_per_account(demo_forum, client):
    for _ in range(3):
        assert _form_post(client, "/account/forgot",
                          {"email": demo.SECRETARY_EMAIL}).status_code == 302
    response = _form_post(client, "/account/forgot", {"email": demo.SECRETARY_EMAIL})
    assert response.status_code == 429
    assert "For mange" in response.get_data(as_text=True)


def test_a_tampered_link_does_not_work(demo_forum, client):
    _form_post(client, "/account/forgot", {"email": demo.SECRETARY_EMAIL})
    link = _link("password_reset", demo.SECRETARY_EMAIL)
    assert client.get(_path(link)[:-3] + "abc").status_code == 410
    assert client.get(_path(link).replace("/reset/", "/invite/")).status_code == 410


def test_changing_the_password_keeps_this_session_and_ends_the_others(demo_forum, logged_in,
                                                                      app):
    other = app.test_client()
    Auth(other).login(demo.SECRETARY_EMAIL, demo.SECRETARY_PASSWORD)
    wrong = _form_post(logged_in, "/account/password",
                       {"current": "forkert", "password": STRONG, "repeat": STRONG})
    assert "nuværende adgangskode er forkert" in wrong.get_data(as_text=True)
    done = _form_post(logged_in, "/account/password", {
        "current": demo.SECRETARY_PASSWORD, "password": STRONG, "repeat": STRONG})
    assert done.status_code == 302
    assert logged_in.get("/").headers["Location"].startswith("/forum/")
    assert other.get("/").headers["Location"].startswith("/login")


def test_only_an_administrator_sees_the_administration(demo_forum, logged_in):
    assert logged_in.get("/admin/forums").status_code == 403


@pytest.fixture
def admin(demo_forum, logged_in):
    user = db.session.scalar(sa.select(User).filter_by(email=demo.SECRETARY_EMAIL))
    user.is_admin = True
    db.session.commit()
    return logged_in


def test_an_administrator_creates_a_forum_and_gives_it_a_secretary(admin):
    bad = _form_post(admin, "/admin/forums", {"name": "Nyt", "slug": "Nyt Forum!",
                                              "sender_address": "a@kk.dk",
                                              "agenda_address": "b@kk.dk"})
    assert "må kun have a–z" in bad.get_data(as_text=True)
    done = _form_post(admin, "/admin/forums", {
        "name": "Samarbejdsforum Nørrebro", "slug": "norrebro",
        "sender_address": "norrebro@kk.dk", "agenda_address": "norrebro-dagsorden@kk.dk"})
    assert done.status_code == 302
    forum = db.session.scalar(sa.select(Forum).filter_by(slug="norrebro"))
    response = _form_post(admin, f"/admin/forums/{forum.id}/secretaries",
                          {"email": "norrebro-sek@kk.dk"}, page="/admin/forums")
    assert response.status_code == 302
    assert _link("account_invite", "norrebro-sek@kk.dk")


def test_archiving_a_forum_turns_its_mailbox_off(admin, demo_forum):
    db.session.add(MailAccount(forum=demo_forum, address="vesterbro@kk.dk",
                               imap_host="imap.kk.dk", smtp_host="smtp.kk.dk"))
    db.session.commit()
    response = _form_post(admin, f"/admin/forums/{demo_forum.id}/archive", {},
                          page="/admin/forums")
    assert response.status_code == 302
    db.session.expire_all()
    forum = db.session.get(Forum, demo_forum.id)
    assert forum.archived_dt is not None and forum.mail_account.is_enabled is False
    assert admin.get("/").headers["Location"] == "/admin/forums"


def test_create_admin_from_the_command_line(app, runner):
    result = runner.invoke(args=["users", "create-admin", "it@kk.dk", "--password", STRONG])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User).filter_by(email="it@kk.dk")).is_admin
