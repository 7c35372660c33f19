"""The Post page: the message, its files, the matched invitation, a word after each action."""

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from urllib.parse import quote

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.tokens import reply_address
from app.models import InboundMessage, InboundState, Invitation, InvitationStatus, utcnow
from app.services import inbound, invitations, meetings

BASE = "/forum/vesterbro"


def _take(raw: bytes) -> InboundMessage:
    """Store and decide RAW as intake does; return its row, committed."""
    message, _ = inbound.receive(raw, mailbox="INBOX")
    inbound.process(message)
    db.session.commit()
    return message


def _flashes(page: str) -> list[str]:
    """Return the texts of the flash messages on PAGE."""
    return [re.sub(r"\s+", " ", m).strip()
            for m in re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page, re.S)]


@pytest.fixture
def december_and_february(demo_forum):
    """Return (December invitation, February invitation) of one member, both sent."""
    december = meetings.create_meeting(demo_forum, utcnow() + timedelta(days=10))
    february = meetings.create_meeting(demo_forum, datetime(2027, 2, 10, 15, tzinfo=UTC))
    invitations.invite(december)
    invitations.invite(february)
    db.session.commit()
    feb = february.invitations[0]
    dec = next(i for i in december.invitations if i.person_id == feb.person_id)
    return dec, feb


def _reply_to(invitation: Invitation, forum, text: str) -> bytes:
    """Return a reply by the invitee to INVITATION's reply address saying TEXT."""
    msg = EmailMessage()
    msg["From"] = f"{invitation.person.name} <{invitation.person.email}>"
    msg["To"] = reply_address(forum.sender_address, invitation.reply_token)
    msg["Subject"], msg["Message-ID"] = "Sv: Indkaldelse", "<svar-feb@x.test>"
    msg.set_content(text)
    return bytes(msg)


def test_the_matched_invitation_is_preselected_not_another_meeting(
        logged_in, post, demo_forum, december_and_february):
    dec, feb = december_and_february
    message = _take(_reply_to(feb, demo_forum, "Måske. Hvor holder vi mødet i februar?"))
    assert message.state is InboundState.review and message.invitation_id == feb.id
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    select_html = page[page.index('<select name="invitation_id"'):page.index("</select>")]
    options = re.findall(r'<option value="(\d+)"( selected)?', select_html)
    assert options[0] == (str(feb.id), " selected")  # the matched one, first and chosen
    assert [int(v) for v, _ in options] == [feb.id, dec.id]  # then only the person's others
    response = post(f"{BASE}/mail/{message.id}/answer",
                    {"invitation_id": feb.id, "answer": "tentative"}, follow_redirects=True)
    db.session.expire_all()
    assert db.session.get(Invitation, feb.id).status is InvitationStatus.tentative
    assert db.session.get(Invitation, dec.id).status is InvitationStatus.pending
    assert f"Talt som »måske« fra {feb.person.name}" in " ".join(
        _flashes(response.get_data(as_text=True)))


def test_only_open_invitations_are_offered(logged_in, demo_forum, december_and_february):
    dec, feb = december_and_february
    dec.status = InvitationStatus.replaced
    db.session.commit()
    message = _take(_reply_to(feb, demo_forum, "Kommer du også?"))
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    select_html = page[page.index('<select name="invitation_id"'):page.index("</select>")]
    assert re.findall(r'<option value="(\d+)"', select_html) == [str(feb.id)]


def test_every_action_says_what_it_did(logged_in, post, demo_forum):
    raw = (f"From: ukendt@x.test\r\nTo: {demo_forum.sender_address}\r\nSubject: Hej\r\n"
           "Message-ID: <hej@x.test>\r\n\r\nHvad er det her for noget?\r\n").encode()
    message = _take(raw)
    page = post(f"{BASE}/mail/{message.id}/rerun", follow_redirects=True).get_data(as_text=True)
    assert "Vurderet igen: Skal ses igennem." in _flashes(page)
    page = post(f"{BASE}/mail/{message.id}/ignore", follow_redirects=True).get_data(as_text=True)
    assert "Ignoreret." in _flashes(page)
    assert db.session.get(InboundMessage, message.id).state is InboundState.ignored
    assert logged_in.post(f"{BASE}/mail/{message.id}/ignore",
                          data={"csrf_token": "x"}).status_code == 400
    other = _take(raw.replace(b"<hej@x.test>", b"<hej2@x.test>").replace(b"Hej", b"Budget"))
    page = post(f"{BASE}/mail/{other.id}/agenda", follow_redirects=True).get_data(as_text=True)
    assert "»Budget« ligger nu i dagsordenskøen." in _flashes(page)


