"""The pipeline's context for one forum: its addresses and lazy lookups in the database.

The pure pipeline only ever asks `.get(key)` of these mappings, so each lookup
is one small query, made only when a message needs it. A batch of mail reads the
keys its messages will ask for ahead, a query per kind for the whole batch (`warm`).
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app
from sqlalchemy import bindparam, select

from app.extensions import db
from app.mail.context import InvitationRef, MailContext
from app.mail.matching import Wanted
from app.models import Forum, Invitation, InvitationStatus, Meeting, OutboundMessage, Person, utcnow
from app.services import pending
from app.services.invitations import token_secret


class _Lookup(Mapping):
    """A read-only mapping answered by a query per key, or by what a batch read ahead;
    it cannot be iterated."""

    def __init__(self, forum_id: int) -> None:
        self.forum_id = forum_id
        #: Keys read ahead (see warm), with None for those the database does not hold.
        self.known: dict = {}
        #: Set when KNOWN holds every key there is: a key not among them has no value.
        self.complete = False

    def __iter__(self):
        raise TypeError("a database lookup cannot be iterated")

    def __len__(self) -> int:
        raise TypeError("a database lookup has no length")

    def __getitem__(self, key):
        key = self.normal(key)
        if key in self.known or self.complete:
            value = self.known.get(key)
        else:
            with pending.reading(Invitation, Meeting, OutboundMessage, Person):
                value = self.lookup(key)
        if value is None:
            raise KeyError(key)
        return value

    def normal(self, key):
        """Return KEY as the lookup and its read-ahead store it."""
        return key

    def forget(self, keep=lambda key, value: False) -> None:
        """Drop what was read ahead but what KEEP(key, value) says still holds."""
        self.known = {k: v for k, v in self.known.items() if keep(k, v)}
        self.complete = False


# Built once: a batch of mail asks thousands of these, and building a statement
# costs more than running it.
_BY_ID = (
    select(Invitation.id, Person.email, Meeting.ical_uid, Invitation.status,
           Meeting.sequence + 2 * Invitation.releases, Meeting.start_dt)
    .join(Person, Invitation.person_id == Person.id)
    .join(Meeting, Invitation.meeting_id == Meeting.id)
    .where(Invitation.id == bindparam("key"), Meeting.forum_id == bindparam("forum_id"))
)
_BY_MESSAGE_ID = select(OutboundMessage.invitation_id).where(
    OutboundMessage.message_id == bindparam("key"),
    OutboundMessage.forum_id == bindparam("forum_id"),
)
_SENT_BY_MESSAGE_ID = select(OutboundMessage.recipient).where(
    OutboundMessage.message_id == bindparam("key"),
    OutboundMessage.forum_id == bindparam("forum_id"),
)
_KIND_BY_MESSAGE_ID = select(OutboundMessage.kind).where(
    OutboundMessage.message_id == bindparam("key"),
    OutboundMessage.forum_id == bindparam("forum_id"),
)
_PERSON_BY_EMAIL = select(Person.id).where(
    Person.email == bindparam("email"), Person.forum_id == bindparam("forum_id"))
_SENT_BY_ID = select(OutboundMessage.recipient).where(
    OutboundMessage.id == bindparam("key"),
    OutboundMessage.forum_id == bindparam("forum_id"),
)
_BY_UID_ATTENDEE = (
    select(Invitation.id)
    .join(Person, Invitation.person_id == Person.id)
    .join(Meeting, Invitation.meeting_id == Meeting.id)
    .where(Meeting.ical_uid == bindparam("uid"), Person.email == bindparam("email"),
           Meeting.forum_id == bindparam("forum_id"))
)
_OPEN_BY_EMAIL = (
    select(Invitation.id)
    .join(Person, Invitation.person_id == Person.id)
    .join(Meeting, Invitation.meeting_id == Meeting.id)
    .where(Person.email == bindparam("email"), Meeting.forum_id == bindparam("forum_id"),
           Meeting.end_dt >= bindparam("now"),
           Invitation.status != InvitationStatus.replaced)
    .order_by(Invitation.id)
)


class InvitationsById(_Lookup):
    """Invitation id -> InvitationRef, within the forum."""

    def lookup(self, key):
        """Return the reference of invitation KEY of this forum."""
        row = db.session.execute(_BY_ID, {"key": key, "forum_id": self.forum_id}).first()
        if row is None:
            return None
        # The personal SEQUENCE, as app.services.notify gives each copy.
        return InvitationRef(row[0], row[1], row[2], row[3].value, row[4], row[5])


class _ByMessageId(_Lookup):
    """A lookup keyed by one of our Message-IDs, with or without its angle brackets."""

    def normal(self, key):
        """Return the Message-ID without angle brackets."""
        return str(key).strip("<>")


class InvitationsByMessageId(_ByMessageId):
    """Outbound Message-ID -> the invitation it was about."""

    def lookup(self, key):
        """Return the invitation id of the outbound message KEY."""
        return db.session.scalar(_BY_MESSAGE_ID, {"key": key, "forum_id": self.forum_id})


class RecipientsByMessageId(_ByMessageId):
    """Outbound Message-ID -> whom that mail went to."""

    def lookup(self, key):
        """Return the recipient of the outbound message KEY, lowercase."""
        found = db.session.scalar(_SENT_BY_MESSAGE_ID, {"key": key, "forum_id": self.forum_id})
        return found.lower() if found else None


class KindsByMessageId(_ByMessageId):
    """Outbound Message-ID -> what kind of mail it was (invitation, confirmation, ...)."""

    def lookup(self, key):
        """Return the kind of the outbound message KEY."""
        return db.session.scalar(_KIND_BY_MESSAGE_ID, {"key": key, "forum_id": self.forum_id})


class PeopleByEmail(_Lookup):
    """Address of a person of the forum -> their id."""

    def normal(self, key):
        """Return the address as stored: trimmed, lowercase."""
        return str(key).strip().lower()

    def lookup(self, key):
        """Return the id of the forum's person whose address is KEY."""
        return db.session.scalar(_PERSON_BY_EMAIL, {"email": key, "forum_id": self.forum_id})

    def read_all(self) -> None:
        """Read the forum's whole roster, its people kept in the session for `person`."""
        with pending.reading(Person):
            self.people = list(db.session.scalars(select(Person).filter_by(
                forum_id=self.forum_id)))
        self.known = {person.email: person.id for person in self.people}
        self.complete = True

    def person(self, address: str) -> Person | None:
        """Return the forum's person with ADDRESS (whatever its case), if any."""
        person_id = self.get(address)
        return db.session.get(Person, person_id) if person_id is not None else None


