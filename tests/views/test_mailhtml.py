"""The Post page shows the HTML sanitised at intake, fast, and never sanitises again."""

import time
from email.message import EmailMessage

from app.extensions import db
from app.models import InboundMessage
from app.services import htmlbody, inbound

BASE = "/forum/vesterbro"


def _mail(forum, html: str, text: str | None = "Hej Birthe") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = "Ukendt <ukendt@x.test>", forum.sender_address
    msg["Subject"], msg["Message-ID"] = "Dybt", "<dyb@x.test>"
    if text is not None:
        msg.set_content(text)
        msg.add_alternative(html, subtype="html")
    else:
        msg.set_content(html, subtype="html")
    return bytes(msg)


def _take(raw: bytes) -> tuple[InboundMessage, float]:
    started = time.perf_counter()
    message, _ = inbound.receive(raw, mailbox="INBOX")
    inbound.process(message)
    db.session.commit()
    return message, time.perf_counter() - started


def test_200000_nested_divs_are_taken_in_at_once_and_shown_fast(logged_in, demo_forum,
                                                                 monkeypatch):
    html = "<p>Hej Birthe, se nedenfor.</p>" + "<div>" * 200_000 + "x" + "</div>" * 200_000
    raw = _mail(demo_forum, html)
    assert len(raw) > 2_200_000
    message, took = _take(raw)
    assert took < 1.0, f"intake took {took:.2f} s"
    assert message.html_note == htmlbody.TOO_DEEP
    assert message.html == "<p>Hej Birthe, se nedenfor.</p>"

    def never(*args):
        raise AssertionError("sanitised on view")

    monkeypatch.setattr(htmlbody, "clean", never)  # the page shows what intake stored
    started = time.perf_counter()
    response = logged_in.get(f"{BASE}/mail/{message.id}")
    took = time.perf_counter() - started
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and took < 0.5, f"the page took {took:.2f} s"
    assert "Hej Birthe, se nedenfor." in page and "<div><div>" not in page
    assert "indlejret for dybt" in page  # says why only the text is shown


def test_the_page_shows_the_stored_html_without_active_content(logged_in, demo_forum):
    message, _ = _take(_mail(demo_forum, '<p onclick="x()">Hilsen</p><script>alert(1)</script>'))
    assert message.html.strip() == "<p>Hilsen</p>" and message.html_note is None
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    assert '<div class="mailhtml"><p>Hilsen</p>' in page and "alert(1)" not in page


def test_a_message_stored_before_intake_sanitised_is_cleaned_on_view(logged_in, demo_forum):
    message, _ = _take(_mail(demo_forum, "<p>Før<script>alert(1)</script></p>", text=None))
    message.html, message.html_note = None, None  # as the rows from before the migration
    db.session.commit()
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    assert "<p>Før</p>" in page and "alert(1)" not in page
    db.session.expire_all()
    assert db.session.get(InboundMessage, message.id).html is None  # a GET writes nothing


def test_a_mail_without_html_stores_none_and_shows_none(logged_in, demo_forum):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@x.test", demo_forum.sender_address, "Tekst"
    msg.set_content("Kun tekst")
    message, _ = _take(bytes(msg))
    assert message.html == "" and message.html_note is None
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    assert 'class="mailhtml"' not in page
