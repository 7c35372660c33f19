"""Shared inputs for the compose tests and the named messages the snapshots cover."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage

from app.mail import compose as c
from app.mail.compose_notices import compose_agenda_approved
from app.mail.compose_reply import compose_reply
from app.mail.messages import (
    AgendaLine,
    Attachment,
    ForumInfo,
    MeetingInfo,
    MinutesInfo,
    MinutesItem,
    RecipientInfo,
)
from app.mail.tokens import make_token

SECRET = b"test-secret"
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
MSGID = "<fixed.0001@samarbejdsforum.test>"
INVITATION_ID = 4711
TOKEN = make_token(INVITATION_ID, SECRET)

FORUM = ForumInfo(
    name="Samarbejdsforum",
    sender_address="sekretariat@samarbejdsforum.test",
    sender_name="Sekretariatet",
    agenda_address="dagsorden@samarbejdsforum.test",
    domain="samarbejdsforum.test",
    base_url="https://forumpost.test/",
)
FORUM_EN = replace(FORUM, language="en")

MEETING = MeetingInfo(
    uid="meeting-17@samarbejdsforum.test",
    sequence=0,
    start=datetime(2026, 12, 8, 15, 0, tzinfo=UTC),
    end=datetime(2026, 12, 8, 17, 0, tzinfo=UTC),
    location="Københavns Rådhus, Udvalgsværelse 2",
    title="Møde i Samarbejdsforum",
    kind="ordinary",
    agenda=[
        AgendaLine(1, "Godkendelse af dagsorden"),
        AgendaLine(
            2,
            "Budget 2027",
            "Forvaltningen fremlægger forslaget til budget 2027, herunder de foreslåede "
            "omprioriteringer på ældreområdet og konsekvenserne for personalet.",
        ),
        AgendaLine(3, "Eventuelt"),
    ],
    status="confirmed",
)
MOVED = replace(
    MEETING,
    sequence=1,
    start=datetime(2026, 12, 10, 15, 0, tzinfo=UTC),
    end=datetime(2026, 12, 10, 17, 0, tzinfo=UTC),
    location="Borgernes Hus, Lokale 3",
)

EXTRAORDINARY = replace(MEETING, title="Ekstraordinært møde i Samarbejdsforum",
                        kind="extraordinary")

# The caller bumps SEQUENCE before uninviting an alternate, as for any CANCEL.
RELEASED = replace(MEETING, sequence=1)

MEMBER = RecipientInfo("Mette Jensen", "mette.jensen@example.dk", None, "member", "FOA")
MEMBER_EN = replace(MEMBER, name="Sarah Miller", email="sarah@example.com", language="en")
ALTERNATE = RecipientInfo(
    "Jens Hansen", "jens.hansen@example.dk", None, "alternate", "FOA", stands_in_for="Mette Jensen"
)
ALTERNATE_EN = replace(ALTERNATE, language="en")
GUEST = RecipientInfo("Ole Gæst", "ole@example.dk", None, "guest", "")

MINUTES = MinutesInfo(
    items=[
        MinutesItem(1, "Godkendelse af dagsorden", "Dagsordenen blev godkendt."),
        MinutesItem(
            2,
            "Budget 2027",
            "Forvaltningen gennemgik forslaget.\n\nForummet bakker op om forslaget, men "
            "ønsker en ny drøftelse af omprioriteringerne på ældreområdet i februar.",
        ),
    ],
    attendance=["Mette Jensen (FOA)", "Jens Hansen (suppleant for Lars Holm, 3F)"],
    attachments=[Attachment("Budget 2027.pdf", "application/pdf", b"%PDF-1.4 fake\x00\xff")],
)

STAMP = {"now": NOW, "message_id": MSGID}

# Every message the snapshots pin down, by the snapshot file name.
#: The agenda as the final agenda job attaches it (the bytes are WeasyPrint's in production).
AGENDA_PDF = Attachment("dagsorden-2026-12-08.pdf", "application/pdf", b"%PDF-1.7\n%stand-in\n")

CASES: dict[str, Callable[[], EmailMessage]] = {
    "invitation_member_da": lambda: c.compose_invitation(FORUM, MEETING, MEMBER, TOKEN, **STAMP),
    "invitation_member_en": lambda: c.compose_invitation(FORUM, MEETING, MEMBER_EN, TOKEN, **STAMP),
    "invitation_alternate_da": lambda: c.compose_invitation(
        FORUM, MEETING, ALTERNATE, TOKEN, **STAMP
    ),
    "invitation_alternate_en": lambda: c.compose_invitation(
        FORUM, MEETING, ALTERNATE_EN, TOKEN, **STAMP
    ),
    "invitation_guest_da": lambda: c.compose_invitation(FORUM, MEETING, GUEST, TOKEN, **STAMP),
    "invitation_updated_da": lambda: c.compose_invitation(
        FORUM, MOVED, MEMBER, TOKEN, updated=True, **STAMP
    ),
    "invitation_updated_en": lambda: c.compose_invitation(
        FORUM, MOVED, MEMBER_EN, TOKEN, updated=True, **STAMP
    ),
    "cancellation_meeting_da": lambda: c.compose_cancellation(
        FORUM, MOVED, MEMBER, TOKEN, "For få tilmeldte.", **STAMP
    ),
    "cancellation_meeting_en": lambda: c.compose_cancellation(
        FORUM, MOVED, MEMBER_EN, TOKEN, "Too few members can attend.", **STAMP
    ),
    "cancellation_released_da": lambda: c.compose_cancellation(
        FORUM, RELEASED, ALTERNATE, TOKEN, kind="alternate_released", **STAMP
    ),
    "cancellation_released_en": lambda: c.compose_cancellation(
        FORUM, RELEASED, ALTERNATE_EN, TOKEN, kind="alternate_released", **STAMP
    ),
    "cancellation_withdrawn_da": lambda: c.compose_cancellation(
        FORUM, RELEASED, MEMBER, TOKEN, kind="withdrawn_mandate", **STAMP
    ),
    "cancellation_withdrawn_en": lambda: c.compose_cancellation(
        FORUM, RELEASED, MEMBER_EN, TOKEN, kind="withdrawn_mandate", **STAMP
    ),
    "cancellation_withdrawn_guest_da": lambda: c.compose_cancellation(
        FORUM, RELEASED, GUEST, TOKEN, kind="withdrawn_guest", **STAMP
    ),
    "reminder_da": lambda: c.compose_reminder(FORUM, MEETING, MEMBER, TOKEN, **STAMP),
    "reminder_en": lambda: c.compose_reminder(FORUM, MEETING, MEMBER_EN, TOKEN, **STAMP),
    "final_agenda_da": lambda: c.compose_final_agenda(FORUM, MEETING, MEMBER, **STAMP),
    "final_agenda_en": lambda: c.compose_final_agenda(FORUM, MEETING, MEMBER_EN, **STAMP),
    "final_agenda_with_pdf_da": lambda: c.compose_final_agenda(
        FORUM, MEETING, MEMBER, paper=AGENDA_PDF, **STAMP
    ),
    "final_agenda_with_pdf_en": lambda: c.compose_final_agenda(
        FORUM, MEETING, MEMBER_EN, paper=AGENDA_PDF, **STAMP
    ),
    "minutes_da": lambda: c.compose_minutes(FORUM, MEETING, MINUTES, MEMBER, **STAMP),
    "minutes_en": lambda: c.compose_minutes(FORUM, MEETING, MINUTES, MEMBER_EN, **STAMP),
    "alternate_called_da": lambda: c.compose_alternate_called(
        FORUM, MEETING, MEMBER, ALTERNATE, token=TOKEN, **STAMP
    ),
    "alternate_called_en": lambda: c.compose_alternate_called(
        FORUM, MEETING, MEMBER_EN, ALTERNATE, token=TOKEN, **STAMP
    ),
    "seat_unrepresented_da": lambda: c.compose_seat_unrepresented(
        FORUM, MEETING, "FOA", MEMBER, ALTERNATE, **STAMP
    ),
    "seat_unrepresented_no_alternate_en": lambda: c.compose_seat_unrepresented(
        FORUM_EN, MEETING, "FOA", MEMBER, None, **STAMP
    ),
    "rsvp_accepted_da": lambda: c.compose_rsvp_confirmation(
        FORUM, MEETING, MEMBER, "accepted", token=TOKEN, **STAMP
    ),
    "rsvp_accepted_en": lambda: c.compose_rsvp_confirmation(
        FORUM, MEETING, MEMBER_EN, "accepted", token=TOKEN, **STAMP
    ),
    "rsvp_declined_alternate_da": lambda: c.compose_rsvp_confirmation(
        FORUM, MEETING, MEMBER, "declined", "Jens Hansen", token=TOKEN, **STAMP
    ),
    "rsvp_declined_alternate_en": lambda: c.compose_rsvp_confirmation(
        FORUM, MEETING, MEMBER_EN, "declined", "Jens Hansen", token=TOKEN, **STAMP
    ),
    "rsvp_declined_da": lambda: c.compose_rsvp_confirmation(
        FORUM, MEETING, MEMBER, "declined", token=TOKEN, **STAMP
    ),
    "rsvp_tentative_da": lambda: c.compose_rsvp_confirmation(
        FORUM, MEETING, MEMBER, "tentative", token=TOKEN, **STAMP
    ),
    "rsvp_tentative_en": lambda: c.compose_rsvp_confirmation(
        FORUM, MEETING, MEMBER_EN, "tentative", token=TOKEN, **STAMP
    ),
    "agenda_receipt_da": lambda: c.compose_agenda_receipt(
        FORUM, "Trivselsmåling 2027", MEMBER, **STAMP
    ),
    "agenda_receipt_en": lambda: c.compose_agenda_receipt(
        FORUM, "Well-being survey 2027", MEMBER_EN, **STAMP
    ),
    "agenda_rejected_da": lambda: c.compose_agenda_rejected(
        FORUM, "Julefrokost", "Punktet hører under personaleforeningen.", MEMBER, **STAMP
    ),
    "agenda_rejected_en": lambda: c.compose_agenda_rejected(
        FORUM, "Christmas lunch", "This belongs to the staff association.", MEMBER_EN, **STAMP
    ),
    "agenda_approved_da": lambda: compose_agenda_approved(
        FORUM, "Trivselsmåling 2027", MEETING, MEMBER, **STAMP
    ),
    "agenda_approved_en": lambda: compose_agenda_approved(
        FORUM, "Well-being survey 2027", MEETING, MEMBER_EN, **STAMP
    ),
    # The secretary's own answer from the Post page: threaded, not automatic.
    "secretary_reply_da": lambda: compose_reply(
        FORUM, MEMBER, "Sv: Indkaldelse", "Mødet er i lokale 2.14 på første sal.\n\nVel mødt",
        in_reply_to="svar.17@example.dk", earlier_references=[MSGID], token=TOKEN, **STAMP
    ),
    "secretary_reply_en": lambda: compose_reply(
        FORUM, MEMBER_EN, "Question", "The meeting is in room 2.14 on the first floor.",
        in_reply_to="q.17@example.com", **STAMP
    ),
    # An extraordinary meeting is named so once, and a forum signing with its own name once.
    "invitation_extraordinary_da": lambda: c.compose_invitation(
        replace(FORUM, sender_name=FORUM.name), EXTRAORDINARY, MEMBER, TOKEN, **STAMP
    ),
}

# The cases that are sent without a person pressing a button for that very mail.
AUTOMATIC = {
    name
    for name in CASES
    if name.startswith(
        ("cancellation_released", "reminder", "alternate_called", "seat_", "rsvp_", "agenda_")
    )
}