class RecipientsByOutboundId(_Lookup):
    """Ledger id -> whom that mail went to."""

    def lookup(self, key):
        """Return the recipient of ledger row KEY, lowercase."""
        found = db.session.scalar(_SENT_BY_ID, {"key": key, "forum_id": self.forum_id})
        return found.lower() if found else None


class InvitationsByUidAttendee(_Lookup):
    """(meeting UID, attendee address) -> invitation id."""

    def lookup(self, key):
        """Return the invitation of KEY's attendee to KEY's meeting."""
        uid, email = key
        return db.session.scalar(_BY_UID_ATTENDEE, {"uid": uid, "email": str(email).lower(),
                                                    "forum_id": self.forum_id})


class OpenInvitationsByEmail(_Lookup):
    """Person address -> ids of their invitations to coming meetings."""

    def normal(self, key):
        """Return the address lowercase."""
        return str(key).lower()

    def lookup(self, key):
        """Return the ids of KEY's live invitations to meetings not yet over."""
        found = db.session.scalars(_OPEN_BY_EMAIL, {"email": key, "forum_id": self.forum_id,
                                                    "now": utcnow()})
        return list(found) or None


# What a batch reads ahead, a query each for all its messages of one forum.
_MANY_BY_ID = (
    select(Invitation.id, Person.email, Meeting.ical_uid, Invitation.status,
           Meeting.sequence + 2 * Invitation.releases, Meeting.start_dt)
    .join(Person, Invitation.person_id == Person.id)
    .join(Meeting, Invitation.meeting_id == Meeting.id)
    .where(Invitation.id.in_(bindparam("keys", expanding=True)),
           Meeting.forum_id == bindparam("forum_id"))
)
_MANY_BY_MESSAGE_ID = (
    select(OutboundMessage.message_id, OutboundMessage.invitation_id, OutboundMessage.kind,
           OutboundMessage.recipient)
    .where(OutboundMessage.message_id.in_(bindparam("keys", expanding=True)),
           OutboundMessage.forum_id == bindparam("forum_id"))
    .order_by(OutboundMessage.id.desc())  # the earliest row of a Message-ID wins
)
_MANY_OPEN_BY_EMAIL = (
    select(Person.email, Invitation.id)
    .join(Person, Invitation.person_id == Person.id)
    .join(Meeting, Invitation.meeting_id == Meeting.id)
    .where(Person.email.in_(bindparam("keys", expanding=True)),
           Meeting.forum_id == bindparam("forum_id"), Meeting.end_dt >= bindparam("now"),
           Invitation.status != InvitationStatus.replaced)
    .order_by(Invitation.id)
)


