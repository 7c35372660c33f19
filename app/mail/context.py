"""Plain data the pipeline needs to understand one inbound mail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class InvitationRef:
    """One invitation as the matcher sees it."""

    id: int
    email: str  # the invited person's address, lowercase
    meeting_uid: str  # iCalendar UID of the meeting
    status: str  # pending/accepted/declined/tentative/replaced
    #: The SEQUENCE this person's latest invitation carried, and the meeting's start (UTC):
    #: a calendar reply to an older version or another time is no answer to this one.
    sequence: int = 0
    start: datetime | None = None


@dataclass(frozen=True)
class MailContext:
    """What the app knows when a mail arrives."""

    # Production passes lazy DB-backed mappings: use only .get(), [] and `in`, never iterate.

    sender_address: str
    agenda_address: str
    own_addresses: frozenset[str]
    token_secret: bytes
    invitations: Mapping[int, InvitationRef] = field(default_factory=dict)
    message_ids: Mapping[str, int] = field(default_factory=dict)
    uid_attendees: Mapping[tuple[str, str], int] = field(default_factory=dict)
    open_invitations: Mapping[str, Sequence[int]] = field(default_factory=dict)
    #: authserv-ids of our receiving servers, lowercase: only their Authentication-Results
    #: can prove a sender (see authresults.py).
    trusted_authserv_ids: frozenset[str] = frozenset()
    #: Message-ID of any mail we sent -> its recipient, lowercase (a bounce must name one).
    sent_messages: Mapping[str, str] = field(default_factory=dict)
    #: Ledger id of any mail we sent -> its recipient, for per-message return paths.
    outbound_recipients: Mapping[int, str] = field(default_factory=dict)
    #: Message-ID of any mail we sent -> its kind (invitation, reminder, confirmation,
    #: alternate_called, ...): a reply to a notice that asked nothing is rarely an answer.
    message_kinds: Mapping[str, str] = field(default_factory=dict)
    #: Address of each person of the forum, lowercase -> their id: a token held by
    #: another of them is not the invitee answering.
    people: Mapping[str, int] = field(default_factory=dict)
