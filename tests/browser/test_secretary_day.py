"""The secretary's day in a real browser: mail in, agenda, invitations, a decline, minutes.

Everything the secretary does goes through clicks and forms in Chromium against the app served
on loopback; members' mail goes in through the inbound pipeline and out through a real RQ
worker to the recording SMTP server.
"""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from playwright.sync_api import expect
from sqlalchemy import select

from app import jobs
from app.extensions import db
from app.models import (
    AgendaItem,
    AgendaStatus,
    InboundMessage,
    InboundState,
    Invitation,
    InvitationRole,
    InvitationStatus,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    OutboundMessage,
    Person,
    Seat,
    utcnow,
)
from app.services import inbound, invitations
from app.services import minutes as minutes_service
from tests.browser.conftest import DESKTOP, PHONE, login, screenshot, unlabelled_controls

BASE = "/forum/vesterbro"
TITLE = "Belysning i Skelbækgade"
DECLINING_SEAT = "Center for Socialpolitik og Udvikling"  # the first seat; it has an alternate
MINUTES_TEXT = "Forummet anbefaler, at Teknik- og Miljøforvaltningen skifter lamperne i januar."


def _parse(received):
    return email.message_from_bytes(received.data, policy=policy.default)


def _take_in(raw: bytes) -> InboundMessage:
    """Take RAW in as the IMAP worker would: store, decide, apply, commit, queue follow-ups."""
    message, created = inbound.receive(raw, mailbox="INBOX")
    assert created
    followups = inbound.process(message)
    db.session.commit()
    jobs.enqueue_all(followups)
    return message


def _outlook_forward(sender: Person, agenda_address: str) -> bytes:
    """Return a Danish Outlook 'VS:' forward of a residents' mail to the agenda address."""
    now = utcnow()
    body = (
        "Hej Birthe\n\n"
        "Kan vi få denne henvendelse på dagsordenen til næste møde?\n\n"
        f"Venlig hilsen\n{sender.name.split()[0]}\n\n"
        "________________________________\n"
        "Fra: Beboerforeningen Skelbækgade <bestyrelsen@skelbaekgade.example.dk>\n"
        "Sendt: 24. november 2026 09:12\n"
        f"Til: {sender.name} <{sender.email}>\n"
        f"Emne: {TITLE}\n\n"
        "Kære Samarbejdsforum\n\n"
        "Gadelamperne i Skelbækgade har været slukket i tre uger, og beboerne føler sig\n"
        "utrygge, når de går hjem om aftenen. Kan forummet tage det op med kommunen?\n\n"
        "Med venlig hilsen\nBestyrelsen, Beboerforeningen Skelbækgade\n"
    )
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = formataddr((sender.name, sender.email))
    mail["To"] = formataddr(("Dagsorden Samarbejdsforum", agenda_address))
    mail["Subject"] = f"VS: {TITLE}"
    mail["Thread-Topic"] = TITLE
    mail["Date"] = format_datetime(now - timedelta(minutes=5))
    mail["Message-ID"] = make_msgid(domain="DB9PR07MB7123.eurprd07.prod.outlook.com")
    mail["Accept-Language"] = "da-DK, en-US"
    mail["Content-Language"] = "da-DK"
    mail["X-MS-Has-Attach"] = ""
    mail.set_content(body, charset="iso-8859-1", cte="quoted-printable")
    return mail.as_bytes()


def _outlook_decline(invitation_mail, person: Person, text: str) -> bytes:
    """Return an Outlook reply 'SV:' to INVITATION_MAIL, with the original quoted below."""
    original = invitation_mail.get_body(("plain",)).get_content()
    reply_to = invitation_mail["Reply-To"].addresses[0]
    sender = invitation_mail["From"].addresses[0]
    body = (
        f"{text}\n\nMvh\n{person.name}\n\n"
        f"Fra: {sender.display_name} <{sender.addr_spec}>\n"
        f"Sendt: {invitation_mail['Date']}\n"
        f"Til: {person.name} <{person.email}>\n"
        f"Emne: {invitation_mail['Subject']}\n\n"
        f"{original}"
    )
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = formataddr((person.name, person.email))
    mail["To"] = formataddr((reply_to.display_name, reply_to.addr_spec))
    mail["Subject"] = f"SV: {invitation_mail['Subject']}"
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = make_msgid(domain="PAXPR02MB7312.eurprd02.prod.outlook.com")
    mail["In-Reply-To"] = invitation_mail["Message-ID"]
    mail["References"] = invitation_mail["Message-ID"]
    mail["Content-Language"] = "da-DK"
    mail.set_content(body, charset=_outlook_charset(body), cte="quoted-printable")
    return mail.as_bytes()


