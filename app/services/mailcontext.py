"""The pipeline's context for one forum: its addresses and lazy lookups in the database.

The pure pipeline only ever asks `.get(key)` of these mappings, so each lookup
is one small query, made only when a message needs it.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app
from sqlalchemy import bindparam, select

from app.extensions import db
from app.mail.context import InvitationRef, MailContext
from app.models import Forum, Invitation, InvitationStatus, Meeting, OutboundMessage, Person, utcnow
from app.services import pending
from app.services.invitations import token_secret


class _Lookup(Mapping):
    """A read-only mapping answered by a query per key; it cannot be iterated."""

    def __init__(self, forum_id: int) -> None:
        self.forum_id = forum_id

    def __iter__(self):
        raise TypeError("a database lookup cannot be iterated")

    def __len__(self) -> int:
        raise TypeError("a database lookup has no length")

    def __getitem__(self, key):
        with pending.reading(Invitation, Meeting, OutboundMessage, Person):
            value = self.lookup(key)
        if value is None:
            raise KeyError(key)
        return value


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


class InvitationsByMessageId(_Lookup):
    """Outbound Message-ID -> the invitation it was about."""

    def lookup(self, key):
        """Return the invitation id of the outbound message KEY."""
        return db.session.scalar(_BY_MESSAGE_ID, {"key": str(key).strip("<>"),
                                                  "forum_id": self.forum_id})


class RecipientsByMessageId(_Lookup):
    """Outbound Message-ID -> whom that mail went to."""

    def lookup(self, key):
        """Return the recipient of the outbound message KEY, lowercase."""
        found = db.session.scalar(_SENT_BY_MESSAGE_ID, {"key": str(key).strip("<>"),
                                                        "forum_id": self.forum_id})
        return found.lower() if found else None


class KindsByMessageId(_Lookup):
    """Outbound Message-ID -> what kind of mail it was (invitation, confirmation, ...)."""

    def lookup(self, key):
        """Return the kind of the outbound message KEY."""
        return db.session.scalar(_KIND_BY_MESSAGE_ID, {"key": str(key).strip("<>"),
                                                       "forum_id": self.forum_id})


class PeopleByEmail(_Lookup):
    """Address of a person of the forum -> their id."""

    def lookup(self, key):
        """Return the id of the forum's person whose address is KEY."""
        return db.session.scalar(_PERSON_BY_EMAIL, {"email": str(key).strip().lower(),
                                                    "forum_id": self.forum_id})


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

    def lookup(self, key):
        """Return the ids of KEY's live invitations to meetings not yet over."""
        found = db.session.scalars(_OPEN_BY_EMAIL, {"email": str(key).lower(),
                                                    "forum_id": self.forum_id,
                                                    "now": utcnow()})
        return list(found) or None


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