def warm(ctx: MailContext, wanted: list[Wanted]) -> None:
    """Read ahead what deciding the mails of WANTED will ask of CTX's lookups.

    A few queries for a whole batch instead of several per message; a key not read
    here is still looked up when asked.
    """
    forum_id = ctx.invitations.forum_id
    _warm_invitations(ctx, forum_id, {i for w in wanted for i in w.invitation_ids})
    _warm_message_ids(ctx, forum_id, {ctx.message_ids.normal(i)
                                      for w in wanted for i in w.message_ids})
    addresses = {ctx.open_invitations.normal(a) for w in wanted for a in w.addresses}
    _warm_open(ctx, forum_id, addresses)
    if not ctx.people.complete:  # a forum's roster is small: all of it, once
        ctx.people.read_all()


def _warm_invitations(ctx: MailContext, forum_id: int, keys: set[int]) -> None:
    """Read the invitations the tokens of a batch name."""
    keys -= ctx.invitations.known.keys()
    if not keys:
        return
    found = ctx.invitations.known
    found.update(dict.fromkeys(keys))
    with pending.reading(Invitation, Meeting, Person):
        rows = db.session.execute(_MANY_BY_ID, {"keys": sorted(keys), "forum_id": forum_id})
        for row in rows:
            found[row[0]] = InvitationRef(row[0], row[1], row[2], row[3].value, row[4], row[5])


def _warm_message_ids(ctx: MailContext, forum_id: int, keys: set[str]) -> None:
    """Read what we know of the Message-IDs a batch refers to: invitation, kind, recipient."""
    keys -= ctx.message_kinds.known.keys()
    if not keys:
        return
    lookups = (ctx.message_ids, ctx.message_kinds, ctx.sent_messages)
    for lookup in lookups:
        lookup.known.update(dict.fromkeys(keys))
    with pending.reading(OutboundMessage):
        rows = db.session.execute(_MANY_BY_MESSAGE_ID, {"keys": sorted(keys),
                                                        "forum_id": forum_id})
        for message_id, invitation_id, kind, recipient in rows:
            ctx.message_ids.known[message_id] = invitation_id
            ctx.message_kinds.known[message_id] = kind
            ctx.sent_messages.known[message_id] = recipient.lower() if recipient else None


def _warm_open(ctx: MailContext, forum_id: int, keys: set[str]) -> None:
    """Read the open invitations of a batch's senders."""
    keys -= ctx.open_invitations.known.keys()
    if not keys:
        return
    found: dict[str, list[int]] = {}
    with pending.reading(Invitation, Meeting, Person):
        rows = db.session.execute(_MANY_OPEN_BY_EMAIL, {"keys": sorted(keys), "now": utcnow(),
                                                        "forum_id": forum_id})
        for email, invitation_id in rows:
            found.setdefault(email, []).append(invitation_id)
    ctx.open_invitations.known.update({key: found.get(key) for key in keys})


def answered(ctx: MailContext, meeting_uid: str) -> None:
    """Forget what an answer applied to the meeting of MEETING_UID may have changed: its
    invitations' states, and who is invited (an alternate called in)."""
    ctx.invitations.forget(lambda key, ref: ref is None or ref.meeting_uid != meeting_uid)
    ctx.open_invitations.forget()
    ctx.uid_attendees.forget()


def own_addresses(forums: list[Forum]) -> frozenset[str]:
    """Return every address the app sends from."""
    found = set()
    for forum in forums:
        found |= {forum.sender_address.lower(), forum.agenda_address.lower()}
    return frozenset(found)


def trusted_authserv_ids() -> frozenset[str]:
    """Return the configured trusted authserv-ids, lowercase (a list or a comma string)."""
    value = current_app.config.get("MAIL_TRUSTED_AUTHSERV_IDS") or ()
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(i.strip().lower() for i in items if i.strip())


def context_for(forum: Forum, all_forums: list[Forum] | None = None) -> MailContext:
    """Return the pipeline's context for FORUM (ALL_FORUMS: every forum, if already loaded)."""
    if all_forums is None:
        all_forums = list(db.session.scalars(select(Forum)))
    return MailContext(
        sender_address=forum.sender_address.lower(),
        agenda_address=forum.agenda_address.lower(),
        own_addresses=own_addresses(all_forums),
        token_secret=token_secret(),
        invitations=InvitationsById(forum.id),
        message_ids=InvitationsByMessageId(forum.id),
        uid_attendees=InvitationsByUidAttendee(forum.id),
        open_invitations=OpenInvitationsByEmail(forum.id),
        trusted_authserv_ids=trusted_authserv_ids(),
        sent_messages=RecipientsByMessageId(forum.id),
        outbound_recipients=RecipientsByOutboundId(forum.id),
        message_kinds=KindsByMessageId(forum.id),
        people=PeopleByEmail(forum.id),
    )