NAMES = ["Dagsorden – marts.pdf", "Budget 2027 €.xlsx", "会议记录 二〇二七.docx",
         "faktura\u202efdp.exe"]


def _with_files(forum) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = "Anne <anne@x.test>", forum.sender_address
    msg["Subject"], msg["Message-ID"] = "Bilag", "<bilag@x.test>"
    msg.set_content("Hej Birthe\n\nHer er bilagene.\n\nMvh Anne\n\n"
                    "Den 3. dec. 2026 kl. 10.00 skrev Sekretariatet <s@x.test>:\n"
                    "> Send gerne bilagene til mødet.\n")
    msg.add_alternative("<p>Hej Birthe</p><p>Her er <b>bilagene</b>.</p>", subtype="html")
    for n, name in enumerate(NAMES):
        msg.add_attachment(f"indhold {n}".encode(), maintype="application",
                           subtype="octet-stream", filename=name)
    return bytes(msg)


def test_the_page_shows_the_text_the_folded_quote_the_html_and_the_files(logged_in, demo_forum):
    message = _take(_with_files(demo_forum))
    assert [f["filename"] for f in message.attachments][-1] == "fakturafdp.exe"  # no U+202E
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    text = page[page.index('<div class="mailtext">'):page.index("</details>")]
    assert "Her er bilagene." in text and "Mvh Anne" in text
    assert re.search(r"<details class=\"quoted\"><summary>Vis den citerede tekst</summary>"
                     r"<div class=\"mailtext\">Den 3. dec. 2026", page)
    assert '<div class="mailhtml"><p>Hej Birthe</p>' in page
    for n, name in enumerate(NAMES[:3]):
        assert f'/mail/{message.id}/files/{n}" download>{name}</a>' in page


def test_every_file_name_downloads_as_a_file(logged_in, demo_forum):
    message = _take(_with_files(demo_forum))
    for n, name in enumerate([*NAMES[:3], "fakturafdp.exe"]):
        response = logged_in.get(f"{BASE}/mail/{message.id}/files/{n}")
        assert response.status_code == 200, name
        assert response.data == f"indhold {n}".encode()
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert (f"filename*=UTF-8''{quote(name)}" in disposition if not name.isascii()
                else f"filename={name}" in disposition)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.mimetype == "application/octet-stream"
    assert logged_in.get(f"{BASE}/mail/{message.id}/files/9").status_code == 404


def test_a_row_from_before_intake_kept_the_text_reads_it_from_the_raw(logged_in, demo_forum):
    message = _take(_with_files(demo_forum))
    message.text_body, message.attachments = None, None  # as rows before the migration
    db.session.commit()
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    assert "Her er bilagene." in page and "Budget 2027 €.xlsx" in page
    db.session.expire_all()
    assert db.session.get(InboundMessage, message.id).text_body is None  # a GET writes nothing


def test_an_agenda_attachment_with_any_name_downloads(logged_in, demo_forum):
    from app.models import AgendaItem

    msg = EmailMessage()
    msg["From"], msg["To"] = "Anne <anne@x.test>", demo_forum.agenda_address
    msg["Subject"], msg["Message-ID"] = "Punkt", "<punkt@x.test>"
    msg.set_content("Et punkt")
    msg.add_attachment(b"pdf", maintype="application", subtype="pdf",
                       filename="Dagsorden – marts.pdf")
    _take(bytes(msg))
    item = db.session.scalars(select(AgendaItem)).one()
    file = item.attachments[0]
    response = logged_in.get(f"{BASE}/agenda/{item.id}/files/{file.id}")
    assert response.status_code == 200 and response.data == b"pdf"
    assert "filename*=UTF-8''Dagsorden%20%E2%80%93%20marts.pdf" in (
        response.headers["Content-Disposition"])


def test_unassigned_mail_is_shown_counted_and_can_be_given_to_the_forum(
        logged_in, post, demo_forum, make_forum):
    make_forum()  # two forums: mail to neither is nobody's
    huge = inbound.receive_oversized(
        40_000_000, mailbox="INBOX", uid=9, uidvalidity=1, limit=25_000_000,
        headers=b"From: a@x.test\r\nTo: ukendt@x.test\r\nSubject: Stor fil\r\n\r\n")
    lost = _take(b"From: b@x.test\r\nTo: ukendt@x.test\r\nSubject: Til hvem?\r\n"
                 b"Message-ID: <lost@x.test>\r\n\r\nHej, kan vi komme?\r\n")
    assert (huge.forum_id, lost.forum_id) == (None, None)
    assert lost.state is InboundState.quarantined
    listing = logged_in.get(f"{BASE}/mail/?show=review").get_data(as_text=True)
    assert "Stor fil" in listing and "Til hvem?" in listing
    assert listing.count("ikke tildelt") == 2
    overview = logged_in.get(f"{BASE}/").get_data(as_text=True)
    assert re.search(r"<strong>2</strong> mails skal ses igennem", overview)
    page = logged_in.get(f"{BASE}/mail/{huge.id}").get_data(as_text=True)
    assert "ikke tildelt" in page and "Giv den til dette forum" in page
    page = post(f"{BASE}/mail/{lost.id}/assign", follow_redirects=True).get_data(as_text=True)
    db.session.expire_all()
    lost = db.session.get(InboundMessage, lost.id)
    assert lost.forum_id == demo_forum.id and lost.state is InboundState.review
    assert any(f.startswith("Mailen hører nu til") for f in _flashes(page))