def _outlook_charset(text: str) -> str:
    """Return the charset Outlook picks for TEXT: Windows-1252 when it fits, else UTF-8."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return "utf-8"
    return "windows-1252"


def _next_meeting() -> Meeting:
    coming = select(Meeting).where(Meeting.start_dt >= utcnow()).order_by(Meeting.start_dt)
    return db.session.scalars(coming).first()


def _member_invitation(meeting: Meeting, seat_label: str) -> Invitation:
    return db.session.scalars(
        select(Invitation).join(Invitation.seat).where(
            Invitation.meeting_id == meeting.id, Invitation.role == InvitationRole.member,
            Seat.label == seat_label)).one()


def _reread() -> None:
    """See what the server thread committed: end the test session's transaction, forget rows."""
    db.session.commit()
    db.session.expire_all()


def _assert_labelled(page) -> None:
    assert unlabelled_controls(page) == [], page.url


def test_a_secretary_s_day(page, demo_forum, smtp, work):
    forum = demo_forum
    meeting = _next_meeting()
    forwarder = db.session.scalars(select(Person).filter_by(
        forum_id=forum.id, organisation="Gadejuristen").order_by(Person.id)).first()

    # Morning: log in.
    login(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(forum.name)
    expect(page.get_by_text("Ikke indkaldt endnu").first).to_be_visible()

    # A member forwards a residents' mail to the agenda address; she gets a receipt.
    message = _take_in(_outlook_forward(forwarder, forum.agenda_address))
    assert (message.kind, message.state) == ("agenda_item", InboundState.applied)
    work()
    (receipt,) = smtp.messages
    assert receipt.rcpt_tos == (forwarder.email,)
    smtp.reset()

    # The overview counts it; the queue shows it with its sender and text.
    page.reload()
    waiting = page.get_by_role("list", name="Kræver din opmærksomhed").get_by_role("link").first
    expect(waiting).to_contain_text("1")
    waiting.click()
    page.wait_for_url(f"**{BASE}/agenda/")
    item = page.locator("article.item", has=page.get_by_role("heading", name=TITLE))
    expect(item).to_contain_text(forwarder.email)
    expect(item).to_contain_text("Gadelamperne i Skelbækgade har været slukket")
    _assert_labelled(page)
    screenshot(page, "agenda.png")

    # Approve it into the meeting the form proposes: the next one.
    choice = item.get_by_label("Møde")
    expect(choice).to_have_value(str(meeting.id))
    item.get_by_role("button", name="Godkend").click()
    expect(page.get_by_role("status")).to_contain_text(f"»{TITLE}« er sat på dagsordenen.")
    expect(page.get_by_role("heading", name=TITLE)).to_have_count(0)
    _reread()
    row = db.session.scalars(select(AgendaItem).filter_by(title=TITLE)).one()
    assert (row.status, row.meeting_id, row.position) == (AgendaStatus.approved, meeting.id, 1)

    # Open the meeting from the overview and send the invitations.
    page.get_by_role("navigation", name="Afsnit").get_by_role("link", name="Oversigt").click()
    page.get_by_role("link", name="Gå til mødet").click()
    page.wait_for_url(f"**{BASE}/meetings/{meeting.id}/")
    expect(page.locator("#agenda")).to_contain_text(TITLE)
    _assert_labelled(page)
    page.get_by_role("button", name="Send indkaldelser").click()
    expect(page.get_by_role("status")).to_have_text("Indkaldelserne sendes.")
    work()

    _reread()
    invited = invitations.invitations_of(meeting)
    roles = {inv.role for inv in invited}
    assert roles == {InvitationRole.member, InvitationRole.guest}  # Q1: Socialudvalget too
    # The invitations (the submitter also hears that her item is on the agenda).
    received = [r for r in smtp.messages if any(
        part.get_param("method") == "REQUEST" for part in _parse(r).walk())]
    assert sorted(r.rcpt_tos[0] for r in received) == sorted(i.person.email for i in invited)
    page.reload()
    progress = page.locator("#progress")
    expect(progress.locator('[data-k="sent"]')).to_have_text(str(len(invited)))
    expect(progress.locator('[data-k="queued"]')).to_have_text("0")
    expect(progress.locator('[data-k="failed"]')).to_have_text("0")
    expect(page.locator(".meeting-head")).to_contain_text("Indkaldt")
    expect(page.get_by_role("button", name="Send til dem, der ikke er indkaldt endnu")
           ).to_be_visible()

    # A member declines by replying to her invitation.
    member_inv = _member_invitation(meeting, DECLINING_SEAT)
    member = member_inv.person
    (invitation_mail,) = [_parse(r) for r in received if r.rcpt_tos == (member.email,)]
    assert invitation_mail["Reply-To"].addresses[0].addr_spec != forum.sender_address
    smtp.reset()
    reply = _take_in(_outlook_decline(invitation_mail, member, "Jeg må desværre melde afbud"))
    assert (reply.kind, reply.rsvp, reply.state) == ("rsvp", "declined", InboundState.applied)
    work()
    _reread()
    assert member_inv.status is InvitationStatus.declined
    alternate_inv = invitations.standing_in(member_inv)
    assert alternate_inv is not None and alternate_inv.status is InvitationStatus.pending
    got = {r.rcpt_tos[0] for r in smtp.messages}
    assert alternate_inv.person.email in got  # the alternate is called in by mail

    # The overview shows the seat covered by the alternate.
    page.get_by_role("navigation", name="Afsnit").get_by_role("link", name="Oversigt").click()
    seat_row = page.locator("table.coverage tbody tr", has=page.get_by_role(
        "rowheader", name=DECLINING_SEAT, exact=True))
    expect(seat_row.locator("td").first).to_have_text("Suppleant indkaldt")
    expect(seat_row).to_contain_text(f"{member.name} (Kommer ikke)")
    expect(seat_row).to_contain_text(f"Suppleant: {alternate_inv.person.name} (Intet svar)")
    expect(page.locator("p.summary")).to_contain_text("Suppleant indkaldt 1")
    _assert_labelled(page)
    screenshot(page, "overview.png")
    page.set_viewport_size(PHONE)
    page.evaluate("document.getElementById('next-h').scrollIntoView()")  # show the coverage
    screenshot(page, "overview-phone.png")
    page.set_viewport_size(DESKTOP)

    # The meeting page's answers table says how the answer came.
    page.locator("section[aria-labelledby=next-h] .meeting-head a").click()
    page.wait_for_url(f"**{BASE}/meetings/{meeting.id}/")
    answer_row = page.locator("table.answers tbody tr", has=page.get_by_role(
        "rowheader", name=member.name))
    expect(answer_row).to_contain_text("Kommer ikke")
    expect(answer_row).to_contain_text("på mail")

    # After the meeting: write the minutes, approve and send them.
    meeting.start_dt, meeting.end_dt = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    db.session.commit()
    smtp.reset()
    page.reload()
    page.locator("#agenda").get_by_role("link", name="Referat").click()
    page.wait_for_url(f"**{BASE}/meetings/{meeting.id}/minutes/")
    expect(page.get_by_label("Fremmøde")).to_contain_text(member.name)
    _assert_labelled(page)
    section = page.get_by_label(f"1. {TITLE}")
    section.fill(MINUTES_TEXT)
    page.get_by_role("button", name="Gem udkast").click()
    expect(page.get_by_role("status")).to_have_text("Gemt.")
    expect(page.locator("pre.preview")).to_contain_text(MINUTES_TEXT)
    page.get_by_role("button", name="Godkend").click()
    expect(page.get_by_role("status")).to_have_text("Referatet er godkendt.")
    send = page.get_by_role("button", name="Send referatet til")
    count = int(send.inner_text().split()[-2])
    send.click()
    expect(page.get_by_role("status")).to_have_text(f"Referatet sendes til {count} personer.")
    work()

    _reread()
    assert meeting.status is MeetingStatus.minutes_sent
    assert minutes_service.find(meeting).status is MinutesStatus.sent
    rows = db.session.scalars(select(OutboundMessage).filter_by(kind="minutes")).all()
    assert len(rows) == count
    minutes_mails = [_parse(r) for r in smtp.messages]
    assert sorted(m["To"].addresses[0].addr_spec for m in minutes_mails) == sorted(
        r.recipient for r in rows)
    for mail in minutes_mails:  # the plain text is wrapped: compare words
        assert MINUTES_TEXT in " ".join(mail.get_body(("plain",)).get_content().split())
    assert alternate_inv.person.email in {r.recipient for r in rows}
    page.reload()
    expect(page.locator(".decide")).to_contain_text("Sendt ")


def test_opening_the_minutes_of_a_coming_meeting_keeps_it_coming(page, demo_forum):
    meeting = _next_meeting()
    invitations.invite(meeting)
    db.session.commit()
    login(page)
    page.goto(f"{BASE}/meetings/{meeting.id}/minutes/")
    page.goto(f"{BASE}/meetings/{meeting.id}/")
    _reread()
    assert meeting.start_dt > utcnow() + timedelta(days=30)
    assert meeting.status is MeetingStatus.invited
    expect(page.get_by_role("button", name="Send til dem, der ikke er indkaldt endnu")
           ).to_be_visible()
