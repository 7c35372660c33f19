"""Nothing a mail carries can run in the secretary's browser; the answer link is safe."""

import re
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.tokens import make_token
from app.models import AgendaItem, Invitation, InvitationStatus, Meeting, utcnow
from app.services import inbound, invitations

BASE = "/forum/vesterbro"
PAYLOADS = ['<script>alert("x")</script>', '<img src=x onerror="alert(1)">',
            '<a href="javascript:alert(1)">klik</a>', '<svg onload=alert(1)>']


def _hostile_mail(forum, payload):
    msg = EmailMessage()
    msg["From"] = f'"{payload}" <angriber@evil.test>'
    msg["To"] = forum.agenda_address
    msg["Subject"] = f"Emne {payload}"
    msg.set_content(f"Tekst {payload}")
    msg.add_alternative(f"<html><body><p>Hej</p>{payload}<p onclick='x()'>tekst</p>"
                        f"<style>body{{display:none}}</style></body></html>", subtype="html")
    msg.add_attachment(b"data", maintype="application", subtype="octet-stream",
                       filename=f"{payload}.pdf")
    return bytes(msg)


class _Live(HTMLParser):
    """Collect what a browser would run: handlers, active elements, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        """Note anything active in TAG."""
        attrs = dict(attrs)
        if tag in ("svg", "style", "iframe", "object", "embed") or (
                tag == "script" and attrs.get("src") != "/static/progress.js"):
            self.found.append(tag)
        self.found += [f"{tag}[{name}]" for name in attrs if name.startswith("on")]
        self.found += [f"{tag}[{name}=javascript]" for name, value in attrs.items()
                       if name in ("href", "src", "action")
                       and (value or "").strip().lower().startswith("javascript:")]


def _assert_inert(html):
    """Fail when the page holds a live tag that could run: escaped text is fine."""
    parser = _Live()
    parser.feed(html)
    assert parser.found == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_mail_payloads_never_execute_on_any_page(logged_in, demo_forum, payload):
    message, _ = inbound.receive(_hostile_mail(demo_forum, payload))
    inbound.process(message)
    db.session.commit()
    item = db.session.scalars(select(AgendaItem)).one()
    pages = [f"{BASE}/agenda/", f"{BASE}/mail/", f"{BASE}/mail/{message.id}",
             f"{BASE}/mail/{message.id}?raw=1", f"{BASE}/agenda/{item.id}/edit", f"{BASE}/"]
    for page in pages:
        response = logged_in.get(page)
        assert response.status_code == 200, page
        _assert_inert(response.get_data(as_text=True))


def test_attachments_download_and_never_render(logged_in, demo_forum):
    message, _ = inbound.receive(_hostile_mail(demo_forum, PAYLOADS[0]))
    inbound.process(message)
    db.session.commit()
    item = db.session.scalars(select(AgendaItem)).one()
    file = item.attachments[0]
    response = logged_in.get(f"{BASE}/agenda/{item.id}/files/{file.id}")
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def invitation(demo_forum):
    meeting = db.session.scalars(select(Meeting).where(Meeting.start_dt >= utcnow())
                                 .order_by(Meeting.start_dt)).first()
    invitations.invite(meeting)
    db.session.commit()
    return db.session.scalars(select(Invitation).order_by(Invitation.id)).first()


def test_answer_link_get_changes_nothing(client, invitation):
    response = client.get(f"/r/{invitation.reply_token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kommer" in html and "Kommer ikke" in html and "Måske" in html
    db.session.expire_all()
    assert invitation.status is InvitationStatus.pending


def test_answer_link_post_records_the_answer(client, invitation):
    html = client.get(f"/r/{invitation.reply_token}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(f"/r/{invitation.reply_token}",
                           data={"csrf_token": token, "answer": "declined"})
    assert response.status_code == 200
    assert "Tak, dit svar er noteret" in response.get_data(as_text=True)
    db.session.expire_all()
    assert invitation.status is InvitationStatus.declined
    assert invitation.answered_via.value == "link"


def test_answer_link_post_without_csrf_is_refused(client, invitation):
    response = client.post(f"/r/{invitation.reply_token}", data={"answer": "accepted"})
    assert response.status_code in (200, 400)
    db.session.expire_all()
    assert invitation.status is InvitationStatus.pending


def test_a_forged_or_altered_token_is_not_found(client, invitation):
    forged = make_token(invitation.id, b"not-the-secret")
    assert client.get(f"/r/{forged}").status_code == 404
    altered = invitation.reply_token[:-1] + ("a" if invitation.reply_token[-1] != "a" else "b")
    assert client.get(f"/r/{altered}").status_code == 404
    assert client.get("/r/nonsense").status_code == 404
