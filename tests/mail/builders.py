"""Contexts and paths the mail tests share."""

from __future__ import annotations

from pathlib import Path

from app.mail.context import InvitationRef, MailContext
from app.mail.tokens import make_token, reply_address

SECRET = b"forumpost-test-secret"
SENDER = "sekretariat@samarbejdsforum.test"
AGENDA = "dagsorden@samarbejdsforum.test"
OWN = frozenset({SENDER, AGENDA, "noreply@samarbejdsforum.test"})
#: Our receiving server: the fixture mails that arrived through it carry its verdict.
AUTHSERV = "mx.samarbejdsforum.test"
MEETING_UID = "sf-2026-03-12-0001@samarbejdsforum.test"
DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

# The people the fixture mails in tests/data come from, by invitation id.
PEOPLE = {
    42: "anne.jensen@example.dk",
    43: "peter.holm@outlook.com",
    44: "mette.larsen@gmail.com",
    45: "soren.ostergaard@icloud.com",
    46: "lars.baek@kommune.example.dk",
    47: "karen@fagforening.example.dk",
    48: "john.smith@example.org",
    49: "birgitte.due@example.dk",
    50: "birgitte.due@example.dk",
}


#: The two bounce fixtures tell of a member whose address was entered with a typo:
#: our mail went to that address, and the report names it.
TYPOS = {44: "mette.larsn@gmail.com", 49: "birgitte.due@exampel.dk"}


def message_id(invitation_id: int) -> str:
    """Return the Message-ID (without <>) our invitation mail had."""
    return f"inv-{invitation_id}-20260224T091200@samarbejdsforum.test"


def make_context(invitation_id: int = 42, email: str = "anne.jensen@example.dk",
                 uid: str = MEETING_UID, status: str = "pending",
                 open_ids: tuple[int, ...] | None = None) -> tuple[MailContext, str]:
    """Return a context with one invitation, and that invitation's reply address."""
    ref = InvitationRef(invitation_id, email, uid, status)
    ctx = MailContext(
        sender_address=SENDER,
        agenda_address=AGENDA,
        own_addresses=OWN,
        token_secret=SECRET,
        invitations={invitation_id: ref},
        message_ids={message_id(invitation_id): invitation_id},
        uid_attendees={(uid, email): invitation_id},
        open_invitations={email: list(open_ids or (invitation_id,))},
        trusted_authserv_ids=frozenset({AUTHSERV}),
        sent_messages={message_id(invitation_id): email},
    )
    return ctx, reply_address(SENDER, make_token(invitation_id, SECRET))


def proven(domain: str, authserv: str = AUTHSERV) -> str:
    """Return the Authentication-Results header our server adds to genuine mail from DOMAIN."""
    return (f"Authentication-Results: {authserv};\r\n\tdkim=pass header.d={domain};\r\n"
            f"\tspf=pass smtp.mailfrom={domain};\r\n\tdmarc=pass header.from={domain}\r\n")


def fixture_context() -> MailContext:
    """Return the context the fixture mails in tests/data were written against."""
    refs = {i: InvitationRef(i, email, MEETING_UID, "pending") for i, email in PEOPLE.items()}
    refs[50] = InvitationRef(50, PEOPLE[50], "sf-2026-04-16-0001@samarbejdsforum.test", "pending")
    open_invitations: dict[str, list[int]] = {}
    for i, email in PEOPLE.items():
        open_invitations.setdefault(email, []).append(i)
    return MailContext(
        sender_address=SENDER,
        agenda_address=AGENDA,
        own_addresses=OWN,
        token_secret=SECRET,
        invitations=refs,
        message_ids={message_id(i): i for i in PEOPLE},
        uid_attendees={(ref.meeting_uid, ref.email): i for i, ref in refs.items()},
        open_invitations=open_invitations,
        trusted_authserv_ids=frozenset({AUTHSERV}),
        sent_messages={message_id(i): TYPOS.get(i, email) for i, email in PEOPLE.items()},
    )