def test_answering_the_sender_sends_a_threaded_mail_after_the_commit(
        logged_in, post, demo_forum, december_and_february, work):
    from email import message_from_bytes, policy

    from app.models import OutboundMessage, OutboundState

    _dec, feb = december_and_february
    raw = _reply_to(feb, demo_forum, "Hvor holder vi mødet i februar?")
    raw = raw.replace(b"Message-ID: <svar-feb@x.test>",
                      b"Message-ID: <svar-feb@x.test>\nReferences: <inv-feb@forum.test>")
    message = _take(raw)
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    assert "Svar afsender" in page
    response = post(f"{BASE}/mail/{message.id}/reply",
                    {"text": "Mødet er i lokale 2.14.\n\nVel mødt"}, follow_redirects=True)
    assert f"Dit svar til {feb.person.email} bliver sendt." in _flashes(
        response.get_data(as_text=True))
    post(f"{BASE}/mail/{message.id}/reply", {"text": "Mødet er i lokale 2.14.\n\nVel mødt"})
    rows = db.session.scalars(select(OutboundMessage).filter_by(kind="reply")).all()
    assert len(rows) == 1 and rows[0].recipient == feb.person.email  # a double click: once
    assert db.session.get(InboundMessage, message.id).state is InboundState.applied
    work()
    row = db.session.get(OutboundMessage, rows[0].id)
    assert row.state is OutboundState.sent
    sent = message_from_bytes(row.raw, policy=policy.default)
    assert sent["In-Reply-To"] == "<svar-feb@x.test>"
    assert sent["References"] == "<inv-feb@forum.test> <svar-feb@x.test>"
    assert sent["Subject"] == "Sv: Indkaldelse" and feb.reply_token in sent["Reply-To"]


def test_an_empty_answer_is_refused(logged_in, post, demo_forum, december_and_february):
    _dec, feb = december_and_february
    message = _take(_reply_to(feb, demo_forum, "Hvor er mødet?"))
    page = post(f"{BASE}/mail/{message.id}/reply", {"text": "  "},
                follow_redirects=True).get_data(as_text=True)
    assert "Skriv svaret først." in _flashes(page)
    assert db.session.get(InboundMessage, message.id).state is InboundState.review


def test_without_an_open_matched_invitation_nothing_is_chosen_for_her(
        logged_in, post, demo_forum, december_and_february):
    dec, feb = december_and_february
    message = _take(_reply_to(feb, demo_forum, "Måske. Hvor er mødet?"))
    feb.meeting.start_dt = utcnow() - timedelta(hours=1)  # under way: no answers any more
    db.session.commit()
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    select_html = page[page.index('<select name="invitation_id"'):page.index("</select>")]
    assert '<option value="" selected disabled>Vælg indkaldelsen</option>' in select_html
    assert re.findall(r'<option value="(\d+)"', select_html) == [str(dec.id)]
    assert " selected" not in select_html.replace('value="" selected', "")
    page = post(f"{BASE}/mail/{message.id}/answer", {"invitation_id": "", "answer": "tentative"},
                follow_redirects=True).get_data(as_text=True)
    assert "Vælg en indkaldelse." in _flashes(page)


def test_a_bounce_is_not_answered(logged_in, post, demo_forum):
    raw = (f"From: MAILER-DAEMON@mx.x.test\r\nTo: {demo_forum.sender_address}\r\n"
           "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <b1@mx.x.test>\r\n"
           "X-Failed-Recipients: ukendt@x.test\r\n\r\nThis is the mail system.\r\n").encode()
    message = _take(raw)
    assert message.kind == "bounce"
    page = logged_in.get(f"{BASE}/mail/{message.id}").get_data(as_text=True)
    assert "Svar afsender" not in page
    page = post(f"{BASE}/mail/{message.id}/reply", {"text": "Hej"},
                follow_redirects=True).get_data(as_text=True)
    assert "Denne mail har ingen afsender at svare." in _flashes(page)
