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


#: The people the fixtures replying to our notices come from: invitation id -> (address,
#: the answer recorded when the notice went out).
ANSWERED = {
    51: ("hanne.moeller@kommune.example.dk", "declined"),  # her alternate is called in
    52: ("morten.kjaer@icloud.com", "accepted"),
    53: ("sarah.wilson@example.org", "accepted"),
    54: ("jens.hansen@fagforening.example.dk", "pending"),  # reminded
    55: ("ole.nielsen@outlook.dk", "declined"),
    56: ("camilla.friis@icloud.com", "tentative"),
    57: ("birthe.lund@gmail.com", "accepted"),
}
#: Our notices those fixtures reply to: Message-ID -> (invitation id, kind).
NOTICES = {
    "alt-51-20260226T081500@samarbejdsforum.test": (51, "alternate_called"),
    "rem-54-20260305T070000@samarbejdsforum.test": (54, "reminder"),
    **{f"conf-{i}-20260225T141000@samarbejdsforum.test": (i, "confirmation")
       for i in (52, 53, 55, 56, 57)},
}
#: A person of the forum with no invitation: the alternate of invitation 46.
ALTERNATE = "thomas.berg@kommune.example.dk"

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
    emails = {**PEOPLE, **{i: email for i, (email, _) in ANSWERED.items()}}
    refs = {i: InvitationRef(i, email, MEETING_UID, "pending") for i, email in PEOPLE.items()}
    refs[50] = InvitationRef(50, PEOPLE[50], "sf-2026-04-16-0001@samarbejdsforum.test", "pending")
    refs.update({i: InvitationRef(i, email, MEETING_UID, status)
                 for i, (email, status) in ANSWERED.items()})
    open_invitations: dict[str, list[int]] = {}
    for i, email in emails.items():
        open_invitations.setdefault(email, []).append(i)
    sent = {message_id(i): TYPOS.get(i, email) for i, email in emails.items()}
    sent.update({msgid: emails[i] for msgid, (i, _) in NOTICES.items()})
    addresses = dict.fromkeys([*emails.values(), ALTERNATE])  # 49 and 50: one person
    people = {email: 100 + n for n, email in enumerate(addresses)}
    return MailContext(
        sender_address=SENDER,
        agenda_address=AGENDA,
        own_addresses=OWN,
        token_secret=SECRET,
        invitations=refs,
        message_ids={**{message_id(i): i for i in emails},
                     **{msgid: i for msgid, (i, _) in NOTICES.items()}},
        uid_attendees={(ref.meeting_uid, ref.email): i for i, ref in refs.items()},
        open_invitations=open_invitations,
        trusted_authserv_ids=frozenset({AUTHSERV}),
        sent_messages=sent,
        message_kinds={**{message_id(i): "invitation" for i in emails},
                       **{msgid: kind for msgid, (_, kind) in NOTICES.items()}},
        people=people,
    )
