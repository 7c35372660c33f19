"""The context the held-out mails were written against: six members, one meeting."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime

from app.mail.context import InvitationRef, MailContext
from app.mail.tokens import make_token, reply_address

SECRET = b"forumpost-heldout-secret"
SENDER = "sekretariat@samarbejdsforum.test"
AGENDA = "dagsorden@samarbejdsforum.test"
OWN = frozenset({SENDER, AGENDA, "noreply@samarbejdsforum.test"})
#: Our receiving server: only its Authentication-Results prove a sender.
AUTHSERV = "mx.samarbejdsforum.test"
MEETING_UID = "sf-2026-03-12-0001@samarbejdsforum.test"
#: Thursday 12 March 2026, 16.00-18.00 Copenhagen time.
START = datetime(2026, 3, 12, 15, 0, tzinfo=UTC)
TITLE = "Møde i Samarbejdsforum 12. marts 2026"


@dataclass(frozen=True)
class Member:
    """One invited member of the forum."""

    id: int  # the invitation id
    name: str
    email: str
    status: str


MEMBERS = {m.id: m for m in (
    Member(101, "Anne Kristensen", "anne.kristensen@gmail.com", "pending"),
    Member(102, "Mads Nørgaard", "mads.norgaard@outlook.com", "pending"),
    #: Henrik sent his apologies on 26 February; his alternate was called in.
    Member(103, "Henrik Lund", "hlu@kk.dk", "declined"),
    Member(104, "Camilla Brandt", "cbr004@politi.dk", "pending"),
    #: Jesper accepted on 25 February and got a confirmation.
    Member(105, "Jesper Vang", "jesper.vang@hk.dk", "accepted"),
    Member(106, "Lone Østergaard", "lone.ostergaard@hotmail.com", "pending"),
)}

#: Our mails that are not invitations but concern one: name -> (Message-ID, invitation id).
NOTICES = {
    "confirm-105": ("forumpost.note.105.20260225143011.91ab@samarbejdsforum.test", 105),
    "confirm-103": ("forumpost.note.103.20260226081540.2c7e@samarbejdsforum.test", 103),
    "alternate-103": ("forumpost.note.103.20260226081602.d41f@samarbejdsforum.test", 103),
    "reminder-106": ("forumpost.note.106.20260303070000.6b90@samarbejdsforum.test", 106),
}


def token(invitation_id: int) -> str:
    """Return the reply token of invitation INVITATION_ID."""
    return make_token(invitation_id, SECRET)


def token_address(invitation_id: int) -> str:
    """Return the Reply-To address our mails about INVITATION_ID carried."""
    return reply_address(SENDER, token(invitation_id))


def invitation_message_id(invitation_id: int) -> str:
    """Return the Message-ID (without <>) of our invitation mail to INVITATION_ID."""
    return f"forumpost.inv.{invitation_id}.20260224081200.5f2c@samarbejdsforum.test"


def _field_names(cls: type) -> set[str]:
    """Return the dataclass field names CLS has in the checkout being scored."""
    return {f.name for f in dataclasses.fields(cls)}


#: The outbound kind of each notice above, as the ledger names it.
_NOTICE_KINDS = {"confirm": "confirmation", "alternate": "alternate_called", "reminder": "reminder"}


def _ref(member: Member) -> InvitationRef:
    """Return the InvitationRef of MEMBER, with the fields this checkout knows."""
    extra = {"sequence": 0, "start": START}
    names = _field_names(InvitationRef)
    return InvitationRef(member.id, member.email, MEETING_UID, member.status,
                         **{k: v for k, v in extra.items() if k in names})


def build_context() -> MailContext:
    """Return the MailContext every held-out mail is decided with."""
    message_ids = {invitation_message_id(i): i for i in MEMBERS}
    sent = {invitation_message_id(i): m.email for i, m in MEMBERS.items()}
    for msgid, invitation_id in NOTICES.values():
        message_ids[msgid] = invitation_id
        sent[msgid] = MEMBERS[invitation_id].email
    kinds = {invitation_message_id(i): "invitation" for i in MEMBERS}
    kinds |= {msgid: _NOTICE_KINDS[name.split("-")[0]] for name, (msgid, _) in NOTICES.items()}
    optional = {
        "trusted_authserv_ids": frozenset({AUTHSERV}),
        "sent_messages": sent,
        "outbound_recipients": {},
        # What production's lookups answer too: the kind of each mail we sent, and the
        # forum's people by address (the invitation id stands in for the person's id).
        "message_kinds": kinds,
        "people": {m.email: m.id for m in MEMBERS.values()},
    }
    names = _field_names(MailContext)
    return MailContext(
        sender_address=SENDER,
        agenda_address=AGENDA,
        own_addresses=OWN,
        token_secret=SECRET,
        invitations={i: _ref(m) for i, m in MEMBERS.items()},
        message_ids=message_ids,
        uid_attendees={(MEETING_UID, m.email): i for i, m in MEMBERS.items()},
        open_invitations={m.email: [i] for i, m in MEMBERS.items()},
        **{k: v for k, v in optional.items() if k in names},
    )
