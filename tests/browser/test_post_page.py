"""The Post page in a real browser: the message itself, Danish reasons, the matched invitation.

A member answers the February meeting's invitation by mail, unsure and with a question, while
she is also invited to a meeting in December. The secretary opens the mail from the list: she
reads its text (the quoted invitation folded away), its attachment, and why it waits in Danish;
"Tæl som svar fra" has the February invitation chosen, and "Måske" records it there only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.mail.tokens import reply_address
from app.models import Invitation, InvitationStatus, Person, utcnow
from app.services import inbound, invitations, meetings
from tests.browser.conftest import login, screenshot

BASE = "/forum/vesterbro"


def _meetings(forum) -> tuple[Invitation, Invitation]:
    """Invite everyone to a meeting in December and one in February; return one member's two."""
    december = meetings.create_meeting(forum, utcnow() + timedelta(days=9))
    february = meetings.create_meeting(forum, datetime(2027, 2, 10, 15, tzinfo=UTC))
    invitations.invite(december)
    invitations.invite(february)
    db.session.commit()
    member = db.session.scalars(select(Person).where(Person.forum_id == forum.id)
                                .order_by(Person.id)).first()
    feb = next(i for i in february.invitations if i.person_id == member.id)
    dec = next(i for i in december.invitations if i.person_id == member.id)
    return dec, feb


def _answer(forum, invitation: Invitation) -> bytes:
    """Return the member's reply to the February invitation, as Outlook writes one."""
    person = invitation.person
    msg = EmailMessage()
    msg["From"] = f"{person.name} <{person.email}>"
    address = reply_address(forum.sender_address, invitation.reply_token)
    msg["To"] = f"{forum.sender_name} <{address}>"
    msg["Subject"] = "SV: Indkaldelse: Møde i Samarbejdsforum 10. februar"
    msg["Date"] = format_datetime(utcnow())
    msg["Message-ID"] = "<svar-februar@politi.test>"
    msg.set_content(
        "Hej Birthe\n\n"
        "Tak for indkaldelsen. Jeg ved ikke endnu, om jeg kan komme den 10. februar, "
        "da vi har beredskab i den uge.\n\n"
        "Hvornår skal I senest have et endeligt svar?\n\n"
        f"Mvh\n{person.name}\n\n"
        "Fra: Samarbejdsforum Vesterbro <sekretariat@samarbejdsforum.test>\n"
        "Sendt: 2. december 2026 10:14\n"
        f"Til: {person.name}\n"
        "Emne: Indkaldelse: Møde i Samarbejdsforum 10. februar\n\n"
        "Du er indkaldt til mødet i Samarbejdsforum onsdag den 10. februar 2027 kl. 16.00.\n")
    msg.add_attachment(b"%PDF-1.4\n% bilag\n", maintype="application", subtype="pdf",
                       filename="Beredskabsplan – februar.pdf")
    return bytes(msg)


def test_the_post_page_shows_the_mail_in_danish_and_counts_it_for_the_right_meeting(
        page, demo_forum):
    dec, feb = _meetings(demo_forum)
    message, _ = inbound.receive(_answer(demo_forum, feb))
    inbound.process(message)
    db.session.commit()
    dec_id, feb_id, name = dec.id, feb.id, feb.person.name

    login(page)
    nav = page.get_by_role("navigation", name="Afsnit")
    nav.get_by_role("link", name="Post", exact=True).click()
    page.get_by_role("link", name="Skal ses igennem").click()
    page.get_by_role("link", name=re.compile("Indkaldelse: Møde i Samarbejdsforum 10. februar"))\
        .click()
    page.wait_for_url(f"**{BASE}/mail/{message.id}")

    # The message itself: the member's words, the quoted invitation folded away, the file.
    body = page.locator("section.message")
    expect(body).to_contain_text("Jeg ved ikke endnu, om jeg kan komme den 10. februar")
    quoted = body.locator("details.quoted")
    expect(quoted.get_by_text("Du er indkaldt til mødet")).to_be_hidden()
    expect(body.get_by_role("link", name="Beredskabsplan – februar.pdf")).to_be_visible()

    # Why it waits, in Danish.
    reasons = page.locator("ul.reasons")
    expect(reasons).to_contain_text("teksten siger »ved ikke endnu«")
    expect(reasons).to_contain_text("indeholder et spørgsmål")
    expect(reasons).not_to_contain_text("contains a question")

    # The February invitation is chosen, not December's; only hers are offered.
    choice = page.get_by_label("Tæl som svar fra")
    expect(choice).to_have_value(str(feb_id))
    expect(choice.locator("option")).to_have_count(2)
    expect(choice.locator("option:checked")).to_contain_text("10. februar 2027")
    screenshot(page, "post.png", full_page=True)

    quoted.locator("summary").click()
    expect(quoted.get_by_text("Du er indkaldt til mødet")).to_be_visible()

    page.get_by_role("button", name="Måske").click()
    expect(page.get_by_role("status").filter(has_text=f"Talt som »måske« fra {name}"))\
        .to_be_visible()
    db.session.expire_all()
    assert db.session.get(Invitation, feb_id).status is InvitationStatus.tentative
    assert db.session.get(Invitation, dec_id).status is InvitationStatus.pending
